"""Decoding a body's ``Content-Encoding`` (``gzip``, ``deflate``, chained) in pieces of at
most ``CHUNK_BYTES``: httpx decodes each chunk whole, and a few kilobytes of gzip can
decode to gigabytes."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

__all__ = ["ACCEPT_ENCODING", "CHUNK_BYTES", "Decoding", "UnsupportedEncoding"]

CHUNK_BYTES = 64 * 1024  # the longest decoded piece, in bytes
ACCEPT_ENCODING = "gzip, deflate"  # what the SDK asks for: what Decoding decodes


class UnsupportedEncoding(ValueError):
    """A ``Content-Encoding`` not asked for (``br``), or a body not what its coding says."""


def _format(coding: str, head: bytes) -> int:
    """The zlib format from a stream's first two bytes: gzip, zlib, or raw deflate."""
    if head.startswith(b"\x1f\x8b"):
        return 16 + zlib.MAX_WBITS
    zlib_header = head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_header or coding != "deflate" else -zlib.MAX_WBITS


class _Stage:
    """One coding's decoder: streams (gzip members) in turn, then (after gzip) zeros."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._decoder: Any = None  # the stream under way; made from its first two bytes
        self._head = b""
        self._streams = 0  # streams ended
        self._padded = False

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
        """``data`` where a stream may start; zeros after a gzip member end the body (as
        ``gzip.decompress`` reads them)."""
        if self._streams and self.coding == "gzip" and (self._padded or data[:1] == b"\0"):
            self._padded = True
            if data.strip(b"\0"):
                raise self._invalid("bytes after the zero padding that ends it")
            return b""
        return data

    def end(self) -> None:
        if self._decoder is not None or (self._head and not self._streams):
            raise self._invalid("the body ends before its coded stream does")
        if self._head:
            raise self._invalid("a byte follows its coded stream")

    def _invalid(self, reason: str) -> UnsupportedEncoding:
        return UnsupportedEncoding(f"body is not valid {self.coding}: {reason}")


class Decoding:
    """The decoding of one body (``content_encoding``: the header, or ``None``), fed its
    raw bytes as they arrive; ``whole``: pieces of exactly ``CHUNK_BYTES`` but the last.
    ``UnsupportedEncoding`` for codings other than gzip, x-gzip, deflate and identity."""

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
        """The decoded pieces of the next raw bytes (``UnsupportedEncoding`` if invalid)."""
        return self._through(0, data)

    def close(self) -> Iterator[bytes]:
        """The last piece, at the body's end (``UnsupportedEncoding`` for a cut stream)."""
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
