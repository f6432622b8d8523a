"""``list --state``: matched after stripping, in any case; a hint when nothing matches."""

from __future__ import annotations

import json

import pytest
from test_cli import run_cli

from mode_query_runs.testing.server import MockServer
from support import EMPTY_RUN, PAGED_RUN, REPORT

FAILED = "6c3d9e2f1a7b"
SEEN = "succeeded, failed, running, cancelled, enqueued"
HEADER = (
    "TOKEN         STATE      CREATED_AT                COMPLETED_AT              QUERY_NAME  ERROR"
)


@pytest.mark.parametrize("state", [" failed", "failed ", "FAILED", " Failed\t"])
def test_a_state_matches_after_stripping_in_any_case(mock_server: MockServer, state: str) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, "--state", state, base_url=mock_server.base_url)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["TOKEN", FAILED]


def test_json_and_jsonl_match_in_any_case_too(mock_server: MockServer) -> None:
    base_url = mock_server.base_url
    as_json = run_cli("list", REPORT, PAGED_RUN, "--json", "--state", "Failed", base_url=base_url)
    as_jsonl = run_cli(
        "list", REPORT, PAGED_RUN, "--jsonl", "--state", " FAILED", base_url=base_url
    )
    assert as_json.returncode == as_jsonl.returncode == 0
    assert [run["token"] for run in json.loads(as_json.stdout)] == [FAILED]
    assert [json.loads(line)["token"] for line in as_jsonl.stdout.splitlines()] == [FAILED]


@pytest.mark.parametrize(
    ("options", "stdout"),
    [
        ([], f"{HEADER}\n"),
        (["--json"], "[]\n"),
        (["--jsonl"], ""),
    ],
)  # fmt: skip
def test_no_match_names_the_states_seen_on_stderr(
    mock_server: MockServer, options: list[str], stdout: str
) -> None:
    result = run_cli(
        "list", REPORT, PAGED_RUN, *options, "--state", "Queued", "--state", "done",
        base_url=mock_server.base_url,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout == stdout
    assert result.stderr == (
        f"mode-query-runs: no Query Run is in state done or queued; the states seen: {SEEN}\n"
    )


def test_no_match_in_an_empty_report_run_says_it_has_none(mock_server: MockServer) -> None:
    result = run_cli(
        "list", REPORT, EMPTY_RUN, "--json", "--state", "failed", base_url=mock_server.base_url
    )
    assert result.returncode == 0
    assert result.stdout == "[]\n"
    assert result.stderr == (
        "mode-query-runs: no Query Run is in state failed; the Report Run has no Query Runs\n"
    )
