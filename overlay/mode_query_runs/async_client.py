"""``AsyncModeClient``: ``ModeClient`` for ``async`` code, over ``asyncio_detailed`` and
``httpx.AsyncClient`` (each method's work is written once, in ``core``)."""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from typing import IO, Any, Self, TypeVar, overload

import anyio
import anyio.lowlevel
import httpx

from mode_api_client.models import Link, QueryRun

from .bulk import AHEAD, DEFAULT_CONCURRENCY, ReportRunQueryRuns, report_run_pairs
from .core import (
    Call,
    Chunks,
    ClientCore,
    GeneratedOperation,
    Item,
    Next,
    Send,
    Sleep,
    Stepping,
    Steps,
    Warn,
    boxed,
    named_here,
)
from .dataframes import ChunkStream, DataFrame, read_frame, require_pandas
from .errors import ModeAPIError
from .links import Variables
from .results import Download, Progress, check_result_response
from .waiting import Poll, ReportRunWait

__all__ = ["AsyncModeClient"]

T = TypeVar("T")
_DIRECT, _RUN = 3, 5
"""Frames from ``_do`` up to the caller's line (as ``ModeClient``'s)."""


@named_here
class AsyncModeClient(ClientCore):
    """``ModeClient`` for ``asyncio`` (and any anyio backend): the same arguments, methods,
    results and errors (see ``ModeClient``), with ``async for`` over the iterators and
    ``await`` for the rest; ``http_client`` is an ``httpx.AsyncClient``. Close it with
    ``await client.aclose()`` or use it as an ``async with`` context manager. Use one client
    per event loop: a second loop is a ``ModeAPIError``.

    ```python
    async with AsyncModeClient.from_env() as mode:
        async for run in mode.list_query_runs(report, run):
            ...
        query_run = await mode.get_query_run(report, run, token)
    ```
    """

    _http_kind = httpx.AsyncClient

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._session.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def list_query_runs(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> AsyncIterator[QueryRun]:
        """Every Query Run of a Report Run, lazily; as ``ModeClient.list_query_runs``."""
        call, walk = self._list_call(report, run), self._walk(max_pages)
        return self._iterate(self._pages(call, walk, flat=True), _DIRECT)

    def list_query_run_pages(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> AsyncIterator[list[QueryRun]]:
        """The Query Runs of a Report Run page by page; as
        [ModeClient.list_query_run_pages][mode_query_runs.ModeClient.list_query_run_pages]."""
        call, walk = self._list_call(report, run), self._walk(max_pages)
        return self._iterate(self._pages(call, walk), _DIRECT)

    def list_query_runs_many(
        self, report_runs: Iterable[tuple[str, str]], *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> AsyncGenerator[ReportRunQueryRuns]:
        """The Query Runs of many Report Runs; as ``ModeClient.list_query_runs_many``, with
        tasks of the caller's event loop instead of threads. To stop early, iterate inside
        ``contextlib.aclosing(...)``, which cancels the pairs in flight."""
        return self._many(report_run_pairs(report_runs, concurrency), concurrency)

    async def _many(
        self, pairs: list[tuple[str, str]], concurrency: int
    ) -> AsyncGenerator[ReportRunQueryRuns]:
        results: dict[int, ReportRunQueryRuns] = {}
        done = [anyio.Event() for _ in pairs]
        workers = anyio.CapacityLimiter(concurrency)  # the next pair goes to a free one
        ahead = AHEAD * concurrency

        async def listed(index: int) -> None:
            report, run = pairs[index]
            async with workers:
                try:
                    runs = [query_run async for query_run in self.list_query_runs(report, run)]
                    results[index] = ReportRunQueryRuns(report, run, runs)
                except Exception as exc:  # the pair's, whatever it is: never the others'
                    results[index] = ReportRunQueryRuns(report, run, error=exc)
            done[index].set()

        async with anyio.create_task_group() as group:
            for index in range(min(len(pairs), ahead)):
                group.start_soon(listed, index)
            for index in range(len(pairs)):
                await done[index].wait()
                if index + ahead < len(pairs):
                    group.start_soon(listed, index + ahead)
                try:
                    yield results.pop(index)
                except GeneratorExit:  # closed early: the pairs in flight are cancelled
                    group.cancel_scope.cancel()
                    return

    async def get_query_run(self, report: str, run: str, query_run: str) -> QueryRun:
        """One Query Run; as ``ModeClient.get_query_run``."""
        return await self._run(self._get(self._get_call(report, run, query_run)))

    async def call(self, operation: GeneratedOperation[T], *args: str) -> T:
        """Call any generated operation; as ``ModeClient.call``."""
        return await self._run(self._get(self._operation_call(operation, args)))

    @overload
    async def follow(
        self,
        link: Link[T] | list[Link[T]],
        *,
        other_origin: bool = False,
        variables: Variables | None = None,
    ) -> T: ...

    @overload
    async def follow(
        self, link: str, *, other_origin: bool = False, variables: Variables | None = None
    ) -> Any: ...

    async def follow(
        self,
        link: Link | list[Link] | str,
        *,
        other_origin: bool = False,
        variables: Variables | None = None,
    ) -> Any:
        """GET a HAL link; as ``ModeClient.follow``."""
        return await self._run(self._follow(link, other_origin, variables))

    async def wait_for_completion(
        self, query_run: QueryRun, *, timeout: float = 300.0, poll_interval: float = 1.0
    ) -> QueryRun:
        """Poll until the run's state is final; as ``ModeClient.wait_for_completion``."""
        poll = Poll(timeout, poll_interval)
        return await self._run(self._wait_for_completion(query_run, poll))

    async def wait_for_report_run(
        self, report: str, run: str, *, timeout: float = 300.0, poll_interval: float = 1.0
    ) -> list[QueryRun]:
        """Wait until every Query Run of a Report Run is final; as
        [ModeClient.wait_for_report_run][mode_query_runs.ModeClient.wait_for_report_run]."""
        wait = ReportRunWait(report, run, timeout, poll_interval)
        return await self._run(self._wait_for_report_run(self._list_call(report, run), wait))

    async def download_result(
        self,
        query_run: QueryRun,
        path: str | os.PathLike[str] | IO[bytes],
        *,
        format: str = "csv",
        progress: Progress | None = None,
    ) -> int:
        """Stream the result to ``path`` (written from the event loop); as
        ``ModeClient.download_result``."""
        request = self._result_request(query_run, format)
        return await self._run(self._download(request, Download(path, progress)))

    def iter_result_rows(self, query_run: QueryRun) -> AsyncIterator[dict[str, str]]:
        """The rows of the CSV result, streamed; as ``ModeClient.iter_result_rows``."""
        return self._iterate(self._rows(self._result_request(query_run, "csv")), _DIRECT)

    async def result_dataframe(self, query_run: QueryRun, format: str = "csv") -> DataFrame:
        """The result as a ``pandas.DataFrame``, parsed in a worker thread as chunks
        arrive; as ``ModeClient.result_dataframe``."""
        request = self._result_request(query_run, format)
        pd = require_pandas()
        response = await self._do(Send(request, stream=True), [], _RUN)
        try:
            check_result_response(response, self._session.redactor)
            pieces = self._iterate(self._body(response, lambda piece: (piece,)), _DIRECT)

            async def next_piece() -> bytes:
                return await anext(pieces, b"")

            stream = ChunkStream(lambda: anyio.from_thread.run(next_piece))
            redactor = self._session.redactor
            return await anyio.to_thread.run_sync(
                read_frame, pd, stream, format, response, redactor
            )
        finally:
            await response.aclose()

    _loop: object = None

    def _check_usable(self) -> None:
        """Also refuse an event loop other than the first one used (it owns the pool)."""
        super()._check_usable()
        loop = anyio.lowlevel.current_token()
        if self._loop is None:
            self._loop = loop
        elif loop != self._loop:
            raise ModeAPIError(
                "this AsyncModeClient was first used in another event loop, whose"
                " connections it holds: make one client per event loop (asyncio.run)"
            )

    async def _run(self, steps: Steps[T]) -> T:
        """As ``ModeClient._run``."""
        box: list[T] = []
        async for _ in self._iterate(boxed(steps, box), _RUN):
            pass
        return box[0]

    async def _iterate(self, steps: Steps[Any], depth: int) -> AsyncGenerator[Any]:
        """As ``ModeClient._iterate``, awaiting each step."""
        run = Stepping(steps)
        try:
            while (step := run.next()) is not None:
                if isinstance(step, Item):
                    yield step.value
                    continue
                try:
                    run.reply = await self._do(step, run.opened, depth)
                except Exception as exc:
                    run.error = exc
        finally:
            steps.close()
            for response in run.opened:
                await response.aclose()

    async def _do(self, step: Any, opened: list[httpx.Response], depth: int) -> Any:
        if isinstance(step, Sleep):
            return await anyio.sleep(step.seconds)
        if isinstance(step, Warn):
            return self._session.reader.warn(step.notes, depth)
        with self._session.checks.transport_errors():
            if isinstance(step, Next):
                return await anext(step.chunks, None)
            if isinstance(step, Chunks):
                return step.response.aiter_raw()
            self._check_usable()
            if isinstance(step, Call):
                return await step.operation.asyncio_detailed(*step.args, client=self._api)
            response = await self._http.send(
                step.request,
                stream=step.stream,
                follow_redirects=step.stream,
                auth=httpx.USE_CLIENT_DEFAULT if step.credentials else None,
            )
            if step.stream:
                opened.append(response)
            return response
