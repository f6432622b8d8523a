"""``ModeClient``: the Query Runs of a Mode Report Run, as typed models.

Built on the generated low-level client (``mode_api_client``): each spec operation is its
``sync_detailed``, over an httpx client whose transport applies the SDK's rules
(``engine``). Each method's work is written once (``core``); here it is run with
blocking I/O. ``AsyncModeClient`` is the same client for ``asyncio``.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import IO, Any, Self, TypeVar, overload

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
from .links import Variables
from .results import (
    Download,
    Progress,
    check_result_response,
)
from .waiting import Poll, ReportRunWait

__all__ = ["ModeClient"]

T = TypeVar("T")
_DIRECT, _RUN = 3, 5
"""Frames from ``_do`` up to the caller's line: iterating ``_iterate`` itself, or ``_run``."""


@named_here
class ModeClient(ClientCore):
    """A client for Mode's Query Runs API (``https://app.mode.com/api``).

    Args:
        account: The Workspace or User username every path starts with.
        token: Mode API token (HTTP Basic user name).
        secret: Mode API secret (HTTP Basic password). Either one that UTF-8 cannot
            encode (a lone surrogate) is a ``ValueError`` that does not show it.
        base_url: API base URL; default ``https://app.mode.com/api``.
        timeout: Seconds to wait to connect and for each read; default 30. A request
            (a list page, a Query Run, a followed link, each poll of
            ``wait_for_completion``, a result's redirect and head) still under way this
            long after it started raises ``APITimeoutError``; a result's body has only
            the per-read timeout.
        max_retries: Retries of a GET that got 429, 502, 503, 504 or no response
            (default 2; 0 turns retries off).
        retry_policy: Backoff, jitter and total time cap of retries
            (``RetryPolicy``; default 0.5 s doubling up to 8 s, at
            most 60 s in all). ``Retry-After`` is honoured.
        strict: Raise ``ResponseParseError`` for a body that strays from the spec in any
            way. Default ``False``: read it tolerantly, keep every value the server sent
            (values of unexpected types in the model's ``additional_properties``, the
            typed attribute ``UNSET``) and report each distinct deviation once per client
            as a ``SpecDriftWarning`` and a WARNING log line.
        max_body_bytes: The largest JSON API body (a list page, a Query Run, a followed
            link) to read, in bytes; default 32 MiB. A larger one raises
            ``ResponseParseError`` naming the limit, before reading when its
            ``Content-Length`` says so, else once the limit is passed. Result downloads
            are streamed and have no limit; of an error body the first 64 KiB are read.
        page_limit: The most pages a listing may have (default 10,000): a ``next_page``
            past that many pages, each with new Query Runs, raises ``ModeAPIError`` naming
            the limit (a server whose ``next_page`` links never end).
        http_client: Your own ``httpx.Client`` to send through (proxies, a CA bundle,
            limits, a transport). The SDK's rules still apply to its own requests:
            credentials, headers, ``timeout``, redirects, body limits, errors and logging
            are set per request, and the SDK's response hooks, added to the client's,
            leave every other request alone. ``close`` takes the hooks off and leaves
            the client open: it is yours to close, and so is its cookie policy. Default: a
            client of the SDK's own, which keeps no cookies (Mode is called by token).
            ``TypeError`` for anything else (an ``httpx.AsyncClient`` included).
        rate_limit: Your workspace's limit in requests per second, if you know it: every
            request of the client starts at that pace and never past it. Default
            ``None``: the pace is learnt from Mode's ``429`` answers (``pace``).

    One client holds one connection pool; close it with ``close`` or use the client
    as a context manager. ``with_options`` gives a copy with another ``timeout`` or
    ``max_retries`` over the same pool. Every method raises a ``ModeAPIError``
    subclass on failure: ``AuthenticationError`` (401), ``PermissionDeniedError`` (403),
    ``NotFoundError`` (404), ``RateLimitError`` (429), ``ServerError`` (5xx),
    ``ResponseParseError`` (a body that is not the JSON the spec describes),
    ``APIConnectionError`` / ``APITimeoutError`` (no response) — after retries, for the
    retried ones. Each request is logged at DEBUG under the ``mode_query_runs`` logger
    (method, URL, status, seconds), never with credentials.
    """

    def close(self) -> None:
        """Close the connection pool."""
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def list_query_runs(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> Iterator[QueryRun]:
        """Every Query Run of a Report Run, over all pages, lazily.

        ``GET /{account}/reports/{report}/runs/{run}/query_runs``; further pages are
        fetched by following ``_links.next_page``, each only when the runs of the page
        before it have been consumed. Each Query Run is given once (by ``token``, at its
        first place), and the listing ends by itself at a page without ``next_page``,
        without new Query Runs, whose ``pagination`` counters say it is the last, or whose
        ``next_page`` leads to a page already fetched (``pagination``).

        Args:
            report: Report token.
            run: Report Run token.
            max_pages: Stop after this many pages (``None``: all of them).

        Returns:
            An iterator of generated ``QueryRun`` models, in the order Mode sends them.

        Raises:
            ValueError: a token is empty, ``.`` or ``..``, or ``max_pages`` is below 1
                (raised at once); a ``next_page`` on another origin.
            ModeAPIError: per page, as the class describes; ``ModeAPIError`` too when
                ``next_page`` links lead past the client's ``page_limit`` pages of new
                Query Runs; ``ResponseParseError`` for a ``next_page`` href that is not a
                valid URL.
        """
        call, walk = self._list_call(report, run), self._walk(max_pages)
        return self._iterate(self._pages(call, walk, flat=True), _DIRECT)

    def list_query_run_pages(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> Iterator[list[QueryRun]]:
        """The Query Runs of a Report Run page by page, lazily: for output written as each
        page arrives (the command's ``list`` prints each page so).

        The same requests, Query Runs and ending as
        [list_query_runs][mode_query_runs.ModeClient.list_query_runs] (Mode's
        ``_links.next_page``, each Query Run once); each item is the list of the new Query
        Runs of one page, in Mode's order, and the next page is fetched only when asked
        for. A page bringing no new Query Run gives no item.

        Args:
            report: Report token.
            run: Report Run token.
            max_pages: Stop after this many pages (``None``: all of them).

        Raises:
            ValueError: as [list_query_runs][mode_query_runs.ModeClient.list_query_runs]
                (bad tokens or ``max_pages`` at once).
            ModeAPIError: per page, as
                [list_query_runs][mode_query_runs.ModeClient.list_query_runs].
        """
        call, walk = self._list_call(report, run), self._walk(max_pages)
        return self._iterate(self._pages(call, walk), _DIRECT)

    def list_query_runs_many(
        self, report_runs: Iterable[tuple[str, str]], *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> Generator[ReportRunQueryRuns]:
        """The Query Runs of many Report Runs: one result per ``(report, run)`` pair.

        Each pair's listing (every page, as ``list_query_runs``) runs in a worker
        thread of this client, up to ``concurrency`` at a time, each worker taking the next
        pair as soon as it is free (up to ``4 * concurrency`` pairs ahead of the result
        consumed: a pair waiting out a ``429`` does not idle the others); all of them keep
        the client's one pace.
        Needs no event loop. Closing the iterator early cancels the pairs not started
        and waits for those in flight.

        Args:
            report_runs: ``(report token, Report Run token)`` pairs, read at once.
            concurrency: The most pairs fetched at a time (at least 1; default 8).

        Returns:
            A generator of ``ReportRunQueryRuns``, in input order:
            its ``query_runs``, or what ended the pair's listing (after retries) as
            ``error``: a ``ModeAPIError``, or any other exception the pair raised (a
            ``ValueError`` for a ``next_page`` to another origin); one pair's failure
            never stops the others.

        Raises:
            ValueError: ``concurrency`` is below 1, or a pair is not two valid tokens
                (at once, before any request).
        """
        pairs = report_run_pairs(report_runs, concurrency)
        return self._many(pairs, concurrency)

    def _many(
        self, pairs: list[tuple[str, str]], concurrency: int
    ) -> Generator[ReportRunQueryRuns]:
        waiting = iter(pairs)
        ahead: deque[Future[ReportRunQueryRuns]] = deque()
        # ``concurrency`` workers take the pairs submitted as each frees up; up to AHEAD
        # times as many wait their turn, so one slow pair does not idle the others.
        with ThreadPoolExecutor(concurrency, thread_name_prefix="mode-many") as pool:
            try:
                for report, run in itertools.islice(waiting, AHEAD * concurrency):
                    ahead.append(pool.submit(self._listed, report, run))
                while ahead:
                    result = ahead.popleft().result()
                    for report, run in itertools.islice(waiting, 1):
                        ahead.append(pool.submit(self._listed, report, run))
                    yield result
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

    def _listed(self, report: str, run: str) -> ReportRunQueryRuns:
        try:
            return ReportRunQueryRuns(report, run, list(self.list_query_runs(report, run)))
        except Exception as exc:  # the pair's, whatever it is: never the others'
            return ReportRunQueryRuns(report, run, error=exc)

    def get_query_run(self, report: str, run: str, query_run: str) -> QueryRun:
        """One Query Run.

        ``GET /{account}/reports/{report}/runs/{run}/query_runs/{query_run}``.

        Args:
            report: Report token.
            run: Report Run token.
            query_run: Query Run token.

        Raises:
            ValueError: a token is empty, ``.`` or ``..``.
            NotFoundError: no such Report, Report Run or Query Run.
            ModeAPIError: any other failure, as the class describes.
        """
        return self._run(self._get(self._get_call(report, run, query_run)))

    def call(self, operation: GeneratedOperation[T], *args: str) -> T:
        """Call any generated operation of the spec on this client's account, with the
        client's rules (pace, retries, limits, errors, tolerant reading).

        ``mode.call(get_query_run_for_report_run, report, run, query_run)`` is
        ``get_query_run``; an operation added to the spec is callable this way once
        ``nox -s generate`` has generated its module, with no method written for it.

        Args:
            operation: A generated operation module
                (``from mode_api_client.api.query_runs import ...``); its path
                parameters after ``account`` are ``args``.
            args: Its path parameters after ``account`` (tokens), in the spec's order.

        Returns:
            The operation's 2xx model (``Response.parsed``), read as the clients read
            (a body that strays is kept and reported, or refused when strict).

        Raises:
            ValueError: a token is empty, ``.`` or ``..``.
            ModeAPIError: any failure, as the class describes; also a 2xx whose body the
                spec does not describe.
        """
        return self._run(self._get(self._operation_call(operation, args)))

    @overload
    def follow(
        self,
        link: Link[T] | list[Link[T]],
        *,
        other_origin: bool = False,
        variables: Variables | None = None,
    ) -> T: ...

    @overload
    def follow(
        self, link: str, *, other_origin: bool = False, variables: Variables | None = None
    ) -> Any: ...

    def follow(
        self,
        link: Link | list[Link] | str,
        *,
        other_origin: bool = False,
        variables: Variables | None = None,
    ) -> Any:
        """GET a HAL link: the spec's model for a spec relation, else decoded HAL JSON.

        A Query Run's ``self`` gives a ``QueryRun``, a collection's ``self`` or
        ``next_page`` a ``QueryRunCollection``; other relations (``report_run``,
        ``query``, ...) give dicts, lists, strings and numbers. The relations the spec
        types (their ``x-target``) hold ``Link[Model]`` links, and following one is typed
        as that model (``follow(run.field_links.self_)`` is a ``QueryRun``); an href or
        another relation's link is typed ``Any``.

        Args:
            link: A ``Link`` model, a relation's array of one Link, or an ``href``.
                Hrefs resolve against the base URL's origin (``/api/acme/...`` on
                ``https://app.mode.com/api`` is ``https://app.mode.com/api/acme/...``).
            other_origin: Follow a link to another origin, without credentials
                (default: refuse it).
            variables: Values for the variables of a templated link (``"templated":
                true``, an RFC 6570 URI template), e.g. ``{"page": 2}``; a templated
                link followed without them expands with none. The expanded URL then
                meets the same origin and relation rules as any link.

        Raises:
            ValueError: the link points to another origin and ``other_origin`` is false
                (credentials are never sent there); it is a ``*_web`` browser URL (see
                ``web_links``); ``variables`` are given for a link
                that is not templated, or name a variable the template lacks.
            ResponseParseError: the body is not JSON, or breaks the spec for a spec path.
            ModeAPIError: any other failure, as the class describes.
        """
        return self._run(self._follow(link, other_origin, variables))

    def wait_for_completion(
        self, query_run: QueryRun, *, timeout: float = 300.0, poll_interval: float = 1.0
    ) -> QueryRun:
        """Poll a Query Run's ``self`` link until its state is final; return the final run.

        Final states: ``succeeded``, ``failed``, ``cancelled``, ``completed``; any other
        (including states Mode adds later) is waited on. A run already final is returned
        without a request.

        Args:
            query_run: The run to wait for.
            timeout: Seconds to wait in all.
            poll_interval: Seconds before the first poll; each next one waits 1.5 times
                longer, up to 10 s.

        Raises:
            ValueError: ``timeout`` or ``poll_interval`` is not positive.
            APITimeoutError: the run is not final after ``timeout`` seconds.
            ModeAPIError: a poll failed, as the class describes.
        """
        return self._run(self._wait_for_completion(query_run, Poll(timeout, poll_interval)))

    def wait_for_report_run(
        self, report: str, run: str, *, timeout: float = 300.0, poll_interval: float = 1.0
    ) -> list[QueryRun]:
        """Wait until every Query Run of a Report Run is final; return them all.

        Lists the Report Run's Query Runs (every page, as
        [list_query_runs][mode_query_runs.ModeClient.list_query_runs]) until each one's
        state is final (``succeeded``, ``failed``, ``cancelled``, ``completed``; any other
        state, even one Mode adds later, is waited on), sleeping between listings as
        ``wait_for_completion`` does between polls. A Report Run whose Query Runs are all
        final (or that has none) is returned after one listing. Whether each ended with
        results is the caller's to check:
        ``[q for q in runs if q.state in ("failed", "cancelled")]``.

        Args:
            report: Report token.
            run: Report Run token.
            timeout: Seconds to wait in all.
            poll_interval: Seconds before the second listing; each next one waits 1.5
                times longer, up to 10 s.

        Returns:
            The Query Runs of the last listing, in Mode's order, every one final.

        Raises:
            ValueError: a token is empty, ``.`` or ``..``; ``timeout`` or
                ``poll_interval`` is not a finite number of seconds above 0 (before any
                request).
            APITimeoutError: Query Runs are still not final after ``timeout`` seconds;
                the message names the Report Run and the states waited on.
            ModeAPIError: a listing failed, as the class describes.
        """
        wait = ReportRunWait(report, run, timeout, poll_interval, "")
        return self._run(self._wait_for_report_run(self._list_call(report, run), wait))

    def download_result(
        self,
        query_run: QueryRun,
        path: str | os.PathLike[str] | IO[bytes],
        *,
        format: str = "csv",
        progress: Progress | None = None,
    ) -> int:
        """Stream a Query Run's result content to ``path``; return the bytes written.

        ``GET {result href}/content.csv`` (or ``.json``), following redirects; a redirect
        to another origin (a storage host) is followed without ``Authorization``. The
        body is written in chunks of 64 KiB to a temporary file beside ``path`` and
        renamed to ``path`` once complete: a failed download leaves no file behind.

        Args:
            query_run: A finished run (``succeeded`` / ``completed``).
            path: Where to write; its directory must exist. A regular file is replaced
                atomically, through a symbolic link; a device or FIFO is written in
                place; an open binary stream is written as chunks arrive, left open
                (see ``Download``).
            format: ``"csv"`` or ``"json"``.
            progress: ``progress(bytes_done, bytes_total)`` after each chunk;
                ``bytes_total`` is ``None`` when the server sends no length.

        Raises:
            ValueError: bad ``format``; the run's state has no results; no result link.
            ModeAPIError: the request failed, as the class describes.
            OSError: the file could not be written.
        """
        request = self._result_request(query_run, format)
        return self._run(self._download(request, Download(path, progress)))

    def iter_result_rows(self, query_run: QueryRun) -> Iterator[dict[str, str]]:
        """The rows of a Query Run's CSV result, streamed, as ``{column: value}`` dicts.

        ``GET {result href}/content.csv``, following redirects as ``download_result``
        does; the body is decoded and parsed as it arrives. Values are strings.

        Raises:
            ValueError: the run's state has no results or it has no result link (at once).
            ResponseParseError: a row's field count differs from the header's.
            ModeAPIError: the request failed, as the class describes.
        """
        return self._iterate(self._rows(self._result_request(query_run, "csv")), _DIRECT)

    def result_dataframe(self, query_run: QueryRun, format: str = "csv") -> DataFrame:
        """A Query Run's result as a ``pandas.DataFrame``, streamed into pandas' reader.

        ``GET {result href}/content.csv`` (or ``.json``), following redirects as
        ``download_result`` does (a redirect to another origin, a storage host, is
        followed without ``Authorization``). The body goes to pandas in chunks of 64 KiB
        as it arrives; no other copy of it is kept. ``"csv"``: columns get pandas' CSV
        type inference (``int64``, ``float64``, ``NaN`` for an empty field); ``"json"``:
        each value keeps its JSON type (numbers, strings, booleans, ``None``), without
        date conversion. Needs the ``pandas`` extra:
        ``pip install "mode-query-runs[pandas]"``.

        Args:
            query_run: A finished run (``succeeded`` / ``completed``).
            format: ``"csv"`` or ``"json"``.

        Raises:
            ValueError: bad ``format``; the run's state has no results; no result link
                (at once, before any request).
            ImportError: pandas is not installed (the message names the extra).
            ResponseParseError: the body is a web page, or not CSV / a JSON array of rows.
            ModeAPIError: the request failed, as the class describes.
        """
        request = self._result_request(query_run, format)
        pd = require_pandas()
        response = self._do(Send(request, stream=True), [], _RUN)
        try:
            check_result_response(response, self._session.redactor)
            pieces = self._iterate(self._body(response, lambda piece: (piece,)), _DIRECT)
            stream = ChunkStream(lambda: next(pieces, b""))
            return read_frame(pd, stream, format, response, self._session.redactor)
        finally:
            response.close()

    # --- the I/O of the steps (``core.Steps``) ------------------------------------------

    def _run(self, steps: Steps[T]) -> T:
        """What ``steps`` return, once each step is done (``_do``)."""
        box: list[T] = []
        for _ in self._iterate(boxed(steps, box), _RUN):
            pass
        return box[0]

    def _iterate(self, steps: Steps[Any], depth: int) -> Iterator[Any]:
        """The ``Item`` values of ``steps``, each other step done as it comes (its result
        sent back, its error thrown in); streamed responses are closed at the end.
        ``depth``: frames from ``_do`` up to the caller, for warnings."""
        run = Stepping(steps)
        try:
            while (step := run.next()) is not None:
                if isinstance(step, Item):
                    yield step.value
                    continue
                try:
                    run.reply = self._do(step, run.opened, depth)
                except Exception as exc:  # thrown into the steps, which may handle it
                    run.error = exc
        finally:
            steps.close()
            for response in run.opened:
                response.close()

    def _do(self, step: Any, opened: list[httpx.Response], depth: int) -> Any:
        """One step's I/O, blocking."""
        if isinstance(step, Sleep):
            return time.sleep(step.seconds)
        if isinstance(step, Warn):
            return self._session.reader.warn(step.notes, depth)
        with self._session.checks.transport_errors():
            if isinstance(step, Next):
                return next(step.chunks, None)
            if isinstance(step, Chunks):
                return step.response.iter_raw()
            self._check_usable()
            if isinstance(step, Call):
                return step.operation.sync_detailed(*step.args, client=self._api)
            response = self._http.send(
                step.request,
                stream=step.stream,
                follow_redirects=step.stream,
                auth=httpx.USE_CLIENT_DEFAULT if step.credentials else None,
            )
            if step.stream:
                opened.append(response)
            return response
