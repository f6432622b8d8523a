"""``ModeClient``: the Query Runs of a Mode Report Run, as typed models, with blocking I/O:
the methods' steps (``core``) run by a driver over ``sync_detailed`` and ``httpx.Client``."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, Self, TypeVar, overload

from mode_api_client.models import Link, QueryRun

from .bulk import AHEAD, DEFAULT_CONCURRENCY, ReportRunQueryRuns, report_run_pairs
from .core import ClientCore, GeneratedOperation, Step, Stepping, Steps, named_here
from .dataframes import ChunkStream, DataFrame, read_frame, require_pandas
from .links import Variables
from .results import Download, Progress
from .waiting import Poll

__all__ = ["ModeClient"]

T = TypeVar("T")
_DIRECT, _RUN = 3, 5
"""Frames from ``Stepping.next`` up to the caller's line: iterating ``_iterate`` itself,
or calling a method that ``_run``s its steps."""


@named_here
class ModeClient(ClientCore):
    """A client for Mode's Query Runs API (``https://app.mode.com/api``).

    Args:
        account: The Workspace or User username every path starts with.
        token: Mode API token (HTTP Basic user name).
        secret: Mode API secret (HTTP Basic password). Either one that UTF-8 cannot
            encode (a lone surrogate) is a ``ValueError`` that does not show it.
        base_url: API base URL; default ``https://app.mode.com/api``.
        timeout: Seconds to connect and for each read; default 30. A request (a page, a
            Query Run, a followed link, a poll, a result's redirect and head) still under
            way this long after it started raises ``APITimeoutError``.
        max_retries: Retries of a GET that got 429, 502, 503, 504 or no response
            (default 2; 0: none).
        retry_policy: Backoff, jitter and total cap of retries (``RetryPolicy``; default
            0.5 s doubling up to 8 s, at most 60 s in all); ``Retry-After`` is honoured.
        strict: Raise ``ResponseParseError`` for a body that strays from the spec.
            Default ``False``: keep every value (one of an unexpected type in the model's
            ``additional_properties``) and report each distinct deviation once per
            client as a ``SpecDriftWarning`` and a WARNING log.
        max_body_bytes: The largest JSON API body to read, in bytes (default 32 MiB); a
            larger one raises ``ResponseParseError``. Result downloads are unlimited.
        page_limit: The most pages of new Query Runs a listing may have (default 10,000);
            past it ``ModeAPIError`` names the limit.
        http_client: Your own ``httpx.Client`` (proxies, a CA bundle, a transport;
            ``TypeError`` for anything else), left open by ``close``. The SDK's rules
            still apply to its requests; nothing is added to your client. Default: the
            SDK's own, keeping no cookies.
        rate_limit: Your workspace's limit in requests per second, if known: every
            request keeps that pace. Default ``None``: learnt from Mode's ``429`` answers.

    ``account``, ``timeout``, ``max_retries`` and ``page_limit`` are attributes too. One
    client holds one connection pool: close it with ``close`` or use it as a context
    manager. Every method raises a ``ModeAPIError`` subclass on failure (after retries):
    ``AuthenticationError`` (401), ``PermissionDeniedError`` (403), ``NotFoundError``
    (404), ``RateLimitError`` (429), ``ServerError`` (5xx), ``ResponseParseError`` (a body
    that is not the JSON the spec describes), ``APIConnectionError`` /
    ``APITimeoutError`` (no response); a token that is empty, ``.`` or ``..`` is a
    ``ValueError`` before any request. Requests are logged at DEBUG under the
    ``mode_query_runs`` logger, never with credentials.
    """

    def close(self) -> None:
        """Close the connection pool."""
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def list_query_runs(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> Iterator[QueryRun]:
        """Every Query Run (a ``QueryRun``) of Report Run ``run`` of ``report``, lazily:
        ``GET /{account}/reports/{report}/runs/{run}/query_runs``, then each
        ``_links.next_page`` once the page before is consumed. Each Query Run is given
        once (by ``token``), in Mode's order; the listing ends at a page without
        ``next_page`` or new Query Runs, one whose ``pagination`` says it is the last or
        whose ``next_page`` was fetched already, or after ``max_pages`` (``None``: all).

        Raises:
            ValueError: a bad token or ``max_pages`` below 1 (at once); a ``next_page``
                on another origin.
            ModeAPIError: per page, and past ``page_limit`` pages (``ResponseParseError``
                for a ``next_page`` href that is not a URL).
        """
        call, walk = self._list_call(report, run), self._walk(max_pages)
        return self._iterate(self._pages(call, walk, flat=True), _DIRECT)

    def list_query_run_pages(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> Iterator[list[QueryRun]]:
        """The Query Runs of a Report Run page by page, lazily: a list of each page's new
        Query Runs (none for a page without new ones); requests, errors and ending as
        [list_query_runs][mode_query_runs.ModeClient.list_query_runs]."""
        call, walk = self._list_call(report, run), self._walk(max_pages)
        return self._iterate(self._pages(call, walk), _DIRECT)

    def list_query_runs_many(
        self, report_runs: Iterable[tuple[str, str]], *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> Generator[ReportRunQueryRuns]:
        """The Query Runs of many Report Runs, ``report_runs`` (``(report, run)`` token
        pairs, read at once): one ``ReportRunQueryRuns`` per pair, in input order.

        Each pair is listed (as ``list_query_runs``) in a worker thread, up to
        ``concurrency`` (default 8) at a time and up to ``16 * concurrency`` pairs ahead of
        the result consumed, all at the client's one pace. A pair's failure (after
        retries) is its result's ``error`` and never stops the others. Closing the
        generator early cancels the pairs not started and waits for those in flight.

        Raises:
            ValueError: ``concurrency`` below 1, or a pair that is not two valid tokens
                (at once).
        """
        return self._many(report_run_pairs(report_runs, concurrency), concurrency)

    def _many(
        self, pairs: list[tuple[str, str]], concurrency: int
    ) -> Generator[ReportRunQueryRuns]:
        with ThreadPoolExecutor(concurrency, thread_name_prefix="mode-many") as pool:
            futures = (pool.submit(self._run, self._listing(*pair)) for pair in pairs)
            ahead = deque(itertools.islice(futures, AHEAD * concurrency))
            try:
                while ahead:
                    result = ahead.popleft().result()
                    ahead.extend(itertools.islice(futures, 1))
                    yield result
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

    def get_query_run(self, report: str, run: str, query_run: str) -> QueryRun:
        """One Query Run: ``GET /{account}/reports/{report}/runs/{run}/query_runs/{query_run}``.

        Raises:
            NotFoundError: no such Report, Report Run or Query Run.
        """
        return self._run(self._get(self._get_call(report, run, query_run)))

    def call(self, operation: GeneratedOperation[T], *args: str) -> T:
        """The 2xx model (``Response.parsed``) of a generated ``operation`` (a module of
        ``mode_api_client.api.query_runs``) called on this client's account with path
        parameters ``args`` (tokens, in the spec's order), with the client's rules (pace,
        retries, limits, errors, tolerant reading): ``mode.call(get_query_run_for_report_run,
        report, run, query_run)`` is ``get_query_run``.

        Raises:
            ModeAPIError: also for a 2xx whose body the spec does not describe.
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
        """GET a HAL ``link`` (a ``Link``, a relation's array of one, or an href resolved
        against the base URL's origin): the spec's model for a relation the spec types
        (``x-target``: a Query Run's ``self`` gives a ``QueryRun``, a collection's
        ``self`` or ``next_page`` a ``QueryRunCollection``), else decoded JSON.
        ``other_origin``: follow a link to another origin, without credentials;
        ``variables``: a templated link's (RFC 6570), e.g. ``{"page": 2}``.

        Raises:
            ValueError: another origin without ``other_origin``; a ``*_web`` browser URL;
                ``variables`` for a link not templated, or naming a variable it lacks.
            ResponseParseError: the body is not JSON, or breaks the spec for a spec path.
        """
        return self._run(self._follow(link, other_origin, variables))

    def wait_for_completion(
        self, query_run: QueryRun, *, timeout: float = 300.0, poll_interval: float = 1.0
    ) -> QueryRun:
        """Poll a Query Run's ``self`` link until its state is final (``succeeded``,
        ``failed``, ``cancelled``, ``completed``; any other is waited on) and return it
        (one already final without a request). ``timeout``: seconds to wait in all;
        ``poll_interval``: seconds before the first poll, each next one 1.5 times longer
        up to 10 s.

        Raises:
            ValueError: ``timeout`` or ``poll_interval`` is not a finite number above 0.
            APITimeoutError: the run is not final after ``timeout`` seconds.
        """
        return self._run(self._wait_for_completion(query_run, Poll(timeout, poll_interval)))

    def wait_for_report_run(
        self, report: str, run: str, *, timeout: float = 300.0, poll_interval: float = 1.0
    ) -> list[QueryRun]:
        """List a Report Run's Query Runs (every page) until each one's state is final;
        return the last listing, in Mode's order. Final states, ``timeout`` and
        ``poll_interval`` (between listings) are ``wait_for_completion``'s. Whether each
        has results is yours to check (``q.state in ("failed", "cancelled")``).

        Raises:
            ValueError: a bad token, ``timeout`` or ``poll_interval`` (at once).
            APITimeoutError: Query Runs are not final after ``timeout`` seconds (the
                message names the Report Run and the states waited on).
        """
        poll = Poll(timeout, poll_interval)
        return self._run(self._wait_for_report_run(self._list_call(report, run), poll))

    def download_result(
        self,
        query_run: QueryRun,
        path: str | os.PathLike[str] | IO[bytes],
        *,
        format: str = "csv",
        progress: Progress | None = None,
    ) -> int:
        """Stream a finished Query Run's result (``GET {result href}/content.csv`` or
        ``.json``, following redirects, to another origin without ``Authorization``) to
        ``path``; return the bytes written.

        Args:
            path: Where to write, in an existing directory: a regular file is replaced
                atomically (a failed download leaves it untouched), a device or FIFO
                written in place, an open binary stream written to and left open.
            format: ``"csv"`` or ``"json"``.
            progress: ``progress(bytes_done, bytes_total)`` after each chunk of 64 KiB;
                ``bytes_total`` is ``None`` when the server sends no length.

        Raises:
            ValueError: bad ``format``; the run's state has no results; no result link.
            OSError: the file could not be written.
        """
        request = self._result_request(query_run, format)
        return self._run(self._download(request, Download(path, progress)))

    def iter_result_rows(self, query_run: QueryRun) -> Iterator[dict[str, str]]:
        """The rows of a Query Run's CSV result as ``{column: value}`` string dicts,
        parsed as ``GET {result href}/content.csv`` streams (as ``download_result``).

        Raises:
            ValueError: the run's state has no results, or no result link (at once).
            ResponseParseError: a row's field count differs from the header's.
        """
        return self._iterate(self._rows(self._result_request(query_run, "csv")), _DIRECT)

    def result_dataframe(self, query_run: QueryRun, format: str = "csv") -> DataFrame:
        """A Query Run's result as a ``pandas.DataFrame``, streamed into pandas' reader in
        64 KiB chunks (``GET`` as ``download_result``; no other copy kept). ``"csv"``:
        pandas' type inference (``int64``, ``float64``, ``NaN`` for an empty field);
        ``"json"``: each value keeps its JSON type, no date conversion. Needs
        ``pip install "mode-query-runs[pandas]"``.

        Raises:
            ValueError: bad ``format``; the run's state has no results; no result link
                (at once).
            ImportError: pandas is not installed (the message names the extra).
            ResponseParseError: the body is a web page, or not CSV / a JSON array of rows.
        """
        request = self._result_request(query_run, format)
        pd = require_pandas()
        with contextlib.closing(self._iterate(self._result_pieces(request), _DIRECT)) as pieces:
            response = next(pieces)
            stream = ChunkStream(lambda: next(pieces, b""))
            return read_frame(pd, stream, format, response, self._session.redactor)

    def _run(self, steps: Steps[T]) -> T:
        run = Stepping(steps, self._session, _RUN)
        for _ in self._iterate(run, _RUN):
            pass  # a value on the way (a listing's Query Runs) is not the method's
        return run.value  # type: ignore[no-any-return]

    def _iterate(self, steps: Steps[Any] | Stepping, depth: int) -> Generator[Any]:
        """The values of ``steps``, each ``Step`` done as this client's work (its redactor
        meanwhile); streamed responses closed at the end."""
        run = steps if isinstance(steps, Stepping) else Stepping(steps, self._session, depth)
        try:
            while True:
                while isinstance(step := run.next(), Step):
                    run.do(step)
                if step is None:
                    return
                yield step
        finally:
            run.close()
