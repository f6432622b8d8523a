"""``AsyncModeClient``: ``ModeClient`` for ``async`` code.

The same methods, arguments, results and errors, over ``httpx.AsyncClient`` (requests
built as ``ModeClient`` builds them): ``async for`` over
``list_query_runs`` and ``iter_result_rows``, ``await`` for the rest. Only I/O
lives here; every decision is made by the code both clients share (``core``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable
from types import TracebackType
from typing import IO, Any, Self, TypeVar

import anyio
import anyio.lowlevel
import httpx
import tenacity

from mode_api_client.models import Link, QueryRun

from .bulk import DEFAULT_CONCURRENCY, ReportRunQueryRuns, report_run_pairs
from .core import Call, ClientCore, expected, named_here
from .dataframes import ChunkStream, DataFrame, read_frame, require_pandas
from .errors import ModeAPIError
from .links import Variables, follow_target, followed
from .pace import apaced
from .pagination import PageWalk, parse_page
from .results import (
    CHUNK_BYTES,
    FORMATS,
    CsvRows,
    Download,
    Progress,
    check_result_response,
    content_href,
)
from .session import AsyncSession
from .waiting import Poll, ReportRunWait, is_finished

__all__ = ["AsyncModeClient"]

T = TypeVar("T")


@named_here
class AsyncModeClient(ClientCore[AsyncSession]):
    """``ModeClient`` for ``asyncio`` (and any anyio backend).

    Takes the same arguments and raises the same errors; ``http_client`` is then an
    ``httpx.AsyncClient``. Close it with ``await client.aclose()`` or use it as an
    ``async with`` context manager:

    ```python
    async with AsyncModeClient.from_env() as mode:
        async for run in mode.list_query_runs(report, run):
            ...
        query_run = await mode.get_query_run(report, run, token)
    ```
    """

    def _open_session(
        self, base_url: str, token: str, secret: str, timeout: float, **options: Any
    ) -> AsyncSession:
        return AsyncSession(base_url, token, secret, timeout, **options)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._session.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def list_query_runs(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> AsyncIterator[QueryRun]:
        """Every Query Run of a Report Run, over all pages, lazily: ``async for`` it.

        As ``ModeClient.list_query_runs``; bad tokens raise ``ValueError`` at once.
        """
        return self._pages(self._list_call(report, run), self._walk(max_pages))

    async def _pages(self, first: Call[Any], walk: PageWalk) -> AsyncIterator[QueryRun]:
        async for runs in self._page_lists(first, walk):
            for query_run in runs:
                yield query_run

    def list_query_run_pages(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> AsyncIterator[list[QueryRun]]:
        """The Query Runs of a Report Run page by page, lazily: ``async for`` it.

        As [ModeClient.list_query_run_pages][mode_query_runs.ModeClient.list_query_run_pages];
        bad tokens raise ``ValueError`` at once.
        """
        return self._page_lists(self._list_call(report, run), self._walk(max_pages))

    async def _page_lists(self, first: Call[Any], walk: PageWalk) -> AsyncIterator[list[QueryRun]]:
        request = self._operation_request(first)
        page = await self._call(first, request)
        while True:
            new = walk.take(request.url, page)
            if new:
                yield new
            url = walk.next_url(page)
            if url is None:
                return
            request = self._request(url)
            page = parse_page(self._session, await self._send(request))

    def list_query_runs_many(
        self, report_runs: Iterable[tuple[str, str]], *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> AsyncGenerator[ReportRunQueryRuns]:
        """The Query Runs of many Report Runs, one result per pair: ``async for`` it.

        As ``ModeClient.list_query_runs_many``, with tasks of the caller's event loop
        instead of threads (up to ``concurrency`` pairs at a time, ahead of the results
        consumed). To stop before the end, iterate inside ``contextlib.aclosing(...)``,
        which cancels the pairs in flight. Bad pairs or ``concurrency`` raise
        ``ValueError`` at once.
        """
        pairs = report_run_pairs(report_runs, concurrency)
        return self._many(pairs, concurrency)

    async def _many(
        self, pairs: list[tuple[str, str]], concurrency: int
    ) -> AsyncGenerator[ReportRunQueryRuns]:
        results: dict[int, ReportRunQueryRuns] = {}
        done = [anyio.Event() for _ in pairs]

        async def listed(index: int) -> None:
            report, run = pairs[index]
            try:
                runs = [query_run async for query_run in self.list_query_runs(report, run)]
                results[index] = ReportRunQueryRuns(report, run, runs)
            except Exception as exc:  # the pair's, whatever it is: never the others'
                results[index] = ReportRunQueryRuns(report, run, error=exc)
            done[index].set()

        async with anyio.create_task_group() as group:
            for index in range(min(len(pairs), concurrency)):
                group.start_soon(listed, index)
            for index in range(len(pairs)):
                await done[index].wait()
                if index + concurrency < len(pairs):
                    group.start_soon(listed, index + concurrency)
                try:
                    yield results.pop(index)
                except GeneratorExit:  # closed early: the pairs in flight are cancelled
                    group.cancel_scope.cancel()
                    return

    async def get_query_run(self, report: str, run: str, query_run: str) -> QueryRun:
        """One Query Run; as ``ModeClient.get_query_run``."""
        return await self._call(self._get_call(report, run, query_run))

    async def follow(
        self,
        link: Link | list[Link] | str,
        *,
        other_origin: bool = False,
        variables: Variables | None = None,
    ) -> Any:
        """GET a HAL link; as ``ModeClient.follow``."""
        target = follow_target(self._session, link, other_origin=other_origin, variables=variables)
        response = await self._send(self._request(target.url), credentials=target.credentials)
        return followed(self._session, response)

    async def wait_for_completion(
        self, query_run: QueryRun, *, timeout: float = 300.0, poll_interval: float = 1.0
    ) -> QueryRun:
        """Poll until the run's state is final; as ``ModeClient.wait_for_completion``."""
        poll = Poll(timeout, poll_interval)
        while not is_finished(query_run):
            url = self._self_url(query_run)
            await anyio.sleep(poll.next_delay(query_run, str(url), self._session.redactor))
            found = await self.follow(str(url))
            if not isinstance(found, QueryRun):
                raise ValueError(f"{url} is not a Query Run's self link")
            query_run = found
        return query_run

    async def wait_for_report_run(
        self, report: str, run: str, *, timeout: float = 300.0, poll_interval: float = 1.0
    ) -> list[QueryRun]:
        """Wait until every Query Run of a Report Run is final; return them all.

        As [ModeClient.wait_for_report_run][mode_query_runs.ModeClient.wait_for_report_run],
        sleeping with ``anyio.sleep``.
        """
        url = self._operation_request(self._list_call(report, run)).url
        waiting = ReportRunWait(report, run, timeout, poll_interval, str(url))
        while True:
            query_runs = [query_run async for query_run in self.list_query_runs(report, run)]
            delay = waiting.next_delay(query_runs)
            if delay is None:
                return query_runs
            await anyio.sleep(delay)

    async def download_result(
        self,
        query_run: QueryRun,
        path: str | os.PathLike[str] | IO[bytes],
        *,
        format: str = "csv",
        progress: Progress | None = None,
    ) -> int:
        """Stream the result content to ``path``; as ``ModeClient.download_result``.

        Chunks are written to the file from the event loop (64 KiB at a time).
        """
        url = self._session.origin.resolve(content_href(query_run, format), relation="result")
        request = self._request(url, accept=FORMATS[format], result=True)
        download = Download(path, progress)
        response = await self._send(request, stream=True)
        try:
            with self._session.checks.transport_errors():
                download.start(response, self._session.redactor)
                async for chunk in response.aiter_bytes(download.chunk_bytes):
                    download.write(chunk)
            return download.commit()
        finally:
            download.abort()
            await response.aclose()

    def iter_result_rows(self, query_run: QueryRun) -> AsyncIterator[dict[str, str]]:
        """The rows of the CSV result, streamed; as ``ModeClient.iter_result_rows``."""
        url = self._session.origin.resolve(content_href(query_run, "csv"), relation="result")
        return self._rows(self._request(url, accept=FORMATS["csv"], result=True))

    async def _rows(self, request: httpx.Request) -> AsyncIterator[dict[str, str]]:
        rows = CsvRows()
        response = await self._send(request, stream=True)
        try:
            check_result_response(response, self._session.redactor)
            with self._session.checks.transport_errors():
                async for text in response.aiter_text():
                    for row in rows.feed(text):
                        yield row
            for row in rows.close():
                yield row
        finally:
            await response.aclose()

    async def result_dataframe(self, query_run: QueryRun, format: str = "csv") -> DataFrame:
        """The result as a ``pandas.DataFrame``; as ``ModeClient.result_dataframe``.

        pandas parses in a worker thread (``anyio.to_thread``) that takes each 64 KiB
        chunk from the event loop as it arrives, so the loop keeps running meanwhile.
        """
        url = self._session.origin.resolve(content_href(query_run, format), relation="result")
        pd = require_pandas()
        request = self._request(url, accept=FORMATS[format], result=True)
        response = await self._send(request, stream=True)
        try:
            check_result_response(response, self._session.redactor)
            chunks = response.aiter_bytes(CHUNK_BYTES)

            async def next_chunk() -> bytes:
                with self._session.checks.transport_errors():
                    return await anext(chunks, b"")

            stream = ChunkStream(lambda: anyio.from_thread.run(next_chunk))
            redactor = self._session.redactor
            return await anyio.to_thread.run_sync(
                read_frame, pd, stream, format, response, redactor
            )
        finally:
            await response.aclose()

    async def _call(self, call: Call[T], request: httpx.Request | None = None) -> T:
        response = await self._send(request or self._operation_request(call))
        return expected(self._session.read(response), call.expect, response)

    _loop: object = None

    def _check_usable(self) -> None:
        """As ``ModeClient._check_usable``, and refuse an event loop other than the
        first one the client was used in (its connections belong to that loop).

        Raises:
            ModeAPIError: the client is closed, or used from a second event loop.
        """
        super()._check_usable()
        loop = anyio.lowlevel.current_token()
        if self._loop is None:
            self._loop = loop
        elif loop != self._loop:
            raise ModeAPIError(
                "this AsyncModeClient was first used in another event loop, whose"
                " connections it holds: make one client per event loop (asyncio.run)"
            )

    async def _send(
        self, request: httpx.Request, *, credentials: bool = True, stream: bool = False
    ) -> httpx.Response:
        options = self._send_options(request, credentials)

        async def attempt() -> httpx.Response:
            with self._session.checks.transport_errors():
                return await self._session.send(request, stream=stream, **options)

        return await self._retrying(attempt)

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        deadline = self._deadline()

        async def paced() -> T:
            return await apaced(self._pace, attempt, deadline)

        return await tenacity.AsyncRetrying(**self._retry)(paced)
