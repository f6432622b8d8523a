"""One connection pool per client, and the httpx transport that applies every rule to
every request (``Session.http``): the pace, retries, body limits, the overall deadline
(async: ``anyio.fail_after``; sync: each socket operation of the own pool gets what is
left of it, else each chunk of the body is checked) and typed errors."""

from __future__ import annotations

import os
import platform
import time
import urllib.request
from collections.abc import Awaitable, Callable, Generator, Iterator
from contextlib import aclosing, closing
from contextvars import ContextVar
from functools import partial
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import anyio
import httpcore
import httpx
import tenacity

from . import __version__
from .bodies import STREAMS_BODY, BodyRead
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

__all__ = ["ModeTransport", "Session"]


_ENVIRONMENT = ("ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR")
_DEADLINE: ContextVar[float | None] = ContextVar("mode_query_runs.deadline", default=None)


def _own_pool(kind: type[httpx.Client] | type[httpx.AsyncClient], origin: Origin) -> Any:
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


def _within(timeout: float | None, timed_out: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` cut to what is left before the deadline (``timed_out`` once past)."""
    if (deadline := _DEADLINE.get()) is None:
        return timeout
    if (left := deadline - time.monotonic()) <= 0:
        raise timed_out("the exchange's deadline has passed")
    return left if timeout is None or left < timeout else timeout


class _Stream:
    """A socket's stream, each read, write and TLS handshake held to the deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:  # close, get_extra_info
        return getattr(self._stream, name)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # b"" (an empty piece of a body, or its end) has nothing to send
            self._stream.write(buffer, _within(timeout, httpcore.WriteTimeout))

    def start_tls(self, ssl_context: Any, server_hostname: Any = None, timeout: Any = None) -> Any:
        left = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, left))


class _Backend(httpcore.SyncBackend):
    def connect_tcp(
        self, host: str, port: int, timeout: Any = None, *args: Any, **options: Any
    ) -> Any:
        left = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(super().connect_tcp(host, port, left, *args, **options))


class _AsHttpx:
    """A context in which httpcore's exceptions are raised as httpx's of the same name."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, traceback: Any) -> None:
        if isinstance(exc, Exception) and type(exc).__module__.startswith("httpcore"):
            named = getattr(httpx, type(exc).__name__, None)
            if isinstance(named, type) and issubclass(named, httpx.TransportError):
                raise named(str(exc)) from exc


_as_httpx = _AsHttpx()  # no state: one serves every exchange


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx:
            yield from self._stream

    def close(self) -> None:
        with _as_httpx:
            self._stream.close()


class DeadlineTransport(httpx.BaseTransport):
    """httpx's blocking HTTP/1.1 transport (default limits and certificates) over sockets
    held to the try's deadline, so neither a head trickled byte by byte nor endless ``1xx``
    answers outlast it (``OSError`` if ``SSL_CERT_FILE`` cannot be read)."""

    def __init__(self) -> None:
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url, stream = request.url, request.stream
        target = httpcore.URL(
            scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
        )
        sent = httpcore.Request(request.method, target, headers=request.headers.raw, content=stream)
        sent.extensions = request.extensions
        with _as_httpx:
            answer = self._pool.handle_request(sent)
        body = _Body(answer.stream)
        return httpx.Response(
            answer.status, headers=answer.headers, stream=body, extensions=answer.extensions
        )

    def close(self) -> None:
        self._pool.close()


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
        return self.kind(
            transport=ModeTransport(self, timeout, retry_policy, max_retries),
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
        """A read 2xx body: the spec operation's model, else JSON (``ResponseParseError``)."""
        operation = self.origin.operation_for(response.request.url, response.request.method)
        token = REDACTOR.set(self.redactor)  # the reader's errors are redacted by it
        try:
            if operation is None:
                return decode_json(response)
            return self.reader.read(response, operation, notes)
        finally:
            REDACTOR.reset(token)


class ModeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The rules over the session's pool (``Session.pool``), blocking or async."""

    def __init__(
        self, session: Session, timeout: float, retry_policy: RetryPolicy, max_retries: int
    ) -> None:
        retry_policy.options(max_retries)  # ValueError for a negative one
        self.session, self.timeout = session, timeout
        self.retry_policy, self.max_retries = retry_policy, max_retries

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        steps = self._tries(request, paced, self._attempt, tenacity.Retrying, _replay)
        step = next(steps)
        while True:
            try:
                return step()  # type: ignore[no-any-return]
            except Exception as exc:
                step = steps.throw(exc)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        steps = self._tries(request, apaced, self._aattempt, tenacity.AsyncRetrying, _areplay)
        step = next(steps)
        while True:
            try:
                return await step()  # type: ignore[no-any-return]
            except Exception as exc:
                step = steps.throw(exc)

    def _tries(
        self, request: httpx.Request, run_paced: Any, exchange: Any, retrying: Any, replay: Any
    ) -> Generator[Callable[[], Any], None, None]:
        """The tries of one request, sans I/O: the driver runs (awaits) what this yields and
        throws back what that raised. A retryable first failure is replayed as the first
        attempt of tenacity's loop (``retrying``)."""
        request.extensions.setdefault(TIMEOUT, self.timeout)
        started = time.monotonic()
        deadline = self.session.pace.clock() + self.retry_policy.total_timeout
        attempt = partial(run_paced, self.session.pace, partial(exchange, request), deadline)
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
            after, checks = refused.retry_after, self.session.checks
            error = checks.error(RateLimitError, refused.message, request, retry_after=after)
            error.retry_after_seconds = refused.retry_after_seconds
            raise error from None

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One blocking try: the exchange (held to its deadline by the own pool) and body."""
        seconds = self.session.checks.on_request(request)
        token = _DEADLINE.set(time.monotonic() + max(seconds, 0.0))
        try:
            response: httpx.Response = self.session.send(request)
            response.request, stream = request, response.stream
            assert isinstance(stream, httpx.SyncByteStream)
            if self._streamed(response):
                return response
            with closing(stream):
                read = BodyRead(response, self.session.max_body_bytes, self.session.checks)
                for raw in () if read.done else stream:
                    if read.take(raw):
                        break
        except HTTPX_ERRORS as exc:
            raise self._failure(request, exc) from None
        finally:
            _DEADLINE.reset(token)
        return self.session.checks.inspect(read.into())

    async def _aattempt(self, request: httpx.Request) -> httpx.Response:
        """One async try: the whole exchange within its deadline, its body read."""
        try:
            with anyio.fail_after(self.session.checks.on_request(request)):
                response: httpx.Response = await self.session.send(request)
                response.request, stream = request, response.stream
                assert isinstance(stream, httpx.AsyncByteStream)
                if self._streamed(response):
                    return response
                async with aclosing(stream):
                    read = BodyRead(response, self.session.max_body_bytes, self.session.checks)
                    if not read.done:
                        async for raw in stream:
                            if read.take(raw):
                                break
        except (TimeoutError, *HTTPX_ERRORS) as exc:
            raise self._failure(request, exc) from None
        return self.session.checks.inspect(read.into())

    def _failure(self, request: httpx.Request, exc: Exception) -> ModeAPIError:
        """The SDK's error for what httpx (or ``anyio.fail_after``) raised in an exchange."""
        passed = isinstance(exc, TimeoutError)  # anyio.fail_after: logged as the sync one
        if passed:
            exc = httpx.ReadTimeout("the exchange's deadline has passed")
        if isinstance(exc, httpx.RequestError):
            exc.request = request  # named in the error, as httpx's client names it
        error = self.session.checks.mapped(exc)
        if isinstance(error, APITimeoutError):
            self.session.checks.check_deadline(request, passed)
        return error

    def _streamed(self, response: httpx.Response) -> bool:
        """Whether the caller streams this body: a result's 2xx (``STREAMS_BODY``), logged."""
        streams = response.request.extensions.get(STREAMS_BODY)
        if streams and 200 <= response.status_code < 300:
            self.session.checks.inspect(response)
            return True
        return False


def _replay(first: list[Exception], attempt: Callable[[], Any]) -> Any:
    """tenacity's first attempt raises the first try's failure; the next ones run tries."""
    if first:
        raise first.pop()
    return attempt()


async def _areplay(first: list[Exception], attempt: Callable[[], Awaitable[Any]]) -> Any:
    if first:
        raise first.pop()
    return await attempt()
