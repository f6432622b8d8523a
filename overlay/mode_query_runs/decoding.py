"""Decoding a body's ``Content-Encoding`` in bounded pieces.

httpx decodes each chunk it reads whole: a few kilobytes of gzip (or ``gzip, gzip``) can
become gigabytes in one piece, whatever limit the reader then applies. The SDK reads the
raw bytes instead and decodes them here, where no piece is longer than ``CHUNK_BYTES``:
a JSON body is refused once past its limit, an error body cut at its excerpt, a result
written piece by piece, and memory stays bounded for all three. The codings are those the
SDK asks for (``Accept-Encoding: gzip, deflate``), in any chain; ``identity`` is none.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

__all__ = ["ACCEPT_ENCODING", "CHUNK_BYTES", "Decoding", "UnsupportedEncoding"]

CHUNK_BYTES = 64 * 1024
"""The longest piece of decoded body, in bytes (with ``whole``: the length of each)."""
ACCEPT_ENCODING = "gzip, deflate"
"""What the SDK asks for: the codings ``Decoding`` decodes."""
_GZIP = 16 + zlib.MAX_WBITS
_ZLIB = zlib.MAX_WBITS
_RAW_DEFLATE = -zlib.MAX_WBITS  # some servers send deflate without the zlib header


class UnsupportedEncoding(ValueError):
    """A ``Content-Encoding`` the SDK did not ask for and cannot decode (``br``, ``zstd``,
    an unknown name), or a body that is not what its coding says."""


def _format(coding: str, head: bytes) -> int:
    """The zlib format of a coded stream, from its first two bytes: gzip's magic number,
    else a zlib header, else (``deflate`` only) raw deflate."""
    if head.startswith(b"\x1f\x8b"):
        return _GZIP
    zlib_header = head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return _ZLIB if zlib_header or coding != "deflate" else _RAW_DEFLATE


class _Stage:
    """One coding's decoder, giving at most ``CHUNK_BYTES`` per piece.

    The body is one coded stream or several one after another (gzip's members); each
    must end, and nothing may follow the last one but zero bytes after gzip (padding).
    """

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._decoder: Any = None  # the stream under way; made from its first two bytes
        self._head = b""
        self._streams = 0  # streams ended
        self._padded = False  # zeros after the last gzip member

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            if self._decoder is None:
                data = self._after_streams(self._head + data)
                if len(data) < 2:
                    self._head = data
                    return
                self._head = b""
                self._decoder = zlib.decompressobj(_format(self.coding, data))
            try:
                piece = self._decoder.decompress(data, CHUNK_BYTES)
            except zlib.error as error:
                raise self._invalid(str(error)) from None
            data = self._decoder.unconsumed_tail
            if piece:
                yield piece
            if self._decoder.eof:  # a next stream (member) may follow
                data, self._decoder = self._decoder.unused_data + data, None
                self._streams += 1
            elif not data and len(piece) < CHUNK_BYTES:
                return  # all taken, nothing held back (a full piece: zlib may hold more)

    def _after_streams(self, data: bytes) -> bytes:
        """``data`` where a stream may start: after a gzip member, zero bytes are padding
        (as ``gzip.decompress`` reads them) and end the body.

        Raises:
            UnsupportedEncoding: bytes other than zeros after the padding.
        """
        if self._streams and self.coding == "gzip" and (self._padded or data[:1] == b"\0"):
            self._padded = True
            if data.strip(b"\0"):
                raise self._invalid("bytes after the zero padding that ends it")
            return b""
        return data

    def end(self) -> None:
        """Check that the body ended where a coded stream did (none at all: empty).

        Raises:
            UnsupportedEncoding: the last stream was cut short, or a byte follows it.
        """
        if self._decoder is not None or (self._head and not self._streams):
            raise self._invalid("the body ends before its coded stream does")
        if self._head:
            raise self._invalid("a byte follows its coded stream")

    def _invalid(self, reason: str) -> UnsupportedEncoding:
        return UnsupportedEncoding(f"body is not valid {self.coding}: {reason}")


class Decoding:
    """The decoding of one body, fed its raw bytes as they arrive.

    Args:
        content_encoding: The ``Content-Encoding`` header (``None``: none): codings in the
            order they were applied, comma-separated.
        whole: Give pieces of exactly ``CHUNK_BYTES`` (the last one shorter), holding
            back what is short of one; default: each piece as soon as it is decoded.

    Raises:
        UnsupportedEncoding: a coding other than ``gzip``, ``x-gzip``, ``deflate`` and
            ``identity``.
    """

    def __init__(self, content_encoding: str | None, *, whole: bool = False) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = ["gzip" if c == "x-gzip" else c for c in codings if c and c != "identity"]
        unknown = [c for c in codings if c not in ("gzip", "deflate")]
        if unknown:
            raise UnsupportedEncoding(
                f"Content-Encoding {', '.join(unknown)} was not asked for (only {ACCEPT_ENCODING})"
            )
        self._stages = [_Stage(coding) for coding in reversed(codings)]
        self._whole = whole
        self._held = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of ``data``, the next raw bytes of the body.

        Raises:
            UnsupportedEncoding: the bytes are not what the coding says.
        """
        return self._through(0, data)

    def close(self) -> Iterator[bytes]:
        """The last decoded piece, once the raw body has ended.

        Raises:
            UnsupportedEncoding: a coded stream was cut short.
        """
        for stage in self._stages:
            stage.end()
        if self._held:
            yield self._held
            self._held = b""

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._stages):  # decoded: given in pieces of CHUNK_BYTES at most
            held = self._held + data
            whole = len(held) - len(held) % CHUNK_BYTES if self._whole else len(held)
            self._held = held[whole:]
            for start in range(0, whole, CHUNK_BYTES):
                yield held[start : start + CHUNK_BYTES]
            return
        for piece in self._stages[index].feed(data):
            yield from self._through(index + 1, piece)
