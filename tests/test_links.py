"""Following HAL links: typed models for spec relations, JSON otherwise, origins, *_web."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from mode_api_client.models import Link, QueryRunCollection
from mode_query_runs import ModeClient, web_links
from mode_query_runs.pagination import query_runs_of
from mode_query_runs.testing.server import MockServer
from scripted import Scripted, ScriptedServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT, SINGLE_RUN, SINGLE_TOKENS, recorded

Serve = Callable[..., tuple[MockServer, ModeClient]]
BASE = f"/api/acme/reports/{REPORT}/runs"
WEB = f"https://app.mode.com/acme/reports/{REPORT}/runs/{PAGED_RUN}"


def test_collection_hrefs_give_query_run_collections(client: ModeClient) -> None:
    page = client.follow(Link(href=f"{BASE}/{PAGED_RUN}/query_runs?page=3"))
    assert isinstance(page, QueryRunCollection)
    assert [run.token for run in query_runs_of(page)] == PAGED_TOKENS[6:]
    first = client.follow(f"{BASE}/{SINGLE_RUN}/query_runs")
    assert [run.token for run in query_runs_of(first)] == SINGLE_TOKENS


def test_relations_the_spec_does_not_type_give_decoded_json(serve: Serve) -> None:
    report_run = {"token": PAGED_RUN, "state": "succeeded", "_links": {"self": {"href": BASE}}}
    _, mode = serve(recorded(f"{BASE}/{PAGED_RUN}", report_run))
    assert mode.follow(f"{BASE}/{PAGED_RUN}") == report_run


def test_web_relations_are_urls_not_requests(client: ModeClient, mock_server: MockServer) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
    mock_server.requests.clear()
    assert web_links(run) == {
        "query_web": "https://app.mode.com/acme/reports/a1b2c3d4e5f6/queries/a0b1c2d3e4f5",
        "report_run_web": WEB,
        "result_web": f"{WEB}/query_runs/{PAGED_TOKENS[0]}/results",
    }
    assert web_links(json.loads(json.dumps({"_links": {"a_web": {"href": "u"}}}))) == {"a_web": "u"}
    with pytest.raises(ValueError, match=r"^refusing to send Mode credentials to https://app"):
        client.follow(run.field_links.result_web)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError,
        match=r"/acme/reports/a1b2c3d4e5f6/runs/x is a browser URL \(a \*_web relation\), not an",
    ):
        client.follow("/acme/reports/a1b2c3d4e5f6/runs/x")  # same origin, outside /api
    assert mock_server.requests == []


def test_another_origin_is_followed_without_credentials_when_allowed(
    client: ModeClient, mock_server: MockServer
) -> None:
    elsewhere = {"token": "x", "_links": {}}
    with ScriptedServer(Scripted(200, json.dumps(elsewhere).encode()), host="127.0.0.2") as other:
        href = f"{other.url}{BASE}/{PAGED_RUN}/query_runs/{PAGED_TOKENS[0]}"
        with pytest.raises(ValueError, match=r"^refusing to send Mode credentials"):
            client.follow(href)
        assert client.follow(href, other_origin=True) == elsewhere
    (seen,) = other.seen
    assert "Authorization" not in seen.headers
    assert seen.headers["Accept"] == "application/hal+json"
