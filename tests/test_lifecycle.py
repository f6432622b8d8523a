"""A client's lifecycle (issue 21, item 10): a call on a closed client, or an async client
used from a second event loop, is a clear ``ModeAPIError`` naming the cause."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from mode_query_runs import AsyncModeClient, ModeAPIError, ModeClient
from mode_query_runs.testing.server import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN, MockServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT

CLOSED = r"^this ModeClient is closed: make a new client, or use it inside its with block$"


def sync_client(server: MockServer, **options: object) -> ModeClient:
    return ModeClient(DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url, **options)  # type: ignore[arg-type]


def test_a_call_on_a_closed_client(mock_server: MockServer) -> None:
    mode = sync_client(mock_server)
    listing = mode.list_query_runs(REPORT, PAGED_RUN)
    assert next(listing).token == PAGED_TOKENS[0]
    copy = mode.with_options(timeout=5)
    mode.close()
    with pytest.raises(ModeAPIError, match=CLOSED):
        mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
    with pytest.raises(ModeAPIError, match=CLOSED):
        copy.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
    with pytest.raises(ModeAPIError, match=CLOSED):
        list(listing)  # the next page is a request on the closed client


def test_a_closed_http_client_of_your_own(mock_server: MockServer) -> None:
    own = httpx.Client()
    mode = sync_client(mock_server, http_client=own)
    assert mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0]).token == PAGED_TOKENS[0]
    own.close()
    with pytest.raises(ModeAPIError) as closed:
        mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
    assert str(closed.value) == (
        "the http_client this ModeClient was given is closed: give it an open one"
    )
    # Closing the SDK's client leaves yours open.
    second = httpx.Client()
    mode = sync_client(mock_server, http_client=second)
    mode.close()
    with pytest.raises(ModeAPIError, match=CLOSED):
        mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
    assert not second.is_closed
    second.close()


def test_an_async_call_on_a_closed_client(mock_server: MockServer) -> None:
    async def main() -> None:
        mode = AsyncModeClient(DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=mock_server.base_url)
        await mode.aclose()
        with pytest.raises(
            ModeAPIError,
            match=r"^this AsyncModeClient is closed: make a new client, or use it inside its"
            r" with block$",
        ):
            await mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])

    asyncio.run(main())


def test_an_async_client_used_from_a_second_event_loop(mock_server: MockServer) -> None:
    mode = AsyncModeClient(DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=mock_server.base_url)

    async def get() -> str:
        run = await mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
        return str(run.token)

    assert asyncio.run(get()) == PAGED_TOKENS[0]
    with pytest.raises(ModeAPIError) as caught:
        asyncio.run(get())
    assert str(caught.value) == (
        "this AsyncModeClient was first used in another event loop, whose connections it"
        " holds: make one client per event loop (asyncio.run)"
    )
