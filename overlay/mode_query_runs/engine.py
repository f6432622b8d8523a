"""One connection pool per client, and the httpx transport that applies every rule to
every request (``Session.http``): the pace, retries, body limits, the overall deadline
(async: ``anyio.fail_after``; sync: ``deadline``, else chunk by chunk) and typed errors."""

from __future__ import annotations

import os
import platform
import time
import urllib.request
from collections.abc import Awaitable, Callable, Generator
from functools import partial
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import anyio
import httpx
import tenacity

from . import __version__
from .bodies import STREAMS_BODY, BodyRead
from .deadline import DeadlineTransport, bound, unbound
from .decoding import ACCEPT_ENCODING
from .errors import REDACTOR, APITimeoutError, ModeAPIError, RateLimitError, credential_forms
from .jsonbody import decode_json
from .origin import Origin
from .pace import Pace, apaced, paced
from .reader import Notes, SpecReader
from .responses import HTTPX_ERRORS, TIMEOUT, ResponseChecks
from .retries import RetryPolicy
from .settings import DEFAULT_MAX_BODY_BYTES, check_count, check_seconds, check_text
from .spec import MEDIA_TYPE

__all__ = ["AsyncModeTransport", "ModeTransport", "Session"]


_ENVIRONMENT = ("ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR")
_Pool = httpx.Client | httpx.AsyncClient | httpx.BaseTransport | httpx.AsyncBaseTransport


def _own_pool(kind: type[httpx.Client] | type[httpx.AsyncClient], origin: Origin) -> _Pool:
    """A transport, or with the environment's proxies a client (else ``ModeAPIError``)."""
    try:
        if not [scheme for scheme in urllib.request.getproxies() if scheme != "no"]:
            return DeadlineTransport() if kind is httpx.Client else httpx.AsyncHTTPTransport()
        return kind(follow_redirects=False, cookies=_no_cookies())
    except (ImportError, ValueError, OSError, httpx.InvalidURL) as exc:
        named = [name for name in _ENVIRONMENT if os.getenv(name) or os.getenv(name.lower())]
        settings = ", ".join(named) or "proxy and certificate settings"
        raise ModeAPIError(
            f"cannot make a connection pool with the environment's {settings}:"
            f" {str(exc) or type(exc).__name__}",
            redactor=origin.redactor,
        ) from None


def _no_cookies() -> CookieJar:
    return CookieJar(DefaultCookiePolicy(allowed_domains=[]))  # none may follow a redirect


class Session:
    """One client's connection pool and the rules every request of it meets. The arguments
    are the client's (``http``: its ``http_client``; ``kind``: ``httpx.Client`` or
    ``httpx.AsyncClient``), and so are the errors raised (``TypeError``, ``ValueError``,
    and ``ModeAPIError`` when no pool can be made with the environment's proxies)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        secret: str,
        timeout: float,
        *,
        kind: type[httpx.Client] | type[httpx.AsyncClient] = httpx.Client,
        strict: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        http: httpx.Client | httpx.AsyncClient | None = None,
        pace: Pace | None = None,
        retry_policy: RetryPolicy | None = None,
        max_retries: int = 2,
    ) -> None:
        if http is not None and not isinstance(http, kind):
            raise TypeError(
                f"http_client must be an httpx.{kind.__name__}, not {type(http).__name__}"
            )
        self.kind, self.owns_pool = kind, http is None
        token, secret = check_text("token", token), check_text("secret", secret)
        self.origin = Origin(base_url, credential_forms(token, secret))
        self.redactor = self.origin.redactor
        self.timeout = check_seconds("timeout", timeout)
        self.checks = ResponseChecks(self.origin)
        self.max_body_bytes = check_count("max_body_bytes", max_body_bytes)
        self.reader = SpecReader(strict=strict)
        self.pace = pace or Pace()
        self.auth = httpx.BasicAuth(token, secret)
        python = platform.python_version()
        agent = f"mode-query-runs/{__version__} httpx/{httpx.__version__} python/{python}"
        self.headers = {"Accept": MEDIA_TYPE, "Accept-Encoding": ACCEPT_ENCODING}
        self.headers["User-Agent"] = agent
        self.pool = pool = _own_pool(kind, self.origin) if http is None else http
        self.send: Any = (  # a response whose body is still to read
            partial(pool.send, stream=True, auth=None, follow_redirects=False)
            if isinstance(pool, (httpx.Client, httpx.AsyncClient))
            else getattr(pool, "handle_request" if kind is httpx.Client else "handle_async_request")
        )
        self._closed = False
        self.http = self.client(self.timeout, retry_policy or RetryPolicy(), max_retries)

    def __repr__(self) -> str:
        return f"Session(base_url={str(self.origin.base_url)!r})"  # without userinfo

    def client(
        self, timeout: float, retry_policy: RetryPolicy, max_retries: int
    ) -> httpx.Client | httpx.AsyncClient:
        """An httpx client over this session's pool with these limits (``with_options``)."""
        transport = ModeTransport if self.kind is httpx.Client else AsyncModeTransport
        return self.kind(
            transport=transport(self, timeout, retry_policy, max_retries),  # type: ignore[arg-type]
            base_url=self.origin.base_url,
            auth=self.auth,
            headers=self.headers,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            cookies=_no_cookies(),
        )

    @property
    def is_closed(self) -> bool:
        """Whether the session or its pool was closed."""
        return self._closed or bool(getattr(self.pool, "is_closed", False))

    def close(self) -> None:
        """Close the connection pool (a caller's own ``http`` is left open)."""
        self._closed = True
        if self.owns_pool and isinstance(self.pool, (httpx.Client, httpx.BaseTransport)):
            self.pool.close()

    async def aclose(self) -> None:
        """Close the connection pool (a caller's own ``http`` is left open)."""
        self._closed = True
        if self.owns_pool and isinstance(self.pool, (httpx.AsyncClient, httpx.AsyncBaseTransport)):
            await self.pool.aclose()

    def read(self, response: httpx.Response, notes: Notes | None = None) -> Any:
        """A read 2xx body: the spec's model for a spec operation, else JSON
        (``ResponseParseError`` if it cannot be read)."""
        operation = self.origin.operation_for(response.request.url, response.request.method)
        token = REDACTOR.set(self.redactor)  # the reader's errors are redacted by it
        try:
            if operation is None:
                return decode_json(response)
            return self.reader.read(response, operation, notes)
        finally:
            REDACTOR.reset(token)


class _Transport:
    """What both transports share: all but how they send, sleep and iterate a body."""

    def __init__(
        self, session: Session, timeout: float, retry_policy: RetryPolicy, max_retries: int
    ) -> None:
        retry_policy.options(max_retries)  # ValueError for a negative one
        self.session, self.timeout = session, timeout
        self.retry_policy, self.max_retries = retry_policy, max_retries

    def _tries(
        self, request: httpx.Request, run_paced: Any, retrying: Any, replay: Any
    ) -> Generator[Callable[[], Any], None, None]:
        """The tries of one request, sans I/O: each transport runs (awaits) what this
        yields and throws back in what that raised. A first try that failed as a retry
        needs is replayed as the first attempt of tenacity's loop (``retrying``)."""
        request.extensions.setdefault(TIMEOUT, self.timeout)
        started = time.monotonic()
        deadline = self.session.pace.clock() + self.retry_policy.total_timeout
        attempt = partial(run_paced, self.session.pace, partial(self._attempt, request), deadline)
        try:
            try:
                yield attempt
            except Exception as exc:
                if not self.retry_policy.should_retry(exc):
                    raise
                first = exc
            options = self.retry_policy.options(self.max_retries, time.monotonic() - started)
            yield partial(retrying(**options), partial(replay, [first], attempt))
        except RateLimitError as refused:  # the pace refused it unsent: named here
            if refused.url is not None:
                raise
            origin = self.session.origin
            error = RateLimitError(
                refused.message,
                retry_after=refused.retry_after,
                method=request.method,
                url=origin.shown_url(request.url),
                redactor=origin.redactor,
            )
            error.retry_after_seconds = refused.retry_after_seconds
            raise error from None

    _attempt: Callable[[httpx.Request], Any]

    def _failure(self, request: httpx.Request, exc: Exception) -> ModeAPIError:
        """The SDK's error for ``exc``, raised by httpx (or ``anyio.fail_after``) during an
        exchange."""
        passed = isinstance(exc, TimeoutError)  # anyio.fail_after: logged as the sync one
        if passed:
            exc = httpx.ReadTimeout("the exchange's deadline has passed")
        if isinstance(exc, httpx.RequestError):
            exc.request = request  # named in the error, as httpx's client names it
        error = self.session.checks.mapped(exc)
        if isinstance(error, APITimeoutError):
            self.session.checks.check_deadline(request, passed)
        return error

    def _body_read(self, request: httpx.Request, response: httpx.Response) -> BodyRead | None:
        """A read of the body, or ``None`` (inspected now) for a 1xx or a 2xx whose body
        the caller streams (``STREAMS_BODY``)."""
        status, session = response.status_code, self.session
        if status >= 300 or (status >= 200 and not request.extensions.get(STREAMS_BODY)):
            return BodyRead(response, session.max_body_bytes, session.checks)
        session.checks.inspect(response)
        return None


class ModeTransport(_Transport, httpx.BaseTransport):
    """The rules over a blocking pool (``Session.pool``)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        steps = self._tries(request, paced, tenacity.Retrying, _replay)
        step = next(steps)
        while True:
            try:
                return step()  # type: ignore[no-any-return]
            except Exception as exc:
                step = steps.throw(exc)

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One try: the exchange (the own pool's socket operations bounded by the
        request's deadline) and its body read."""
        token = bound(self.session.checks.on_request(request))
        try:
            response: httpx.Response = self.session.send(request)
            response.request, stream = request, response.stream
            assert isinstance(stream, httpx.SyncByteStream)
            try:
                if (read := self._body_read(request, response)) is None:
                    return response  # a result's content, streamed by the caller
                for raw in () if read.done else stream:
                    if read.take(raw):
                        break
            except BaseException:
                stream.close()
                raise
            stream.close()
        except HTTPX_ERRORS as exc:
            raise self._failure(request, exc) from None
        finally:
            unbound(token)
        return self.session.checks.inspect(read.into())


class AsyncModeTransport(_Transport, httpx.AsyncBaseTransport):
    """The rules over an async pool (``Session.pool``)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        steps = self._tries(request, apaced, tenacity.AsyncRetrying, _areplay)
        step = next(steps)
        while True:
            try:
                return await step()  # type: ignore[no-any-return]
            except Exception as exc:
                step = steps.throw(exc)

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One try: the whole exchange (interim answers and a trickled head included)
        within the request's deadline, its body read."""
        try:
            with anyio.fail_after(self.session.checks.on_request(request)):
                response: httpx.Response = await self.session.send(request)
                response.request, stream = request, response.stream
                assert isinstance(stream, httpx.AsyncByteStream)
                try:
                    if (read := self._body_read(request, response)) is None:
                        return response  # a result's content, streamed by the caller
                    if not read.done:
                        async for raw in stream:
                            if read.take(raw):
                                break
                except BaseException:
                    await stream.aclose()
                    raise
                await stream.aclose()
        except (TimeoutError, *HTTPX_ERRORS) as exc:
            raise self._failure(request, exc) from None
        return self.session.checks.inspect(read.into())


def _replay(first: list[Exception], attempt: Callable[[], Any]) -> Any:
    """tenacity's first attempt raises the first try's failure; the next ones run tries."""
    if first:
        raise first.pop()
    return attempt()


async def _areplay(first: list[Exception], attempt: Callable[[], Awaitable[Any]]) -> Any:
    if first:
        raise first.pop()
    return await attempt()
