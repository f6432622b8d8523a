"""Demo recordings and test data follow from the spec: ``scripts/build_demo_cassettes.py``
writes each value in a JSON type the spec allows (``testing.spec_types.conform``), and
tests/data holds the spec's example, so a type change in the spec is a rerun of that
script, not a hand edit."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

from mode_api_client.types import json_type
from mode_query_runs.spec import load_spec
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
