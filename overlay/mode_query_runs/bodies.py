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
    """One body of ``response`` to ``request`` as the session reads it (not a 1xx, nor a
    2xx the caller streams), decoded, within its limit and the request's overall deadline:
    ``ResponseParseError`` for a 2xx body over ``max_body_bytes`` or that its
    ``Content-Encoding`` cannot decode."""

    def __init__(
        self,
        response: httpx.Response,
        request: httpx.Request,
        max_body_bytes: int,
        checks: ResponseChecks,
    ) -> None:
        self._response, self._checks, self._request = response, checks, request
        self._limit = ERROR_BODY_BYTES if response.status_code >= 300 else max_body_bytes
        declared = response.headers.get("Content-Length", "")
        if response.status_code < 300 and declared.isdigit() and int(declared) > self._limit:
            raise self._too_large(f"of {int(declared)} bytes (Content-Length)")
        checks.check_deadline(self._request)
        self._coding = response.headers.get("Content-Encoding")
        self.done = response.is_stream_consumed
        """The body was read (and decoded) before the session saw it (``MockTransport``)."""
        self._chunks = [response.content] if self.done else []
        self._read = 0
        self._decoding: Decoding | None = None  # None: the raw bytes are the body's
        if self._coding is not None and not self.done:
            try:
                self._decoding = Decoding(self._coding)
            except UnsupportedEncoding as error:
                self._refused(error)

    def take(self, raw: bytes) -> bool:
        """Keep the body's next raw bytes; whether reading must stop (past the limit)."""
        self._checks.check_deadline(self._request)
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

    def _refused(self, error: UnsupportedEncoding) -> None:
        """A coding that cannot be read: a 2xx is refused, another body's rest kept raw."""
        self._decoding = None
        if self._response.status_code < 300:
            raise self._error(str(error)) from None

    def _error(self, message: str) -> ResponseParseError:
        request, origin = self._request, self._checks.origin
        url = origin.shown_url(request.url)
        status = self._response.status_code
        return ResponseParseError(
            message, status=status, method=request.method, url=url, redactor=origin.redactor
        )

    def _too_large(self, size: str) -> ResponseParseError:
        return self._error(
            f"response body {size} is over the limit of {self._limit} bytes (max_body_bytes)"
        )

    def into(self, response: httpx.Response) -> httpx.Response:
        """``response`` with the decoded content read as its ``stream`` (its
        ``Content-Encoding`` removed), once the body was taken (to its end, or until
        ``take`` said to stop); another body is cut at the limit, a 2xx body over it
        refused (so is a 2xx body whose coded stream is cut short)."""
        if self._decoding is not None and self._read <= self._limit:
            self._keep(self._decoding.close())  # what the decoding held back
        content = b"".join(self._chunks)
        if len(content) > self._limit:
            if response.status_code < 300:
                raise self._too_large(f"of {len(content)} bytes" if self.done else "read so far")
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
