"""Where ``results`` writes, as a new user points it: devices, FIFOs, symbolic links,
stdout streamed as the result arrives, and a stdout that cannot be written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_cli import assert_one_line_error, cli_env, run_cli

from mode_query_runs.testing.cassette import bundled_directory, load_directory
from mode_query_runs.testing.server import MockServer
from support import PAGED_RUN, REPORT

DIRECT = "1a2b3c4d5e6f"  # its result is served by the API origin
QUERY_RUN_PATH = f"/api/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs/{DIRECT}"
RESULTS = ("results", REPORT, PAGED_RUN, DIRECT)


def recorded_body(path: str) -> bytes:
    """The bundled recording's 200 body for GET ``path``."""
    for interaction in load_directory(bundled_directory()):
        if interaction.status == 200 and interaction.key == ("GET", path):
            return interaction.body.encode()
    raise AssertionError(f"no recording of {path}")


CSV = recorded_body(f"{QUERY_RUN_PATH}/results/content.csv")


def test_output_to_a_device_writes_through_it(mock_server: MockServer) -> None:
    result = run_cli(*RESULTS, "-o", os.devnull, base_url=mock_server.base_url)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device, not a file


def test_output_to_a_symlink_writes_its_target_and_keeps_the_link(
    mock_server: MockServer, tmp_path: Path
) -> None:
    target = tmp_path / "data" / "dau.csv"
    target.parent.mkdir()
    target.write_bytes(b"old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(Path("data") / "dau.csv")
    result = run_cli(*RESULTS, "-o", str(link), base_url=mock_server.base_url)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert link.is_symlink()
    assert os.readlink(link) == os.path.join("data", "dau.csv")
    assert target.read_bytes() == CSV
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "link.csv"]
    assert [p.name for p in target.parent.iterdir()] == ["dau.csv"]  # no .part left


def test_output_to_a_dangling_symlink_creates_its_target(
    mock_server: MockServer, tmp_path: Path
) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to("new.csv")
    result = run_cli(*RESULTS, "-o", str(link), base_url=mock_server.base_url)
    assert (result.returncode, result.stderr) == (0, "")
    assert link.is_symlink()
    assert (tmp_path / "new.csv").read_bytes() == CSV


def test_output_to_a_fifo_writes_into_it(mock_server: MockServer, tmp_path: Path) -> None:
    fifo = tmp_path / "results.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli(*RESULTS, "-o", str(fifo), base_url=mock_server.base_url)
    reader.join(timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert received == [CSV]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["results.fifo"]


def test_output_to_a_regular_file_still_replaces_it_whole(
    mock_server: MockServer, tmp_path: Path
) -> None:
    target = tmp_path / "dau.csv"
    target.write_bytes(b"an older and much longer file than the result\n" * 10)
    hard_link = tmp_path / "other-name.csv"
    os.link(target, hard_link)
    result = run_cli(*RESULTS, "-o", str(target), base_url=mock_server.base_url)
    assert (result.returncode, result.stderr) == (0, "")
    assert target.read_bytes() == CSV
    assert hard_link.read_bytes().startswith(b"an older")  # renamed over, not rewritten


@dataclass
class Gate:
    """A result whose body is sent in two parts: ``first``, then (once ``release`` is set,
    or after 60 s) the rest, or nothing more when ``cut``."""

    first: bytes
    rest: bytes
    cut: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    released: list[bool] = field(default_factory=list)


def serve_gated(gate: Gate) -> Iterator[str]:
    query_run = recorded_body(QUERY_RUN_PATH)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            content = self.path.startswith(f"{QUERY_RUN_PATH}/results/content.csv")
            body = gate.first + gate.rest if content else query_run
            self.send_response(200)
            self.send_header("Content-Type", "text/csv" if content else "application/hal+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not content:
                self.wfile.write(body)
                return
            self.wfile.write(gate.first)
            self.wfile.flush()
            gate.released.append(gate.release.wait(60))
            if not gate.cut:
                self.wfile.write(gate.rest)
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        gate.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def gate() -> Gate:
    return Gate(first=b"n,text\n" + b"0,first rows\n" * 2000, rest=b"1,the rest\n" * 3000)


@pytest.fixture
def gated_url(gate: Gate) -> Iterator[str]:
    yield from serve_gated(gate)


def start_results(base_url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "mode_query_runs", *RESULTS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(base_url),
    )


def test_results_to_stdout_streams_before_the_download_ends(gate: Gate, gated_url: str) -> None:
    process = start_results(gated_url)
    try:
        assert process.stdout is not None and process.stderr is not None
        begun = process.stdout.read(len(gate.first))  # the server holds back the rest
        gate.release.set()
        rest = process.stdout.read()
        stderr = process.stderr.read()
        status = process.wait(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert begun == gate.first
    assert gate.released == [True]  # the first bytes came out before the rest was sent
    assert (rest, stderr, status) == (gate.rest, b"", 0)


def test_results_to_stdout_failing_half_way_is_one_line_and_exit_1(gate: Gate) -> None:
    gate.cut = True
    for url in serve_gated(gate):
        process = start_results(url)
        try:
            assert process.stdout is not None and process.stderr is not None
            begun = process.stdout.read(len(gate.first))
            gate.release.set()
            rest = process.stdout.read()
            stderr = process.stderr.read().decode()
            status = process.wait(timeout=60)
        finally:
            process.kill()
            process.wait()
    assert (begun, rest, status) == (gate.first, b"", 1)
    assert stderr == (
        "mode-query-runs: error: connection failed: peer closed connection without sending"
        f" complete message body (received {len(gate.first)} bytes, expected"
        f" {len(gate.first) + len(gate.rest)}) (GET {url.removesuffix('/api')}"
        f"{QUERY_RUN_PATH}/results/content.csv)\n"
    )


@pytest.mark.parametrize(
    "args",
    [RESULTS, ("list", REPORT, PAGED_RUN), ("get", REPORT, PAGED_RUN, DIRECT, "--json")],
    ids=["results", "list", "get"],
)
def test_a_full_stdout_is_named_in_one_line(mock_server: MockServer, args: tuple[str]) -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "mode_query_runs", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(mock_server.base_url),
            timeout=60,
            check=False,
        )
    assert (result.returncode, result.stderr) == (
        1,
        "mode-query-runs: error: cannot write to stdout: No space left on device\n",
    )


def test_output_path_checks_still_name_the_path(mock_server: MockServer, tmp_path: Path) -> None:
    result = run_cli(*RESULTS, "-o", str(tmp_path / "no" / "t.csv"), base_url=mock_server.base_url)
    assert_one_line_error(
        result, f"cannot write {tmp_path / 'no' / 't.csv'}: No such file or directory"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["demo"],
        ["drift", str(bundled_directory())],
        ["--help"],
        ["--version"],
        ["results", "--help"],
    ],
    ids=["demo", "drift", "help", "version", "command-help"],
)
def test_a_full_stdout_is_named_by_every_command(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "mode_query_runs", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            timeout=60,
            check=False,
        )
    assert (result.returncode, result.stderr) == (
        1,
        "mode-query-runs: error: cannot write to stdout: No space left on device\n",
    )
