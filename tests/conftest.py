"""Fixtures: real servers on loopback, started by the tests themselves."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from mode_query_runs import ModeClient
from mode_query_runs.testing.cassette import Interaction, dump_cassette
from mode_query_runs.testing.server import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN, MockServer


@pytest.fixture(autouse=True)
def no_process_outlives_its_test() -> Iterator[None]:
    """What a test started (a command, a mock server, and any process of theirs) ends
    with the test: one that failed or timed out (pytest-timeout) leaves nothing behind to
    hold a port or the machine's two cores."""
    yield
    left = psutil.Process().children(recursive=True)
    for process in left:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(left, timeout=10)


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockServer]:
    """The recorded mock server with the bundled cassettes."""
    with MockServer() as server:
        yield server


@pytest.fixture
def client(mock_server: MockServer) -> Iterator[ModeClient]:
    """A client of the bundled mock server, with its request log cleared."""
    mock_server.requests.clear()
    with ModeClient(
        DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=mock_server.base_url, timeout=5
    ) as mode:
        yield mode


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """Start a mock server replaying the given interactions; returns (server, client).

    ``strict=True`` gives a strict client (a body that strays from the spec is an error).
    """
    started: list[tuple[MockServer, ModeClient]] = []

    def start(*interactions: Interaction, strict: bool = False) -> tuple[MockServer, ModeClient]:
        directory = tmp_path / f"cassettes{len(started)}"
        directory.mkdir()
        dump_cassette(interactions, directory / "test.yaml")
        server = MockServer(directory)
        server.start()
        mode = ModeClient(
            DEMO_ACCOUNT,
            DEMO_TOKEN,
            DEMO_SECRET,
            base_url=server.base_url,
            timeout=5,
            strict=strict,
        )
        started.append((server, mode))
        return server, mode

    yield start
    for server, mode in started:
        mode.close()
        server.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                accepted.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening (connections are refused)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port
