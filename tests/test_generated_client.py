"""The generated client used on its own: ``mode_api_client`` operations read tolerantly.

A user who imports ``mode_api_client`` and calls a generated operation
(``sync_detailed`` / ``asyncio_detailed``) with the generated ``Client`` gets the same
tolerant models as the SDK's clients, and the record of where the body strayed from the
spec (``types.deviations_of``). Every call goes to a scripted server on loopback.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from mode_api_client import Client
from mode_api_client.api.query_runs import (
    get_query_run_for_report_run,
    list_query_runs_for_report_run,
)
from mode_api_client.errors import UnreadableBody
from mode_api_client.models import Link, QueryRun, QueryRunCollection, QueryRunCollectionEmbedded
from mode_api_client.types import UNSET, Deviation, deviations_of
from scripted import Scripted, ScriptedServer

LIST = "/api/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a/query_runs"
ONE = f"{LIST}/6c3d9e2f1a7b"


def run_body(token: Any = "6c3d9e2f1a7b", **changes: Any) -> dict[str, Any]:
    """A Query Run as Mode sends it, changed."""
    body: dict[str, Any] = {
        "id": 90205,
        "token": token,
        "state": "succeeded",
        "created_at": "2026-11-01T09:30:12.407Z",
        "completed_at": "2026-11-01 09:30:13",
        "limit": True,
        "max_result_bytes": 104857600,
        "parameters": {"plan": "enterprise"},
        "error_code": None,
        "_links": {"self": {"href": f"{LIST}/{token}"}},
        "_embedded": {},
    }
    body.update(changes)
    return body


def answer(body: Any) -> Scripted:
    return Scripted(200, json.dumps(body).encode())


def test_a_generated_operation_reads_a_straying_query_run_tolerantly() -> None:
    body = run_body(7, max_result_bytes=1.5, _links={"self": {"href": ONE}, "n": 5})
    del body["state"]
    with ScriptedServer(answer(body)) as server:
        client = Client(base_url=f"{server.url}/api")
        with client:
            response = get_query_run_for_report_run.sync_detailed(
                "acme", "a1b2c3d4e5f6", "8f3e2d1c0b9a", "6c3d9e2f1a7b", client=client
            )
    run = response.parsed
    assert isinstance(run, QueryRun)
    assert [seen.path for seen in server.seen] == [ONE]
    # The typed attributes of values that strayed (required ones too) are UNSET.
    strayed: tuple[Any, ...] = (run.token, run.state, run.max_result_bytes)
    assert strayed == (UNSET, UNSET, UNSET)
    assert run.additional_properties == {"token": 7, "max_result_bytes": 1.5}
    assert run.field_links.self_ == Link(href=ONE, templated=UNSET)
    assert dict[str, Any](run.field_links.additional_properties) == {"n": 5}
    assert run.created_at == datetime.datetime(2026, 11, 1, 9, 30, 12, 407000, datetime.UTC)
    assert run.completed_at == datetime.datetime(2026, 11, 1, 9, 30, 13, tzinfo=datetime.UTC)
    assert deviations_of(run) == (
        Deviation(("_links", "n"), "object or array", "integer", "_links/*/type"),
        Deviation(("max_result_bytes",), "integer or string", "number", "max_result_bytes/type"),
        Deviation(("state",), "present", "missing", "state/required"),
        Deviation(("token",), "string", "integer", "token/type"),
    )
    assert [str(deviation) for deviation in deviations_of(run)] == [
        "$._links.n: the spec expects object or array, found integer",
        "$.max_result_bytes: the spec expects integer or string, found number",
        "$.state: the spec expects present, found missing",
        "$.token: the spec expects string, found integer",
    ]
    assert run.to_dict() == body


@pytest.mark.anyio
async def test_a_generated_async_operation_reads_a_straying_page_tolerantly() -> None:
    body = {
        "_links": {"self": {"href": LIST}},
        "_embedded": {"query_runs": [run_body("1a2b3c4d5e6f"), run_body(limit=[1])]},
        "pagination": {"page": "1"},
    }
    with ScriptedServer(answer(body)) as server:
        async with Client(base_url=f"{server.url}/api") as client:
            response = await list_query_runs_for_report_run.asyncio_detailed(
                "acme", "a1b2c3d4e5f6", "8f3e2d1c0b9a", client=client
            )
    page = response.parsed
    assert isinstance(page, QueryRunCollection)
    runs = page.field_embedded.query_runs  # type: ignore[union-attr]
    assert [run.token for run in runs] == ["1a2b3c4d5e6f", "6c3d9e2f1a7b"]
    assert (runs[0].limit, runs[1].limit, runs[1]["limit"]) == (True, UNSET, [1])
    assert page.pagination.page is UNSET  # type: ignore[union-attr]
    assert page.pagination.additional_properties == {"page": "1"}  # type: ignore[union-attr]
    assert [str(deviation) for deviation in deviations_of(page)] == [
        "$._embedded.query_runs[1].limit: the spec expects boolean or integer or string,"
        " found array",
        "$.pagination.page: the spec expects integer or null, found string",
    ]
    assert deviations_of(runs[1]) == ()  # recorded on the model the body was read into
    assert page.to_dict() == body


def test_a_generated_operation_reads_a_body_the_spec_allows_without_deviations() -> None:
    body = run_body()
    with ScriptedServer(answer(body)) as server, Client(base_url=f"{server.url}/api") as client:
        run = get_query_run_for_report_run.sync(
            "acme", "a1b2c3d4e5f6", "8f3e2d1c0b9a", "6c3d9e2f1a7b", client=client
        )
    assert isinstance(run, QueryRun)
    assert deviations_of(run) == ()
    assert run.additional_properties == {}
    assert run.to_dict() == body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Service temporarily unavailable", "the body is not JSON"),
        (b'{"id": NaN}', "the body is not JSON"),
        (b"[1, 2]", "the body is a JSON array, not an object"),
    ],
)
def test_a_generated_operation_refuses_a_body_no_model_can_be_read_from(
    content: bytes, message: str
) -> None:
    with ScriptedServer(Scripted(200, content)) as server:
        with Client(base_url=f"{server.url}/api") as client, pytest.raises(UnreadableBody) as err:
            get_query_run_for_report_run.sync_detailed(
                "acme", "a1b2c3d4e5f6", "8f3e2d1c0b9a", "6c3d9e2f1a7b", client=client
            )
    assert str(err.value) == message


def test_integers_beyond_64_bits_and_timestamps_are_written_back_as_sent() -> None:
    body = run_body(
        id=2**70,
        created_at="2026-11-01T14:30:12.407+05:00",
        completed_at="2026-11-01",
        parameters={"big": -(2**64), "x": 1.0},
    )
    run = QueryRun.from_json(json.dumps(body).encode())
    assert run.id == 2**70
    assert run.created_at == datetime.datetime(2026, 11, 1, 9, 30, 12, 407000, datetime.UTC)
    assert run.completed_at == datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    assert json.dumps(run.to_dict(), sort_keys=True) == json.dumps(body, sort_keys=True)


def test_a_straying_list_of_models_is_kept_as_sent_by_from_json() -> None:
    # from_json reads the objects it decoded in place; a list that strays after some of
    # its objects were read into models must still be kept with every key as sent.
    runs = [run_body(), run_body("0123456789ab"), 5]
    body = {
        "_links": {"self": {"href": LIST}},
        "_embedded": {"query_runs": runs},
        "pagination": {"page": 1, "per_page": 3},
    }
    page = QueryRunCollection.from_json(json.dumps(body).encode())
    embedded = page.field_embedded
    assert isinstance(embedded, QueryRunCollectionEmbedded)
    assert embedded.query_runs is UNSET  # type: ignore[comparison-overlap]
    assert embedded.additional_properties["query_runs"] == runs
    assert deviations_of(page) == (
        Deviation(
            ("_embedded", "query_runs", 2), "object", "integer", "_embedded/query_runs/[]/type"
        ),
    )
    assert json.dumps(page.to_dict(), sort_keys=True) == json.dumps(body, sort_keys=True)
