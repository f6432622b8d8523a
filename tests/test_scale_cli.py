"""``mode-query-runs list-many`` and ``mock serve --rate-limit``, run as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_cli import cli_env, run_cli
from test_cli_terminal import run_on_terminal
from test_scale import MISSING, scale_cassette

from mode_query_runs.testing.server import MockServer, free_port
from support import PAGED_RUN, PAGED_TOKENS, REPORT, SINGLE_RUN, SINGLE_TOKENS


@pytest.fixture(scope="module")
def limited(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[MockServer, dict[str, list[str]]]]:
    """12 Report Runs behind a bucket of 5 requests a second, burst 2."""
    directory = tmp_path_factory.mktemp("scale")
    expected = scale_cassette(directory, 12)
    with MockServer(directory, rate_limit="5/2") as server:
        yield server, expected


def run_many(
    *args: str, base_url: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", "list-many", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(base_url),
        timeout=120,
        check=False,
    )


def test_list_many_writes_json_lines_in_input_order_and_exits_1_on_a_failure(
    limited: tuple[MockServer, dict[str, list[str]]], tmp_path: Path
) -> None:
    server, expected = limited
    runs = list(expected)
    lines = ["# last night's runs", ""] + [f"{REPORT} {run}" for run in runs[:5]]
    lines += [f"  {REPORT}\t{MISSING}  ", ""] + [f"{REPORT} {run}" for run in runs[5:]]
    source = tmp_path / "runs.txt"
    source.write_text("\n".join(lines) + "\n")
    result = run_many(str(source), "--concurrency", "4", base_url=server.base_url)
    assert result.stderr == "mode-query-runs: error: 1 of 13 Report Run(s) failed\n"
    assert result.returncode == 1
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["report"], line["run"]) for line in found] == [
        (REPORT, run) for run in [*runs[:5], MISSING, *runs[5:]]
    ]
    for line in found:
        if line["run"] == MISSING:
            assert line == {
                "report": REPORT,
                "run": MISSING,
                "error": {"status": 404, "id": "not_found", "message": "Not found"},
            }
        else:
            assert sorted(line) == ["query_runs", "report", "run"]
            assert [q["token"] for q in line["query_runs"]] == expected[line["run"]]


def test_list_many_takes_mode_urls_and_their_account(mock_server: MockServer) -> None:
    pairs = f"{REPORT} {PAGED_RUN}\n{REPORT} {SINGLE_RUN}\n"
    urls = (
        f"https://app.mode.com/acme/reports/{REPORT}/runs/{PAGED_RUN}\n"
        f"app.mode.com/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs/{SINGLE_TOKENS[0]}\n"
    )
    by_pairs = run_many(base_url=mock_server.base_url, stdin=pairs)
    by_urls = run_many(base_url=mock_server.base_url, stdin=urls)
    assert (by_urls.returncode, by_urls.stderr) == (0, "")
    assert by_urls.stdout == by_pairs.stdout
    other = run_many(
        "--account", "northwind", base_url=mock_server.base_url, stdin=urls
    )  # the URLs' account against --account
    assert (other.returncode, other.stderr.splitlines()[-1]) == (
        2,
        "Error: a URL names the account 'acme', not --account 'northwind'",
    )


def test_list_many_reads_stdin_and_writes_modes_bodies(mock_server: MockServer) -> None:
    stdin = f"{REPORT} {PAGED_RUN}\n# a comment\n\n{REPORT} {SINGLE_RUN}\n"
    result = run_many(base_url=mock_server.base_url, stdin=stdin)
    dash = run_many("-", base_url=mock_server.base_url, stdin=stdin)
    listed = run_cli("list", REPORT, SINGLE_RUN, "--json", base_url=mock_server.base_url)
    assert (result.returncode, result.stderr) == (0, "")
    assert dash.stdout == result.stdout
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert [q["token"] for q in first["query_runs"]] == PAGED_TOKENS
    assert [q["token"] for q in second["query_runs"]] == SINGLE_TOKENS
    assert second["query_runs"] == json.loads(listed.stdout)  # the same wire form as list


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (
            f"{REPORT} {PAGED_RUN}\n\n{REPORT}\n",
            "line 3: expected REPORT RUN or a Mode URL, found 1 field(s)",
        ),
        (
            f"# x\n{REPORT} {PAGED_RUN} extra\n",
            "line 2: expected REPORT RUN or a Mode URL, found 3 field(s)",
        ),
        (
            "https://example.com/acme/reports/r/runs/u\n",
            "line 1: 'https://example.com/acme/"
            "reports/r/runs/u' is not a Mode URL of a Report Run or Query Run (the host is"
            " 'example.com', not app.mode.com): expected https://app.mode.com/ACCOUNT/reports/"
            "REPORT/runs/RUN, optionally followed by /query_runs/QUERY_RUN or"
            " /query_runs/QUERY_RUN/results",
        ),
        (f"{REPORT} {PAGED_RUN}\n{REPORT} ..\n", "line 2: run '..' is not a valid token"),
        (". run\n", "line 1: report '.' is not a valid token"),
    ],
)
def test_list_many_refuses_a_malformed_line_before_any_request(
    mock_server: MockServer, stdin: str, message: str
) -> None:
    mock_server.requests.clear()
    result = run_many(base_url=mock_server.base_url, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert "Traceback" not in result.stderr
    assert mock_server.requests == []


def test_list_many_refuses_a_concurrency_below_one(mock_server: MockServer) -> None:
    result = run_many("--concurrency", "0", base_url=mock_server.base_url, stdin="")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--concurrency': 0 is not in the range x>=1."
    )


def test_list_many_of_nothing_writes_nothing(mock_server: MockServer) -> None:
    result = run_many(base_url=mock_server.base_url, stdin="# nothing\n\n")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_list_many_draws_a_progress_bar_on_a_terminal(
    mock_server: MockServer, tmp_path: Path
) -> None:
    source = tmp_path / "runs.txt"
    source.write_text(f"{REPORT} {PAGED_RUN}\n{REPORT} {SINGLE_RUN}\n")
    args = ("list-many", str(source))
    shown = run_on_terminal(*args, base_url=mock_server.base_url, stdout_to_terminal=False)
    assert b"Report Runs" in shown
    assert b"2/2" in shown


def test_mock_serve_rate_limit_answers_modes_429() -> None:
    port = free_port()
    command = [sys.executable, "-m", "mode_query_runs", "mock", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--rate-limit", "0.5/2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # the banner: the server listens
        url = f"http://127.0.0.1:{port}/api/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs"
        with httpx.Client(auth=("demo-token", "demo-secret")) as http:
            answers = [http.get(url) for _ in range(3)]
    finally:
        process.terminate()
        try:
            process.communicate(timeout=60)  # reads the pipes while the server stops
        finally:
            process.kill()
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {"id": "rate_limited", "message": "Too many requests"}
    assert answers[2].headers["Retry-After"] == "2"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("fast", "'fast' is not RATE[/BURST] (requests per second, e.g. 50/10)"),
        ("5/0", "'5/0': the burst must be at least 1 request, not 0"),
    ],
)
def test_mock_serve_refuses_a_bad_rate_limit(value: str, message: str) -> None:
    result = run_cli("mock", "serve", "--port", str(free_port()), "--rate-limit", value)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (f"Error: Invalid value for '--rate-limit': {message}")


def test_list_many_to_the_same_terminal_draws_no_bar(
    mock_server: MockServer, tmp_path: Path
) -> None:
    source = tmp_path / "runs.txt"
    source.write_text(f"{REPORT} {SINGLE_RUN}\n")
    shown = run_on_terminal("list-many", str(source), base_url=mock_server.base_url)
    piped = run_many(str(source), base_url=mock_server.base_url)
    assert shown == piped.stdout.replace("\n", "\r\n").encode()
