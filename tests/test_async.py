"""AsyncModeClient against real loopback servers: the same answers and errors as ModeClient."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mode_api_client.models import QueryRun, QueryRunCollection
from mode_query_runs import (
    APITimeoutError,
    AsyncModeClient,
    AuthenticationError,
    ModeClient,
    NotFoundError,
)
from mode_query_runs.pagination import query_runs_of
from mode_query_runs.testing.server import MockServer
from mode_query_runs.wire import to_wire
from support import PAGED_RUN, PAGED_TOKENS, REPORT, SINGLE_RUN, SINGLE_TOKENS, recorded

pytestmark = pytest.mark.anyio
Serve = Callable[..., tuple[MockServer, ModeClient]]
BASE = f"/api/acme/reports/{REPORT}/runs"


def async_client(server: MockServer) -> AsyncModeClient:
    return AsyncModeClient("acme", server.token, server.secret, base_url=server.base_url)


async def test_async_for_lists_every_page_lazily(mock_server: MockServer) -> None:
    mock_server.requests.clear()
    async with async_client(mock_server) as mode:
        runs = mode.list_query_runs(REPORT, PAGED_RUN)
        assert mock_server.requests == []
        first = [await anext(runs) for _ in range(3)]
        assert mock_server.requests == [("GET", f"{BASE}/{PAGED_RUN}/query_runs")]
        rest = [run async for run in runs]
    assert [run.token for run in first + rest] == PAGED_TOKENS
    assert len(mock_server.requests) == 3


async def test_async_answers_equal_the_sync_clients(mock_server: MockServer) -> None:
    with ModeClient("acme", "demo-token", "demo-secret", base_url=mock_server.base_url) as sync:
        expected = [to_wire(run) for run in sync.list_query_runs(REPORT, PAGED_RUN)]
        expected_one = to_wire(sync.get_query_run(REPORT, SINGLE_RUN, SINGLE_TOKENS[1]))
    async with async_client(mock_server) as mode:
        assert [to_wire(run) async for run in mode.list_query_runs(REPORT, PAGED_RUN)] == expected
        assert to_wire(await mode.get_query_run(REPORT, SINGLE_RUN, SINGLE_TOKENS[1])) == (
            expected_one
        )


async def test_async_max_pages(mock_server: MockServer) -> None:
    async with async_client(mock_server) as mode:
        runs = [run.token async for run in mode.list_query_runs(REPORT, PAGED_RUN, max_pages=1)]
    assert runs == PAGED_TOKENS[:3]


async def test_async_follow_returns_typed_models(mock_server: MockServer) -> None:
    async with async_client(mock_server) as mode:
        run = await mode.get_query_run(REPORT, PAGED_RUN, "6c3d9e2f1a7b")
        again = await mode.follow(run.field_links.self_)
        page = await mode.follow(f"{BASE}/{PAGED_RUN}/query_runs?page=2")
    assert isinstance(again, QueryRun)
    assert (again.token, again.state, again.error_code) == ("6c3d9e2f1a7b", "failed", "42P01")
    assert isinstance(page, QueryRunCollection)
    assert [r.token for r in query_runs_of(page)] == PAGED_TOKENS[3:6]


async def test_async_not_found_carries_modes_error(mock_server: MockServer) -> None:
    async with async_client(mock_server) as mode:
        with pytest.raises(NotFoundError) as caught:
            await mode.get_query_run(REPORT, PAGED_RUN, "ffffffffffff")
    error = caught.value
    assert (error.status, error.error_id, error.message, error.method, error.url) == (
        404,
        "not_found",
        "Not found",
        "GET",
        f"{mock_server.url}{BASE}/{PAGED_RUN}/query_runs/ffffffffffff",
    )


async def test_async_wrong_secret_never_shows_it(mock_server: MockServer) -> None:
    mode = AsyncModeClient("acme", "demo-token", "s3cret-value", base_url=mock_server.base_url)
    async with mode:
        with pytest.raises(AuthenticationError) as caught:
            await mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
    for text in (str(caught.value), repr(caught.value), repr(mode)):
        assert "s3cret-value" not in text
    assert repr(mode) == f"AsyncModeClient(account='acme', base_url='{mock_server.base_url}')"


async def test_async_bad_tokens_are_refused_before_any_request(mock_server: MockServer) -> None:
    async with async_client(mock_server) as mode:
        with pytest.raises(ValueError, match=r"^run '\.\.' is not a valid token$"):
            mode.list_query_runs(REPORT, "..")
        with pytest.raises(ValueError, match=r"^max_pages must be at least 1, not 0$"):
            mode.list_query_runs(REPORT, PAGED_RUN, max_pages=0)


async def test_async_next_page_to_itself_ends_the_listing(serve: Serve) -> None:
    listing = f"/api/acme/reports/{REPORT}/runs/feedfacecafe/query_runs"
    body = {
        "_links": {"self": {"href": listing}, "next_page": {"href": listing}},
        "_embedded": {"query_runs": []},
    }
    server, _ = serve(recorded(listing, body))
    async with async_client(server) as mode:
        assert [run async for run in mode.list_query_runs(REPORT, "feedfacecafe")] == []


async def test_async_server_that_never_answers_times_out(silent_port: int) -> None:
    url = f"http://127.0.0.1:{silent_port}/api"
    async with AsyncModeClient("acme", "t", "s", base_url=url, timeout=0.3, max_retries=0) as m:
        with pytest.raises(APITimeoutError) as caught:
            await m.get_query_run(REPORT, PAGED_RUN, "abc123")
    assert caught.value.url == f"{url}/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs/abc123"
