"""The policy layer: one connection pool per client, and an httpx transport that applies
every rule to every request, sync and async alike.

A client's requests go through an httpx client (``Session.http``) whose transport is
``ModeTransport`` (``AsyncModeTransport``): the generated operations
(``sync_detailed`` / ``asyncio_detailed``), followed links and result downloads alike.
For each request the transport, in this order:

- keeps the client's pace (``pace``) and retries a GET that got ``429``, ``502``,
  ``503``, ``504`` or no response (``retries``, with tenacity);
- sends it through the connection pool (``Session.pool``: the SDK's own transport, an
  httpx client when the environment names proxies, or the caller's ``http_client`` with
  its proxies, certificates and transport);
- reads a JSON body within ``max_body_bytes``, an error's or a redirect's body within
  what an error shows (``bodies``); result content is left to stream;
- holds the exchange to the request's overall deadline (its ``timeout``, from its start):
  connecting, sending, the status line, headers and any ``1xx`` answers, and a body it
  reads. Async: ``anyio.fail_after`` around it. Sync: each socket operation of the
  SDK's own pool gets what is left (``deadline``); through a caller's ``http_client`` or
  a proxy, a body read is checked chunk by chunk (``check_deadline``) and the rest has
  the per-read timeout;
- maps every exception httpx raises to the SDK's errors (``_sending``) and raises the
  typed error for a failure (``responses``), with the client's credentials hidden
  (``Origin.redactor``).

Above the transport, httpx adds Basic auth, the ``Accept`` / ``User-Agent`` headers, and
follows a result's redirects (dropping ``Authorization`` on another origin). The two
transports differ only in how they send, sleep and iterate a body's chunks.
"""

from __future__ import annotations

import os
import time
import urllib.request
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import anyio
import httpx
import tenacity

from .bodies import BodyLimits, BodyRead
from .deadline import DeadlineTransport, bound, unbound
from .decoding import ACCEPT_ENCODING
from .errors import (
    APITimeoutError,
    ModeAPIError,
    RateLimitError,
    credential_forms,
    without_userinfo,
)
from .jsonbody import decode_json
from .origin import Origin
from .pace import Pace, apaced, paced
from .reader import Notes, SpecReader
from .responses import HTTPX_ERRORS, TIMEOUT, ResponseChecks
from .retries import RetryPolicy
from .settings import DEFAULT_MAX_BODY_BYTES, check_seconds, check_text, user_agent
from .spec import MEDIA_TYPE

__all__ = ["AsyncModeTransport", "ModeTransport", "Session"]


_ENVIRONMENT = ("ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR")
"""What httpx reads from the environment when it makes a pool (in either case)."""


def _own_pool(kind: type[httpx.Client] | type[httpx.AsyncClient], origin: Origin) -> Any:
    """The session's own pool. Unless the environment names a proxy, a transport sent to
    directly (a blocking one bounded by each exchange's deadline: ``deadline``); else
    httpx's client with the proxies, redirects not followed, no cookies kept.

    Raises:
        ModeAPIError: httpx cannot make a pool with the proxies or certificates the
            environment names (a ``socks5://`` proxy without ``socksio``, a proxy URL
            that is not one, a missing ``SSL_CERT_FILE``).
    """
    try:
        if not [scheme for scheme in urllib.request.getproxies() if scheme != "no"]:
            return DeadlineTransport() if kind is httpx.Client else httpx.AsyncHTTPTransport()
        pool = kind(follow_redirects=False, cookies=_no_cookies())
    except (ImportError, ValueError, OSError, httpx.InvalidURL) as exc:
        named = [
            name for name in _ENVIRONMENT if os.environ.get(name) or os.environ.get(name.lower())
        ]
        settings = ", ".join(named) or "proxy and certificate settings"
        raise ModeAPIError(
            f"cannot make a connection pool with the environment's {settings}:"
            f" {str(exc) or type(exc).__name__}",
            redactor=origin.redactor,
        ) from None
    return pool


def _no_cookies() -> CookieJar:
    """Authenticated by token: no cookie is kept, so none can follow a redirect to storage
    (cookies ignore ports) nor come back to the API."""
    return CookieJar(DefaultCookiePolicy(allowed_domains=[]))


class Session:
    """One client's connection pool and the rules every request of it meets.

    Args:
        base_url: The API's base URL, e.g. ``https://app.mode.com/api``.
        token: Mode API token (the Basic auth user name).
        secret: Mode API secret (the Basic auth password).
        timeout: Seconds to wait to connect and for each read; a JSON body still
            arriving this long after its request started is an ``APITimeoutError``.
        strict: Refuse a body that strays from the spec (see ``reader``).
        max_body_bytes: The largest 2xx JSON body to read, in bytes.
        http: A caller's own ``kind`` to send through (its transport, proxies,
            certificates and limits; its default headers, auth and cookies are not used);
            ``close`` leaves it open. Default: a pool of the session's own.
        pace: The pace of the client's requests (default: unlimited until a ``429``).
        retry_policy: How retries back off (default ``RetryPolicy()``).
        max_retries: Retries of ``http``'s requests (a copy: ``client``).
        kind: ``httpx.Client`` (default) or ``httpx.AsyncClient``.

    Raises:
        TypeError: ``http`` is not a ``kind``; ``token`` or ``secret`` is not a ``str``.
        ValueError: ``base_url`` is not an http(s) URL; ``timeout``, ``max_body_bytes`` or
            ``max_retries`` is out of range; ``token`` or ``secret`` cannot be encoded as
            UTF-8 (``check_text``).
        ModeAPIError: no pool can be made with the proxies or certificates the
            environment names (see ``_own_pool``).
    """

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
        self.kind = kind
        token, secret = check_text("token", token), check_text("secret", secret)
        self.origin = Origin(base_url, credential_forms(token, secret))
        self.redactor = self.origin.redactor
        """Hides this session's credentials in its errors (``errors.Redactor``)."""
        self.timeout = check_seconds("timeout", timeout)
        self.checks = ResponseChecks(self.origin, self.timeout)
        self.bodies = BodyLimits(max_body_bytes, self.origin)
        self.reader = SpecReader(strict=strict)
        self.pace = pace or Pace(None, policy=retry_policy)
        self.auth = httpx.BasicAuth(token, secret)
        self.headers = {
            "Accept": MEDIA_TYPE,
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": user_agent(),
        }
        self.owns_pool = http is None
        self.pool = _own_pool(kind, self.origin) if http is None else http
        """Where requests are sent: the caller's ``http_client``, or the session's own (a
        transport, or with proxies an httpx client: ``_own_pool``)."""
        self._closed = False
        self.http = self.client(self.timeout, retry_policy or RetryPolicy(), max_retries)

    def __repr__(self) -> str:
        return f"Session(base_url={str(without_userinfo(self.origin.base_url))!r})"

    def client(
        self, timeout: float, retry_policy: RetryPolicy, max_retries: int
    ) -> httpx.Client | httpx.AsyncClient:
        """An httpx client over this session's pool whose requests meet its rules, with
        these limits (``with_options`` makes one per copy of a client)."""
        kind = self.kind
        transport: Any = (ModeTransport if kind is httpx.Client else AsyncModeTransport)(
            self, timeout, retry_policy, max_retries
        )
        return kind(
            transport=transport,
            base_url=self.origin.base_url,
            auth=self.auth,
            headers=self.headers,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            cookies=_no_cookies(),
        )

    @property
    def is_closed(self) -> bool:
        """Whether no request may be sent: the session or its pool was closed."""
        return self._closed or bool(getattr(self.pool, "is_closed", False))

    def close(self) -> None:
        """Close the connection pool (a caller's own ``http`` is left open)."""
        self._closed = True
        if self.owns_pool and isinstance(self.pool, (httpx.Client, httpx.BaseTransport)):
            self.pool.close()

    async def aclose(self) -> None:
        """Close the connection pool of an async session (a caller's own is left open)."""
        self._closed = True
        if self.owns_pool and isinstance(self.pool, (httpx.AsyncClient, httpx.AsyncBaseTransport)):
            await self.pool.aclose()

    def send(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through a blocking pool, its body left to stream."""
        if isinstance(self.pool, httpx.BaseTransport):
            response = self.pool.handle_request(request)
            response.request = request
            return response
        assert isinstance(self.pool, httpx.Client)
        return self.pool.send(request, stream=True, auth=None, follow_redirects=False)

    async def asend(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through an async pool, its body left to stream."""
        if isinstance(self.pool, httpx.AsyncBaseTransport):
            response = await self.pool.handle_async_request(request)
            response.request = request
            return response
        assert isinstance(self.pool, httpx.AsyncClient)
        return await self.pool.send(request, stream=True, auth=None, follow_redirects=False)

    def read(self, response: httpx.Response, notes: Notes | None = None) -> Any:
        """A read 2xx response's body: the spec's model for a spec operation, else JSON.

        Raises:
            ResponseParseError: the body is not JSON, or cannot be read as the spec's
                model (strict: strays from the spec at all); see ``reader``.
        """
        operation = self.origin.operation_for(response.request.url, response.request.method)
        with self.redactor.scope():
            if operation is None:
                return decode_json(response)
            return self.reader.read(response, operation, notes)


class _Transport:
    """What both transports share: the session, the limits of one httpx client, and what
    one try does before and after its exchange."""

    def __init__(
        self, session: Session, timeout: float, retry_policy: RetryPolicy, max_retries: int
    ) -> None:
        retry_policy.options(max_retries)  # ValueError for a negative one
        self.session = session
        self.timeout = timeout
        self.retry_policy = retry_policy
        self.max_retries = max_retries

    def _start(self, request: httpx.Request) -> tuple[float, float]:
        """When the request starts (``time.monotonic``), and when its retries must be done
        (its ``total_timeout``, on the pace's clock)."""
        request.extensions.setdefault(TIMEOUT, self.timeout)
        return time.monotonic(), self.session.pace.clock() + self.retry_policy.total_timeout

    def _retry_options(self, started: float) -> dict[str, Any]:
        """tenacity's options for the retries after a first try that began at ``started``."""
        return self.retry_policy.options(self.max_retries, time.monotonic() - started)

    def _failure(self, request: httpx.Request, exc: Exception) -> ModeAPIError:
        """The SDK's error for ``exc``, raised by httpx during an exchange
        (``ResponseChecks.mapped``): a redirect whose ``Location`` is not a URL (httpx
        refuses it while the pool reads the answer) is the server's error, not retried; a
        timeout once the overall deadline has passed is the ``APITimeoutError`` naming it."""
        if isinstance(exc, httpx.RequestError):
            exc.request = request  # named in the error, as httpx's client names it
        checks = self.session.checks
        error = checks.mapped(exc)
        if isinstance(exc, httpx.RemoteProtocolError) and "location header" in str(exc):
            origin = self.session.origin
            return ModeAPIError(
                f"redirect to an invalid URL ({str(exc).rstrip('.')})",
                method=request.method,
                url=origin.shown_url(request.url),
                redactor=origin.redactor,
            )
        if isinstance(error, APITimeoutError):
            left = checks.seconds_left(request)
            if left is not None and left <= 0:
                return checks.deadline_error(request)
        return error

    def _named(self, refused: RateLimitError, request: httpx.Request) -> RateLimitError:
        """A request the pace refused to send (``RateLimitError`` without a URL: it would
        wait past its deadline), named in the error as every other error names it."""
        origin = self.session.origin
        error = RateLimitError(
            refused.message,
            retry_after=refused.retry_after,
            method=request.method,
            url=origin.shown_url(request.url),
            redactor=origin.redactor,
        )
        error.retry_after_seconds = refused.retry_after_seconds
        return error

    def _body_read(self, response: httpx.Response) -> BodyRead | None:
        """A read of ``response``'s body within its limits, or ``None`` (checked as it is:
        a result's content is streamed by the caller).

        Raises:
            ModeAPIError: as ``ResponseChecks.inspect`` for a response not read.
        """
        session = self.session
        if not session.bodies.wants_body(response):
            session.checks.inspect(response)
            return None
        return BodyRead(session.bodies, session.checks.check_deadline, response)

    def _finish(self, read: BodyRead, response: httpx.Response) -> httpx.Response:
        response = read.into(response)
        self.session.checks.inspect(response)
        return response


class ModeTransport(_Transport, httpx.BaseTransport):
    """The rules over a blocking pool (``Session.pool``, an ``httpx.Client``)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started, deadline = self._start(request)
        pace = self.session.pace
        try:
            try:
                return paced(pace, lambda: self._attempt(request), deadline)
            except Exception as exc:
                if not self.retry_policy.should_retry(exc):
                    raise
                first = exc
            replay = [first]  # tenacity's first attempt: the try that failed

            def again() -> httpx.Response:
                if replay:
                    raise replay.pop()
                return paced(pace, lambda: self._attempt(request), deadline)

            return tenacity.Retrying(**self._retry_options(started))(again)
        except RateLimitError as refused:
            if refused.url is not None:
                raise
            raise self._named(refused, request) from None

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One try: the exchange, bounded by the request's deadline, its body read."""
        checks = self.session.checks
        checks.on_request(request)
        token = bound(checks.seconds_left(request))
        try:
            response = self.session.send(request)
            stream = response.stream
            assert isinstance(stream, httpx.SyncByteStream)
            streamed = False
            try:
                read = self._body_read(response)
                if read is None:
                    streamed = True  # a result's content, streamed by the caller
                    return response
                for raw in () if read.done else stream:
                    if read.take(raw):
                        break
                else:
                    read.finish()
            finally:
                if not streamed:
                    stream.close()
        except HTTPX_ERRORS as exc:
            raise self._failure(request, exc) from None
        finally:
            unbound(token)
        return self._finish(read, response)


class AsyncModeTransport(_Transport, httpx.AsyncBaseTransport):
    """The rules over an async pool (``Session.pool``, an ``httpx.AsyncClient``)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started, deadline = self._start(request)
        pace = self.session.pace
        try:
            try:
                return await apaced(pace, lambda: self._attempt(request), deadline)
            except Exception as exc:
                if not self.retry_policy.should_retry(exc):
                    raise
                first = exc
            replay = [first]  # tenacity's first attempt: the try that failed

            async def again() -> httpx.Response:
                if replay:
                    raise replay.pop()
                return await apaced(pace, lambda: self._attempt(request), deadline)

            return await tenacity.AsyncRetrying(**self._retry_options(started))(again)
        except RateLimitError as refused:
            if refused.url is not None:
                raise
            raise self._named(refused, request) from None

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One try: the whole exchange (interim answers and a trickled head included)
        within the request's deadline, its body read."""
        checks = self.session.checks
        checks.on_request(request)
        left = checks.seconds_left(request)
        try:
            with anyio.fail_after(None if left is None else max(left, 0.0)):
                response, read = await self._exchange(request)
        except TimeoutError:
            raise checks.deadline_error(request) from None
        except HTTPX_ERRORS as exc:
            raise self._failure(request, exc) from None
        return response if read is None else self._finish(read, response)

    async def _exchange(self, request: httpx.Request) -> tuple[httpx.Response, BodyRead | None]:
        response = await self.session.asend(request)
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        streamed = False
        try:
            read = self._body_read(response)
            if read is None:
                streamed = True  # a result's content, streamed by the caller
                return response, None
            if not read.done:
                async for raw in stream:
                    if read.take(raw):
                        break
                else:
                    read.finish()
        finally:
            if not streamed:
                await stream.aclose()
        return response, read
