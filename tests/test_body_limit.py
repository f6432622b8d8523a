"""JSON API bodies are read within a limit; error bodies only as far as an error needs."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from mode_query_runs import AsyncModeClient, ModeClient, ResponseParseError, ServerError
from scripted import Scripted, ScriptedServer
from support import SEED_PAGE

LIST = "/api/acme/reports/r1/runs/u1/query_runs"
ONE = f"{LIST}/q1"


@contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback server that reads a request and lets ``answer`` write raw bytes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                request = b""
                while b"\r\n\r\n" not in request:
                    request += conn.recv(4096)
                with contextlib.suppress(OSError):  # the client went away, as some tests want
                    answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/api"
    finally:
        stop.set()
        thread.join()
        listener.close()


def declares_huge_then_hangs(conn: socket.socket) -> None:
    """Declares 200 MB, sends 10 bytes, then waits: a client that reads it would time out."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/hal+json\r\n"
        b"Content-Length: 209715200\r\n\r\n" + b"x" * 10
    )
    threading.Event().wait(3)


def undeclared(
    size: int, status: bytes = b"200 OK", sent: list[int] | None = None
) -> Callable[[socket.socket], None]:
    """A close-delimited body of ``size`` bytes, no Content-Length; ``sent`` counts bytes."""
    counted = sent if sent is not None else []

    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/plain\r\n\r\n")
        chunk = b"y" * 65536
        for _ in range(size // len(chunk)):
            conn.sendall(chunk)
            counted.append(len(chunk))

    return answer


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    with raw_server(declares_huge_then_hangs) as base_url:
        with ModeClient("acme", "t", "s", base_url=base_url, timeout=2, max_retries=0) as mode:
            with pytest.raises(ResponseParseError) as caught:
                mode.get_query_run("r1", "u1", "q1")
    assert str(caught.value) == (
        "HTTP 200 response body of 209715200 bytes (Content-Length) is over the limit of"
        f" 33554432 bytes (max_body_bytes) (GET {base_url}/acme/reports/r1/runs/u1/query_runs/q1)"
    )


def test_an_undeclared_body_stops_at_the_limit() -> None:
    with raw_server(undeclared(4 * 1024 * 1024)) as base_url:
        with ModeClient(
            "acme", "t", "s", base_url=base_url, max_retries=0, max_body_bytes=100_000
        ) as mode:
            with pytest.raises(ResponseParseError) as caught:
                list(mode.list_query_runs("r1", "u1"))
    assert caught.value.message == (
        "response body read so far is over the limit of 100000 bytes (max_body_bytes)"
    )
    assert caught.value.status == 200


def test_follow_of_a_link_outside_the_spec_has_the_limit_too() -> None:
    with raw_server(undeclared(1024 * 1024)) as base_url:
        with ModeClient(
            "acme", "t", "s", base_url=base_url, max_retries=0, max_body_bytes=1000
        ) as mode:
            with pytest.raises(ResponseParseError, match=r"over the limit of 1000 bytes"):
                mode.follow("/api/acme/reports/r1")


@pytest.mark.anyio
async def test_the_async_client_has_the_same_limit() -> None:
    with raw_server(declares_huge_then_hangs) as base_url:
        async with AsyncModeClient(
            "acme", "t", "s", base_url=base_url, timeout=2, max_retries=0, max_body_bytes=5000
        ) as mode:
            with pytest.raises(ResponseParseError) as caught:
                await mode.get_query_run("r1", "u1", "q1")
    assert caught.value.message == (
        "response body of 209715200 bytes (Content-Length) is over the limit of 5000 bytes"
        " (max_body_bytes)"
    )


GZIPPED = gzip.compress(json.dumps({"note": "y" * 1000}).encode())


def gzipped_json(conn: socket.socket) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(GZIPPED)}\r\n\r\n".encode()
        + GZIPPED
    )


def test_a_gzip_body_is_read_decoded_and_limited_by_its_decoded_size() -> None:
    assert len(GZIPPED) < 100
    with raw_server(gzipped_json) as base_url:
        with ModeClient("acme", "t", "s", base_url=base_url, max_body_bytes=1100) as mode:
            assert mode.follow("/api/acme/x") == {"note": "y" * 1000}
        with ModeClient("acme", "t", "s", base_url=base_url, max_body_bytes=500) as mode:
            with pytest.raises(ResponseParseError) as caught:
                mode.follow("/api/acme/x")
    assert caught.value.message == (
        "response body read so far is over the limit of 500 bytes (max_body_bytes)"
    )


@pytest.mark.anyio
async def test_the_async_client_reads_a_gzip_body_decoded() -> None:
    with raw_server(gzipped_json) as base_url:
        async with AsyncModeClient("acme", "t", "s", base_url=base_url) as mode:
            assert await mode.follow("/api/acme/x") == {"note": "y" * 1000}
        async with AsyncModeClient("acme", "t", "s", base_url=base_url, max_body_bytes=500) as mode:
            with pytest.raises(ResponseParseError) as caught:
                await mode.follow("/api/acme/x")
    assert caught.value.message == (
        "response body read so far is over the limit of 500 bytes (max_body_bytes)"
    )


def test_a_body_within_the_limit_is_read() -> None:
    body = json.dumps(
        {
            "id": 1,
            "token": "q1",
            "state": "running",
            "created_at": "2026-11-01T09:30:02.118Z",
            "_links": {"self": {"href": ONE}},
        }
    ).encode()

    def answer(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/hal+json\r\nConnection: close\r\n"
            b"\r\n" + body
        )

    with raw_server(answer) as base_url:
        with ModeClient(
            "acme", "t", "s", base_url=base_url, max_retries=0, max_body_bytes=len(body)
        ) as mode:
            assert mode.get_query_run("r1", "u1", "q1").token == "q1"


def test_an_error_body_is_read_only_as_far_as_the_error_needs() -> None:
    sent: list[int] = []
    size = 256 * 1024 * 1024
    with raw_server(undeclared(size, b"500 Internal Server Error", sent)) as base_url:
        with ModeClient("acme", "t", "s", base_url=base_url, max_retries=0) as mode:
            with pytest.raises(ServerError) as caught:
                mode.get_query_run("r1", "u1", "q1")
    assert caught.value.message == "Internal Server Error; body starts '" + "y" * 120 + "…'"
    # The client hung up: the server could not send the rest (socket buffers hold a few MB).
    assert sum(sent) < size // 4


@pytest.mark.parametrize("value", [0, -1])
def test_a_limit_below_one_byte_is_refused(value: int) -> None:
    with pytest.raises(ValueError) as caught:
        ModeClient("acme", "t", "s", max_body_bytes=value)
    assert str(caught.value) == f"max_body_bytes must be at least 1, not {value}"


def test_a_body_refused_before_reading_gives_its_connection_back() -> None:
    """The pool's one connection is free again after a refused Content-Length: the next
    request gets it (it was left held, and the next request waited for the pool)."""
    body = SEED_PAGE.read_bytes()
    too_long = Scripted(200, b" " * (len(body) + 1))
    with (
        ScriptedServer(too_long, Scripted(200, body)) as server,
        httpx.Client(limits=httpx.Limits(max_connections=1), timeout=2) as pool,
        ModeClient(
            "acme",
            "t",
            "s",
            base_url=f"{server.url}/api",
            max_retries=0,
            max_body_bytes=len(body),
            http_client=pool,
        ) as mode,
    ):
        with pytest.raises(ResponseParseError, match=r"Content-Length\) is over the limit"):
            mode.get_query_run("r1", "u1", "q1")
        assert mode.get_query_run("r1", "u1", "q1").token == "f23owhgklkj"
    assert len(server.seen) == 2
