"""The HTTP sessions under the clients: httpx connection pools, auth, and response checks.

Everything here is shared by every request either client makes, whether through a
generated operation, by following a HAL link or by downloading a result: Basic auth with
the API token and secret, the ``Accept: application/hal+json`` and ``User-Agent`` headers,
translation of failure statuses into the :mod:`mode_query_runs.errors` family, reading
the bodies of spec operations into models (:mod:`mode_query_runs.reader`), and one DEBUG
log line per response under the ``mode_query_runs`` logger. :class:`Rules` holds all of it, free of
I/O; :class:`Session` (``httpx.Client``) and :class:`AsyncSession` (``httpx.AsyncClient``)
only differ in how they read a body.
"""

from __future__ import annotations

import contextlib
import logging
import math
import platform
import time
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx

from .errors import (
    APIConnectionError,
    ModeAPIError,
    ResponseParseError,
    credential_forms,
    error_for_response,
    error_for_transport,
    forget_secrets,
    register_secrets,
    without_userinfo,
)
from .jsonbody import decode_json
from .reader import SpecReader
from .spec import MEDIA_TYPE, Operation, match_operation

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "FOLLOWS_REDIRECTS",
    "LOGGER",
    "STREAMS_BODY",
    "AsyncSession",
    "Rules",
    "Session",
    "check_token",
    "user_agent",
]

DEFAULT_BASE_URL = "https://app.mode.com/api"
DEFAULT_TIMEOUT = 30.0
LOGGER = logging.getLogger("mode_query_runs")
FOLLOWS_REDIRECTS = "mode_query_runs.follows_redirects"
"""Request extension: set to ``True`` on a request whose redirects httpx may follow."""
STREAMS_BODY = "mode_query_runs.streams_body"
"""Request extension: set to ``True`` on a request whose 2xx body the caller streams (a
result download); any other body is read by the response hook, within its limit."""
_STARTED = "mode_query_runs.started"


def package_version() -> str:
    """The installed version of the ``mode-query-runs`` distribution (``0+unknown`` if none)."""
    try:
        return version("mode-query-runs")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def user_agent() -> str:
    """``mode-query-runs/<version> httpx/<version> python/<version>``."""
    python = platform.python_version()
    return f"mode-query-runs/{package_version()} httpx/{httpx.__version__} python/{python}"


def check_token(name: str, value: str) -> str:
    """Return ``value`` if it can be a path segment; raise ``ValueError`` otherwise.

    Tokens are percent-encoded by the generated operations, so ``/``, ``?`` and ``#``
    cannot change the path; ``""``, ``"."`` and ``".."`` would still be read as path
    navigation, so they are refused.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError(f"{name} {value!r} is not a valid token")
    return value


MAX_SECONDS = 1e9
"""The longest duration any setting accepts, in seconds (about 31 years)."""


DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
"""The largest JSON API body read by default, in bytes (32 MiB; a page of 1,000 Query Runs
is about 1.3 MB). Result downloads are streamed to disk and have no such limit."""
ERROR_BODY_BYTES = 64 * 1024
"""How much of an error body (status 400 and above) is read, in bytes: enough for Mode's
``{id, message}`` and the excerpt an error shows."""


def check_body_limit(value: int) -> int:
    """Return ``value`` if it is a usable body size limit in bytes; raise otherwise.

    Raises:
        TypeError: not an ``int``.
        ValueError: below 1.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_body_bytes must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"max_body_bytes must be at least 1, not {value}")
    return value


def check_seconds(name: str, value: float) -> float:
    """Return ``value`` if it is a usable duration in seconds; raise ``ValueError`` otherwise.

    Usable means a finite number above 0 and at most :data:`MAX_SECONDS`: ``0``, negative
    numbers, ``nan`` and ``inf`` would fail later, deep inside the socket layer.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise ValueError(f"{name} must be a number of seconds above 0 and at most 1e9, not {value}")
    return float(value)


class Rules:
    """What every request and response goes through, whichever client sends it.

    Args:
        base_url: The API's base URL, e.g. ``https://app.mode.com/api``.
        token: Mode API token (the Basic auth user name).
        secret: Mode API secret (the Basic auth password).
        timeout: Seconds to wait to connect and for each read.
        strict: Refuse a body that strays from the spec (see :mod:`.reader`).
        max_body_bytes: The largest 2xx JSON body to read, in bytes.

    Raises:
        ValueError: ``base_url`` is not an http(s) URL.
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
        try:
            self.base_url = httpx.URL(base_url.rstrip("/"))
        except httpx.InvalidURL as exc:
            raise ValueError(f"base URL is not a valid URL: {exc}") from None
        shown = str(without_userinfo(self.base_url))
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise ValueError(f"base URL must be an http(s) URL, not {shown!r}")
        if self.base_url.port is not None and not 0 < self.base_url.port < 65536:
            raise ValueError(
                f"base URL is not a valid URL: port {self.base_url.port} is out of range"
            )
        if self.base_url.query or self.base_url.fragment:
            raise ValueError(f"base URL must have no query or fragment, not {shown!r}")
        self._base_path = self.base_url.raw_path.decode("ascii").rstrip("/")
        self.timeout = check_seconds("timeout", timeout)
        self.max_body_bytes = check_body_limit(max_body_bytes)
        self._auth = httpx.BasicAuth(token, secret)
        self._credential_forms = credential_forms(token, secret)
        register_secrets(*self._credential_forms)
        self.headers = {"Accept": MEDIA_TYPE, "User-Agent": user_agent()}
        self.reader = SpecReader(strict=strict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(without_userinfo(self.base_url))!r})"

    def forget_credentials(self) -> None:
        """Stop redacting this session's credentials from errors (it is closed)."""
        forget_secrets(*self._credential_forms)
        self._credential_forms = ()

    def pool_options(self) -> dict[str, Any]:
        """Keyword arguments for ``httpx.Client`` / ``httpx.AsyncClient``, hooks aside."""
        return {
            "base_url": self.base_url,
            "auth": self._auth,
            "headers": self.headers,
            "timeout": httpx.Timeout(self.timeout),
            "follow_redirects": False,
        }

    @property
    def origin(self) -> tuple[str, str, int | None]:
        """``(scheme, host, port)`` of the base URL: the only origin given credentials."""
        return self.base_url.scheme, self.base_url.host, self.base_url.port

    def is_own_origin(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on the base URL's origin (where credentials may be sent)."""
        return (url.scheme, url.host, url.port) == self.origin

    def join(self, href: str) -> httpx.URL:
        """The absolute URL of a HAL ``href``, resolved against the base URL's origin."""
        return self.base_url.join(href)

    def is_api_url(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on the base URL's origin and under its path (``/api/...``)."""
        path = url.raw_path.decode("ascii").split("?", 1)[0]
        return self.is_own_origin(url) and path.startswith(self._base_path + "/")

    def resolve(self, href: str) -> httpx.URL:
        """The absolute URL of a HAL ``href``, resolved against the base URL.

        Mode's hrefs are absolute paths that already include the base path (``/api/...``),
        so they resolve against the base URL's origin, never by appending.

        Raises:
            ValueError: ``href`` points to another origin than the base URL's, where the
                API credentials must not be sent.
        """
        url = self.join(href)
        if not self.is_own_origin(url):
            raise ValueError(
                f"refusing to send Mode credentials to {url.scheme}://{url.netloc.decode()}:"
                f" the link is not on the API's origin {self.base_url.scheme}://"
                f"{self.base_url.netloc.decode()}"
            )
        return url

    def operation_for(self, url: httpx.URL, method: str = "GET") -> Operation | None:
        """The spec operation a request to ``url`` is, if it is one on the API's origin."""
        if not self.is_api_url(url):
            return None
        path = url.raw_path.decode("ascii").split("?", 1)[0]
        return match_operation(method, path[len(self._base_path) :])

    def shown_url(self, url: httpx.URL) -> str:
        """``url`` as logs and errors show it: no userinfo; another origin's query hidden.

        Storage hosts that serve results sign their URLs in the query string; the
        signature is a credential, so it is replaced by ``?…``.
        """
        shown = without_userinfo(url)
        if not self.is_own_origin(url) and url.query:
            return str(shown.copy_with(query=None)) + "?…"
        return str(shown)

    def transport_error(self, exc: httpx.TransportError) -> APIConnectionError:
        """The typed error for a request that got no response (logged at DEBUG)."""
        shown: str | None = None
        with contextlib.suppress(RuntimeError):  # raised without a request attached
            request = exc.request
            shown = self.shown_url(request.url)
            LOGGER.debug("%s %s -> %s", request.method, shown, type(exc).__name__)
        return error_for_transport(exc, url=shown)

    @contextlib.contextmanager
    def transport_errors(self) -> Iterator[None]:
        """Turn httpx failures inside the block into the SDK's errors.

        Raises:
            APIConnectionError: (or ``APITimeoutError``) no response, see
                :meth:`transport_error`.
            ModeAPIError: more than 20 redirects, or a body that cannot be decoded
                (a broken ``Content-Encoding``).
        """
        try:
            yield
        except httpx.TransportError as exc:
            raise self.transport_error(exc) from None
        except (httpx.TooManyRedirects, httpx.DecodingError) as exc:
            request = exc.request
            raise ModeAPIError(
                str(exc), method=request.method, url=self.shown_url(request.url)
            ) from None

    def on_request(self, request: httpx.Request) -> None:
        """Request hook: note when the request started, for the log line."""
        request.extensions[_STARTED] = time.perf_counter()

    def wants_body(self, response: httpx.Response) -> bool:
        """Whether the response hook must read the body before :meth:`inspect`.

        An error body is read for Mode's ``id`` and ``message``; a 2xx body unless the
        request streams it (``STREAMS_BODY``: result content, streamed by the caller).
        Either is read within :meth:`body_limit`.
        """
        status = response.status_code
        if status >= 400:
            return True
        return 200 <= status < 300 and not response.request.extensions.get(STREAMS_BODY)

    def body_limit(self, response: httpx.Response) -> int:
        """How many bytes of ``response``'s body to read (:meth:`wants_body` said to).

        Raises:
            ResponseParseError: a 2xx response declares a ``Content-Length`` over
                ``max_body_bytes``; nothing is read.
        """
        if response.status_code >= 400:
            return ERROR_BODY_BYTES
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise self._too_large(response, f"of {int(declared)} bytes (Content-Length)")
        return self.max_body_bytes

    def keep_body(self, response: httpx.Response, chunks: list[bytes], limit: int) -> None:
        """Keep the chunks read of a body as ``response.content``, at most ``limit`` bytes.

        An error body is cut at the limit (its excerpt shows the start); a 2xx body over
        it is refused.

        Raises:
            ResponseParseError: a 2xx body is longer than ``max_body_bytes``.
        """
        content = b"".join(chunks)
        if len(content) > limit:
            if response.status_code < 400:
                raise self._too_large(response, "read so far")
            content = content[:limit]
        response._content = content  # what httpx's own read() keeps; .content, .json()

    def _too_large(self, response: httpx.Response, size: str) -> ResponseParseError:
        request = response.request
        return ResponseParseError(
            f"response body {size} is over the limit of {self.max_body_bytes} bytes"
            " (max_body_bytes)",
            status=response.status_code,
            method=request.method,
            url=self.shown_url(request.url),
        )

    def inspect(self, response: httpx.Response) -> None:
        """Log the response; raise the typed error for a failure.

        The body must have been read when :meth:`wants_body` says so.

        Raises:
            ModeAPIError: (a subclass per status) for a status of 400 or above; for a
                redirect, unless the request allows redirects (``FOLLOWS_REDIRECTS``).
        """
        request = response.request
        started = request.extensions.get(_STARTED)
        elapsed = time.perf_counter() - started if isinstance(started, float) else 0.0
        shown = self.shown_url(request.url)
        status = response.status_code
        LOGGER.debug("%s %s -> %d (%.3f s)", request.method, shown, status, elapsed)
        if status >= 400:
            raise error_for_response(response, url=shown)
        if status >= 300:
            if request.extensions.get(FOLLOWS_REDIRECTS):
                return
            location = response.headers.get("Location", "nowhere")
            raise ModeAPIError(
                f"unexpected redirect to {location}",
                status=status,
                method=request.method,
                url=shown,
            )

    def read(self, response: httpx.Response) -> Any:
        """A read 2xx response's body: the spec's model for a spec operation, else JSON.

        Raises:
            ResponseParseError: the body is not JSON, or cannot be read as the spec's
                model (strict: strays from the spec at all); see :mod:`.reader`.
        """
        operation = self.operation_for(response.request.url, response.request.method)
        if operation is None:
            return decode_json(response)
        return self.reader.read(response, operation)


class Session(Rules):
    """:class:`Rules` over one ``httpx.Client`` connection pool (``http``)."""

    def __init__(
        self, base_url: str, token: str, secret: str, timeout: float, **options: Any
    ) -> None:
        super().__init__(base_url, token, secret, timeout, **options)
        self.http = httpx.Client(
            **self.pool_options(),
            event_hooks={"request": [self.on_request], "response": [self.check_response]},
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()
        self.forget_credentials()

    def check_response(self, response: httpx.Response) -> None:
        """Response hook: read the body if needed, then :meth:`Rules.inspect`."""
        if self.wants_body(response):
            limit = self.body_limit(response)
            chunks: list[bytes] = []
            read = 0
            try:
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    read += len(chunk)
                    if read > limit:
                        break
            finally:
                response.close()
            self.keep_body(response, chunks, limit)
        self.inspect(response)


class AsyncSession(Rules):
    """:class:`Rules` over one ``httpx.AsyncClient`` connection pool (``http``)."""

    def __init__(
        self, base_url: str, token: str, secret: str, timeout: float, **options: Any
    ) -> None:
        super().__init__(base_url, token, secret, timeout, **options)
        self.http = httpx.AsyncClient(
            **self.pool_options(),
            event_hooks={"request": [self._on_request], "response": [self.check_response]},
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()
        self.forget_credentials()

    async def _on_request(self, request: httpx.Request) -> None:
        self.on_request(request)

    async def check_response(self, response: httpx.Response) -> None:
        """Response hook: read the body if needed, then :meth:`Rules.inspect`."""
        if self.wants_body(response):
            limit = self.body_limit(response)
            chunks: list[bytes] = []
            read = 0
            try:
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    read += len(chunk)
                    if read > limit:
                        break
            finally:
                await response.aclose()
            self.keep_body(response, chunks, limit)
        self.inspect(response)
