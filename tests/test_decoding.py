"""Bounded decoding of ``Content-Encoding`` (``decoding``): no piece is longer than
``CHUNK_BYTES``, so a small coded body cannot take memory the size it decodes to."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from mode_query_runs.decoding import CHUNK_BYTES, Decoding, UnsupportedEncoding


def decoded(coding: str | None, raw: bytes, feed: int = 4096, whole: bool = False) -> list[bytes]:
    decoding = Decoding(coding, whole=whole)
    pieces: list[bytes] = []
    for start in range(0, len(raw), feed):
        pieces.extend(decoding.feed(raw[start : start + feed]))
    pieces.extend(decoding.close())
    return pieces


def test_each_coding_and_chain_gives_the_body_back() -> None:
    body = b'{"token": "q1", "rows": "' + b"x" * 200_000 + b'"}'
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = raw_deflate.compress(body) + raw_deflate.flush()
    cases = {
        None: body,
        "identity": body,
        "gzip": gzip.compress(body),
        "x-gzip": gzip.compress(body),
        "deflate": zlib.compress(body),
        "gzip, gzip": gzip.compress(gzip.compress(body)),
        "deflate, gzip": gzip.compress(zlib.compress(body)),
    }
    for coding, coded in cases.items():
        pieces = decoded(coding, coded)
        assert b"".join(pieces) == body, coding
        assert max(map(len, pieces)) <= CHUNK_BYTES, coding
    assert b"".join(decoded("deflate", raw)) == body


def test_a_double_gzip_bomb_decodes_in_bounded_pieces() -> None:
    size = 200 * 1024 * 1024
    bomb = gzip.compress(gzip.compress(b"\0" * size, 9), 9)
    assert len(bomb) < 300_000
    decoding = Decoding("gzip, gzip")
    total = longest = 0
    tracemalloc.start()
    try:
        for start in range(0, len(bomb), 65536):
            for piece in decoding.feed(bomb[start : start + 65536]):
                total += len(piece)
                longest = max(longest, len(piece))
        for piece in decoding.close():
            total += len(piece)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (total, longest) == (size, CHUNK_BYTES)
    assert peak < 4 * 1024 * 1024  # a few pieces at a time, never the 200 MiB


def test_codings_not_asked_for_are_refused() -> None:
    for coding, named in [("br", "br"), ("gzip, zstd", "zstd"), ("compress", "compress")]:
        with pytest.raises(UnsupportedEncoding) as caught:
            Decoding(coding)
        assert str(caught.value) == (
            f"Content-Encoding {named} was not asked for (only gzip, deflate)"
        )


def test_bytes_that_are_not_the_coding_are_refused() -> None:
    with pytest.raises(UnsupportedEncoding, match=r"^body is not valid gzip: Error -3"):
        decoded("gzip", b"this is not gzip at all")


def test_pieces_are_given_as_decoded_or_whole() -> None:
    body = b"y" * (3 * CHUNK_BYTES + 5)
    assert [len(p) for p in decoded(None, body, feed=1000)][:2] == [1000, 1000]
    assert [len(p) for p in decoded(None, body, feed=1000, whole=True)] == [CHUNK_BYTES] * 3 + [5]
    assert [len(p) for p in decoded("gzip", gzip.compress(body), whole=True)] == [
        CHUNK_BYTES
    ] * 3 + [5]


def test_each_format_is_read_whatever_the_chunks() -> None:
    """Whether ``deflate`` is raw or zlib-wrapped is known from the first two bytes, even
    when they arrive one at a time."""
    body = b"hello, " * 1000
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    cases = {
        "deflate": [zlib.compress(body), raw_deflate.compress(body) + raw_deflate.flush()],
        "gzip": [gzip.compress(body), zlib.compress(body)],  # zlib labelled gzip: read too
    }
    for coding, coded_forms in cases.items():
        for coded in coded_forms:
            for feed in (1, 2, 3, 4096):
                assert b"".join(decoded(coding, coded, feed=feed)) == body, (coding, feed)


def test_gzip_members_are_read_in_turn() -> None:
    coded = gzip.compress(b"first ") + gzip.compress(b"second")
    for feed in (1, 7, 4096):
        assert b"".join(decoded("gzip", coded, feed=feed)) == b"first second"


@pytest.mark.parametrize(
    ("coding", "coded", "reason"),
    [
        ("gzip", gzip.compress(b"x" * 1000)[:-9], "the body ends before its coded stream does"),
        ("gzip", gzip.compress(b"x") + b"G", "a byte follows its coded stream"),
        ("gzip", gzip.compress(b"x") + b"GARBAGE", "Error -3 while decompressing data: "),
        ("deflate", zlib.compress(b"x" * 1000)[:-2], "the body ends before its coded stream does"),
        ("gzip", gzip.compress(b"x") + b"\0" * 8 + b"G", "bytes after the zero padding"),
    ],
    ids=["cut", "one byte after", "garbage after", "deflate cut", "garbage after padding"],
)
def test_a_cut_stream_or_bytes_after_it_are_refused(coding: str, coded: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedEncoding) as caught:
        decoded(coding, coded)
    assert str(caught.value).startswith(f"body is not valid {coding}: {reason}")


def test_an_empty_coded_body_is_empty() -> None:
    assert decoded("gzip", b"") == []
    assert decoded("gzip, deflate", b"") == []


def test_raw_deflate_whose_last_piece_zlib_holds_back_is_read_whole() -> None:
    """A full piece with no input left may not be all: zlib can hold more output (raw
    deflate has no trailer to feed it out)."""
    for size in (CHUNK_BYTES + 1, 2 * CHUNK_BYTES + 2, 5 * CHUNK_BYTES + 7):
        body = b"a" * size
        raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        coded = raw.compress(body) + raw.flush()
        for feed in (len(coded), 7):
            assert b"".join(decoded("deflate", coded, feed=feed)) == body, (size, feed)


def test_zero_padding_after_gzip_ends_the_body() -> None:
    """As ``gzip.decompress`` reads it (some servers pad to a block)."""
    coded = gzip.compress(b"rows") + b"\0" * 1000
    for feed in (1, 3, 4096):
        assert b"".join(decoded("gzip", coded, feed=feed)) == b"rows"
