"""Settings as a new user gets them wrong: invalid seconds, --wait options without
--wait, an empty environment, whitespace pasted around values; and results of a run that
ended without them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_cli import assert_one_line_error, run_cli

from mode_query_runs import ModeClient
from mode_query_runs.testing.server import MockServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT


def bare_env(**values: str) -> dict[str, str]:
    """This process's environment without ``MODE_*``, plus ``values``."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MODE_")} | values


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def usage_error(result: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    """Exit status, stdout and the last line of stderr (click's ``Error: ...``)."""
    return result.returncode, result.stdout, result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "0.0 is not in the range x>0."),
        ("-1", "-1.0 is not in the range x>0."),
        ("abc", "'abc' is not a valid float range."),
        ("inf", "inf is not a finite number of seconds."),
        ("nan", "nan is not a finite number of seconds."),
        ("-inf", "-inf is not in the range x>0."),
    ],
)
def test_an_invalid_timeout_is_always_a_usage_error(value: str, message: str) -> None:
    result = run_cli("--timeout", value, "list", REPORT, PAGED_RUN)
    assert usage_error(result) == (2, "", f"Error: Invalid value for '--timeout': {message}")


@pytest.mark.parametrize("option", ["--wait-timeout", "--poll-interval"])
@pytest.mark.parametrize("value", ["0", "inf", "nan"])
def test_invalid_wait_seconds_are_usage_errors(option: str, value: str) -> None:
    result = run_cli("get", REPORT, PAGED_RUN, "x", "--wait", option, value)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(f"Error: Invalid value for '{option}': ")


@pytest.mark.parametrize("value", ["inf", "nan"])
def test_an_endless_mock_latency_is_a_usage_error(value: str) -> None:
    result = run_cli("mock", "serve", "--port", "0", "--latency", value)
    assert usage_error(result) == (
        2,
        "",
        f"Error: Invalid value for '--latency': {value} is not a finite number of seconds.",
    )


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--wait-timeout", "5"], "--wait-timeout is"),
        (["--poll-interval", "2"], "--poll-interval is"),
        (["--poll-interval", "2", "--wait-timeout", "5"], "--wait-timeout and --poll-interval are"),
    ],
)
def test_wait_options_without_wait_are_a_usage_error(options: list[str], named: str) -> None:
    result = run_cli("get", REPORT, PAGED_RUN, PAGED_TOKENS[0], *options)
    assert usage_error(result) == (2, "", f"Error: {named} only used with --wait")


def test_wait_options_with_wait_are_fine(mock_server: MockServer) -> None:
    args = ("get", REPORT, PAGED_RUN, PAGED_TOKENS[0], "--wait", "--poll-interval", "0.1")
    result = run_cli(*args, "--wait-timeout", "5", base_url=mock_server.base_url)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "set MODE_API_TOKEN, MODE_API_SECRET and MODE_ACCOUNT in the environment"
         " (or give --account)"),
        ({"MODE_API_TOKEN": "t"}, "set MODE_API_SECRET and MODE_ACCOUNT in the environment"
         " (or give --account)"),
        ({"MODE_API_TOKEN": "t", "MODE_API_SECRET": "s"}, "give --account or set MODE_ACCOUNT"),
        ({"MODE_ACCOUNT": "acme"}, "set MODE_API_TOKEN and MODE_API_SECRET in the environment"),
        ({"MODE_API_TOKEN": " ", "MODE_API_SECRET": "s", "MODE_ACCOUNT": "\t"},
         "set MODE_API_TOKEN and MODE_ACCOUNT in the environment (or give --account)"),
    ],
)  # fmt: skip
def test_every_missing_setting_is_named_at_once(env: dict[str, str], expected: str) -> None:
    assert_one_line_error(run_with(bare_env(**env), "list", REPORT, PAGED_RUN), expected)


def test_whitespace_around_settings_from_the_environment_is_ignored(
    mock_server: MockServer,
) -> None:
    env = bare_env(
        MODE_API_TOKEN=" demo-token\n",
        MODE_API_SECRET="demo-secret ",
        MODE_ACCOUNT=" acme ",
        MODE_BASE_URL=f"{mock_server.base_url} ",
    )
    result = run_with(env, "list", REPORT, PAGED_RUN, "--json")
    assert (result.returncode, result.stderr) == (0, "")
    assert mock_server.requests[-1] == (
        "GET",
        f"/api/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs?page=3",
    )


def test_from_env_strips_whitespace_too(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODE_API_TOKEN", "demo-token\n")
    monkeypatch.setenv("MODE_API_SECRET", " demo-secret")
    monkeypatch.setenv("MODE_ACCOUNT", "acme\n")
    monkeypatch.setenv("MODE_BASE_URL", f" {mock_server.base_url}\n")
    with ModeClient.from_env() as mode:
        assert mode.account == "acme"
        assert mode.base_url == mock_server.base_url
        assert [r.token for r in mode.list_query_runs(REPORT, PAGED_RUN)] == PAGED_TOKENS


def test_from_env_counts_a_blank_value_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODE_API_TOKEN", "  ")
    monkeypatch.setenv("MODE_API_SECRET", "s")
    monkeypatch.setenv("MODE_ACCOUNT", "\n")
    with pytest.raises(ValueError) as caught:
        ModeClient.from_env()
    assert str(caught.value) == "environment variable(s) not set: MODE_API_TOKEN, MODE_ACCOUNT"


@pytest.mark.parametrize(
    ("query_run", "expected"),
    [
        ("6c3d9e2f1a7b", "Query Run 6c3d9e2f1a7b is failed: it ended without results"),
        ("b4c5d6e7f8a9", "Query Run b4c5d6e7f8a9 is cancelled: it ended without results"),
        (
            "7d8e9f0a1b2c",
            "Query Run 7d8e9f0a1b2c is running: it has no results (wait for it to succeed)",
        ),
    ],
)
def test_results_of_a_run_that_ended_without_them_says_so(
    mock_server: MockServer, query_run: str, expected: str
) -> None:
    result = run_cli("results", REPORT, PAGED_RUN, query_run, base_url=mock_server.base_url)
    assert_one_line_error(result, expected)
