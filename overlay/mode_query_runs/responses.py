"""What a response means: a DEBUG log line (``mode_query_runs`` logger) for each, and
the typed error (``errors``) for a failure. httpx's own ``HTTP Request`` line of a request
the SDK sends shows its URL with the client's credentials redacted (by ``REDACTOR``)."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any, TypeVar

import httpx

from .errors import REDACTOR, APITimeoutError, ModeAPIError, error_for_response, error_for_transport
from .origin import Origin

__all__ = ["FOLLOWS_REDIRECTS", "HTTPX_ERRORS", "LOGGER", "TIMEOUT", "ResponseChecks"]

E = TypeVar("E", bound=ModeAPIError)

LOGGER = logging.getLogger("mode_query_runs")
FOLLOWS_REDIRECTS = "mode_query_runs.follows_redirects"
"""Request extension: set to ``True`` on a request whose redirects httpx may follow."""
_STARTED = "mode_query_runs.started"
HTTPX_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict, httpx.StreamError)
"""Every exception httpx raises (a ``TransportError`` is an ``httpx.HTTPError``)."""
TIMEOUT = "mode_query_runs.timeout"
"""Request extension: the seconds the whole request may take (set by the transport)."""


def _redact_urls(record: logging.LogRecord) -> bool:
    """A URL in httpx's line (``HTTP Request: GET ...``) redacted by the client's."""
    redactor = REDACTOR.get()
    if redactor is not None and isinstance(record.args, tuple):
        redact, args = redactor.redact, record.args
        record.args = tuple(redact(str(a)) if isinstance(a, httpx.URL) else a for a in args)
    return True


logging.getLogger("httpx").addFilter(_redact_urls)


class ResponseChecks:
    """Logging, the overall deadline (``TIMEOUT``) and error mapping for the requests of
    one ``origin``."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin

    def error(self, kind: type[E], message: str, request: httpx.Request, **more: Any) -> E:
        """A ``kind`` of error about ``request`` (its URL shown, credentials redacted)."""
        url, redactor = self.origin.shown_url(request.url), self.origin.redactor
        return kind(message, method=request.method, url=url, redactor=redactor, **more)

    def check_deadline(self, request: httpx.Request, passed: bool = False) -> None:
        """Raise ``APITimeoutError`` once ``request``'s overall deadline has passed (or
        when it ``passed``, as seen by a timeout)."""
        timeout = request.extensions[TIMEOUT]
        if passed or time.perf_counter() - request.extensions[_STARTED] >= timeout:
            message = f"timed out: no complete response within {timeout:g} s (timeout)"
            raise self.error(APITimeoutError, message, request) from None

    def mapped(self, exc: Exception) -> ModeAPIError:
        """The SDK's error for ``exc`` (one of ``HTTPX_ERRORS``): ``APIConnectionError``
        (``APITimeoutError``) for no response, logged at DEBUG, else a ``ModeAPIError``."""
        method = url = None
        with contextlib.suppress(RuntimeError, AttributeError):  # no request attached
            request = exc.request  # type: ignore[attr-defined]
            method, url = request.method, self.origin.shown_url(request.url)
        if isinstance(exc, httpx.TransportError):
            if url is not None:
                LOGGER.debug("%s %s -> %s", method, url, type(exc).__name__)
            return error_for_transport(exc, url=url, redactor=self.origin.redactor)
        detail = str(exc) or "no detail"
        if isinstance(exc, httpx.InvalidURL):
            message = f"invalid URL ({detail})"
        elif isinstance(exc, httpx.TooManyRedirects | httpx.DecodingError):
            message = detail
        else:
            message = f"{detail} ({type(exc).__name__})"
        return ModeAPIError(message, method=method, url=url, redactor=self.origin.redactor)

    def on_request(self, request: httpx.Request) -> float:
        """Note when a try of ``request`` started; the seconds it may take."""
        request.extensions[_STARTED] = time.perf_counter()
        return float(request.extensions[TIMEOUT])

    def inspect(self, response: httpx.Response) -> httpx.Response:
        """Log the response (its body read, unless a 1xx or a 2xx the caller streams) and
        return it; ``ModeAPIError`` (a subclass per status) for a status of 400 or above, a
        redirect not allowed (``FOLLOWS_REDIRECTS``) or to an invalid URL, or another
        status outside 2xx."""
        status = response.status_code
        if 200 <= status < 300 and not LOGGER.isEnabledFor(logging.DEBUG):
            return response
        request = response.request
        started = request.extensions.get(_STARTED)
        elapsed = time.perf_counter() - started if isinstance(started, float) else 0.0
        shown = self.origin.shown_url(request.url)
        LOGGER.debug("%s %s -> %d (%.3f s)", request.method, shown, status, elapsed)
        if status >= 400:
            hint = self.origin.not_found_hint(request.url) if status == 404 else None
            raise error_for_response(response, url=shown, hint=hint, redactor=self.origin.redactor)
        if 200 <= status < 300:
            return response
        if not response.has_redirect_location:
            reason = response.reason_phrase or "no reason given"
            message = f"unexpected response ({reason}): not content, nor a redirect to follow"
        else:
            location = response.headers["Location"]
            try:
                target = self.origin.shown_url(request.url.join(location))
            except httpx.InvalidURL as exc:
                message = f"redirect to an invalid URL: {location!r} ({exc})"
            else:
                if request.extensions.get(FOLLOWS_REDIRECTS):
                    return response
                message = f"unexpected redirect to {target}"
        raise self.error(ModeAPIError, message, request, status=status)
