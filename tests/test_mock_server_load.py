"""The mock server under load (issue 21, item 9), on real servers on 127.0.0.1.

Connections that send nothing, or their request too slowly, are closed; requests past
``limit_concurrency`` get 503; running out of file descriptors is logged once, not per
failed accept; ``mock serve`` still ends promptly on SIGTERM with many idle connections
open. Timings are bounds with generous margins (timeouts), never speeds.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno
import logging
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mode_query_runs.testing.cassette import Interaction, dump_cassette
from mode_query_runs.testing.repeats import OncePerInterval, log_loop_errors
from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, LOG, MockServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX sockets and signals")

MARGIN = 10.0
"""Seconds allowed on top of a timeout before a test gives up (a bound, not a speed)."""
AUTH = base64.b64encode(f"{DEMO_TOKEN}:{DEMO_SECRET}".encode()).decode()
PING = "/api/acme/ping"


def request(port: int, target: str = PING, *, timeout: float = MARGIN) -> bytes:
    """The status line of one authenticated ``GET target`` on a new connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(
            f"GET {target} HTTP/1.1\r\nHost: mock\r\nAuthorization: Basic {AUTH}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer.split(b"\r\n")[0]


def closed_by_server(conn: socket.socket, timeout: float) -> bool:
    """Whether the server closes ``conn`` within ``timeout`` seconds (without answering)."""
    conn.settimeout(timeout)
    try:
        return conn.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def cassettes(directory: Path) -> Path:
    """A cassette directory answering ``GET /api/acme/ping``, recorded twice: ``mock
    serve`` prints a line about it last, once it has loaded its cassettes twice."""
    directory.mkdir()
    ping = Interaction(
        method="GET",
        uri=f"https://app.mode.com{PING}",
        status=200,
        reason="OK",
        headers={"Content-Type": ["application/hal+json"]},
        body='{"pong": true}',
    )
    dump_cassette([ping, ping], directory / "ping.yaml")
    return directory


@pytest.fixture
def ping_cassettes(tmp_path: Path) -> Path:
    return cassettes(tmp_path / "cassettes")


# -- idle and slow connections --------------------------------------------------------------


def test_a_connection_that_sends_nothing_is_closed_after_the_idle_timeout(
    ping_cassettes: Path,
) -> None:
    with MockServer(ping_cassettes, idle_timeout=0.5, request_timeout=30) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as idle:
            opened = time.monotonic()
            assert closed_by_server(idle, 0.5 + MARGIN)
            # Not before the idle timeout: the server's timer starts after the connect.
            assert time.monotonic() - opened >= 0.45
        with socket.create_connection((server.storage_host, server.storage_port)) as idle:
            assert closed_by_server(idle, 0.5 + MARGIN)


def test_a_connection_idle_after_a_response_is_closed_after_the_idle_timeout(
    ping_cassettes: Path,
) -> None:
    with MockServer(ping_cassettes, idle_timeout=0.5, request_timeout=30) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as conn:
            conn.sendall(
                f"GET {PING} HTTP/1.1\r\nHost: m\r\nAuthorization: Basic {AUTH}\r\n\r\n".encode()
            )
            conn.settimeout(MARGIN)
            answer = b""
            while b'{"pong": true}' not in answer:
                answer += conn.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
            assert closed_by_server(conn, 0.5 + MARGIN)


def test_a_connection_silent_after_part_of_its_request_is_closed_after_the_idle_timeout(
    ping_cassettes: Path,
) -> None:
    with MockServer(ping_cassettes, idle_timeout=0.5, request_timeout=30) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as silent:
            silent.sendall(f"GET {PING} HTTP/1.1\r\nHost: mo".encode())
            assert closed_by_server(silent, 0.5 + MARGIN)  # well before the request timeout


def test_a_request_trickling_its_headers_is_cut_off_after_the_request_timeout(
    ping_cassettes: Path,
) -> None:
    head = f"GET {PING} HTTP/1.1\r\nHost: mock\r\nAuthorization: Basic {AUTH}\r\n\r\n".encode()
    with MockServer(ping_cassettes, idle_timeout=1.5, request_timeout=3.0) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as slow:
            opened = time.monotonic()
            cut_off = False
            sent = 0
            # One byte every 0.2 s: never idle for 1.5 s, 16 s for the whole head.
            while not cut_off and sent < len(head) and time.monotonic() - opened < 3.0 + MARGIN:
                try:
                    slow.sendall(head[sent : sent + 1])
                except (BrokenPipeError, ConnectionResetError):
                    cut_off = True
                    break
                sent += 1
                if select.select([slow], [], [], 0.2)[0]:
                    cut_off = closed_by_server(slow, MARGIN)
            elapsed = time.monotonic() - opened
        assert cut_off, f"sent {sent} of {len(head)} bytes in {elapsed:.1f} s, still open"
        assert sent < len(head)
        # The request timeout cut it off, not the idle one (a byte came every 0.2 s).
        assert elapsed >= 2.9
        # A request sent at once is answered as before.
        assert request(server.port) == b"HTTP/1.1 200 OK"


def test_a_request_answered_slower_than_the_timeouts_is_not_cut_off(
    ping_cassettes: Path,
) -> None:
    with MockServer(ping_cassettes, latency=1.2, idle_timeout=0.3, request_timeout=0.6) as server:
        assert request(server.port) == b"HTTP/1.1 200 OK"


def test_the_limits_are_checked(ping_cassettes: Path) -> None:
    for limits, message in [
        ({"idle_timeout": 0}, "idle_timeout must be a positive number of seconds, not 0"),
        (
            {"request_timeout": float("inf")},
            "request_timeout must be a positive number of seconds, not inf",
        ),
        ({"limit_concurrency": 0}, "limit_concurrency must be at least 1, not 0"),
        ({"backlog": -1}, "backlog must be at least 1, not -1"),
    ]:
        with pytest.raises(ValueError) as raised:
            MockServer(ping_cassettes, **limits)  # type: ignore[arg-type]
        assert str(raised.value) == message


# -- many idle connections ----------------------------------------------------------------


class Records(logging.Handler):
    """The records reaching a logger's handlers (after its filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def mock_log() -> Iterator[Records]:
    records = Records()
    LOG.addHandler(records)
    try:
        yield records
    finally:
        LOG.removeHandler(records)


def test_past_the_concurrency_limit_a_request_gets_503_until_idle_connections_time_out(
    ping_cassettes: Path, mock_log: Records
) -> None:
    with MockServer(
        ping_cassettes, idle_timeout=4.0, request_timeout=30, limit_concurrency=100, backlog=512
    ) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(200)]
        try:
            # Accepted after the 200 idle ones (one queue): 200 connections are open.
            refused = [request(server.port) for _ in range(20)]
            assert refused == [b"HTTP/1.1 503 Service Unavailable"] * 20
            assert all(closed_by_server(conn, 4.0 + MARGIN) for conn in idle)
            assert request(server.port) == b"HTTP/1.1 200 OK"
        finally:
            for conn in idle:
                conn.close()
    warned = [r for r in mock_log.records if r.getMessage() == "Exceeded concurrency limit."]
    # Once per 10 s at most (none if another test warned less than 10 s ago).
    assert len(warned) <= 1


def test_the_same_message_is_logged_once_per_interval() -> None:
    now = [0.0]
    once = OncePerInterval(10.0, clock=lambda: now[0])
    logger = logging.Logger("test")
    logger.addFilter(once)
    records = Records()
    logger.addHandler(records)
    for second in range(10):
        now[0] = float(second)
        logger.error("cannot accept connections: %s", f"attempt {second}")
        logger.warning("Exceeded concurrency limit.")
    now[0] = 10.0
    logger.error("cannot accept connections: %s", "attempt 10")
    assert [r.getMessage() for r in records.records] == [
        "cannot accept connections: attempt 0",
        "Exceeded concurrency limit.",
        "cannot accept connections: attempt 10 (9 more like it since the last report)",
    ]


def test_a_failed_accept_is_one_line_other_loop_errors_keep_their_traceback() -> None:
    logger = logging.Logger("test")
    records = Records()
    logger.addHandler(records)
    handle = log_loop_errors(logger)
    loop = asyncio.new_event_loop()
    emfile = OSError(errno.EMFILE, os.strerror(errno.EMFILE))
    try:
        with socket.socket() as listener:
            failed_accept = {"message": "socket.accept() out of system resource"}
            handle(loop, {**failed_accept, "exception": emfile, "socket": listener})
        try:
            raise ValueError("Invalid file descriptor: -1")
        except ValueError as failure:
            callback = {"message": "Exception in callback 100%", "handle": "<TimerHandle>"}
            handle(loop, {**callback, "exception": failure})
    finally:
        loop.close()
    accept, other = records.records
    assert accept.getMessage() == (
        f"cannot accept connections: {os.strerror(errno.EMFILE)} (errno EMFILE);"
        " retrying every second"
    )
    assert accept.exc_info is None
    assert other.getMessage() == "Exception in callback 100%\nhandle: '<TimerHandle>'"
    assert other.exc_info is not None and other.exc_info[0] is ValueError


# -- mock serve out of file descriptors ------------------------------------------------------

FD_LIMIT = 96
"""``RLIMIT_NOFILE`` of the ``mock serve`` process: a hundred idle connections exhaust it."""
LIMITED = f"""
import resource, runpy, sys

resource.setrlimit(resource.RLIMIT_NOFILE, ({FD_LIMIT}, {FD_LIMIT}))
sys.argv = ["mode-query-runs", *sys.argv[1:]]
runpy.run_module("mode_query_runs", run_name="__main__", alter_sys=True)
"""


def open_idle(port: int, count: int) -> list[socket.socket]:
    """``count`` connections to ``port`` that send nothing (connecting in the background:
    past the listen backlog the kernel drops them and the client retries)."""
    idle = []
    for _ in range(count):
        conn = socket.socket()
        conn.setblocking(False)
        assert conn.connect_ex(("127.0.0.1", port)) in (0, errno.EINPROGRESS)
        idle.append(conn)
    return idle


def test_mock_serve_out_of_file_descriptors_logs_once_serves_again_and_ends_on_sigterm(
    ping_cassettes: Path,
) -> None:
    command = [sys.executable, "-c", LIMITED, "mock", "serve", "--port", "0",
               "--cassettes", str(ping_cassettes)]  # fmt: skip
    serving = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(serving.stderr or ()), daemon=True)
    idle: list[socket.socket] = []
    try:
        assert serving.stdout is not None and serving.stderr is not None
        first = serving.stdout.readline()
        port = int(re.findall(r":(\d+)/api", first)[0])
        # Its last line: the cassettes are loaded (again) once it is printed.
        while "is recorded 2 times" not in serving.stdout.readline():
            pass
        reader.start()
        idle = open_idle(port, FD_LIMIT + 32)
        # Out of descriptors, then the idle ones time out (5 s) and a request is served.
        deadline = time.monotonic() + 5.0 + 3 * MARGIN
        answer = b""
        while answer != b"HTTP/1.1 200 OK" and time.monotonic() < deadline:
            with contextlib.suppress(OSError):  # a connect or answer that took too long
                answer = request(port, timeout=3 * MARGIN)
        assert answer == b"HTTP/1.1 200 OK", stderr
        # SIGTERM with the descriptors used up again by new idle connections.
        idle += open_idle(port, FD_LIMIT + 32)
        time.sleep(0.5)
        serving.send_signal(signal.SIGTERM)
        assert serving.wait(timeout=5.0 + MARGIN) == 143, stderr
    finally:
        if serving.poll() is None:
            serving.kill()
            serving.wait()
        for conn in idle:
            conn.close()
    reader.join(timeout=MARGIN)
    accept = [line for line in stderr if "cannot accept" in line]
    assert 1 <= len(accept) <= 2, stderr  # once per 10 s, not once per attempt
    assert accept[0] == (
        "ERROR:    cannot accept connections: Too many open files (errno EMFILE);"
        " retrying every second\n"
    )
    assert "mode-query-runs: terminated\n" in stderr
    # At most one traceback besides: a retry of accept() still pending at shutdown.
    assert len(stderr) <= 40, stderr
