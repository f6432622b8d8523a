"""The logging switch (issue 22, item 6): ``MODE_QUERY_RUNS_LOG=debug|info`` turns on the
SDK's request log on stderr without code, as ``OPENAI_LOG`` does."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, MockServer
from scripted import Scripted, ScriptedServer
from support import REPORT, SINGLE_RUN, SINGLE_TOKENS

PROGRAM = f"""
from mode_query_runs import ModeClient

with ModeClient.from_env(max_retries=1) as mode:
    mode.get_query_run({REPORT!r}, {SINGLE_RUN!r}, {SINGLE_TOKENS[0]!r})
print("done")
"""
RUNNING = {
    "id": 1,
    "token": SINGLE_TOKENS[0],
    "state": "running",
    "created_at": "2026-11-01T09:30:00.000Z",
    "_links": {"self": {"href": f"/api/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs/q1"}},
}
LINE = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} mode_query_runs (?P<level>[A-Z]+) (?P<message>.*)"
)


def run_python(base_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    environment |= {
        "MODE_API_TOKEN": DEMO_TOKEN,
        "MODE_API_SECRET": DEMO_SECRET,
        "MODE_ACCOUNT": "acme",
        "MODE_BASE_URL": base_url,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def query_run_url(server: MockServer) -> str:
    return (
        f"{server.base_url}/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs/{SINGLE_TOKENS[0]}"
    )


def test_debug_logs_each_request_on_stderr(mock_server: MockServer) -> None:
    result = run_python(mock_server.base_url, MODE_QUERY_RUNS_LOG="debug")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "done\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    found = LINE.fullmatch(lines[0])
    assert found is not None, lines[0]
    assert found["level"] == "DEBUG"
    assert re.fullmatch(
        re.escape(f"GET {query_run_url(mock_server)} -> 200 (") + r"\d+\.\d{3} s\)",
        found["message"],
    )
    assert DEMO_SECRET not in result.stderr


def test_upper_case_and_spaces_are_accepted(mock_server: MockServer) -> None:
    result = run_python(mock_server.base_url, MODE_QUERY_RUNS_LOG=" DEBUG\n")
    assert result.returncode == 0, result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_without_the_variable_nothing_is_logged(mock_server: MockServer) -> None:
    for env in ({}, {"MODE_QUERY_RUNS_LOG": ""}):
        result = run_python(mock_server.base_url, **env)
        assert (result.returncode, result.stdout, result.stderr) == (0, "done\n", "")


def test_info_logs_retries_but_not_each_request() -> None:
    with ScriptedServer(
        Scripted(503, b'{"id": "unavailable", "message": "busy"}', {"Retry-After": "0"}),
        Scripted(200, json.dumps(RUNNING).encode()),
    ) as server:
        result = run_python(f"{server.url}/api", MODE_QUERY_RUNS_LOG="info")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    found = LINE.fullmatch(lines[0])
    assert found is not None, lines[0]
    assert found["level"] == "INFO"
    assert found["message"].startswith("retry 1 in 0.00 s after: HTTP 503 [unavailable] busy")


def test_an_unknown_value_is_ignored_with_one_warning(mock_server: MockServer) -> None:
    result = run_python(mock_server.base_url, MODE_QUERY_RUNS_LOG="verbose")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "done\n"
    assert result.stderr.count("UserWarning") == 1
    assert "MODE_QUERY_RUNS_LOG='verbose' is not one of debug, info: ignored" in result.stderr
    assert " -> 200 " not in result.stderr


def test_the_command_logs_each_request_once(mock_server: MockServer) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    environment |= {
        "MODE_API_TOKEN": DEMO_TOKEN,
        "MODE_API_SECRET": DEMO_SECRET,
        "MODE_ACCOUNT": "acme",
        "MODE_BASE_URL": mock_server.base_url,
        "MODE_QUERY_RUNS_LOG": "debug",
    }
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs", "get", REPORT, SINGLE_RUN, SINGLE_TOKENS[0]],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"mode-query-runs: GET {query_run_url(mock_server)} -> 200 (")
