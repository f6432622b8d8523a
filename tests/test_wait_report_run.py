"""Waiting (issue 22, item 4): ``get --wait`` fails for a run that ended without results;
``wait REPORT RUN`` and ``wait_for_report_run`` wait for every Query Run of a Report Run.
The runs change state through the mock server's replay of a request recorded several
times (item 5)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mode_query_runs import APITimeoutError, AsyncModeClient, ModeClient
from mode_query_runs.testing.cassette import dump_cassette
from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, MockServer
from support import REPORT, recorded

RUN = "e1e2e3e4e5e6"
LISTING = f"/api/acme/reports/{REPORT}/runs/{RUN}/query_runs"
RUN_URL = f"https://app.mode.com/acme/reports/{REPORT}/runs/{RUN}"
FIRST, SECOND = "a0a0a0a0a0a1", "a0a0a0a0a0a2"
MESSAGE = "Column 'plan_tier' does not exist in table analytics.accounts; did you mean 'plan'?"


def query_run(token: str, state: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": "7",
        "token": token,
        "state": state,
        "created_at": "2026-11-02T10:00:00.000Z",
        "query_name": f"Query {token[-1]}",
        "error_type": "generic" if state == "failed" else None,
        "_links": {"self": {"href": f"{LISTING}/{token}"}},
        **fields,
    }


FAILED = query_run(FIRST, "failed", error_code="SqlUnknownColumn", error_message=MESSAGE)


def listing(*runs: dict[str, Any]) -> dict[str, Any]:
    return {"_links": {"self": {"href": LISTING}}, "_embedded": {"query_runs": list(runs)}}


def serve(tmp_path: Path, *interactions: Any) -> MockServer:
    directory = tmp_path / "cassettes"
    directory.mkdir()
    dump_cassette(interactions, directory / "waiting.yaml")
    return MockServer(directory)


def run_cli(*args: str, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {
        "MODE_API_TOKEN": DEMO_TOKEN,
        "MODE_API_SECRET": DEMO_SECRET,
        "MODE_ACCOUNT": "acme",
        "MODE_BASE_URL": base_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_get_wait_exits_1_naming_the_state_and_error_of_a_failed_run(tmp_path: Path) -> None:
    path = f"{LISTING}/{FIRST}"
    with serve(
        tmp_path, recorded(path, query_run(FIRST, "running")), recorded(path, FAILED)
    ) as server:
        args = ["get", REPORT, RUN, FIRST, "--json", "--wait", "--poll-interval", "0.01"]
        result = run_cli(*args, base_url=server.base_url)
    assert result.returncode == 1
    assert json.loads(result.stdout)["state"] == "failed"  # the run is still shown
    assert result.stderr == (
        f"mode-query-runs: error: Query Run {FIRST} (Query 1) ended failed: SqlUnknownColumn:"
        f" {MESSAGE[:60]}…\n"
    )


def test_get_wait_exits_1_for_a_cancelled_run_without_error(tmp_path: Path) -> None:
    path = f"{LISTING}/{SECOND}"
    with serve(tmp_path, recorded(path, query_run(SECOND, "cancelled"))) as server:
        waited = run_cli("get", REPORT, RUN, SECOND, "--wait", base_url=server.base_url)
        shown = run_cli("get", REPORT, RUN, SECOND, base_url=server.base_url)
    assert waited.returncode == 1
    assert waited.stderr == (
        f"mode-query-runs: error: Query Run {SECOND} (Query 2) ended cancelled, without results\n"
    )
    assert "cancelled" in waited.stdout
    # Without --wait, showing a cancelled run is no failure.
    assert (shown.returncode, shown.stderr) == (0, "")


def test_get_wait_exits_0_for_a_run_that_succeeded(tmp_path: Path) -> None:
    path = f"{LISTING}/{SECOND}"
    with serve(tmp_path, recorded(path, query_run(SECOND, "succeeded"))) as server:
        result = run_cli("get", REPORT, RUN, SECOND, "--wait", base_url=server.base_url)
    assert (result.returncode, result.stderr) == (0, "")


def running_then_failed(tmp_path: Path) -> MockServer:
    return serve(
        tmp_path,
        recorded(LISTING, listing(query_run(FIRST, "running"), query_run(SECOND, "enqueued"))),
        recorded(LISTING, listing(query_run(FIRST, "running"), query_run(SECOND, "succeeded"))),
        recorded(LISTING, listing(FAILED, query_run(SECOND, "succeeded"))),
    )


def test_wait_lists_until_every_query_run_is_final_and_names_the_failed(tmp_path: Path) -> None:
    with running_then_failed(tmp_path) as server:
        result = run_cli("wait", REPORT, RUN, "--poll-interval", "0.01", base_url=server.base_url)
        assert server.requests == [("GET", LISTING)] * 3
    assert result.returncode == 1
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [
        ["TOKEN", "STATE"],
        [FIRST, "failed"],
        [SECOND, "succeeded"],
    ]
    assert result.stderr == (
        f"mode-query-runs: error: Query Run {FIRST} (Query 1) ended failed: SqlUnknownColumn:"
        f" {MESSAGE[:60]}…\n"
    )


def test_wait_exits_0_when_every_query_run_has_results_and_takes_a_url(tmp_path: Path) -> None:
    with serve(
        tmp_path,
        recorded(LISTING, listing(query_run(FIRST, "enqueued"), query_run(SECOND, "running"))),
        recorded(LISTING, listing(query_run(FIRST, "completed"), query_run(SECOND, "succeeded"))),
    ) as server:
        result = run_cli(
            "wait", RUN_URL, "--json", "--poll-interval", "0.01", base_url=server.base_url
        )
    assert (result.returncode, result.stderr) == (0, "")
    assert [(r["token"], r["state"]) for r in json.loads(result.stdout)] == [
        (FIRST, "completed"),
        (SECOND, "succeeded"),
    ]


def test_wait_timeout_is_one_line_naming_what_is_not_finished(tmp_path: Path) -> None:
    running = listing(query_run(FIRST, "running"), query_run(SECOND, "succeeded"))
    with serve(tmp_path, recorded(LISTING, running)) as server:
        result = run_cli(
            "wait", REPORT, RUN, "--wait-timeout", "0.2", "--poll-interval", "0.05",
            base_url=server.base_url,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"mode-query-runs: error: Report Run {RUN} of Report {REPORT} still has 1 Query Run"
        f" not finished (running: 1) after waiting 0.2 s (GET {server.base_url}/acme/reports/"
        f"{REPORT}/runs/{RUN}/query_runs)\n"
    )


def test_wait_for_report_run_in_python_both_clients(tmp_path: Path) -> None:
    with running_then_failed(tmp_path) as server:
        with ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url) as mode:
            final = mode.wait_for_report_run(REPORT, RUN, timeout=10, poll_interval=0.01)
        assert [(q.token, q.state) for q in final] == [(FIRST, "failed"), (SECOND, "succeeded")]
        server.rewind()

        async def waited() -> list[Any]:
            async with AsyncModeClient(
                "acme", DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url
            ) as mode:
                return await mode.wait_for_report_run(REPORT, RUN, timeout=10, poll_interval=0.01)

        assert [(q.token, q.state) for q in asyncio.run(waited())] == [
            (FIRST, "failed"),
            (SECOND, "succeeded"),
        ]
        assert server.requests == [("GET", LISTING)] * 6


def test_wait_for_report_run_times_out_with_apitimeouterror(tmp_path: Path) -> None:
    running = listing(query_run(FIRST, "running"), query_run(SECOND, "enqueued"))
    with serve(tmp_path, recorded(LISTING, running)) as server:
        with ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url) as mode:
            with pytest.raises(APITimeoutError) as timed_out:
                mode.wait_for_report_run(REPORT, RUN, timeout=0.1, poll_interval=0.02)
    assert str(timed_out.value).startswith(
        f"Report Run {RUN} of Report {REPORT} still has 2 Query Runs not finished"
        " (running: 1, enqueued: 1) after waiting 0.1 s"
    )


@pytest.mark.parametrize(("timeout", "poll_interval"), [(0, 1), (1, float("nan"))])
def test_wait_for_report_run_refuses_bad_durations_before_any_request(
    timeout: float, poll_interval: float
) -> None:
    with ModeClient("acme", "t", "s", base_url="http://127.0.0.1:9/api") as mode:
        with pytest.raises(ValueError, match="must be a number of seconds above 0"):
            mode.wait_for_report_run(REPORT, RUN, timeout=timeout, poll_interval=poll_interval)
