"""How much of a response body is read, and when: the body limits.

JSON API bodies (list pages, Query Runs, followed links) are read by the response hook
within ``max_body_bytes``; a larger declared ``Content-Length`` is refused before reading.
Of an error body only what an error shows is read. Result content is streamed by the
caller (``STREAMS_BODY``) and has no limit.
"""

from __future__ import annotations

import httpx

from .errors import ResponseParseError
from .origin import Origin
from .settings import ERROR_BODY_BYTES, check_body_limit

__all__ = ["STREAMS_BODY", "BodyLimits"]

STREAMS_BODY = "mode_query_runs.streams_body"
"""Request extension: set to ``True`` on a request whose 2xx body the caller streams (a
result download); any other body is read by the response hook, within its limit."""


class BodyLimits:
    """Which bodies the response hook reads, and how far.

    Args:
        max_body_bytes: The largest 2xx JSON body to read, in bytes.
        origin: The API's origin, to show URLs in errors.

    Raises:
        TypeError: ``max_body_bytes`` is not an ``int``.
        ValueError: ``max_body_bytes`` is below 1.
    """

    def __init__(self, max_body_bytes: int, origin: Origin) -> None:
        self.max_body_bytes = check_body_limit(max_body_bytes)
        self.origin = origin

    def wants_body(self, response: httpx.Response) -> bool:
        """Whether the response hook must read the body before it is inspected.

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
            url=self.origin.shown_url(request.url),
            redactor=self.origin.redactor,
        )
