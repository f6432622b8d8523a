"""``AsyncModeClient``: ``ModeClient``'s own methods, their steps run by an async driver."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

import anyio
import anyio.lowlevel
import httpx

from mode_api_client.models import QueryRun

from .bulk import AHEAD, ReportRunQueryRuns
from .client import _DIRECT, ModeClient
from .core import ClientCore, Step, Stepping, Steps, named_here
from .dataframes import ChunkStream, DataFrame, read_frame, require_pandas
from .errors import ModeAPIError

__all__ = ["AsyncModeClient"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
_RUN = 4  # no method frame between ``_run`` and the caller: it is the awaited coroutine


def _awaited(
    method: Callable[Concatenate[ModeClient, P], R],
) -> Callable[Concatenate[AsyncModeClient, P], Coroutine[Any, Any, R]]:
    return method  # type: ignore[return-value]


def _iterated(
    method: Callable[Concatenate[ModeClient, P], Iterator[R]],
) -> Callable[Concatenate[AsyncModeClient, P], AsyncGenerator[R]]:
    return method  # type: ignore[return-value]


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
    _sleep = staticmethod(anyio.sleep)
    _next = staticmethod(anext)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._session.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    list_query_runs = _iterated(ModeClient.list_query_runs)
    """As ``ModeClient.list_query_runs``."""
    list_query_run_pages = _iterated(ModeClient.list_query_run_pages)
    """As ``ModeClient.list_query_run_pages``."""
    list_query_runs_many = _iterated(ModeClient.list_query_runs_many)
    """As ``ModeClient.list_query_runs_many``, with tasks of the caller's event loop for
    threads. To stop early, iterate inside ``contextlib.aclosing(...)``: it cancels the
    pairs in flight."""
    get_query_run = _awaited(ModeClient.get_query_run)
    """As ``ModeClient.get_query_run``."""
    call = _awaited(ModeClient.call)
    """As ``ModeClient.call``."""
    follow = _awaited(ModeClient.follow)
    """As ``ModeClient.follow``."""
    wait_for_completion = _awaited(ModeClient.wait_for_completion)
    """As ``ModeClient.wait_for_completion``."""
    wait_for_report_run = _awaited(ModeClient.wait_for_report_run)
    """As ``ModeClient.wait_for_report_run``."""
    download_result = _awaited(ModeClient.download_result)
    """As ``ModeClient.download_result``; the file is written from the event loop."""
    iter_result_rows = _iterated(ModeClient.iter_result_rows)
    """As ``ModeClient.iter_result_rows``."""

    async def _many(
        self, pairs: list[tuple[str, str]], concurrency: int
    ) -> AsyncGenerator[ReportRunQueryRuns]:
        results: dict[int, ReportRunQueryRuns] = {}
        done = [anyio.Event() for _ in pairs]
        workers = anyio.CapacityLimiter(concurrency)  # the next pair goes to a free one
        ahead = AHEAD * concurrency

        async def listed(index: int) -> None:
            async with workers:
                results[index] = await self._run(self._listing(*pairs[index]))
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

    async def result_dataframe(self, query_run: QueryRun, format: str = "csv") -> DataFrame:
        """As ``ModeClient.result_dataframe``; pandas parses in a worker thread."""
        request = self._result_request(query_run, format)
        pd = require_pandas()
        async with contextlib.aclosing(
            self._iterate(self._result_pieces(request), _DIRECT)
        ) as pieces:
            response = await anext(pieces)

            async def next_piece() -> bytes:
                return await anext(pieces, b"")

            stream = ChunkStream(lambda: anyio.from_thread.run(next_piece))
            redactor = self._session.redactor
            return await anyio.to_thread.run_sync(
                read_frame, pd, stream, format, response, redactor
            )

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
        run = Stepping(steps, self._session, _RUN)
        async for _ in self._iterate(run, _RUN):
            pass  # a value on the way (a listing's Query Runs) is not the method's
        return run.value  # type: ignore[no-any-return]

    async def _iterate(self, steps: Steps[Any] | Stepping, depth: int) -> AsyncGenerator[Any]:
        run = steps if isinstance(steps, Stepping) else Stepping(steps, self._session, depth)
        try:
            while True:
                while isinstance(step := run.next(), Step):
                    await run.ado(step)
                if step is None:
                    return
                yield step
        finally:
            await run.aclose()
