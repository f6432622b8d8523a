"""What a response means: one log line per response, and the typed error for a failure.

Every response is logged at DEBUG under the ``mode_query_runs`` logger (method, URL,
status, seconds); a status of 400 or above becomes the :mod:`.errors` subclass for it, a
redirect nobody asked to follow a :class:`~mode_query_runs.errors.ModeAPIError`, and a
request that got no response an :class:`~mode_query_runs.errors.APIConnectionError`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

import httpx

from .errors import APIConnectionError, ModeAPIError, error_for_response, error_for_transport
from .origin import Origin

__all__ = ["FOLLOWS_REDIRECTS", "LOGGER", "ResponseChecks"]

LOGGER = logging.getLogger("mode_query_runs")
FOLLOWS_REDIRECTS = "mode_query_runs.follows_redirects"
"""Request extension: set to ``True`` on a request whose redirects httpx may follow."""
_STARTED = "mode_query_runs.started"


class ResponseChecks:
    """Logging and error mapping for the requests of one session.

    Args:
        origin: The API's origin, to show URLs without credentials.
    """

    def __init__(self, origin: Origin) -> None:
        self.origin = origin

    def transport_error(self, exc: httpx.TransportError) -> APIConnectionError:
        """The typed error for a request that got no response (logged at DEBUG)."""
        shown: str | None = None
        with contextlib.suppress(RuntimeError):  # raised without a request attached
            request = exc.request
            shown = self.origin.shown_url(request.url)
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
                str(exc), method=request.method, url=self.origin.shown_url(request.url)
            ) from None

    def on_request(self, request: httpx.Request) -> None:
        """Request hook: note when the request started, for the log line."""
        request.extensions[_STARTED] = time.perf_counter()

    def inspect(self, response: httpx.Response) -> None:
        """Log the response; raise the typed error for a failure.

        The body must have been read when :meth:`.BodyLimits.wants_body` says so.

        Raises:
            ModeAPIError: (a subclass per status) for a status of 400 or above; for a
                redirect, unless the request allows redirects (``FOLLOWS_REDIRECTS``).
        """
        request = response.request
        started = request.extensions.get(_STARTED)
        elapsed = time.perf_counter() - started if isinstance(started, float) else 0.0
        shown = self.origin.shown_url(request.url)
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
