"""What ``ModeClient`` and ``AsyncModeClient`` share: settings, and each method's work
written once as a generator of I/O steps (``Steps``) that each client's driver runs. The
rules every request meets are the transport's (``engine``)."""

from __future__ import annotations

import codecs
import copy as _copy
import functools
import inspect
import os
import time
import types
from collections.abc import Awaitable, Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, Self, TypeVar

import httpx

from mode_api_client import Client
from mode_api_client.api.query_runs import (
    get_query_run_for_report_run,
    list_query_runs_for_report_run,
)
from mode_api_client.errors import UnreadableBody
from mode_api_client.models import Link, QueryRun, QueryRunCollection
from mode_api_client.types import Response

from .bodies import STREAMS_BODY
from .bulk import ReportRunQueryRuns
from .decoding import Decoding, UnsupportedEncoding
from .engine import Session
from .errors import REDACTOR, ModeAPIError, ResponseParseError, without_userinfo
from .links import Variables, follow_target, relation_href
from .pace import Pace
from .pagination import DEFAULT_PAGE_LIMIT, PageWalk, check_page_limit
from .reader import Notes
from .responses import FOLLOWS_REDIRECTS, HTTPX_ERRORS
from .results import (
    FORMATS,
    CsvRows,
    Download,
    check_result_response,
    content_href,
    text_encoding,
    undecodable,
)
from .retries import RetryPolicy
from .settings import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TIMEOUT,
    check_seconds,
    check_token,
)
from .spec import MEDIA_TYPE
from .waiting import Poll, is_finished, still_waiting

__all__ = ["DEFAULT_MAX_RETRIES", "ClientCore", "Step", "Stepping", "Steps", "named_here"]

DEFAULT_MAX_RETRIES = 2
T = TypeVar("T")
E = TypeVar("E", bound=ModeAPIError)


class GeneratedOperation(Protocol[T]):
    """A module of ``mode_api_client.api`` (one per spec operation)."""

    @property
    def sync_detailed(self) -> Callable[..., Response[T]]: ...

    @property
    def asyncio_detailed(self) -> Callable[..., Awaitable[Response[T]]]: ...


Steps = Generator[Any, Any, T]
"""Yields ``Step``s and ``Warn``s, and the values an iterator gives its caller."""


class Step(functools.partial[Any]):
    """I/O for a client's driver: called (and awaited by ``AsyncModeClient``), its result
    sent back, its error thrown in (an httpx one as the SDK's)."""


class Opens(Step):
    """A ``Step`` whose result is a streamed response, closed when the method ends."""


@dataclass(frozen=True)
class Warn:
    """Warn ``SpecDriftWarning``s (if any) at the caller's line."""

    notes: Notes


@dataclass(frozen=True)
class Call(Generic[T]):
    """Generated ``operation`` with path parameters ``args``, whose success should be an
    ``expect``."""

    operation: Any
    args: tuple[str, ...]
    expect: type[T]

    @property
    def spec(self) -> str:
        """The operation's ``operationId``."""
        return _operation_id(self.operation.__name__)


@functools.cache
def _operation_id(module: str) -> str:
    """The ``operationId`` of a generated operation's module: its name in camel case."""
    first, *rest = module.rpartition(".")[2].split("_")
    return first + "".join(word.capitalize() for word in rest)


class Stepping:
    """One run of ``steps`` by a driver for ``session`` (warning ``depth`` frames up from
    ``next``), and its streamed responses; ``value``: what the steps returned, once ended."""

    def __init__(self, steps: Steps[Any], session: Session, depth: int) -> None:
        self.steps = steps
        self.session = session
        self.depth = depth
        self.reply: Any = None
        self.error: Exception | None = None
        self.opened: list[httpx.Response] = []
        self.value: Any = None

    def next(self) -> Any:
        """The next step or value (``reply`` sent in, or ``error`` thrown in; a ``Warn``
        warned); ``None`` at the end. The steps run with the session's redactor."""
        token = REDACTOR.set(self.session.redactor)  # never across a yield
        try:
            while True:
                reply, error = self.reply, self.error
                self.reply = self.error = None
                try:
                    step = self.steps.send(reply) if error is None else self.steps.throw(error)
                except StopIteration as end:
                    self.value = end.value
                    return None
                if not isinstance(step, Warn):
                    return step
                try:
                    self.session.reader.warn(step.notes, self.depth)
                except Exception as exc:  # a warnings filter's error
                    self.error = exc
        finally:
            REDACTOR.reset(token)

    def do(self, step: Step) -> None:
        """Do ``step`` with the session's redactor: its result sent back (closed at the end
        if it ``Opens``), or its error thrown in."""
        token = REDACTOR.set(self.session.redactor)
        try:
            self._answer(step, step())
        except Exception as exc:
            self._fail(exc)
        finally:
            REDACTOR.reset(token)

    async def ado(self, step: Step) -> None:
        """``do`` for ``AsyncModeClient``: ``step``'s result awaited."""
        token = REDACTOR.set(self.session.redactor)
        try:
            self._answer(step, await step())
        except Exception as exc:
            self._fail(exc)
        finally:
            REDACTOR.reset(token)

    def _answer(self, step: Step, reply: Any) -> None:
        self.reply = reply
        if isinstance(step, Opens):
            self.opened.append(reply)

    def _fail(self, error: Exception) -> None:
        httpx_error = isinstance(error, HTTPX_ERRORS)  # thrown in as the SDK's error
        self.error = self.session.checks.mapped(error) if httpx_error else error

    def close(self) -> None:
        """End the steps; close the streamed responses."""
        self.steps.close()
        for response in self.opened:
            response.close()

    async def aclose(self) -> None:
        """``close`` for ``AsyncModeClient``."""
        self.steps.close()
        for response in self.opened:
            await response.aclose()


C = TypeVar("C", bound=type)
_KEPT = ("__doc__", "__annotations__", "__defaults__", "__kwdefaults__")


def named_here(cls: C) -> C:
    """Give ``cls`` its own copy of each public function (and ``__init__``) it has from
    another class, so a ``TypeError`` names ``ModeClient.__init__()``, not the base."""
    for name, found in {**vars(ClientCore), **vars(cls)}.items():
        function = getattr(found, "__func__", found)
        qualname = f"{cls.__qualname__}.{name}"
        public = name == "__init__" or not name.startswith("_")
        if public and inspect.isfunction(function) and function.__qualname__ != qualname:
            code = function.__code__.replace(co_qualname=qualname)
            copy = types.FunctionType(code, function.__globals__, closure=function.__closure__)
            functools.update_wrapper(copy, function, _KEPT, updated=())
            setattr(cls, name, classmethod(copy) if isinstance(found, classmethod) else copy)
    return cls


class ClientCore:
    """Settings and the methods' work, common to both clients; see ``ModeClient``."""

    account: str
    timeout: float
    max_retries: int
    page_limit: int
    _http_kind: type[httpx.Client] | type[httpx.AsyncClient] = httpx.Client
    _sleep: Callable[[float], Any] = staticmethod(time.sleep)
    _next: Callable[..., Any] = staticmethod(next)

    def __init__(
        self,
        account: str,
        token: str,
        secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        strict: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        page_limit: int = DEFAULT_PAGE_LIMIT,
        http_client: Any = None,
        rate_limit: float | None = None,
    ) -> None:
        self.account = check_token("account", account)
        self.page_limit = check_page_limit(page_limit)
        self._retry_policy = retry_policy or RetryPolicy()
        self.timeout = check_seconds("timeout", timeout)
        self._retry_policy.options(max_retries)  # ValueError for a negative one, first
        self.max_retries = max_retries
        self._session = Session(
            base_url,
            token,
            secret,
            self.timeout,
            strict=strict,
            max_body_bytes=max_body_bytes,
            http=http_client,
            pace=Pace(rate_limit),
            retry_policy=self._retry_policy,
            max_retries=max_retries,
            kind=self._http_kind,
        )
        self._use(self._session.http)

    def _use(self, http: Any) -> None:
        """Send through ``http``, the generated operations through a ``Client`` over it."""
        self._http = http
        self._api = Client(base_url=str(self._session.origin.base_url))
        if isinstance(http, httpx.Client):
            self._api.set_httpx_client(http)
        else:
            self._api.set_async_httpx_client(http)

    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> Self:
        """A copy of this client with another ``timeout`` (seconds), ``max_retries`` or
        ``retry_policy`` (``None``: this client's; see the constructor), sharing its
        connection pool and pace; closing either closes both. E.g. for one call:
        ``mode.with_options(timeout=5).get_query_run(...)``.

        Raises:
            ValueError: ``timeout`` is not a finite number above 0; ``max_retries`` is
                negative.
        """
        copy = _copy.copy(self)
        copy._retry_policy = retry_policy or self._retry_policy
        copy.timeout = check_seconds("timeout", self.timeout if timeout is None else timeout)
        copy.max_retries = self.max_retries if max_retries is None else max_retries
        copy._use(self._session.client(copy.timeout, copy._retry_policy, copy.max_retries))
        return copy

    @property
    def strict(self) -> bool:
        """Whether a body that strays from the spec is an error (else a warning)."""
        return self._session.reader.strict

    @classmethod
    def from_env(
        cls,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        strict: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        page_limit: int = DEFAULT_PAGE_LIMIT,
        http_client: Any = None,
        rate_limit: float | None = None,
    ) -> Self:
        """A client configured from the environment. Reads ``MODE_API_TOKEN``,
        ``MODE_API_SECRET``, ``MODE_ACCOUNT`` and ``MODE_BASE_URL`` (default
        ``https://app.mode.com/api``), stripped of whitespace; the other arguments are as
        the constructor's.

        Raises:
            ValueError: one of the first three is unset or blank (the names are given).
        """
        options = {name: value for name, value in locals().items() if name != "cls"}
        names = ("MODE_API_TOKEN", "MODE_API_SECRET", "MODE_ACCOUNT", "MODE_BASE_URL")
        values = [os.environ.get(name, "").strip() for name in names]
        missing = [name for name, value in zip(names[:3], values, strict=False) if not value]
        if missing:
            raise ValueError(f"environment variable(s) not set: {', '.join(missing)}")
        token, secret, account, base_url = values
        return cls(account, token, secret, base_url=base_url or DEFAULT_BASE_URL, **options)

    @property
    def base_url(self) -> str:
        """The API base URL, without a trailing slash (and without ``user:password@``)."""
        return str(without_userinfo(self._session.origin.base_url))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(account={self.account!r}, base_url={self.base_url!r})"

    def _request(
        self, url: httpx.URL, *, accept: str = MEDIA_TYPE, result: bool = False
    ) -> httpx.Request:
        """A GET of ``url`` (``result``: its redirects followed, its body streamed)."""
        extensions = {FOLLOWS_REDIRECTS: True, STREAMS_BODY: True} if result else {}
        request: httpx.Request = self._http.build_request(
            "GET", url, headers={"Accept": accept}, extensions=extensions
        )
        return request

    def _send(
        self, request: httpx.Request, *, credentials: bool = True, stream: bool = False
    ) -> Step:
        """The step sending ``request`` (``credentials``: with Basic auth; ``stream``: its
        body streamed, its redirects followed)."""
        self._check_usable()
        auth = httpx.USE_CLIENT_DEFAULT if credentials else None
        send = self._http.send
        return (Opens if stream else Step)(
            send, request, stream=stream, follow_redirects=stream, auth=auth
        )

    def _check_usable(self) -> None:
        """``ModeAPIError`` if this client (or a copy) or its ``http_client`` is closed."""
        if self._session.is_closed:
            name = type(self).__name__
            raise ModeAPIError(
                f"this {name} is closed: make a new client, or use it inside its with block"
                if self._session._closed
                else f"the http_client this {name} was given is closed: give it an open one"
            )

    def _list_call(self, report: str, run: str) -> Call[QueryRunCollection]:
        args = (self.account, check_token("report", report), check_token("run", run))
        return Call(list_query_runs_for_report_run, args, QueryRunCollection)

    def _get_call(self, report: str, run: str, query_run: str) -> Call[QueryRun]:
        tokens = {"report": report, "run": run, "query_run": query_run}
        args = tuple(check_token(name, token) for name, token in tokens.items())
        return Call(get_query_run_for_report_run, (self.account, *args), QueryRun)

    def _operation_call(self, operation: GeneratedOperation[T], args: tuple[str, ...]) -> Call[T]:
        tokens = tuple(check_token("token", arg) for arg in args)
        return Call(operation, (self.account, *tokens), object)  # type: ignore[arg-type]

    def _walk(self, max_pages: int | None) -> PageWalk:
        """A walk over one listing's pages (raises ``ValueError`` for a bad ``max_pages``)."""
        return PageWalk(self._session.origin, max_pages, self.page_limit)

    def _error(self, kind: type[E], message: str, request: httpx.Request, status: int) -> E:
        origin = self._session.origin
        url = origin.shown_url(request.url)
        return kind(
            message, status=status, method=request.method, url=url, redactor=origin.redactor
        )

    def _call(self, call: Call[T]) -> Steps[tuple[T, httpx.Request]]:
        """A generated operation's model and its request (errors as ``SpecReader.check``)."""
        reader = self._session.reader
        self._check_usable()
        sync = self._http_kind is httpx.Client
        detailed = call.operation.sync_detailed if sync else call.operation.asyncio_detailed
        try:
            answer = yield Step(detailed, *call.args, client=self._api)
        except UnreadableBody as error:
            raise reader.unreadable(error, error.response, call.spec) from None
        request, status = answer.request, int(answer.status_code)
        if answer.parsed is None or not isinstance(answer.parsed, call.expect):
            message = f"unexpected response: no {call.expect.__name__} for this status in the spec"
            raise self._error(ModeAPIError, message, request, status)
        notes: Notes = []
        found = reader.check(answer.parsed, request, status, call.spec, notes)
        if notes:
            yield Warn(notes)
        return found, request

    def _get(self, call: Call[T]) -> Steps[T]:
        found, _request = yield from self._call(call)
        return found

    def _pages(
        self,
        first: Call[QueryRunCollection],
        walk: PageWalk,
        *,
        flat: bool = False,
        kept: list[QueryRun] | None = None,
    ) -> Steps[None]:
        """A listing's new Query Runs page by page (``flat``: one by one) and into ``kept``
        if given (else none is held once given, for the garbage collector)."""
        page, request = yield from self._call(first)
        url = request.url
        while True:
            new = walk.take(url, page)
            if kept is not None:
                kept.extend(new)
            yield from new if flat else [new] if new else []
            next_url = walk.next_url(page)
            if next_url is None:
                return
            del page, new  # not alive while the next page is read: less for the collector
            response = yield self._send(self._request(next_url))
            notes: Notes = []
            page = self._session.reader.read_as(QueryRunCollection, response, first.spec, notes)
            yield Warn(notes)
            url = next_url

    def _listing(self, report: str, run: str) -> Steps[ReportRunQueryRuns]:
        """One pair of ``list_query_runs_many``: its Query Runs, or the error that ended them."""
        query_runs: list[QueryRun] = []
        try:
            yield from self._pages(self._list_call(report, run), self._walk(None), kept=query_runs)
        except Exception as exc:  # the pair's, whatever it is: never the others'
            return ReportRunQueryRuns(report, run, error=exc)
        return ReportRunQueryRuns(report, run, query_runs)

    def _follow(
        self, link: Link | list[Link] | str, other_origin: bool, variables: Variables | None
    ) -> Steps[Any]:
        origin = self._session.origin
        target = follow_target(origin, link, other_origin=other_origin, variables=variables)
        request = self._request(target.url)
        response = yield self._send(request, credentials=target.credentials)
        notes: Notes = []
        found = self._session.read(response, notes)
        yield Warn(notes)
        return found

    def _wait_for_completion(self, query_run: QueryRun, poll: Poll) -> Steps[QueryRun]:
        while not is_finished(query_run):
            href = relation_href(query_run, "self")
            if href is None:
                raise ResponseParseError("the Query Run has no self link to poll")
            url = self._session.origin.resolve(href, relation="self")
            yield Step(self._sleep, poll.next_delay(query_run, str(url), self._session.redactor))
            found = yield from self._follow(str(url), False, None)
            if not isinstance(found, QueryRun):
                raise ValueError(f"{url} is not a Query Run's self link")
            query_run = found
        return query_run

    def _wait_for_report_run(
        self, call: Call[QueryRunCollection], poll: Poll
    ) -> Steps[list[QueryRun]]:
        _account, report, run = call.args
        while True:
            walk = self._walk(None)
            query_runs: list[QueryRun] = []
            yield from self._pages(call, walk, kept=query_runs)
            still = still_waiting(report, run, query_runs)
            if still is None:
                return query_runs
            yield Step(self._sleep, poll.delay_or_timeout(still, str(walk.first_url)))

    def _result_request(self, query_run: QueryRun, format: str) -> httpx.Request:
        """The GET of a Query Run's result content (``ValueError`` as ``content_href``)."""
        url = self._session.origin.resolve(content_href(query_run, format), relation="result")
        return self._request(url, accept=FORMATS[format], result=True)

    def _download(self, request: httpx.Request, download: Download) -> Steps[int]:
        try:
            response = yield self._send(request, stream=True)
            download.start(response, self._session.redactor)
            yield from self._body(response, download.write, whole=download.chunk_bytes is not None)
            return download.commit()
        finally:
            download.abort()

    def _rows(self, request: httpx.Request) -> Steps[None]:
        rows = CsvRows()
        response = yield self._send(request, stream=True)
        check_result_response(response, self._session.redactor)
        text = codecs.getincrementaldecoder(text_encoding(response))(errors="replace")
        try:
            yield from self._body(response, lambda piece: rows.feed(text.decode(piece)))
            rest = text.decode(b"", final=True)
        except UnicodeError as exc:  # result text its codec cannot decode
            raise undecodable(exc, self._session.redactor) from None
        yield from [*rows.feed(rest), *rows.close()]

    def _result_pieces(self, request: httpx.Request) -> Steps[None]:
        """The result's response (checked), then its body's decoded pieces."""
        response = yield self._send(request, stream=True)
        check_result_response(response, self._session.redactor)
        yield response
        yield from self._body(response, lambda piece: (piece,))

    def _body(
        self,
        response: httpx.Response,
        each: Callable[[bytes], Iterable[Any] | None],
        *,
        whole: bool = False,
    ) -> Steps[None]:
        """A streamed body's decoded pieces (64 KiB each, ``whole``: but the last) handed
        to ``each``; each value it gives back."""
        read = response.is_stream_consumed  # read (and decoded) before the SDK saw it
        ahead = [response.content, None] if read else []
        sync = self._http_kind is httpx.Client
        raw = None if read else response.iter_raw() if sync else response.aiter_raw()
        try:
            decoding = Decoding(
                None if read else response.headers.get("Content-Encoding"), whole=whole
            )
            while True:
                data = ahead.pop(0) if read else (yield Step(self._next, raw, None))
                for piece in decoding.close() if data is None else decoding.feed(data):
                    yield from each(piece) or ()
                if data is None:
                    return
        except UnsupportedEncoding as error:
            status = response.status_code
            raise self._error(ResponseParseError, str(error), response.request, status) from None
