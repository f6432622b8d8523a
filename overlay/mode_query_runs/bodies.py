"""The body limits: a JSON body is read within ``max_body_bytes`` (a larger declared
``Content-Length`` refused unread), an error's or redirect's only as far as an error shows;
result content (``STREAMS_BODY``) is streamed by the caller, without limit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx

from .decoding import Decoding, UnsupportedEncoding
from .errors import ResponseParseError
from .origin import Origin
from .settings import ERROR_BODY_BYTES, check_body_limit

__all__ = ["STREAMS_BODY", "BodyLimits", "BodyRead"]

STREAMS_BODY = "mode_query_runs.streams_body"
"""Request extension: ``True`` on a request whose 2xx body the caller streams."""


class BodyLimits:
    """Which bodies the session reads, and how far.

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
        """Whether the session reads the body: not a 1xx, nor a streamed 2xx."""
        if response.status_code >= 300:
            return True
        return response.status_code >= 200 and not response.request.extensions.get(STREAMS_BODY)

    def body_limit(self, response: httpx.Response) -> int:
        """How many bytes to read (``ResponseParseError`` for a 2xx whose declared
        ``Content-Length`` is over ``max_body_bytes``)."""
        if response.status_code >= 300:
            return ERROR_BODY_BYTES
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise self.too_large(response, f"of {int(declared)} bytes (Content-Length)")
        return self.max_body_bytes

    def too_large(self, response: httpx.Response, size: str) -> ResponseParseError:
        """The error for a 2xx body over ``max_body_bytes``."""
        request = response.request
        return ResponseParseError(
            f"response body {size} is over the limit of {self.max_body_bytes} bytes"
            " (max_body_bytes)",
            status=response.status_code,
            method=request.method,
            url=self.origin.shown_url(request.url),
            redactor=self.origin.redactor,
        )


class BodyRead:
    """One body as the session reads it, within its limit and the request's overall
    deadline (``ResponseParseError``, ``APITimeoutError``)."""

    def __init__(
        self,
        limits: BodyLimits,
        check_deadline: Callable[[httpx.Response], None],
        response: httpx.Response,
    ) -> None:
        self._limits = limits
        self._check_deadline = check_deadline
        self._response = response
        self._limit = limits.body_limit(response)
        self._chunks: list[bytes] = []
        self._read = 0
        check_deadline(response)
        self._coding = response.headers.get("Content-Encoding")
        self._decoding: Decoding | None = None
        self.done = response.is_stream_consumed
        """The body was read before the session saw it (``httpx.MockTransport``)."""
        if self.done:
            self.take(response.content)
        elif self._coding is not None:
            try:
                self._decoding = Decoding(self._coding)
            except UnsupportedEncoding as error:
                self._refuse(error)

    def take(self, raw: bytes) -> bool:
        """Keep the body's next raw bytes (decoded in 64 KiB pieces); whether reading
        must stop (past the limit). ``APITimeoutError``; ``ResponseParseError`` for a 2xx
        body its ``Content-Encoding`` cannot decode."""
        self._check_deadline(self._response)
        if self._decoding is not None:
            return self._keep(self._decoding.feed(raw))
        self._chunks.append(raw)
        self._read += len(raw)
        return self._read > self._limit

    def finish(self) -> None:
        """Keep what the decoding held back, at the body's end."""
        if self._decoding is not None and self._read <= self._limit:
            self._keep(self._decoding.close())

    def _keep(self, pieces: Iterator[bytes]) -> bool:
        try:
            for piece in pieces:
                self._chunks.append(piece)
                self._read += len(piece)
                if self._read > self._limit:
                    return True
        except UnsupportedEncoding as error:
            self._refuse(error)
        return False

    def _refuse(self, error: UnsupportedEncoding) -> None:
        """A coding that cannot be read: a 2xx is refused (``ResponseParseError``), any
        other body's rest is kept as it came."""
        self._decoding = None
        if self._response.status_code < 300:
            request = self._response.request
            raise ResponseParseError(
                str(error),
                status=self._response.status_code,
                method=request.method,
                url=self._limits.origin.shown_url(request.url),
                redactor=self._limits.origin.redactor,
            )

    def into(self, response: httpx.Response) -> httpx.Response:
        """``response`` with the decoded content read as its ``stream`` (its
        ``Content-Encoding`` removed); another body is cut at the limit, a 2xx body over
        it refused (``ResponseParseError``)."""
        content = b"".join(self._chunks)
        if len(content) > self._limit:
            if response.status_code < 300:
                size = f"of {len(content)} bytes" if self.done else "read so far"
                raise self._limits.too_large(response, size)
            content = content[: self._limit]
        elif self.done:
            return response
        headers = response.headers
        if self._coding is not None:
            del headers["Content-Encoding"]
            headers["Content-Length"] = str(len(content))
        if self.done:  # its content is read already: the cut one goes in a new response
            return httpx.Response(
                response.status_code,
                headers=headers,
                content=content,
                request=response.request,
                extensions=response.extensions,
                history=response.history,
            )
        response.stream = httpx.ByteStream(content)
        response.read()  # from memory: its content is there for the checks, as for httpx
        return response
