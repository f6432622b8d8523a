"""Fixtures: real servers on loopback, started by the tests themselves."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mode_query_runs import ModeClient
from mode_query_runs.mock.cassette import Interaction, dump_cassette
from mode_query_runs.mock.server import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN, MockServer

REPORT = "a1b2c3d4e5f6"
PAGED_RUN = "8f3e2d1c0b9a"
SINGLE_RUN = "5c4b3a291807"
EMPTY_RUN = "0e1d2c3b4a59"
PAGED_TOKENS = [
    "1a2b3c4d5e6f",
    "3f4e5d6c7b8a",
    "6c3d9e2f1a7b",
    "7d8e9f0a1b2c",
    "9e0f1a2b3c4d",
    "b4c5d6e7f8a9",
    "c0d1e2f3a4b5",
]
SINGLE_TOKENS = ["2d6e0c4f9a1b", "4a5b6c7d8e9f"]
SEED_PAGE = Path(__file__).parent / "data" / "reference_page_example.json"


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


def recorded(
    path: str,
    body: str | Any,
    *,
    status: int = 200,
    content_type: str = "application/hal+json",
    reason: str = "OK",
) -> Interaction:
    """An interaction answering GET ``path``; a non-str ``body`` is written as JSON."""
    text = body if isinstance(body, str) else json.dumps(body)
    return Interaction(
        method="GET",
        uri=f"https://app.mode.com{path}",
        status=status,
        reason=reason,
        headers={"Content-Type": [content_type]},
        body=text,
    )


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """Start a mock server replaying the given interactions; returns (server, client)."""
    started: list[tuple[MockServer, ModeClient]] = []

    def start(*interactions: Interaction) -> tuple[MockServer, ModeClient]:
        directory = tmp_path / f"cassettes{len(started)}"
        directory.mkdir()
        dump_cassette(interactions, directory / "test.yaml")
        server = MockServer(directory)
        server.start()
        mode = ModeClient(
            DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url, timeout=5
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
