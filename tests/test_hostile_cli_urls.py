"""Mode URLs where the command line takes ``REPORT RUN [QUERY_RUN]``: text after a URL, or a
URL in place of a token, is a usage error naming the argument, never part of a token; and
``list-many`` lists each pair with its own account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, MockServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT, SINGLE_RUN, SINGLE_TOKENS

RUN_URL = f"https://app.mode.com/acme/reports/{REPORT}/runs/{PAGED_RUN}"
QUERY_RUN_URL = f"{RUN_URL}/query_runs/{PAGED_TOKENS[2]}"
RESULTS_URL = f"{QUERY_RUN_URL}/results"


def mode_cli(
    *args: str, base_url: str, stdin: str = "", account: str | None = "acme"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {"MODE_API_TOKEN": DEMO_TOKEN, "MODE_API_SECRET": DEMO_SECRET, "MODE_BASE_URL": base_url}
    if account is not None:
        env["MODE_ACCOUNT"] = account
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def after(url: str, extra: str) -> str:
    return (
        f"Error: Invalid value for 'REPORT|URL': {url + extra!r} is not a Mode URL alone:"
        f" {extra!r} follows {url!r}"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", f"{RUN_URL} extra"], after(RUN_URL, " extra")),
        (["list", f"{RUN_URL}\textra"], after(RUN_URL, "\textra")),
        (["list", f"{RUN_URL}?tab=1 extra"], after(f"{RUN_URL}?tab=1", " extra")),
        (["list", f"{QUERY_RUN_URL} {PAGED_RUN}"], after(QUERY_RUN_URL, f" {PAGED_RUN}")),
        (["wait", f"{RUN_URL} extra"], after(RUN_URL, " extra")),
        (["record", f"{RUN_URL} extra", "--cassette", "c.yaml"], after(RUN_URL, " extra")),
        (["get", f"{QUERY_RUN_URL} extra"], after(QUERY_RUN_URL, " extra")),
        (["get", f"{RUN_URL} extra", PAGED_TOKENS[2]], after(RUN_URL, " extra")),
        (["results", f"{RESULTS_URL} extra"], after(RESULTS_URL, " extra")),
        (["list", f"{RUN_URL}%20extra"],
         f"Error: Invalid value for 'REPORT|URL': '{RUN_URL}%20extra' is not a Mode URL: its RUN"
         f" '{PAGED_RUN} extra' is not a token"),
        (["list", f"{RUN_URL}/extra"],
         f"Error: Invalid value for 'REPORT|URL': '{RUN_URL}/extra' is not a Mode URL of a Report"
         " Run or Query Run (the path is not a Report Run's or a Query Run's): expected"
         " https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN, optionally followed by"
         " /query_runs/QUERY_RUN or /query_runs/QUERY_RUN/results"),
        (["list", REPORT, RUN_URL],
         f"Error: Invalid value for 'RUN': '{RUN_URL}' is a URL, not a token: give a Mode URL"
         " alone, in place of the tokens"),
        (["get", RUN_URL, QUERY_RUN_URL],
         f"Error: Invalid value for 'QUERY_RUN': '{QUERY_RUN_URL}' is a URL, not a token: give a"
         " Mode URL alone, in place of the tokens"),
    ],
)  # fmt: skip
def test_text_after_a_url_is_a_usage_error_naming_the_argument(
    mock_server: MockServer, args: list[str], message: str
) -> None:
    mock_server.requests.clear()
    result = mode_cli(*args, base_url=mock_server.base_url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message
    assert mock_server.requests == []
    assert not Path("c.yaml").exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (f"{RUN_URL} extra",
         f"Error: line 2: '{RUN_URL} extra' is not a Mode URL alone: ' extra' follows '{RUN_URL}'"),
        (f"{RUN_URL}\t{PAGED_RUN}",
         f"Error: line 2: '{RUN_URL}\\t{PAGED_RUN}' is not a Mode URL alone:"
         f" '\\t{PAGED_RUN}' follows '{RUN_URL}'"),
        (f"{REPORT} {RUN_URL}",
         f"Error: line 2: '{RUN_URL}' is a URL, not a token: give a Mode URL alone on its line"),
    ],
)  # fmt: skip
def test_list_many_refuses_text_after_a_url_on_a_line(
    mock_server: MockServer, line: str, message: str
) -> None:
    mock_server.requests.clear()
    stdin = f"{REPORT} {PAGED_RUN}\n{line}\n"
    result = mode_cli("list-many", base_url=mock_server.base_url, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message
    assert mock_server.requests == []


def test_list_many_lists_each_pair_in_its_own_account(mock_server: MockServer) -> None:
    other = f"https://app.mode.com/other/reports/{REPORT}/runs/{SINGLE_RUN}"
    stdin = f"{REPORT} {PAGED_RUN}\n{other}\n{RUN_URL}\n{REPORT} {SINGLE_RUN}\n"
    mock_server.requests.clear()
    result = mode_cli("list-many", "--concurrency", "1", base_url=mock_server.base_url, stdin=stdin)
    assert result.returncode == 1
    assert result.stderr == "mode-query-runs: error: 1 of 4 Report Run(s) failed\n"
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["report"], line["run"]) for line in lines] == [
        (REPORT, PAGED_RUN), (REPORT, SINGLE_RUN), (REPORT, PAGED_RUN), (REPORT, SINGLE_RUN),
    ]  # fmt: skip
    assert [run["token"] for run in lines[0]["query_runs"]] == PAGED_TOKENS
    assert lines[1]["error"]["status"] == 404
    assert lines[2]["query_runs"] == lines[0]["query_runs"]
    assert [run["token"] for run in lines[3]["query_runs"]] == SINGLE_TOKENS
    listed = sorted({path for _, path in mock_server.requests if "page=" not in path})
    assert listed == sorted(
        [
            f"/api/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs",
            f"/api/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs",
            f"/api/other/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs",
        ]
    )


def test_list_many_of_urls_alone_needs_no_account(mock_server: MockServer) -> None:
    stdin = f"{RUN_URL}\n{QUERY_RUN_URL}\n"
    result = mode_cli("list-many", base_url=mock_server.base_url, stdin=stdin, account=None)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[run["token"] for run in line["query_runs"]] for line in lines] == [PAGED_TOKENS] * 2


def test_list_many_pairs_without_an_account_name_what_is_missing(mock_server: MockServer) -> None:
    stdin = f"{RUN_URL}\n{REPORT} {PAGED_RUN}\n"
    mock_server.requests.clear()
    result = mode_cli("list-many", base_url=mock_server.base_url, stdin=stdin, account=None)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "mode-query-runs: error: give --account or set MODE_ACCOUNT\n"
    assert mock_server.requests == []


def test_list_many_account_option_and_a_url_of_another_account_is_a_usage_error(
    mock_server: MockServer,
) -> None:
    stdin = f"{REPORT} {PAGED_RUN}\n{RUN_URL}\n"
    mock_server.requests.clear()
    result = mode_cli("--account", "other", "list-many", base_url=mock_server.base_url, stdin=stdin)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: a URL names the account 'acme', not --account 'other'"
    )
    assert mock_server.requests == []
