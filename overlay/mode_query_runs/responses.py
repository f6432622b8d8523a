"""What a response means: one log line per response, and the typed error for a failure.

Every response is logged at DEBUG under the ``mode_query_runs`` logger (method, URL,
status, seconds); a status of 400 or above becomes the ``errors`` subclass for it, a
redirect nobody asked to follow a ``ModeAPIError``, and a
request that got no response an ``APIConnectionError``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

import httpx

from .errors import (
    APIConnectionError,
    APITimeoutError,
    ModeAPIError,
    error_for_response,
    error_for_transport,
)
from .origin import Origin

__all__ = ["FOLLOWS_REDIRECTS", "HTTPX_ERRORS", "LOGGER", "TIMEOUT", "ResponseChecks"]

LOGGER = logging.getLogger("mode_query_runs")
FOLLOWS_REDIRECTS = "mode_query_runs.follows_redirects"
"""Request extension: set to ``True`` on a request whose redirects httpx may follow."""
_STARTED = "mode_query_runs.started"
HTTPX_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict, httpx.StreamError)
"""Every exception httpx raises (a ``TransportError`` is an ``httpx.HTTPError``)."""
TIMEOUT = "mode_query_runs.timeout"
"""Request extension: the seconds the whole request may take (see
``ResponseChecks.check_deadline``); without it, the session's ``timeout``."""


class ResponseChecks:
    """Logging and error mapping for the requests of one session.

    Args:
        origin: The API's origin, to show URLs without credentials; its ``redactor``
            hides the client's credentials in every error made here.
        timeout: Seconds a request whose body the session reads may take in all,
            from its start (before connecting) to the last byte (see
            ``check_deadline``); ``None``: no overall deadline.
    """

    def __init__(self, origin: Origin, timeout: float | None = None) -> None:
        self.origin = origin
        self.timeout = timeout

    def seconds_left(self, request: httpx.Request) -> float | None:
        """Seconds before ``request``'s overall deadline (``timeout`` from its start; may be
        negative), or ``None`` when it has none (not started, or no ``timeout``)."""
        started = request.extensions.get(_STARTED)
        timeout = request.extensions.get(TIMEOUT, self.timeout)
        if timeout is None or not isinstance(started, float):
            return None
        left: float = timeout - (time.perf_counter() - started)
        return left

    def deadline_error(self, request: httpx.Request) -> APITimeoutError:
        """The error for a request whose overall deadline has passed."""
        timeout = request.extensions.get(TIMEOUT, self.timeout)
        return APITimeoutError(
            f"timed out: no complete response within {timeout:g} s (timeout)",
            method=request.method,
            url=self.origin.shown_url(request.url),
            redactor=self.origin.redactor,
        )

    def check_deadline(self, response: httpx.Response) -> None:
        """Refuse a response that is still arriving ``timeout`` seconds after its request
        started (a body trickled byte by byte); call it as each piece of the body arrives.

        Raises:
            APITimeoutError: more than ``timeout`` seconds have passed.
        """
        left = self.seconds_left(response.request)
        if left is not None and left < 0:
            raise self.deadline_error(response.request)

    def transport_error(self, exc: httpx.TransportError) -> APIConnectionError:
        """The typed error for a request that got no response (logged at DEBUG)."""
        shown: str | None = None
        with contextlib.suppress(RuntimeError):  # raised without a request attached
            request = exc.request
            shown = self.origin.shown_url(request.url)
            LOGGER.debug("%s %s -> %s", request.method, shown, type(exc).__name__)
        return error_for_transport(exc, url=shown, redactor=self.origin.redactor)

    @contextlib.contextmanager
    def transport_errors(self) -> Iterator[None]:
        """Turn every exception httpx raises inside the block into the SDK's errors.

        Raises:
            ModeAPIError: as ``mapped``.
        """
        try:
            yield
        except HTTPX_ERRORS as exc:
            raise self.mapped(exc) from None

    def mapped(self, exc: Exception) -> ModeAPIError:
        """The SDK's error for ``exc``, an exception httpx raised (one of ``HTTPX_ERRORS``):
        an ``APIConnectionError`` (or ``APITimeoutError``) for no response (see
        ``transport_error``); else a ``ModeAPIError`` (see ``httpx_error``): more than 20
        redirects, a body that cannot be decoded (a broken ``Content-Encoding``), an
        ``httpx.InvalidURL`` (a URL over 65,536 characters, a redirect to a ``data:``
        URL), ``httpx.CookieConflict`` or ``httpx.StreamError``."""
        if isinstance(exc, httpx.TransportError):
            return self.transport_error(exc)
        return self.httpx_error(exc)

    def httpx_error(self, exc: Exception) -> ModeAPIError:
        """The ``ModeAPIError`` for an httpx exception other than a ``TransportError``:
        its class and message, and the request when one is attached."""
        method = url = None
        with contextlib.suppress(RuntimeError, AttributeError):  # no request attached
            request = exc.request  # type: ignore[attr-defined]
            method, url = request.method, self.origin.shown_url(request.url)
        detail = str(exc) or "no detail"
        if isinstance(exc, httpx.InvalidURL):
            message = f"invalid URL ({detail})"
        elif isinstance(exc, httpx.TooManyRedirects | httpx.DecodingError):
            message = detail
        else:
            message = f"{detail} ({type(exc).__name__})"
        return ModeAPIError(message, method=method, url=url, redactor=self.origin.redactor)

    def on_request(self, request: httpx.Request) -> None:
        """Request hook: note when the request started, for the log line."""
        request.extensions[_STARTED] = time.perf_counter()

    def inspect(self, response: httpx.Response) -> None:
        """Log the response; raise the typed error for a failure.

        The body must have been read when ``BodyLimits.wants_body`` says so.

        Raises:
            ModeAPIError: (a subclass per status) for a status of 400 or above (a 404 with
                a hint when the base URL's path does not end in ``/api``); for a
                redirect, unless the request allows redirects (``FOLLOWS_REDIRECTS``) and
                its ``Location`` is a valid URL; for any other status below 200 or from
                300 on (``304 Not Modified``, a 3xx without ``Location``): no content
                follows it.
        """
        request, status = response.request, response.status_code
        if 200 <= status < 300 and not LOGGER.isEnabledFor(logging.DEBUG):
            return
        started = request.extensions.get(_STARTED)
        elapsed = time.perf_counter() - started if isinstance(started, float) else 0.0
        shown = self.origin.shown_url(request.url)
        LOGGER.debug("%s %s -> %d (%.3f s)", request.method, shown, status, elapsed)
        if status >= 400:
            hint = self.origin.not_found_hint(request.url) if status == 404 else None
            raise error_for_response(response, url=shown, hint=hint, redactor=self.origin.redactor)
        if 200 <= status < 300:
            return
        reason = response.reason_phrase or "no reason given"
        if not response.has_redirect_location:
            raise ModeAPIError(
                f"unexpected response ({reason}): not content, nor a redirect to follow",
                status=status,
                method=request.method,
                url=shown,
                redactor=self.origin.redactor,
            )
        location = response.headers["Location"]
        try:
            target = self.origin.shown_url(request.url.join(location))
        except httpx.InvalidURL as exc:
            raise ModeAPIError(
                f"redirect to an invalid URL: {location!r} ({exc})",
                status=status,
                method=request.method,
                url=shown,
                redactor=self.origin.redactor,
            ) from None
        if not request.extensions.get(FOLLOWS_REDIRECTS):
            raise ModeAPIError(
                f"unexpected redirect to {target}",
                status=status,
                method=request.method,
                url=shown,
                redactor=self.origin.redactor,
            )
