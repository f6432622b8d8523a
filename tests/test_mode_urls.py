"""Mode URLs (issue 22, item 2): a pasted URL of a Report Run or Query Run, in Python
(``parse_mode_url``) and wherever the command takes REPORT RUN [QUERY_RUN]."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mode_query_runs import ModeClient, ModeURL, parse_mode_url
from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, MockServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT, SINGLE_RUN

EXPECTED = (
    "expected https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN, optionally followed by"
    " /query_runs/QUERY_RUN or /query_runs/QUERY_RUN/results"
)
RUN_URL = f"https://app.mode.com/acme/reports/{REPORT}/runs/{PAGED_RUN}"
QUERY_RUN_URL = f"{RUN_URL}/query_runs/{PAGED_TOKENS[2]}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://app.mode.com/acme/reports/r1/runs/u2", ModeURL("acme", "r1", "u2")),
        ("https://app.mode.com/acme/reports/r1/runs/u2/", ModeURL("acme", "r1", "u2")),
        ("app.mode.com/acme/reports/r1/runs/u2?p=1#x", ModeURL("acme", "r1", "u2")),
        ("  https://modeanalytics.com/acme/reports/r1/runs/u2\n", ModeURL("acme", "r1", "u2")),
        ("https://app.mode.com/acme/reports/r1/runs/u2/query_runs/q3",
         ModeURL("acme", "r1", "u2", "q3")),
        ("https://app.mode.com/acme/reports/r1/runs/u2/query_runs/q3/results",
         ModeURL("acme", "r1", "u2", "q3")),
        ("https://APP.MODE.COM/api/acme/reports/r1/runs/u2/query_runs/q3",
         ModeURL("acme", "r1", "u2", "q3")),
        ("https://app.mode.com/my%20team/reports/r1/runs/u2", ModeURL("my team", "r1", "u2")),
    ],
)  # fmt: skip
def test_the_shapes_of_modes_urls_are_read(url: str, expected: ModeURL) -> None:
    assert parse_mode_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://example.com/acme/reports/r1/runs/u2",
         "the host is 'example.com', not app.mode.com"),
        ("ftp://app.mode.com/acme/reports/r1/runs/u2", "the scheme is 'ftp'"),
        ("https://app.mode.com/acme/reports/r1", "it names no Report Run"),
        ("https://app.mode.com/acme/reports/r1/queries/q9", "it names no Report Run"),
        ("https://app.mode.com/acme/reports/r1/runs/u2/viz1",
         "the path is not a Report Run's or a Query Run's"),
        ("https://app.mode.com/acme/reports/r1/runs/u2/query_runs/q3/results/x",
         "the path is not a Report Run's or a Query Run's"),
        ("https://app.mode.com/acme/reports/r1/runs/../query_runs/q3",
         "the path is not a Report Run's or a Query Run's"),
        ("http://[::1/x", "not a URL"),
    ],
)  # fmt: skip
def test_other_urls_are_refused_saying_what_was_expected(url: str, reason: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_mode_url(url)
    assert str(refused.value) == (
        f"{url!r} is not a Mode URL of a Report Run or Query Run ({reason}): {EXPECTED}"
    )


def test_a_parsed_url_is_used_with_the_client(mock_server: MockServer) -> None:
    where = parse_mode_url(QUERY_RUN_URL)
    with ModeClient(where.account, DEMO_TOKEN, DEMO_SECRET, base_url=mock_server.base_url) as mode:
        assert [r.token for r in mode.list_query_runs(*where.report_run)] == PAGED_TOKENS
        assert mode.get_query_run(*where.query_run_tokens()).token == PAGED_TOKENS[2]
    with pytest.raises(ValueError, match="names no Query Run"):
        parse_mode_url(RUN_URL).query_run_tokens()


def run_cli(
    *args: str, base_url: str, account: str | None = "other"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {"MODE_API_TOKEN": DEMO_TOKEN, "MODE_API_SECRET": DEMO_SECRET, "MODE_BASE_URL": base_url}
    if account is not None:
        env["MODE_ACCOUNT"] = account
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_list_takes_a_report_run_url_and_its_account_over_mode_account(
    mock_server: MockServer,
) -> None:
    for account in ("other", None):  # MODE_ACCOUNT=other, or unset: the URL's acme
        result = run_cli("list", RUN_URL, "--json", base_url=mock_server.base_url, account=account)
        assert result.returncode == 0, result.stderr
        assert [r["token"] for r in json.loads(result.stdout)] == PAGED_TOKENS
    # A Query Run's URL (or its result page) lists its Report Run.
    result = run_cli("list", f"{QUERY_RUN_URL}/results", "--json", base_url=mock_server.base_url)
    assert [r["token"] for r in json.loads(result.stdout)] == PAGED_TOKENS


def test_account_on_the_command_line_wins_over_the_url(mock_server: MockServer) -> None:
    mock_server.requests.clear()
    result = run_cli("--account", "other", "list", RUN_URL, base_url=mock_server.base_url)
    assert result.returncode == 1
    assert mock_server.requests == [
        ("GET", f"/api/other/reports/{REPORT}/runs/{PAGED_RUN}/query_runs")
    ]


@pytest.mark.parametrize(
    "args",
    [
        [QUERY_RUN_URL],
        [f"{QUERY_RUN_URL}/results"],
        [RUN_URL, PAGED_TOKENS[2]],
        [REPORT, PAGED_RUN, PAGED_TOKENS[2]],
    ],
)
def test_get_takes_a_query_run_url_or_a_report_run_url_and_query_run(
    mock_server: MockServer, args: list[str]
) -> None:
    account = "acme" if args[0] == REPORT else "other"
    result = run_cli("get", *args, "--json", base_url=mock_server.base_url, account=account)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["token"] == PAGED_TOKENS[2]


def test_results_takes_a_query_run_url(mock_server: MockServer) -> None:
    url = f"{RUN_URL}/query_runs/{PAGED_TOKENS[0]}/results"
    by_url = run_cli("results", url, base_url=mock_server.base_url)
    by_tokens = run_cli(
        "results", REPORT, PAGED_RUN, PAGED_TOKENS[0], base_url=mock_server.base_url, account="acme"
    )
    assert by_url.returncode == by_tokens.returncode == 0, by_url.stderr
    assert (
        by_url.stdout
        == by_tokens.stdout
        == "day,dau\n2026-10-29,1211\n2026-10-30,1204\n2026-10-31,1187\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "https://example.com/acme/reports/r1/runs/u2"],
         "Error: Invalid value for 'REPORT|URL': 'https://example.com/acme/reports/r1/runs/u2'"
         " is not a Mode URL of a Report Run"
         f" or Query Run (the host is 'example.com', not app.mode.com): {EXPECTED}"),
        (["get", f"https://app.mode.com/acme/reports/{REPORT}"],
         f"Error: Invalid value for 'REPORT|URL': 'https://app.mode.com/acme/reports/{REPORT}'"
         " is not a Mode URL of a Report Run"
         f" or Query Run (it names no Report Run): {EXPECTED}"),
        (["list", RUN_URL, SINGLE_RUN],
         f"Error: Got unexpected extra argument ({SINGLE_RUN}): the URL names the Report Run"),
        (["get", QUERY_RUN_URL, "x"],
         "Error: Got unexpected extra argument (x): the URL names the Query Run"),
        (["get", RUN_URL], "Error: Missing argument 'QUERY_RUN'."),
        (["list", REPORT], "Error: Missing argument 'RUN'."),
        (["get", REPORT, PAGED_RUN], "Error: Missing argument 'QUERY_RUN'."),
        (["results", REPORT], "Error: Missing argument 'RUN'."),
    ],
)  # fmt: skip
def test_a_url_that_is_not_modes_is_a_usage_error(
    mock_server: MockServer, args: list[str], message: str
) -> None:
    mock_server.requests.clear()
    result = run_cli(*args, base_url=mock_server.base_url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message
    assert mock_server.requests == []


def test_help_names_the_url_forms() -> None:
    result = run_cli("list", "--help", base_url="http://127.0.0.1:9/api")
    assert "Usage: mode-query-runs list [OPTIONS] REPORT|URL [RUN]" in result.stdout
    assert "https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN" in " ".join(result.stdout.split())
