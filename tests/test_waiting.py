"""wait_for_completion and ``get --wait`` against scripted loopback servers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_cli import assert_one_line_error, run_cli

from mode_api_client.models import QueryRun
from mode_query_runs import APITimeoutError, AsyncModeClient, ModeClient
from mode_query_runs.waiting import Poll
from scripted import Scripted, ScriptedServer
from support import REPORT, SEED_PAGE

RUN = "8f3e2d1c0b9a"
TOKEN = "f23owhgklkj"
PATH = f"/api/acme/reports/{REPORT}/runs/{RUN}/query_runs/{TOKEN}"


def body(state: str) -> dict[str, Any]:
    run: dict[str, Any] = json.loads(SEED_PAGE.read_text())
    run["state"] = state
    run["_links"]["self"]["href"] = PATH
    return run


def answer(state: str) -> Scripted:
    return Scripted(200, json.dumps(body(state)).encode())


def client(server: ScriptedServer) -> ModeClient:
    return ModeClient("acme", "demo-token", "demo-secret", base_url=f"{server.url}/api")


def test_polls_self_until_a_final_state_unknown_states_included() -> None:
    script = [answer("running"), answer("pending_review"), answer("succeeded")]
    with ScriptedServer(*script) as server, client(server) as mode:
        running = mode.get_query_run(REPORT, RUN, TOKEN)
        done = mode.wait_for_completion(running, timeout=30, poll_interval=0.01)
    assert (done.token, done.state) == (TOKEN, "succeeded")
    assert [seen.path for seen in server.seen] == [PATH, PATH, PATH]


def test_a_final_run_is_returned_without_a_request() -> None:
    finished = QueryRun.from_dict(body("failed"))
    with ScriptedServer() as server, client(server) as mode:
        assert mode.wait_for_completion(finished) is finished
    assert server.seen == []


def test_a_run_that_never_finishes_times_out() -> None:
    with ScriptedServer(*[answer("running")] * 100) as server, client(server) as mode:
        running = QueryRun.from_dict(body("running"))
        with pytest.raises(APITimeoutError) as caught:
            mode.wait_for_completion(running, timeout=0.2, poll_interval=0.01)
    assert caught.value.message == f"Query Run {TOKEN} is still 'running' after waiting 0.2 s"
    assert (caught.value.method, caught.value.url) == ("GET", server.url + PATH)


@pytest.mark.anyio
async def test_async_wait_for_completion() -> None:
    with ScriptedServer(answer("enqueued"), answer("cancelled")) as server:
        base = f"{server.url}/api"
        async with AsyncModeClient("acme", "t", "s", base_url=base) as mode:
            done = await mode.wait_for_completion(
                QueryRun.from_dict(body("running")), poll_interval=0.01
            )
    assert done.state == "cancelled"
    assert len(server.seen) == 2


def test_poll_intervals_grow_and_end_at_the_deadline() -> None:
    now = [100.0]
    poll = Poll(timeout=10, poll_interval=2, max_interval=4, clock=lambda: now[0])
    running = QueryRun.from_dict(body("running"))
    delays = []
    for _ in range(4):
        delays.append(poll.next_delay(running, "u"))
        now[0] += delays[-1]
    assert delays == [2, 3.0, 4, 1.0]
    with pytest.raises(APITimeoutError):
        poll.next_delay(running, "u")
    with pytest.raises(ValueError, match=r"^timeout must be a number of seconds above 0"):
        Poll(timeout=0, poll_interval=1)


@pytest.mark.parametrize(
    ("timeout", "poll_interval", "named"),
    [
        (float("nan"), 1, "timeout"),
        (10, float("nan"), "poll_interval"),
        (1e308, 1e308, "timeout"),
        (float("inf"), 1, "timeout"),
        (10, -1, "poll_interval"),
    ],
)
def test_waits_refuse_durations_that_are_not_finite_seconds(
    timeout: float, poll_interval: float, named: str
) -> None:
    with pytest.raises(
        ValueError, match=f"^{named} must be a number of seconds above 0 and at most 1e9"
    ):
        Poll(timeout=timeout, poll_interval=poll_interval)


def test_cli_get_wait_prints_the_final_run() -> None:
    with ScriptedServer(answer("running"), answer("running"), answer("completed")) as server:
        result = run_cli(
            "get",
            REPORT,
            RUN,
            TOKEN,
            "--wait",
            "--poll-interval",
            "0.01",
            "--json",
            base_url=f"{server.url}/api",
        )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "completed"
    assert len(server.seen) == 3


def test_cli_get_wait_timeout_is_one_line_error() -> None:
    with ScriptedServer(*[answer("running")] * 100) as server:
        result = run_cli(
            "get",
            REPORT,
            RUN,
            TOKEN,
            "--wait",
            "--wait-timeout",
            "0.1",
            "--poll-interval",
            "0.01",
            base_url=f"{server.url}/api",
        )
    assert_one_line_error(
        result,
        f"Query Run {TOKEN} is still 'running' after waiting 0.1 s (GET {server.url}{PATH})",
    )
