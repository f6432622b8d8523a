"""The body limits: a JSON body is read within ``max_body_bytes`` (a larger declared
``Content-Length`` refused unread), an error's or redirect's only as far as an error shows;
result content (``STREAMS_BODY``) is streamed by the caller, without limit."""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from .decoding import Decoding, UnsupportedEncoding
from .errors import ResponseParseError
from .responses import ResponseChecks
from .settings import ERROR_BODY_BYTES

__all__ = ["STREAMS_BODY", "BodyRead"]

STREAMS_BODY = "mode_query_runs.streams_body"
"""Request extension: ``True`` on a request whose 2xx body the caller streams."""


class BodyRead:
    """The body of ``response`` (not a 2xx the caller streams) as the session reads it:
    decoded, within its limit and the request's overall deadline; a 2xx body over
    ``max_body_bytes`` or that its ``Content-Encoding`` cannot decode is a
    ``ResponseParseError``, a 1xx a ``ModeAPIError`` (``ResponseChecks.inspect``)."""

    def __init__(
        self, response: httpx.Response, max_body_bytes: int, checks: ResponseChecks
    ) -> None:
        if response.status_code < 200:
            checks.inspect(response)  # raises: neither content nor a redirect
        self._response, self._checks, self._ok = response, checks, response.status_code < 300
        self._limit = max_body_bytes if self._ok else ERROR_BODY_BYTES
        declared = response.headers.get("Content-Length", "")
        if self._ok and declared.isdigit() and int(declared) > self._limit:
            raise self._too_large(f"of {int(declared)} bytes (Content-Length)")
        checks.check_deadline(response.request)
        self.done = response.is_stream_consumed  # read and decoded before (MockTransport)
        self._chunks = [response.content] if self.done else []
        self._read = 0
        self._decoding: Decoding | None = None  # None: the raw bytes are the body's
        if "Content-Encoding" in response.headers and not self.done:
            try:
                self._decoding = Decoding(response.headers["Content-Encoding"])
            except UnsupportedEncoding as error:
                self._refused(error)

    def take(self, raw: bytes) -> bool:
        """Keep the body's next raw bytes; whether reading must stop (past the limit)."""
        self._checks.check_deadline(self._response.request)
        return self._keep((raw,) if self._decoding is None else self._decoding.feed(raw))

    def _keep(self, pieces: Iterable[bytes]) -> bool:
        try:
            for piece in pieces:
                self._chunks.append(piece)
                self._read += len(piece)
                if self._read > self._limit:
                    return True
        except UnsupportedEncoding as error:
            self._refused(error)
        return False

    def _refused(self, error: UnsupportedEncoding) -> None:  # another body's rest kept raw
        self._decoding = None
        if self._ok:
            raise self._error(str(error)) from None

    def _error(self, message: str) -> ResponseParseError:
        status, request = self._response.status_code, self._response.request
        return self._checks.error(ResponseParseError, message, request, status=status)

    def _too_large(self, size: str) -> ResponseParseError:
        limit = self._limit
        return self._error(
            f"response body {size} is over the limit of {limit} bytes (max_body_bytes)"
        )

    def into(self) -> httpx.Response:
        """The response with the decoded body as its read ``stream`` (``Content-Encoding``
        removed), once taken to its end or until ``take`` said to stop: a 2xx body over
        the limit refused (so is one whose coded stream is cut short), another cut."""
        response = self._response
        if self._decoding is not None and self._read <= self._limit:
            self._keep(self._decoding.close())  # what the decoding held back
        content = b"".join(self._chunks)
        if len(content) > self._limit:
            if self._ok:
                raise self._too_large(f"of {len(content)} bytes" if self.done else "read so far")
            content = content[: self._limit]
        elif self.done:
            return response
        if "Content-Encoding" in response.headers:
            del response.headers["Content-Encoding"]
            response.headers["Content-Length"] = str(len(content))
        if self.done:  # its content is read already: the cut one goes in a new response
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                content=content,
                request=response.request,
                extensions=response.extensions,
                history=response.history,
            )
        response.stream = httpx.ByteStream(content)
        response.read()  # from memory: its content is there for the checks, as for httpx
        return response
