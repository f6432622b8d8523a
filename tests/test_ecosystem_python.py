"""Behaviour that must not depend on the Python version (3.11, 3.12, 3.13).

Python 3.12 and 3.13 decode much deeper JSON than 3.11 (whose ``json`` stops near 1,000
levels with ``RecursionError``), and 3.13 reworded ``_csv``'s errors: found by running the
suite on every supported Python.
"""

from __future__ import annotations

import json

import pytest
from test_results import scripted_client

from mode_query_runs import ResponseParseError
from mode_query_runs.results import CsvRows
from mode_query_runs.spec import operation_by_id
from mode_query_runs.testing.schema_check import MAX_DEPTH, schema_problems
from scripted import Scripted, ScriptedServer

NESTED = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)  # decoded by every Python
DEEP_RUN = (
    '{"id": 1, "token": "q", "state": "running", "created_at": "x",'
    f' "parameters": {NESTED}, "_links": {{"self": {{"href": "/q"}}}}}}'
)  # parameters must be an object: the validator's error holds the array
SHALLOW = "$.parameters: the spec expects object or string, found array"
TOO_DEEP = "$: the spec expects a body nested at most 255 levels deep, found one nested deeper"


@pytest.mark.parametrize("strict", [False, True])
def test_a_body_nested_deeper_than_the_validator_reads_is_a_parse_error(strict: bool) -> None:
    with ScriptedServer(Scripted(200, DEEP_RUN.encode())) as server:
        with scripted_client(server, strict=strict) as mode:
            with pytest.raises(ResponseParseError) as caught:
                mode.get_query_run("a1b2c3d4e5f6", "8f3e2d1c0b9a", "q")
    assert caught.value.message == (
        f"response does not match the spec's getQueryRunForReportRun schema: {TOO_DEEP}"
    )
    assert caught.value.status == 200


def test_a_page_nested_too_deeply_is_a_parse_error() -> None:
    page = (
        f'{{"_links": {{"self": {{"href": "/p"}}}}, "_embedded": {{"query_runs": [{DEEP_RUN}]}}}}'
    )
    with ScriptedServer(Scripted(200, page.encode())) as server:
        with scripted_client(server) as mode, pytest.raises(ResponseParseError) as caught:
            list(mode.list_query_runs("a1b2c3d4e5f6", "8f3e2d1c0b9a"))
    assert caught.value.message == (
        f"response does not match the spec's listQueryRunsForReportRun schema: {TOO_DEEP}"
    )


def test_the_drift_report_names_a_body_nested_too_deeply() -> None:
    operation = operation_by_id("getQueryRunForReportRun")
    assert schema_problems(operation, 200, json.loads(DEEP_RUN)) == [TOO_DEEP]
    shallow = json.loads(DEEP_RUN.replace(NESTED, "[" * MAX_DEPTH + "]" * MAX_DEPTH))
    assert schema_problems(operation, 200, shallow) == [SHALLOW]


def test_a_carriage_return_in_an_unquoted_field_reads_the_same_on_every_python() -> None:
    rows = CsvRows()
    assert rows.feed("day,dau\n2026-10-30,1204\n") == [{"day": "2026-10-30", "dau": "1204"}]
    with pytest.raises(ResponseParseError) as caught:
        rows.feed("2026-10-31\r,1187\n")
    assert caught.value.message == (
        "CSV is malformed after 1 rows: new-line character seen in unquoted field"
    )
