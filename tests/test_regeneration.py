"""Demo recordings and test data follow from the spec: ``scripts/build_demo_cassettes.py``
writes each value in a JSON type the spec allows (``testing.spec_types.conform``), and
tests/data holds the spec's example, so a type change in the spec is a rerun of that
script, not a hand edit."""

from __future__ import annotations

import datetime
import decimal
import runpy
from pathlib import Path
from typing import Any

import pytest

from mode_api_client.types import decode_json, json_type
from mode_query_runs.testing.schema_check import load_spec
from mode_query_runs.testing.spec_types import allowed_types, conform, conform_to
from support import SEED_PAGE

ROOT = Path(__file__).parent.parent
INTEGER = {"type": "integer"}
BUILD = runpy.run_path(str(ROOT / "scripts" / "build_demo_cassettes.py"))


def test_reference_page_data_is_the_specs_example() -> None:
    assert SEED_PAGE.read_text() == BUILD["reference_page_example"](), (
        "tests/data/reference_page_example.json is not the spec's referencePage example:"
        " run python scripts/build_demo_cassettes.py"
    )


@pytest.mark.parametrize(
    ("value", "schema", "written"),
    [
        (42, {"type": "string"}, "42"),
        ("42", {"type": "integer"}, 42),
        ("42", {"anyOf": [{"type": "integer"}, {"type": "null"}]}, 42),
        (42, {"anyOf": [{"type": "integer"}, {"type": "string"}]}, 42),
        (True, {"type": "string"}, "true"),
        ("false", {"type": "boolean"}, False),
        (2, {"type": "number"}, 2),
        ("2.5", {"type": ["number", "null"]}, 2.5),
        (None, {"type": ["string", "null"]}, None),
        ({"id": 7}, {"type": "object", "properties": {"id": {"type": "string"}}}, {"id": "7"}),
        ([1, 2], {"type": "array", "items": {"type": "string"}}, ["1", "2"]),
        ({"n": 1}, {"type": "object", "additionalProperties": {"type": "string"}}, {"n": "1"}),
        ({"n": 1}, {"type": "object"}, {"n": 1}),
    ],
)
def test_demo_values_are_written_in_a_type_the_schema_allows(
    value: Any, schema: dict[str, Any], written: Any
) -> None:
    assert conform(value, schema) == written
    assert type(conform(value, schema)) is type(written)


def test_a_demo_value_without_a_form_of_the_specs_type_names_its_place() -> None:
    with pytest.raises(ValueError) as caught:
        conform(
            {"runs": ["7", "abc"]},
            {"type": "object", "properties": {"runs": {"type": "array", "items": INTEGER}}},
        )
    assert str(caught.value) == (
        "$.runs[1]: the spec expects integer; the demo value 'abc' has no such form"
    )


def test_values_follow_the_specs_schemas_by_name() -> None:
    """Each value of a Query Run comes out in a type the spec gives it, whatever it gives."""
    body = {"id": "90205", "data_source_id": 42, "limit": "true", "max_result_bytes": "7"}
    properties = load_spec()["components"]["schemas"]["QueryRun"]["properties"]
    typed = conform_to({**body, "unnamed": 1}, "QueryRun")
    assert list(typed) == [*body, "unnamed"]
    for key, value in body.items():
        kinds = allowed_types(properties[key])
        assert json_type(typed[key]) in kinds, (key, kinds)
        if json_type(value) in kinds:
            assert typed[key] == value
        else:  # written as the same JSON text: 42 and "42", true and "true"
            assert str(typed[key]).lower() == str(value).lower()
    assert typed["unnamed"] == 1


def test_values_under_any_of_branches_follow_the_branch() -> None:
    """A relation is a Link or an array of Links (``anyOf``); a page's ``_embedded`` a
    collection or ``null``: the values inside them follow the branch's schema too."""
    links = conform_to(
        {"self": {"href": "/api/x", "templated": "true"}, "query": [{"href": 7}]},
        "QueryRunLinks",
    )
    assert links == {"self": {"href": "/api/x", "templated": True}, "query": [{"href": "7"}]}
    page = conform_to(
        {"_links": {"self": {"href": "/p"}}, "_embedded": {"query_runs": [{"id": 1, "token": 5}]}},
        "QueryRunCollection",
    )
    assert page["_embedded"] == {"query_runs": [{"id": 1, "token": "5"}]}


def test_all_of_parts_and_a_later_branch_apply() -> None:
    both = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"properties": {"b": INTEGER}},
        ]
    }
    assert conform({"a": 1, "b": "2"}, both) == {"a": "1", "b": 2}
    either = {
        "anyOf": [
            {"type": "object", "properties": {"a": INTEGER}},
            {"type": "object", "properties": {"a": {"type": "string"}, "n": INTEGER}},
        ]
    }
    assert conform({"a": "x", "n": "3"}, either) == {"a": "x", "n": 3}


@pytest.mark.parametrize(
    ("value", "schema", "message"),
    [
        (
            None,
            {"type": "string"},
            "$: the spec expects string; the demo value None has no such form",
        ),
        (
            "NaN",
            {"type": "number"},
            "$: the spec expects number; the demo value 'NaN' has no such form",
        ),
        (
            "1e999",
            {"type": "number"},
            "$: the spec expects number; the demo value '1e999' has no such form",
        ),
        (float("nan"), {"type": "string"}, "$: nan is not a JSON number"),
        (
            {"at": datetime.date(2026, 1, 2)},
            {"type": "object"},
            "$.at: a date is not a JSON value",
        ),
        (
            {"n": decimal.Decimal("1.5")},
            {"type": "object"},
            "$.n: a Decimal is not a JSON value",
        ),
        ({"pair": (1, 2)}, {"type": "object"}, "$.pair: a tuple is not a JSON value"),
        ({1: "a"}, {"type": "object"}, "$: the key 1 is not a string"),
        (
            10**5000,
            {"type": "string"},
            "$: the spec expects string; the demo value (an integer of 16610 bits) has no"
            " such form",
        ),
        (
            {"x": 1},
            {"$ref": "#/components/schemas/Nope"},
            "$: the spec has no schema '#/components/schemas/Nope'",
        ),
        (
            1,
            {"anyOf": [{"$ref": "#/components/schemas/Nope"}, INTEGER]},
            "$: the spec has no schema '#/components/schemas/Nope'",
        ),
        ({"x": 1}, {"$ref": 5}, "$: the spec has no schema 5"),
        (
            [10**5000],
            {"type": "string"},
            "$: the spec expects string; the demo value (too large to show) has no such form",
        ),
        (
            '{"self": {"href": 5}}',
            {"type": "object"},
            """$: the spec expects object; the demo value '{"self": {"href": 5}}' has no"""
            " such form",
        ),
        (
            {"p": {"when": [datetime.date(2026, 1, 2)]}},
            True,
            "$.p.when[0]: a date is not a JSON value",
        ),
        ({"p": {"n": [float("nan")]}}, {"type": "object"}, "$.p.n[0]: nan is not a JSON number"),
    ],
    ids=[
        "null-as-string",
        "NaN-text",
        "infinite-text",
        "nan",
        "date",
        "decimal",
        "tuple",
        "int-key",
        "huge-int",
        "unknown-ref",
        "unknown-ref-in-branch",
        "ref-not-text",
        "list-of-huge-int",
        "json-text-as-object",
        "nested-date",
        "nested-nan",
    ],
)
def test_values_json_or_the_spec_cannot_carry_are_refused_by_place(
    value: Any, schema: Any, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        conform(value, schema)
    assert str(caught.value) == message


def test_a_number_the_decoder_keeps_as_sent_is_a_json_number() -> None:
    """``1e400`` decodes to a ``WireNumber`` (infinite as a float, its text kept): JSON."""
    body = decode_json(b'{"a": 1e400}')
    assert conform(body, {"type": "object", "properties": {"a": {"type": "number"}}}) == body
