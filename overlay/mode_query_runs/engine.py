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

import contextlib
import os
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import anyio
import httpx
import tenacity

from .bodies import BodyLimits, BodyRead
from .deadline import DeadlineTransport, bounded
from .decoding import ACCEPT_ENCODING
from .errors import (
    APIConnectionError,
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
from .responses import TIMEOUT, ResponseChecks
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


@contextlib.contextmanager
def _about(request: httpx.Request) -> Iterator[None]:
    """An httpx error raised by a transport names ``request`` (as httpx's client does)."""
    try:
        yield
    except httpx.HTTPError as exc:
        exc.request = request
        raise


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
        kind, retry = self.kind, retry_policy.options(max_retries)
        transport: Any = (ModeTransport if kind is httpx.Client else AsyncModeTransport)(
            self, timeout, retry_policy, retry
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
            with _about(request):
                response = self.pool.handle_request(request)
            response.request = request
            return response
        assert isinstance(self.pool, httpx.Client)
        return self.pool.send(request, stream=True, auth=None, follow_redirects=False)

    async def asend(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through an async pool, its body left to stream."""
        if isinstance(self.pool, httpx.AsyncBaseTransport):
            with _about(request):
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
    """What both transports share: the session, the limits of one httpx client."""

    def __init__(
        self,
        session: Session,
        timeout: float,
        retry_policy: RetryPolicy,
        retry: dict[str, Any],
    ) -> None:
        self.session = session
        self.timeout = timeout
        self.retry_policy = retry_policy
        self.retry = retry
        self.retrying = tenacity.Retrying(**retry)  # sync: one for all, state per thread

    def _deadline(self, request: httpx.Request) -> float:
        """When the request's retries must be done (its ``total_timeout``)."""
        request.extensions.setdefault(TIMEOUT, self.timeout)
        return self.session.pace.clock() + self.retry_policy.total_timeout

    @contextlib.contextmanager
    def _sending(self, request: httpx.Request) -> Iterator[None]:
        """Map what the pool raises (every exception of httpx, see ``transport_errors``):
        a redirect whose ``Location`` is not a URL (httpx refuses it while the pool reads
        the answer) is the server's error, not retried; no response is
        ``APIConnectionError``; a timeout once the overall deadline has passed is the
        ``APITimeoutError`` naming it."""
        checks = self.session.checks
        try:
            with checks.transport_errors():
                yield
        except APITimeoutError:
            left = checks.seconds_left(request)
            if left is not None and left <= 0:
                raise checks.deadline_error(request) from None
            raise
        except APIConnectionError as error:
            cause = error.__cause__ or error.__context__
            if isinstance(cause, httpx.RemoteProtocolError) and "location header" in str(cause):
                origin = self.session.origin
                raise ModeAPIError(
                    f"redirect to an invalid URL ({str(cause).rstrip('.')})",
                    method=request.method,
                    url=origin.shown_url(request.url),
                    redactor=origin.redactor,
                ) from None
            raise

    @contextlib.contextmanager
    def _refusals(self, request: httpx.Request) -> Iterator[None]:
        """A request the pace refused to send (``RateLimitError`` without a URL: it would
        wait past its deadline) is named in the error, as every other error names it."""
        try:
            yield
        except RateLimitError as refused:
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

    def _finish(self, read: BodyRead) -> httpx.Response:
        response = read.response()
        self.session.checks.inspect(response)
        return response


class ModeTransport(_Transport, httpx.BaseTransport):
    """The rules over a blocking pool (``Session.pool``, an ``httpx.Client``)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = self._deadline(request)

        def attempt() -> httpx.Response:
            checks = self.session.checks
            checks.on_request(request)
            with self._sending(request), bounded(checks.seconds_left(request)):
                response = self.session.send(request)
                streamed = False
                try:
                    read = self._body_read(response)
                    if read is None:
                        streamed = True  # a result's content, streamed by the caller
                        return response
                    for raw in () if read.done else response.iter_raw():
                        if read.take(raw):
                            break
                    else:
                        read.finish()
                finally:
                    if not streamed:
                        response.close()
            return self._finish(read)

        with self._refusals(request):
            return self.retrying(lambda: paced(self.session.pace, attempt, deadline))


class AsyncModeTransport(_Transport, httpx.AsyncBaseTransport):
    """The rules over an async pool (``Session.pool``, an ``httpx.AsyncClient``)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deadline = self._deadline(request)

        async def attempt() -> httpx.Response:
            checks = self.session.checks
            checks.on_request(request)
            left = checks.seconds_left(request)
            with self._sending(request):
                try:
                    # The whole exchange, interim answers and a trickled head included.
                    with anyio.fail_after(None if left is None else max(left, 0.0)):
                        response, read = await exchange()
                except TimeoutError:
                    raise checks.deadline_error(request) from None
            return response if read is None else self._finish(read)

        async def exchange() -> tuple[httpx.Response, BodyRead | None]:
            response = await self.session.asend(request)
            streamed = False
            try:
                read = self._body_read(response)
                if read is None:
                    streamed = True  # a result's content, streamed by the caller
                    return response, None
                if not read.done:
                    async for raw in response.aiter_raw():
                        if read.take(raw):
                            break
                    else:
                        read.finish()
                return response, read
            finally:
                if not streamed:
                    await response.aclose()

        async def paced_attempt() -> httpx.Response:
            return await apaced(self.session.pace, attempt, deadline)

        with self._refusals(request):
            return await tenacity.AsyncRetrying(**self.retry)(paced_attempt)
