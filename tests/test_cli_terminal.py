"""The mode-query-runs command under signals and on a terminal, as a real subprocess."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mode_query_runs.testing.cassette import bundled_directory, load_directory
from mode_query_runs.testing.server import MockServer
from support import PAGED_RUN, REPORT

DIRECT = "1a2b3c4d5e6f"  # its result is served by the API origin
QUERY_RUN_PATH = f"/api/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs/{DIRECT}"


def recorded_body(path: str) -> bytes:
    """The bundled recording's 200 body for GET ``path``."""
    for interaction in load_directory(bundled_directory()):
        if interaction.status == 200 and interaction.key == ("GET", path):
            return interaction.body.encode()
    raise AssertionError(f"no recording of {path}")


@pytest.fixture
def stalling_url() -> Iterator[str]:
    """An API base URL whose Query Run is the recorded one and whose result content sends
    100 000 of its announced 1 000 000 bytes, then stalls until the test ends."""
    query_run = recorded_body(QUERY_RUN_PATH)
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            content = self.path.startswith(f"{QUERY_RUN_PATH}/results/content.csv")
            body = b"x" * 100_000 if content else query_run
            self.send_response(200)
            self.send_header("Content-Type", "text/csv" if content else "application/hal+json")
            self.send_header("Content-Length", str(1_000_000 if content else len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            if content:
                release.wait(60)
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    release.set()
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(
    ("signum", "status", "message"),
    [
        (signal.SIGTERM, 143, "mode-query-runs: terminated\n"),
        (signal.SIGINT, 130, "mode-query-runs: interrupted\n"),
    ],
)
def test_a_signal_mid_download_exits_with_its_status_and_leaves_no_part_file(
    stalling_url: str, tmp_path: Path, signum: int, status: int, message: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {"MODE_API_TOKEN": "demo-token", "MODE_API_SECRET": "demo-secret"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mode_query_runs", "--account", "acme", "--base-url",
         stalling_url, "results", REPORT, PAGED_RUN, DIRECT, "-o", "t.csv"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not any(tmp_path.iterdir()):  # the download's temporary file
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the download did not start"
            time.sleep(0.02)
        assert [p.name.endswith(".part") for p in tmp_path.iterdir()] == [True]
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, stdout, stderr) == (status, "", message)
    assert list(tmp_path.iterdir()) == []


def run_on_terminal(*args: str, base_url: str, stdout_to_terminal: bool = True) -> bytes:
    """Run the command with stderr (and stdout) on a pseudo-terminal; what it displayed."""
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {"MODE_API_TOKEN": "demo-token", "MODE_API_SECRET": "demo-secret"}
    env |= {"MODE_ACCOUNT": "acme", "MODE_BASE_URL": base_url, "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mode_query_runs", *args],
        stdout=terminal if stdout_to_terminal else subprocess.DEVNULL,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    shown = b""
    try:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
        assert process.wait(timeout=60) == 0
    return shown


def test_results_on_the_same_terminal_as_stderr_are_not_mixed_with_a_bar(
    mock_server: MockServer,
) -> None:
    shown = run_on_terminal("results", REPORT, PAGED_RUN, DIRECT, base_url=mock_server.base_url)
    content = recorded_body(f"{QUERY_RUN_PATH}/results/content.csv")
    assert shown == content.replace(b"\n", b"\r\n")


def test_results_to_a_file_draw_the_bar_on_the_terminal(
    mock_server: MockServer, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    args = ("results", REPORT, PAGED_RUN, DIRECT, "-o", str(target))
    shown = run_on_terminal(*args, base_url=mock_server.base_url, stdout_to_terminal=False)
    assert DIRECT.encode() in shown
    assert target.read_bytes() == recorded_body(f"{QUERY_RUN_PATH}/results/content.csv")
