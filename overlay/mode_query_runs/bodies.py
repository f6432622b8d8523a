"""How much of a response body is read, and when: the body limits.

JSON API bodies (list pages, Query Runs, followed links) are read within
``max_body_bytes`` when the session sends them (its ``send``, with httpx streaming); a
larger declared ``Content-Length`` is refused before reading. Of an error body, and of a
redirect's, only what an error shows is read (httpx would otherwise read a redirect's
body whole before following it). Result content is streamed by the caller
(``STREAMS_BODY``) and has no limit. The body read is handed on as the response's new
``stream`` (as httpx's own client wraps a transport's stream: ``BodyRead.into``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx

from .decoding import Decoding, UnsupportedEncoding
from .errors import ResponseParseError
from .origin import Origin
from .settings import ERROR_BODY_BYTES, check_body_limit

__all__ = ["STREAMS_BODY", "BodyLimits", "BodyRead"]

STREAMS_BODY = "mode_query_runs.streams_body"
"""Request extension: set to ``True`` on a request whose 2xx body the caller streams (a
result download); any other body is read by the session, within its limit."""


class BodyLimits:
    """Which bodies the session reads before a response is inspected, and how far.

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
        """Whether the session must read the body before the response is inspected.

        An error body is read for Mode's ``id`` and ``message``, a redirect's to be done
        with it before the redirect is followed; a 2xx body unless the request streams it
        (``STREAMS_BODY``: result content, streamed by the caller). Each is read within
        ``body_limit``.
        """
        if response.status_code >= 300:
            return True
        return response.status_code >= 200 and not response.request.extensions.get(STREAMS_BODY)

    def body_limit(self, response: httpx.Response) -> int:
        """How many bytes of ``response``'s body to read (``wants_body`` said to).

        Raises:
            ResponseParseError: a 2xx response declares a ``Content-Length`` over
                ``max_body_bytes``; nothing is read.
        """
        if response.status_code >= 300:
            return ERROR_BODY_BYTES
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise self.too_large(response, f"of {int(declared)} bytes (Content-Length)")
        return self.max_body_bytes

    def too_large(self, response: httpx.Response, size: str) -> ResponseParseError:
        """The error for a 2xx body over ``max_body_bytes`` (``size`` says how it is known)."""
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
    """The chunks of one streamed body as the session reads them: within the body limit
    (``BodyLimits.body_limit``) and the request's overall deadline (``check_deadline``,
    called before the first chunk and with each one). The sync and async sessions share
    it; they differ only in how they iterate the chunks.

    Raises:
        ResponseParseError: a declared ``Content-Length`` over the limit.
        APITimeoutError: (from ``check_deadline``) the overall deadline has passed.
    """

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
        """The decoding of a coded body (``None``: raw bytes are kept as they come)."""
        self.done = response.is_stream_consumed
        """Whether the body was read before the session saw it (a transport that built the
        response from bytes, as ``httpx.MockTransport`` does): its decoded content is kept
        as it is, within the limit, and there is nothing left to stream."""
        if self.done:
            self.take(response.content)
        elif self._coding is not None:
            try:
                self._decoding = Decoding(self._coding)
            except UnsupportedEncoding as error:
                self._refuse(error)

    def take(self, raw: bytes) -> bool:
        """Keep ``raw``, the next raw bytes of the body, a coded body's decoded in pieces
        of at most 64 KiB (none decodes past the limit in memory); whether reading must
        stop: past the limit.

        Raises:
            APITimeoutError: the request's overall deadline has passed.
            ResponseParseError: a 2xx body's bytes are not what its ``Content-Encoding``
                says.
        """
        self._check_deadline(self._response)
        if self._decoding is not None:
            return self._keep(self._decoding.feed(raw))
        self._chunks.append(raw)
        self._read += len(raw)
        return self._read > self._limit

    def finish(self) -> None:
        """Keep what the decoding held back, once the raw body has ended."""
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
        """A coding that cannot be read: a 2xx is refused; of an error's or a redirect's
        body, what was decoded is kept and the rest read as it came (the error names the
        status and shows the body's start all the same).

        Raises:
            ResponseParseError: the response is a 2xx.
        """
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
        """``response`` (the one streamed, whose raw stream the caller has closed) with
        the content read as its ``stream``, read (``response.content``).

        An error's or a redirect's body is cut at the limit (an error's excerpt shows the
        start); a 2xx body over it is refused. The body was decoded as it was read, so
        a ``Content-Encoding`` header is removed and ``Content-Length`` set to the decoded
        length. A body read before the session saw it (``done``) comes as it was, or cut
        in a new response.

        Raises:
            ResponseParseError: a 2xx body is longer than ``max_body_bytes``.
        """
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
