"""Decoding a body's ``Content-Encoding`` (``gzip``, ``deflate``, chained) in pieces of at
most ``CHUNK_BYTES``: httpx decodes each chunk whole, and a few kilobytes of gzip can
decode to gigabytes."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

__all__ = ["ACCEPT_ENCODING", "CHUNK_BYTES", "Decoding", "UnsupportedEncoding"]

CHUNK_BYTES = 64 * 1024  # the longest decoded piece, in bytes
ACCEPT_ENCODING = "gzip, deflate"  # what the SDK asks for: what Decoding decodes


class UnsupportedEncoding(ValueError):
    """A ``Content-Encoding`` not asked for (``br``), or a body not what its coding says."""


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
                data, self._head = self._head + data, b""
                if self._streams and self.coding == "gzip" and (self._padded or data[:1] == b"\0"):
                    self._padded = True  # zeros end the body, as gzip.decompress reads them
                    if data.strip(b"\0"):
                        raise self._invalid("bytes after the zero padding that ends it")
                    return
                if len(data) < 2:
                    self._head = data
                    return
                zlib_header = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
                raw = self.coding == "deflate" and not zlib_header
                gzip = data.startswith(b"\x1f\x8b")
                wbits = 16 + zlib.MAX_WBITS if gzip else -zlib.MAX_WBITS if raw else zlib.MAX_WBITS
                self._decoder = zlib.decompressobj(wbits)
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
        if unknown := [c for c in codings if c not in ("gzip", "deflate")]:
            raise UnsupportedEncoding(
                f"Content-Encoding {', '.join(unknown)} was not asked for (only {ACCEPT_ENCODING})"
            )
        self._stages = [_Stage(coding) for coding in reversed(codings)]
        self._whole = whole
        self._held = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of the next raw bytes (``UnsupportedEncoding`` if invalid)."""
        pieces: Iterable[bytes] = (data,)
        for stage in self._stages:
            pieces = chain.from_iterable(map(stage.feed, pieces))
        for piece in pieces:
            held = self._held + piece
            whole = len(held) - len(held) % CHUNK_BYTES if self._whole else len(held)
            self._held = held[whole:]
            yield from (held[start : start + CHUNK_BYTES] for start in range(0, whole, CHUNK_BYTES))

    def close(self) -> Iterator[bytes]:
        """The last piece, at the body's end (``UnsupportedEncoding`` for a cut stream)."""
        for stage in self._stages:
            stage.end()
        if self._held:
            yield self._held
            self._held = b""
