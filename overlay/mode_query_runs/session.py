"""The HTTP sessions under the clients: one connection pool and the rules every request meets.

Everything here is shared by every request either client makes, whether through a
generated operation, by following a HAL link or by downloading a result. ``Rules``
gathers the rules, each in the module named for it, free of I/O:

- ``origin`` (``Origin``): where credentials may go, how a
  HAL href resolves, how URLs are shown in logs and errors;
- ``checks`` (``ResponseChecks``): one DEBUG log line per
  response, and the typed error for a failure status or for no response;
- ``bodies`` (``BodyLimits``): which bodies are read, and how
  far (``send`` streams each response and reads those bodies itself);
- ``reader`` (``SpecReader``): a body of a spec operation as
  its model, tolerant of spec drift or strict;
- Basic auth with the API token and secret, and the ``Accept`` / ``User-Agent`` headers.

``Session`` (``httpx.Client``) and ``AsyncSession`` (``httpx.AsyncClient``)
only differ in how they iterate a body's chunks (one shared
``BodyRead``).
"""

from __future__ import annotations

from collections.abc import Callable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, TypeVar

import httpx

from .bodies import STREAMS_BODY, BodyLimits, BodyRead
from .errors import credential_forms, without_userinfo
from .jsonbody import decode_json
from .origin import Origin
from .reader import SpecReader
from .responses import FOLLOWS_REDIRECTS, TIMEOUT, ResponseChecks
from .settings import DEFAULT_MAX_BODY_BYTES, check_seconds, user_agent
from .spec import MEDIA_TYPE

__all__ = ["AsyncSession", "Rules", "Session"]

H = TypeVar("H", httpx.Client, httpx.AsyncClient)
_SESSION = "mode_query_runs.session"
"""Request extension: the ``Rules`` whose hooks check the request (another request
sent through a caller's own ``http_client`` passes the hooks untouched)."""


class Rules:
    """What every request and response goes through, whichever client sends it.

    Args:
        base_url: The API's base URL, e.g. ``https://app.mode.com/api``.
        token: Mode API token (the Basic auth user name).
        secret: Mode API secret (the Basic auth password).
        timeout: Seconds to wait to connect and for each read; a JSON API request (its
            body read by ``Session.send``) whose body is still arriving this long after
            the request started is an ``APITimeoutError``.
        strict: Refuse a body that strays from the spec (see ``reader``).
        max_body_bytes: The largest 2xx JSON body to read, in bytes.

    Raises:
        ValueError: ``base_url`` is not an http(s) URL; ``timeout`` or ``max_body_bytes``
            is out of range.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        secret: str,
        timeout: float,
        *,
        strict: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.origin = Origin(base_url, credential_forms(token, secret))
        self.redactor = self.origin.redactor
        """Hides this session's credentials in its errors (``errors.Redactor``)."""
        self.timeout = check_seconds("timeout", timeout)
        self.checks = ResponseChecks(self.origin, self.timeout)
        self.bodies = BodyLimits(max_body_bytes, self.origin)
        self.reader = SpecReader(strict=strict)
        self.auth = httpx.BasicAuth(token, secret)
        self.headers = {"Accept": MEDIA_TYPE, "User-Agent": user_agent()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(without_userinfo(self.origin.base_url))!r})"

    def pool_options(self) -> dict[str, Any]:
        """Keyword arguments for ``httpx.Client`` / ``httpx.AsyncClient``, hooks aside."""
        return {
            "base_url": self.origin.base_url,
            "auth": self.auth,
            "headers": self.headers,
            "timeout": httpx.Timeout(self.timeout),
            "follow_redirects": False,
            # Authenticated by token: no cookie is kept, so none can follow a redirect to
            # storage (cookies ignore ports) nor come back to the API.
            "cookies": CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        }

    def request(
        self,
        url: httpx.URL,
        *,
        accept: str = MEDIA_TYPE,
        result: bool = False,
        timeout: float | None = None,
    ) -> httpx.Request:
        """A GET of ``url`` with the session's headers, checked by the session's hooks.

        Args:
            url: The absolute URL.
            accept: The ``Accept`` header.
            result: A result download, whose redirects httpx follows and whose body the
                caller streams (no body limit).
            timeout: Seconds for connecting, each read and (a JSON API request) the
                whole exchange; default: the session's ``timeout``.
        """
        seconds = self.timeout if timeout is None else timeout
        extensions: dict[str, Any] = {
            _SESSION: self,
            TIMEOUT: seconds,
            "timeout": httpx.Timeout(seconds).as_dict(),
        }
        if result:
            extensions |= {FOLLOWS_REDIRECTS: True, STREAMS_BODY: True}
        headers = {**self.headers, "Accept": accept}
        return httpx.Request("GET", url, headers=headers, extensions=extensions)

    def _hooked(self, http: H | None, kind: type[H], *hooks: Callable[..., Any]) -> H:
        """``http`` (a new ``kind`` when ``None``) with ``hooks`` (request, response) added.

        Raises:
            TypeError: ``http`` is not a ``kind``.
        """
        if http is not None and not isinstance(http, kind):
            raise TypeError(
                f"http_client must be an httpx.{kind.__name__}, not {type(http).__name__}"
            )
        self.owns_http: bool = http is None
        self._closed = False
        client = kind(**self.pool_options()) if http is None else http
        found: dict[str, list[Callable[..., Any]]] = client.event_hooks
        client.event_hooks = {
            "request": [*found["request"], hooks[0]],
            "response": [*found["response"], hooks[1]],
        }
        self._hooks: tuple[httpx.Client | httpx.AsyncClient, tuple[Callable[..., Any], ...]] = (
            client,
            hooks,
        )
        return client

    @property
    def is_closed(self) -> bool:
        """Whether no request may be sent: the session or its httpx client was closed."""
        return self._closed or self._hooks[0].is_closed

    def _unhook(self) -> None:
        """Take this session's hooks off its client."""
        self._closed = True
        client, ours = self._hooks
        client.event_hooks = {
            name: [hook for hook in found if hook not in ours]
            for name, found in client.event_hooks.items()
        }

    def checks_request(self, request: httpx.Request) -> bool:
        """Whether ``request`` was made by ``request`` of this session."""
        return request.extensions.get(_SESSION) is self

    def body_read(self, response: httpx.Response) -> BodyRead | None:
        """A read of ``response``'s body within its limits, if ``send`` reads it
        (``None``: the response hook inspects the response as it comes).

        Raises:
            ResponseParseError: a declared ``Content-Length`` over the limit.
            APITimeoutError: the request's overall deadline has passed.
        """
        if not self.checks_request(response.request) or not self.bodies.wants_body(response):
            return None
        return BodyRead(self.bodies, self.checks.check_deadline, response)

    def finish(self, read: BodyRead) -> httpx.Response:
        """The response carrying the body ``read``, inspected (``ResponseChecks.inspect``).

        Raises:
            ModeAPIError: as ``ResponseChecks.inspect``; ``ResponseParseError`` for a
                2xx body over the limit.
        """
        response = read.response()
        self.checks.inspect(response)
        return response

    def read(self, response: httpx.Response) -> Any:
        """A read 2xx response's body: the spec's model for a spec operation, else JSON.

        Raises:
            ResponseParseError: the body is not JSON, or cannot be read as the spec's
                model (strict: strays from the spec at all); see ``reader``. Its text
                hides this session's credentials (``redactor``).
        """
        operation = self.origin.operation_for(response.request.url, response.request.method)
        with self.redactor.scope():  # the errors of the reader and of decode_json
            if operation is None:
                return decode_json(response)
            return self.reader.read(response, operation)


class Session(Rules):
    """``Rules`` over one ``httpx.Client`` connection pool (``http``).

    Args:
        http: A caller's own ``httpx.Client`` to send through (its transport, proxies,
            certificates and limits); the session's hooks are added to it and check only
            the session's own requests, and ``close`` leaves it open. Default: a
            client of the session's own.

    Raises:
        TypeError: ``http`` is not an ``httpx.Client``.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        secret: str,
        timeout: float,
        *,
        http: httpx.Client | None = None,
        **options: Any,
    ) -> None:
        super().__init__(base_url, token, secret, timeout, **options)
        self.http = self._hooked(http, httpx.Client, self._on_request, self.check_response)

    def close(self) -> None:
        """Close the connection pool (a caller's own ``http`` is left open, unhooked)."""
        if self.owns_http:
            self.http.close()
        self._unhook()

    def _on_request(self, request: httpx.Request) -> None:
        if self.checks_request(request):
            self.checks.on_request(request)

    def send(
        self, request: httpx.Request, *, stream: bool = False, **options: Any
    ) -> httpx.Response:
        """Send a request made by ``request``; its response, checked.

        The response is streamed; a body the session reads (``body_read``) is read
        here, within its limit and the request's overall deadline, and the response
        returned carries it. ``stream``: leave any other body unread. ``options`` go to
        ``http.send``.

        Raises:
            ModeAPIError: as ``ResponseChecks.inspect``, and a body over its limit.
            httpx.HTTPError: as ``httpx.Client.send``.
        """
        response = self.http.send(request, stream=True, **options)
        try:
            read = self.body_read(response)
            if read is None:
                if not stream:
                    response.read()
                return response
            for chunk in response.iter_bytes():
                if read.take(chunk):
                    break
        except BaseException:
            response.close()
            raise
        response.close()
        return self.finish(read)

    def check_response(self, response: httpx.Response) -> None:
        """Response hook: ``ResponseChecks.inspect`` a response whose body the session
        does not read (``send`` inspects the others once read). Requests not made by
        ``request`` pass untouched."""
        if self.checks_request(response.request) and not self.bodies.wants_body(response):
            self.checks.inspect(response)


class AsyncSession(Rules):
    """``Rules`` over one ``httpx.AsyncClient`` connection pool (``http``).

    Args:
        http: A caller's own ``httpx.AsyncClient``, as ``Session`` takes an
            ``httpx.Client``.

    Raises:
        TypeError: ``http`` is not an ``httpx.AsyncClient``.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        secret: str,
        timeout: float,
        *,
        http: httpx.AsyncClient | None = None,
        **options: Any,
    ) -> None:
        super().__init__(base_url, token, secret, timeout, **options)
        self.http = self._hooked(http, httpx.AsyncClient, self._on_request, self.check_response)

    async def aclose(self) -> None:
        """Close the connection pool (a caller's own ``http`` is left open, unhooked)."""
        if self.owns_http:
            await self.http.aclose()
        self._unhook()

    async def _on_request(self, request: httpx.Request) -> None:
        if self.checks_request(request):
            self.checks.on_request(request)

    async def send(
        self, request: httpx.Request, *, stream: bool = False, **options: Any
    ) -> httpx.Response:
        """Send a request made by ``request``; its response, checked (as
        ``Session.send``).

        Raises:
            ModeAPIError: as ``ResponseChecks.inspect``, and a body over its limit.
            httpx.HTTPError: as ``httpx.AsyncClient.send``.
        """
        response = await self.http.send(request, stream=True, **options)
        try:
            read = self.body_read(response)
            if read is None:
                if not stream:
                    await response.aread()
                return response
            async for chunk in response.aiter_bytes():
                if read.take(chunk):
                    break
        except BaseException:
            await response.aclose()
            raise
        await response.aclose()
        return self.finish(read)

    async def check_response(self, response: httpx.Response) -> None:
        """Response hook: as ``Session.check_response``."""
        if self.checks_request(response.request) and not self.bodies.wants_body(response):
            self.checks.inspect(response)
