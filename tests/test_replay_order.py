"""Testing code that waits (issue 22, item 5): recordings of one request replayed in
order, the last repeating; ``record --results``; the fixture's ``MODE_*`` environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mode_query_runs import ModeClient
from mode_query_runs.testing.cassette import dump_cassette, load_cassette
from mode_query_runs.testing.server import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN, MockServer
from support import PAGED_RUN, REPORT, recorded

pytest_plugins = ["pytester"]

RUN_PATH = f"/api/acme/reports/{REPORT}/runs/r0000000000a/query_runs"
TOKEN = "q0000000000b"


def query_run(state: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "token": TOKEN,
        "state": state,
        "created_at": "2026-11-01T09:30:00.000Z",
        "_links": {"self": {"href": f"{RUN_PATH}/{TOKEN}"}},
        **fields,
    }


def states_cassette(directory: Path, *states: str) -> Path:
    directory.mkdir()
    dump_cassette(
        [recorded(f"{RUN_PATH}/{TOKEN}", query_run(state)) for state in states],
        directory / "states.yaml",
    )
    return directory


def client(server: MockServer) -> ModeClient:
    return ModeClient(DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url, timeout=5)


def test_a_request_recorded_several_times_gets_them_in_order_the_last_repeating(
    tmp_path: Path,
) -> None:
    directory = states_cassette(tmp_path / "c", "enqueued", "running", "succeeded")
    with MockServer(directory) as server, client(server) as mode:
        seen = [mode.get_query_run(REPORT, "r0000000000a", TOKEN).state for _ in range(5)]
        assert seen == ["enqueued", "running", "succeeded", "succeeded", "succeeded"]
        server.rewind()
        assert mode.get_query_run(REPORT, "r0000000000a", TOKEN).state == "enqueued"
    # Positions belong to one server: a new one starts at the first recording.
    with MockServer(directory) as server, client(server) as mode:
        assert mode.get_query_run(REPORT, "r0000000000a", TOKEN).state == "enqueued"


def test_wait_for_completion_goes_from_running_to_succeeded_on_the_mock(tmp_path: Path) -> None:
    directory = states_cassette(tmp_path / "c", "running", "running", "succeeded")
    with MockServer(directory) as server, client(server) as mode:
        first = mode.get_query_run(REPORT, "r0000000000a", TOKEN)
        done = mode.wait_for_completion(first, timeout=10, poll_interval=0.01)
        assert (first.state, done.state) == ("running", "succeeded")
        assert server.requests == [("GET", f"{RUN_PATH}/{TOKEN}")] * 3


def test_get_wait_through_the_command_ends_on_the_last_recording(tmp_path: Path) -> None:
    directory = states_cassette(tmp_path / "c", "running", "succeeded")
    with MockServer(directory) as server:
        result = mode_cli(
            "get", REPORT, "r0000000000a", TOKEN, "--json", "--wait", "--poll-interval", "0.01",
            base_url=server.base_url,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "succeeded"


def mode_cli(*args: str, base_url: str, account: str = "acme") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {
        "MODE_API_TOKEN": DEMO_TOKEN,
        "MODE_API_SECRET": DEMO_SECRET,
        "MODE_ACCOUNT": account,
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


def test_record_results_captures_csv_that_the_replay_serves(
    mock_server: MockServer, tmp_path: Path
) -> None:
    cassette = tmp_path / "own" / "paged.yaml"
    result = mode_cli(
        "record", REPORT, PAGED_RUN, "--results", "--cassette", str(cassette),
        base_url=mock_server.base_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"Recorded 13 interactions (3 pages, 7 Query Runs, 3 results) to {cassette} as account acme"
    )
    contents = [i for i in load_cassette(cassette) if i.uri.endswith("/content.csv")]
    # The results of the three succeeded or completed runs, under the API URL asked for
    # (the one served through a redirect to the storage host included).
    assert [i.uri.split("/query_runs/")[1] for i in contents] == [
        "1a2b3c4d5e6f/results/content.csv",
        "3f4e5d6c7b8a/results/content.csv",
        "9e0f1a2b3c4d/results/content.csv",
    ]
    assert all(i.status == 200 for i in contents)
    for token in ("1a2b3c4d5e6f", "3f4e5d6c7b8a"):
        original = mode_cli("results", REPORT, PAGED_RUN, token, base_url=mock_server.base_url)
        with MockServer(cassette.parent) as replay:
            replayed = mode_cli("results", REPORT, PAGED_RUN, token, base_url=replay.base_url)
        assert original.returncode == replayed.returncode == 0, replayed.stderr
        assert replayed.stdout == original.stdout != ""


def test_record_without_results_records_none(mock_server: MockServer, tmp_path: Path) -> None:
    cassette = tmp_path / "paged.yaml"
    result = mode_cli(
        "record", REPORT, PAGED_RUN, "--cassette", str(cassette), base_url=mock_server.base_url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"Recorded 10 interactions (3 pages, 7 Query Runs) to {cassette} as account acme"
    )


FIXTURE_ENV_TEST = """
import os

from mode_query_runs import ModeClient

NAMES = ("MODE_API_TOKEN", "MODE_API_SECRET", "MODE_ACCOUNT", "MODE_BASE_URL")


def test_from_env_talks_to_the_mock(mode_mock_server):
    assert {n: os.environ[n] for n in NAMES} == mode_mock_server.env
    with ModeClient.from_env() as mode:
        assert len(list(mode.list_query_runs("a1b2c3d4e5f6", "8f3e2d1c0b9a"))) == 7
"""


def test_the_fixture_sets_mode_variables_and_restores_them(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODE_ACCOUNT", "before")
    monkeypatch.delenv("MODE_BASE_URL", raising=False)
    monkeypatch.delenv("MODE_API_TOKEN", raising=False)
    monkeypatch.delenv("MODE_API_SECRET", raising=False)
    pytester.makepyfile(test_env=FIXTURE_ENV_TEST)
    pytester.runpytest().assert_outcomes(passed=1)
    # The module's server is gone, and so are its variables: the values before it are back.
    assert os.environ["MODE_ACCOUNT"] == "before"
    assert "MODE_BASE_URL" not in os.environ
    assert "MODE_API_TOKEN" not in os.environ
