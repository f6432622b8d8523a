"""Every recorded response, and every example in the spec, is one the spec describes.

Each interaction of each bundled cassette must be a request to an operation of
``openapi/mode.yaml``, answered with a status that operation lists, with a Content-Type
among the media types the spec gives that response, and (for JSON media types) a body
that validates against the response schema (:func:`mode_query_runs.spec.schema_problems`,
JSON Schema draft 2020-12 by ``jsonschema_rs``). Problems name the cassette, the
interaction and the JSON path. Non-JSON media types (CSV results) are checked by
Content-Type only.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from mode_query_runs.spec import Operation, match_operation, operation_by_id, operations
from mode_query_runs.testing.cassette import Interaction, bundled_directory, load_directory
from mode_query_runs.testing.schema_check import (
    load_spec,
    resolve,
    schema_problems,
)
from support import recorded

LIST = operation_by_id("listQueryRunsForReportRun")
PAGE = "/api/acme/reports/a1b2c3d4e5f6/runs/5c4b3a291807/query_runs"


def _essence(content_type: str) -> str:
    """``application/hal+json`` of ``application/hal+json; charset=utf-8``."""
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _responses(operation: Operation) -> dict[str, Any]:
    item = load_spec()["paths"][operation.path][operation.method.lower()]
    return {status: resolve(response) for status, response in item["responses"].items()}


def body_problems(operation: Operation, status: int, media_type: str, body: str) -> list[str]:
    """Where a ``media_type`` body of a ``status`` answer breaks the spec (JSON paths)."""
    if not _is_json(media_type):
        return []
    try:
        document = json.loads(body)
    except ValueError as exc:
        return [f"$: not JSON ({exc})"]
    return schema_problems(operation, status, document, media_type)


def recording_problems(interaction: Interaction) -> list[str]:
    """Where one recorded interaction breaks the spec, each line naming the interaction."""
    path = urlsplit(interaction.uri).path
    where = f"{interaction.source} ({interaction.method} {path})"
    base_path = urlsplit(load_spec()["servers"][0]["url"]).path
    operation = match_operation(interaction.method, path.removeprefix(base_path))
    if operation is None or not path.startswith(base_path + "/"):
        return [f"{where}: no operation of the spec is {interaction.method} {path}"]
    response = _responses(operation).get(str(interaction.status))
    if response is None:
        return [
            f"{where}: the spec gives {operation.operation_id} no {interaction.status} response"
        ]
    content: dict[str, Any] = response.get("content", {})
    content_type = interaction.content_type()
    media_type = _essence(content_type or "")
    if media_type not in content:
        return [
            f"{where}: Content-Type {content_type!r} is not among the media types the spec"
            f" gives {operation.operation_id} {interaction.status}: {sorted(content)}"
        ]
    return [
        f"{where}: {problem}"
        for problem in body_problems(operation, interaction.status, media_type, interaction.body)
    ]


def spec_examples() -> Iterator[tuple[str, Operation, int, str, Any]]:
    """``(name, operation, status, media type, value)`` of every response example in the spec."""
    for operation in operations():
        for status, response in _responses(operation).items():
            for media_type, media in response.get("content", {}).items():
                where = f"{operation.operation_id} {status} {media_type}"
                if "example" in media:
                    yield where, operation, int(status), media_type, media["example"]
                for name, example in media.get("examples", {}).items():
                    value = resolve(example)["value"]
                    yield f"{where} {name}", operation, int(status), media_type, value


def test_every_bundled_recording_is_described_by_the_spec() -> None:
    interactions = load_directory(bundled_directory())
    assert len(interactions) >= 14
    problems = [line for i in interactions for line in recording_problems(i)]
    assert problems == []


def test_every_example_in_the_spec_validates() -> None:
    examples = list(spec_examples())
    assert len(examples) >= 8  # 4 named 200 examples and 4 error-body examples
    problems = [
        f"spec example {where}: {problem}"
        for where, operation, status, media_type, value in examples
        for problem in body_problems(
            operation,
            status,
            media_type,
            value if isinstance(value, str) and not _is_json(media_type) else json.dumps(value),
        )
    ]
    assert problems == []


def _page(**changes: Any) -> dict[str, Any]:
    run = {"id": 1, "token": "q1", "state": "succeeded", "created_at": "x", "_links": {}}
    run["_links"] = {"self": {"href": f"{PAGE}/q1"}}
    page: dict[str, Any] = {"_links": {"self": {"href": PAGE}}, "_embedded": {"query_runs": [run]}}
    for name, value in changes.items():
        if value is None:
            del run[name]
        else:
            run[name] = value
    return page


def _in_cassette(path: str, body: Any, **options: Any) -> Interaction:
    """A recording as the 4th interaction of a cassette ``bad.yaml``."""
    return dataclasses.replace(recorded(path, body, **options), source="bad.yaml#3")


@pytest.mark.parametrize(
    ("interaction", "problem"),
    [
        (
            _in_cassette(PAGE, _page(token=None)),
            f"bad.yaml#3 (GET {PAGE}): $._embedded.query_runs[0].token: the spec expects"
            " present, found missing",
        ),
        (
            _in_cassette(PAGE, _page(id=True)),
            f"bad.yaml#3 (GET {PAGE}): $._embedded.query_runs[0].id: the spec expects integer"
            " or string, found boolean",
        ),
        (
            _in_cassette(PAGE, "<html>busy</html>"),
            f"bad.yaml#3 (GET {PAGE}): $: not JSON (Expecting value: line 1 column 1 (char 0))",
        ),
        (
            _in_cassette(PAGE, _page(), content_type="text/html"),
            f"bad.yaml#3 (GET {PAGE}): Content-Type 'text/html' is not among the media types"
            " the spec gives listQueryRunsForReportRun 200: ['application/hal+json']",
        ),
        (
            _in_cassette(PAGE, {"id": "gone", "message": "Gone"}, status=410),
            f"bad.yaml#3 (GET {PAGE}): the spec gives listQueryRunsForReportRun no 410 response",
        ),
        (
            _in_cassette("/api/acme/reports/a1b2c3d4e5f6", {}),
            "bad.yaml#3 (GET /api/acme/reports/a1b2c3d4e5f6): no operation of the spec is"
            " GET /api/acme/reports/a1b2c3d4e5f6",
        ),
        (
            _in_cassette("/acme/reports/a1b2c3d4e5f6/runs/5c4b3a291807/query_runs", _page()),
            "bad.yaml#3 (GET /acme/reports/a1b2c3d4e5f6/runs/5c4b3a291807/query_runs): no"
            " operation of the spec is GET /acme/reports/a1b2c3d4e5f6/runs/5c4b3a291807/query_runs",
        ),
    ],
    ids=["missing-token", "wrong-type", "not-json", "content-type", "status", "path", "base"],
)
def test_a_recording_the_spec_does_not_describe_is_named(
    interaction: Interaction, problem: str
) -> None:
    assert recording_problems(interaction) == [problem]


def test_a_recording_with_its_charset_fits() -> None:
    interaction = recorded(PAGE, _page(), content_type="application/hal+json; charset=utf-8")
    assert recording_problems(interaction) == []
    assert LIST.matches("GET", PAGE.removeprefix("/api"))


RESULT = "/api/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a/query_runs/1a2b3c4d5e6f/results"


def test_result_contents_are_checked_by_their_own_media_types() -> None:
    rows = _in_cassette(f"{RESULT}/content.json", [{"day": 1}], content_type="application/json")
    assert recording_problems(rows) == []
    not_rows = _in_cassette(f"{RESULT}/content.json", {"day": 1}, content_type="application/json")
    assert recording_problems(not_rows) == [
        f"bad.yaml#3 (GET {RESULT}/content.json): $: the spec expects array, found object"
    ]
    csv = _in_cassette(f"{RESULT}/content.csv", "day\n1\n", content_type="text/csv")
    assert recording_problems(csv) == []
    html = _in_cassette(f"{RESULT}/content.csv", "day\n1\n", content_type="text/html")
    assert recording_problems(html) == [
        f"bad.yaml#3 (GET {RESULT}/content.csv): Content-Type 'text/html' is not among the"
        " media types the spec gives getQueryRunResultCsv 200: ['text/csv']"
    ]


def test_non_json_media_types_are_checked_by_content_type_only() -> None:
    assert body_problems(LIST, 200, "text/csv", "a,b\n1,2\n") == []
    assert body_problems(LIST, 200, "application/hal+json", "a,b") == [
        "$: not JSON (Expecting value: line 1 column 1 (char 0))"
    ]
