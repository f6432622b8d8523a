"""The mode-query-runs command, run as a real subprocess against loopback servers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from mode_query_runs.testing.cassette import (
    Interaction,
    bundled_directory,
    dump_cassette,
    load_directory,
)
from mode_query_runs.testing.server import MockServer, free_port
from support import PAGED_RUN, PAGED_TOKENS, REPORT, SINGLE_RUN, SINGLE_TOKENS


def cli_env(
    base_url: str | None = None, token: str = "demo-token", secret: str = "demo-secret"
) -> dict[str, str]:
    """This process's environment without ``MODE_*``, plus the credentials and base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {"MODE_API_TOKEN": token, "MODE_API_SECRET": secret, "MODE_ACCOUNT": "acme"}
    if base_url:
        env["MODE_BASE_URL"] = base_url
    return env


def run_cli(
    *args: str,
    base_url: str | None = None,
    token: str = "demo-token",
    secret: str = "demo-secret",
    timeout: float = 60,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=cli_env(base_url, token, secret),
        timeout=timeout,
        check=False,
        cwd=cwd,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"mode-query-runs: error: {expected}\n"
    assert "Traceback" not in result.stderr


def test_list_prints_a_table_of_every_page(mock_server: MockServer) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, base_url=mock_server.base_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "TOKEN",
        "STATE",
        "CREATED_AT",
        "COMPLETED_AT",
        "QUERY_NAME",
        "ERROR",
    ]
    assert [line.split()[0] for line in lines[1:]] == PAGED_TOKENS
    assert lines[4].split()[:4] == [
        "7d8e9f0a1b2c",
        "running",
        "2026-11-01T09:30:13.581Z",
        "-",
    ]


def test_list_json_is_one_array_with_modes_field_names(mock_server: MockServer) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, "--json", base_url=mock_server.base_url)
    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout)
    assert [run["token"] for run in runs] == PAGED_TOKENS
    assert runs[0]["created_at"] == "2026-11-01T09:30:02.118Z"
    assert runs[0]["_links"]["self"]["href"].endswith(f"/query_runs/{PAGED_TOKENS[0]}")
    assert runs[4]["runtime_ms"] == 2642
    assert runs[4]["_links"]["report"]["href"] == f"/api/acme/reports/{REPORT}"


def test_get_json_gives_back_the_recorded_body(mock_server: MockServer) -> None:
    result = run_cli(
        "get", REPORT, PAGED_RUN, "9e0f1a2b3c4d", "--json", base_url=mock_server.base_url
    )
    assert result.returncode == 0, result.stderr
    with httpx.Client(auth=("demo-token", "demo-secret")) as http:
        recorded = http.get(
            f"{mock_server.base_url}/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs/9e0f1a2b3c4d"
        ).json()
    assert json.loads(result.stdout) == recorded


def test_get_prints_fields_and_links(mock_server: MockServer) -> None:
    result = run_cli("get", REPORT, SINGLE_RUN, SINGLE_TOKENS[0], base_url=mock_server.base_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["token", SINGLE_TOKENS[0]]
    assert "state                 succeeded" in lines
    assert "links:" in lines
    assert (
        f"  self: /api/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs/{SINGLE_TOKENS[0]}"
        in lines
    )


def test_get_shows_json_values_not_python_reprs(mock_server: MockServer) -> None:
    result = run_cli("get", REPORT, PAGED_RUN, "6c3d9e2f1a7b", base_url=mock_server.base_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "limit                 false" in lines
    assert 'parameters            {"plan": "enterprise"}' in lines
    assert "data_source_id        42" in lines
    assert "statement_annotation  -" in lines
    assert 'error_message         relation "analytics.churn" does not exist' in lines


def test_record_counts_in_the_singular_and_a_write_error_is_one_line(
    mock_server: MockServer, tmp_path: Path
) -> None:
    cassette = tmp_path / "one.yaml"
    recorded = run_cli(
        "record", REPORT, SINGLE_RUN, "--cassette", str(cassette), base_url=mock_server.base_url
    )
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout == (
        f"Recorded 3 interactions (1 page, 2 Query Runs) to {cassette} as account acme\n"
        "No deviations from the spec in this recording.\n"
    )
    (tmp_path / "plain.txt").write_text("x")
    refused = run_cli(
        "record", REPORT, SINGLE_RUN, "--cassette", "plain.txt/one.yaml",
        base_url=mock_server.base_url, cwd=tmp_path,
    )  # fmt: skip
    assert_one_line_error(refused, "plain.txt: File exists")


def test_not_found_is_one_line_without_traceback(mock_server: MockServer) -> None:
    result = run_cli("get", REPORT, PAGED_RUN, "nope", base_url=mock_server.base_url)
    assert_one_line_error(
        result,
        f"HTTP 404 [not_found] Not found (GET {mock_server.base_url}/acme/reports/{REPORT}"
        f"/runs/{PAGED_RUN}/query_runs/nope)",
    )


def test_wrong_secret_is_401_and_the_secret_is_never_printed(mock_server: MockServer) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, base_url=mock_server.base_url, secret="t0p-s3cret")
    assert_one_line_error(
        result,
        f"HTTP 401 [unauthorized] Unauthorized (GET {mock_server.base_url}/acme/reports/{REPORT}"
        f"/runs/{PAGED_RUN}/query_runs)",
    )
    assert "t0p-s3cret" not in result.stderr


def test_non_ascii_credentials_are_401_not_a_server_error(mock_server: MockServer) -> None:
    result = run_cli(
        "get", REPORT, PAGED_RUN, "x", base_url=mock_server.base_url, token="tökén", secret="sécret"
    )
    assert_one_line_error(
        result,
        f"HTTP 401 [unauthorized] Unauthorized (GET {mock_server.base_url}/acme/reports/{REPORT}"
        f"/runs/{PAGED_RUN}/query_runs/x)",
    )


def test_refused_connection_is_one_line(closed_port: int) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, base_url=f"http://127.0.0.1:{closed_port}/api")
    assert result.returncode == 1
    assert result.stderr.startswith("mode-query-runs: error: connection failed: ")
    assert result.stderr.count("\n") == 1


def test_timeout_option_is_seconds(silent_port: int) -> None:
    started = time.monotonic()
    result = run_cli(
        "--timeout",
        "0.5",
        "get",
        REPORT,
        PAGED_RUN,
        "x",
        base_url=f"http://127.0.0.1:{silent_port}/api",
    )
    assert result.returncode == 1
    assert result.stderr.startswith("mode-query-runs: error: timed out: ")
    assert result.stderr.count("\n") == 1
    assert time.monotonic() - started < 30


def test_missing_credentials_are_named() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs", "--account", "acme", "list", "r", "x"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert_one_line_error(result, "set MODE_API_TOKEN and MODE_API_SECRET in the environment")


def test_demo_runs_every_step_and_exits_zero() -> None:
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "following _links.next_page across pages: 7 Query Runs." in out
    for token in PAGED_TOKENS:
        assert token in out
    assert "2. Got Query Run 6c3d9e2f1a7b: state failed." in out
    assert 'QueryError: relation "analytics.churn" does not exist' in out
    assert "3. Followed its self link" in out
    assert out.rstrip().endswith("Stopped the mock server. Demo finished.")


def test_mock_serve_prints_url_and_credentials_and_serves() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mode_query_runs", "mock", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        second = process.stdout.readline()
        base_url = f"http://127.0.0.1:{port}/api"
        assert first == f"Serving {bundled_directory()} at {base_url}; in a shell:\n"
        assert second.split() == [
            "export",
            "MODE_API_TOKEN=demo-token",
            "MODE_API_SECRET=demo-secret",
            "MODE_ACCOUNT=acme",
            f"MODE_BASE_URL={base_url}",
        ]
        url = f"{base_url}/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs"
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(url, auth=("demo-token", "demo-secret"))
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/hal+json; charset=utf-8"
        tokens = [r["token"] for r in response.json()["_embedded"]["query_runs"]]
        assert tokens == SINGLE_TOKENS
        assert httpx.get(url).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_mock_serve_on_a_taken_port_is_one_line_and_no_banner() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli("mock", "serve", "--port", str(port))
    assert_one_line_error(
        result, f"mock server cannot listen on 127.0.0.1:{port}: Address already in use"
    )


def test_mock_serve_on_an_address_not_of_this_host_is_one_line() -> None:
    result = run_cli("mock", "serve", "--host", "192.0.2.1", "--port", "8787")
    assert_one_line_error(
        result, "mock server cannot listen on 192.0.2.1:8787: Cannot assign requested address"
    )
    any_port = run_cli("mock", "serve", "--host", "192.0.2.1", "--port", "0")
    assert_one_line_error(
        any_port, "mock server cannot listen on 192.0.2.1: Cannot assign requested address"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "garbage: [\n",
            "not valid YAML: expected the node content, but found '<stream end>'"
            " (line 2, column 1)",
        ),
        ("interactionz: []\nversion: 1\n", "not a VCR.py cassette: no 'interactions' list"),
        ("interactions: []\n", "not a version 1 VCR.py cassette"),
    ],
)
def test_mock_serve_refuses_a_broken_cassette_naming_it(
    tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "broken.yaml").write_text(text)
    result = run_cli("mock", "serve", "--port", "0", "--cassettes", str(tmp_path))
    assert_one_line_error(result, f"{tmp_path / 'broken.yaml'}: {problem}")


@pytest.mark.parametrize(
    ("signum", "status", "message"),
    [
        (signal.SIGTERM, 143, "mode-query-runs: terminated\n"),
        (signal.SIGINT, 130, "mode-query-runs: interrupted\n"),
    ],
)
def test_mock_serve_names_the_cassettes_account_and_stops_on_a_signal(
    tmp_path: Path, signum: int, status: int, message: str
) -> None:
    listing = Interaction(
        "GET", "https://app.mode.com/api/northwind/reports/r1/runs/u1/query_runs", 200, "OK",
        {"Content-Type": ["application/hal+json"]}, '{"_embedded": {"query_runs": []}}',
    )  # fmt: skip
    dump_cassette([listing], tmp_path / "northwind.yaml")
    process = subprocess.Popen(
        [sys.executable, "-m", "mode_query_runs", "mock", "serve", "--port", "0",
         "--cassettes", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        process.stdout.readline()
        credentials = dict(word.split("=", 1) for word in process.stdout.readline().split()[1:])
        assert credentials["MODE_ACCOUNT"] == "northwind"
        # The banner comes once the server listens: no retrying needed.
        url = f"{credentials['MODE_BASE_URL']}/northwind/reports/r1/runs/u1/query_runs"
        assert httpx.get(url, auth=("demo-token", "demo-secret")).status_code == 200
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert (process.returncode, stderr) == (status, message)


@pytest.mark.parametrize("argv", [["--help"], ["list", "--help"], ["--version"]])
def test_help_and_version_exit_zero(argv: list[str]) -> None:
    result = run_cli(*argv)
    assert result.returncode == 0
    assert result.stdout


def test_mock_serve_refuses_a_negative_latency() -> None:
    result = run_cli("mock", "serve", "--latency", "-1")
    assert result.returncode == 2
    assert "Invalid value for '--latency'" in result.stderr


BIG_CSV = "n,text\n" + "".join(f"{n},row number {n}\n" for n in range(60_000))


def outputs_larger_than_a_pipe(directory: Path) -> Path:
    """The bundled cassettes, but Report Run SINGLE_RUN lists 60 copies of its Query Runs
    and Query Run 1a2b3c4d5e6f's CSV is ``BIG_CSV``: both far more than a pipe holds
    (64 KiB), so the command is still writing when the reader goes away."""
    interactions = []
    for interaction in load_directory(bundled_directory()):
        path = interaction.key[1]
        if path == f"/api/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs":
            page = json.loads(interaction.body)
            runs = page["_embedded"]["query_runs"]  # 60 copies, each a Query Run of its own
            page["_embedded"]["query_runs"] = [
                {**run, "token": f"{run['token']}{copy}"} for copy in range(60) for run in runs
            ]
            interaction = replace(interaction, body=json.dumps(page))
        elif path.endswith(f"/{PAGED_RUN}/query_runs/1a2b3c4d5e6f/results/content.csv"):
            interaction = replace(interaction, body=BIG_CSV)
        interactions.append(interaction)
    directory.mkdir()
    dump_cassette(interactions, directory / "big.yaml")
    return directory


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("results", REPORT, PAGED_RUN, "1a2b3c4d5e6f"), b"n,text\n0,row number 0\n"),
        (("list", REPORT, SINGLE_RUN, "--json"), b'[\n  {\n    "id": '),
    ],
)
@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_a_reader_that_stops_early_ends_the_command_quietly_with_141(
    tmp_path: Path, args: tuple[str, ...], start: bytes, unbuffered: bool
) -> None:
    env = {k: v for k, v in cli_env().items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:  # stdout's binary stream is unbuffered: a write can be cut short
        env["PYTHONUNBUFFERED"] = "1"
    with MockServer(outputs_larger_than_a_pipe(tmp_path / "cassettes")) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "mode_query_runs", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env | {"MODE_BASE_URL": server.base_url},
        )
        try:
            assert process.stdout is not None and process.stderr is not None
            begun = process.stdout.read(len(start))  # as `| head -c N` does
            process.stdout.close()
            stderr = process.stderr.read()
            status = process.wait(timeout=60)
        finally:
            process.kill()
            process.wait()
    assert (begun, status, stderr) == (start, 141, b"")
