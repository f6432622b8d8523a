"""What ``ModeClient`` and ``AsyncModeClient`` share.

The two clients are thin shells that only do I/O: one with ``httpx.Client``, ``time.sleep``
and ``tenacity.Retrying``, the other with ``httpx.AsyncClient``, ``anyio.sleep`` and
``tenacity.AsyncRetrying``. Every decision is made once, here and in the modules it uses:
settings and their validation, which generated operation a method calls and with which
tokens, how an answer is parsed (``parsed``), what a link leads to
(``links``), the pages of a listing (``pagination``), retries
(``retries``), waiting (``waiting``) and results (``results``).
"""

from __future__ import annotations

import copy as _copy
import inspect
import os
import types
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

import httpx

from mode_api_client.api.query_runs import (
    get_query_run_for_report_run,
    list_query_runs_for_report_run,
)
from mode_api_client.models import QueryRun, QueryRunCollection

from .errors import ModeAPIError, ResponseParseError, without_userinfo
from .links import relation_href
from .pace import Pace
from .pagination import DEFAULT_PAGE_LIMIT, PageWalk, check_page_limit
from .responses import FOLLOWS_REDIRECTS
from .retries import RetryPolicy
from .session import Rules
from .settings import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TIMEOUT,
    check_seconds,
    check_token,
)
from .spec import MEDIA_TYPE

__all__ = ["DEFAULT_MAX_RETRIES", "Call", "ClientCore", "expected", "named_here"]

DEFAULT_MAX_RETRIES = 2
T = TypeVar("T")
S = TypeVar("S", bound=Rules)


@dataclass(frozen=True)
class Call(Generic[T]):
    """One call of a generated operation.

    Attributes:
        operation: The generated module; its ``_get_kwargs`` gives the method and the
            percent-encoded path. The body is read by ``reader``, not by the
            generated ``_parse_response``, so a body that strays from the spec is kept.
        args: Its path parameters, in order.
        expect: The model a success is read into.
    """

    operation: Any
    args: tuple[str, ...]
    expect: type[T]


def expected(found: Any, expect: type[T], response: httpx.Response) -> T:
    """``found`` (a read body) if it is an ``expect``; else ``ModeAPIError``."""
    if not isinstance(found, expect):
        raise ModeAPIError(
            f"unexpected response {response.status_code}", status=response.status_code
        )
    return found


def _renamed(function: types.FunctionType, owner: type) -> types.FunctionType:
    """A copy of ``function`` named as a method of ``owner`` (in its ``TypeError``s too)."""
    qualname = f"{owner.__qualname__}.{function.__name__}"
    copy = types.FunctionType(
        function.__code__.replace(co_qualname=qualname),
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = qualname
    copy.__doc__ = function.__doc__
    copy.__module__ = function.__module__
    copy.__annotations__ = function.__annotations__
    copy.__dict__.update(function.__dict__)
    return copy


C = TypeVar("C", bound=type)


def named_here(cls: C) -> C:
    """Class decorator: give a public client class its own copy of each function of
    `ClientCore` it inherits (`__init__` and the public ones), named after it.

    So a wrong argument's `TypeError` says `ModeClient.__init__() got an unexpected
    keyword argument 'x'` (or `ModeClient.from_env()`, `ModeClient.with_options()`),
    never the private base class. A function the class overrides is left alone.
    """
    for name, found in vars(ClientCore).items():
        if name.startswith("_") and name != "__init__":
            continue
        if inspect.getattr_static(cls, name) is not found:
            continue  # overridden, or not found through ClientCore
        if isinstance(found, classmethod):
            setattr(cls, name, classmethod(_renamed(found.__func__, cls)))  # type: ignore[arg-type]
        elif isinstance(found, types.FunctionType):
            setattr(cls, name, _renamed(found, cls))
    return cls


class ClientCore(Generic[S]):
    """Settings and decisions common to both clients; see ``ModeClient`` for the args."""

    account: str
    """The Workspace or User username every path starts with."""
    timeout: float
    """Seconds to wait to connect and for each read (the `timeout` argument)."""
    max_retries: int
    """Retries of a GET that got 429, 502, 503, 504 or no response (0: none)."""
    page_limit: int
    """The most pages a listing may have (the `page_limit` argument)."""
    _session: S

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
        self._set_limits(timeout, max_retries)
        self._pace = Pace(rate_limit, policy=self._retry_policy)
        """Every try of this client, at one pace (``pace``)."""
        self._session = self._open_session(
            base_url,
            token,
            secret,
            self.timeout,
            strict=strict,
            max_body_bytes=max_body_bytes,
            http=http_client,
        )

    def _set_limits(self, timeout: float, max_retries: int) -> None:
        self.timeout = check_seconds("timeout", timeout)
        self._retry = self._retry_policy.options(max_retries)
        self.max_retries = max_retries

    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> Self:
        """A copy of this client with other limits, sharing its connection pool and pace.

        As ``openai``'s ``client.with_options(...)``: for one call,
        ``mode.with_options(timeout=5).get_query_run(...)``. The copy shares this
        client's connection pool, its pace (one bucket at Mode) and its spec drift
        reports; closing either closes the pool of both.

        Args:
            timeout: Seconds, as the client's ``timeout``; default: this client's.
            max_retries: As the client's ``max_retries``; default: this client's.
            retry_policy: As the client's ``retry_policy``; default: this client's.

        Raises:
            ValueError: ``timeout`` is not a finite number above 0; ``max_retries`` is
                negative.
        """
        copy = _copy.copy(self)  # shares the pace (self._pace) and the session
        copy._retry_policy = retry_policy or self._retry_policy
        copy._set_limits(
            self.timeout if timeout is None else timeout,
            self.max_retries if max_retries is None else max_retries,
        )
        return copy

    def _open_session(
        self, base_url: str, token: str, secret: str, timeout: float, **options: Any
    ) -> S:
        """The session of this client (``options``: ``strict``, ``max_body_bytes``,
        ``http`` — the caller's own httpx client, or ``None``)."""
        raise NotImplementedError

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
        """A client configured from the environment.

        Reads ``MODE_API_TOKEN``, ``MODE_API_SECRET``, ``MODE_ACCOUNT`` and
        ``MODE_BASE_URL`` (default ``https://app.mode.com/api``), each with surrounding
        whitespace removed (a trailing space or newline pasted with a value).

        Raises:
            ValueError: required variables are unset, empty or only whitespace (every
                such name is given, never a value).
        """
        names = ("MODE_API_TOKEN", "MODE_API_SECRET", "MODE_ACCOUNT", "MODE_BASE_URL")
        value = {name: os.environ.get(name, "").strip() for name in names}
        missing = [name for name in names[:3] if not value[name]]
        if missing:
            raise ValueError(f"environment variable(s) not set: {', '.join(missing)}")
        return cls(
            value["MODE_ACCOUNT"],
            value["MODE_API_TOKEN"],
            value["MODE_API_SECRET"],
            base_url=value["MODE_BASE_URL"] or DEFAULT_BASE_URL,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            strict=strict,
            max_body_bytes=max_body_bytes,
            page_limit=page_limit,
            http_client=http_client,
            rate_limit=rate_limit,
        )

    @property
    def base_url(self) -> str:
        """The API base URL, without a trailing slash (and without ``user:password@``)."""
        return str(without_userinfo(self._session.origin.base_url))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(account={self.account!r}, base_url={self.base_url!r})"

    def _list_call(self, report: str, run: str) -> Call[QueryRunCollection]:
        args = (self.account, check_token("report", report), check_token("run", run))
        return Call(list_query_runs_for_report_run, args, QueryRunCollection)

    def _get_call(self, report: str, run: str, query_run: str) -> Call[QueryRun]:
        args = (
            self.account,
            check_token("report", report),
            check_token("run", run),
            check_token("query_run", query_run),
        )
        return Call(get_query_run_for_report_run, args, QueryRun)

    def _check_usable(self) -> None:
        """Refuse a request on a closed client, naming the cause.

        Raises:
            ModeAPIError: ``close`` (``aclose``) was called on this client or on a
                copy of it from ``with_options`` (they share one connection pool),
                or the ``http_client`` it was given was closed.
        """
        if self._session.is_closed:
            raise ModeAPIError(
                f"this {type(self).__name__} is closed: make a new client, or use it"
                " inside its with block"
            )

    def _deadline(self) -> float:
        """When a call starting now must be done waiting (its ``total_timeout``)."""
        return self._pace.clock() + self._retry_policy.total_timeout

    def _walk(self, max_pages: int | None) -> PageWalk:
        """A walk over one listing's pages (raises ``ValueError`` for a bad ``max_pages``)."""
        return PageWalk(self._session.origin, max_pages, self.page_limit)

    def _self_url(self, query_run: QueryRun) -> httpx.URL:
        """The URL of a Query Run's ``self`` link, to poll it.

        Raises:
            ResponseParseError: the run has no ``self`` link, it is not one Link, or its
                href is not a valid URL.
            ValueError: the link is on another origin.
        """
        href = relation_href(query_run, "self")
        if href is None:
            raise ResponseParseError("the Query Run has no self link to poll")
        return self._session.origin.resolve(href, relation="self")

    def _operation_request(self, call: Call[Any]) -> httpx.Request:
        """The GET of a generated operation (its percent-encoded path on the base URL)."""
        path = call.operation._get_kwargs(*call.args)["url"]
        return self._request(self._session.origin.base_url.copy_with(raw_path=self._raw_path(path)))

    def _raw_path(self, path: str) -> bytes:
        return self._session.origin.base_url.raw_path.rstrip(b"/") + path.encode("ascii")

    def _request(
        self, url: httpx.URL, *, accept: str = MEDIA_TYPE, result: bool = False
    ) -> httpx.Request:
        """A GET of ``url`` within this client's ``timeout`` (see ``Rules.request``)."""
        return self._session.request(url, accept=accept, result=result, timeout=self.timeout)

    def _send_options(self, request: httpx.Request, credentials: bool) -> dict[str, Any]:
        """Keyword arguments of ``send``: no auth unless ``credentials``; redirects if allowed.

        httpx drops ``Authorization`` itself on a redirect to another origin.

        Raises:
            ModeAPIError: the client is closed, or cannot send from here (see
                ``_check_usable``).
        """
        self._check_usable()
        return {
            "follow_redirects": bool(request.extensions.get(FOLLOWS_REDIRECTS)),
            "auth": self._session.auth if credentials else None,
        }
