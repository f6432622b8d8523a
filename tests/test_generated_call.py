"""``call``: any generated operation, run by a client with its rules, and named in its
reports by the ``operationId`` the module was generated from."""

from __future__ import annotations

import json
import warnings

import pytest

from mode_api_client.api.query_runs import (
    get_query_run_for_report_run,
    list_query_runs_for_report_run,
)
from mode_api_client.models import QueryRun, QueryRunCollection
from mode_query_runs import AsyncModeClient, ModeClient, NotFoundError, SpecDriftWarning
from mode_query_runs.pagination import query_runs_of
from mode_query_runs.testing.server import MockServer
from mode_query_runs.wire import to_wire
from scripted import Scripted, ScriptedServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT


def test_call_of_a_generated_operation_is_the_method_that_wraps_it(client: ModeClient) -> None:
    called = client.call(get_query_run_for_report_run, REPORT, PAGED_RUN, PAGED_TOKENS[0])
    assert isinstance(called, QueryRun)
    assert to_wire(called) == to_wire(client.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0]))
    page = client.call(list_query_runs_for_report_run, REPORT, PAGED_RUN)
    assert isinstance(page, QueryRunCollection)
    assert [run.token for run in query_runs_of(page)] == PAGED_TOKENS[:3]


def test_call_raises_the_typed_errors(client: ModeClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.call(get_query_run_for_report_run, REPORT, PAGED_RUN, "nope")
    assert caught.value.status == 404
    with pytest.raises(ValueError, match=r"^token '\.\.' is not a valid token$"):
        client.call(get_query_run_for_report_run, REPORT, PAGED_RUN, "..")


@pytest.mark.anyio
async def test_async_call(mock_server: MockServer) -> None:
    async with AsyncModeClient(
        "acme", mock_server.token, mock_server.secret, base_url=mock_server.base_url
    ) as mode:
        called = await mode.call(get_query_run_for_report_run, REPORT, PAGED_RUN, PAGED_TOKENS[1])
    assert isinstance(called, QueryRun)
    assert called.token == PAGED_TOKENS[1]


def test_a_straying_body_is_reported_under_the_operations_id() -> None:
    body = {
        "id": 1,
        "token": "q1",
        "state": "succeeded",
        "created_at": "2026-11-02T08:15:04.112Z",
        "max_result_bytes": 1.5,
        "_links": {"self": {"href": "/api/acme/reports/r1/runs/u1/query_runs/q1"}},
    }
    served = Scripted(200, json.dumps(body).encode(), {"Content-Type": "application/hal+json"})
    with (
        ScriptedServer(served) as server,
        ModeClient("acme", "t", "s", base_url=f"{server.url}/api") as mode,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        run = mode.call(get_query_run_for_report_run, "r1", "u1", "q1")
    assert isinstance(run, QueryRun)
    assert run.additional_properties["max_result_bytes"] == 1.5
    assert [(w.category, str(w.message)) for w in caught] == [
        (
            SpecDriftWarning,
            "getQueryRunForReportRun: $.max_result_bytes: the spec expects integer or string,"
            " found number; kept in additional_properties",
        )
    ]
