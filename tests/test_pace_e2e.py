"""No poison and isolation (issue 20), end to end on loopback servers, sync and async.

A ``Retry-After`` past what the caller allows raises ``RateLimitError`` at once and holds
the client no longer than that; whatever one pair of ``list_query_runs_many`` raises stays
with that pair, in both clients and in ``list-many``; a known ``rate_limit`` keeps the
bucket from answering ``429``.
"""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_cli import cli_env

from mode_query_runs import AsyncModeClient, ModeClient, RateLimitError, ReportRunQueryRuns
from mode_query_runs.retries import RetryPolicy
from mode_query_runs.testing.cassette import dump_cassette
from mode_query_runs.testing.server import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN, MockServer
from scripted import Scripted, ScriptedServer
from support import REPORT, SEED_PAGE, recorded

RUN = "8f3e2d1c0b9a"
OK = Scripted(200, SEED_PAGE.read_bytes())
QUICK = RetryPolicy(backoff_initial=0.01, backoff_max=0.02, jitter=0.0, total_timeout=0.5)


@pytest.mark.parametrize("rate", [0, -1.0, math.inf, math.nan, "5"])
def test_a_rate_limit_must_be_requests_per_second_above_zero(rate: Any) -> None:
    with pytest.raises(ValueError) as caught:
        ModeClient("acme", "t", "s", rate_limit=rate)
    assert str(caught.value) == f"rate_limit must be requests per second above 0, not {rate!r}"


# --- no poison, end to end --------------------------------------------------------------

FOREVER = ["3600", "99999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"]


def _client(server: ScriptedServer) -> ModeClient:
    return ModeClient("acme", "t", "s", base_url=f"{server.url}/api", retry_policy=QUICK)


def _async_client(server: ScriptedServer) -> AsyncModeClient:
    return AsyncModeClient("acme", "t", "s", base_url=f"{server.url}/api", retry_policy=QUICK)


def _limited_answer(retry_after: str) -> Scripted:
    body = b'{"id": "rate_limited", "message": "Too many requests"}'
    return Scripted(429, body, {"Retry-After": retry_after})


@pytest.mark.timeout(30)
@pytest.mark.parametrize("retry_after", FOREVER)
def test_a_retry_after_past_the_deadline_never_poisons_a_sync_client(retry_after: str) -> None:
    with ScriptedServer(_limited_answer(retry_after), OK) as server, _client(server) as mode:
        with pytest.raises(RateLimitError) as first:
            mode.get_query_run(REPORT, RUN, "f23owhgklkj")
        with pytest.raises(RateLimitError) as held:  # at once, without a request
            mode.get_query_run(REPORT, RUN, "f23owhgklkj")
        assert len(server.seen) == 1
        time.sleep(QUICK.total_timeout)  # the first call's deadline: the hold is over
        assert mode.get_query_run(REPORT, RUN, "f23owhgklkj").token == "f23owhgklkj"
    assert first.value.retry_after == held.value.retry_after == retry_after
    assert (first.value.retry_after_seconds or 0) > 3500
    assert (held.value.retry_after_seconds or 0) > 3500
    assert held.value.status is None  # no answer to this request: it was not sent
    url = f"{server.url}/api/acme/reports/{REPORT}/runs/{RUN}/query_runs/f23owhgklkj"
    assert str(held.value).startswith("rate limited, not sent: Mode asked to wait ")
    assert str(held.value).endswith(
        f" s more (a 429 to an earlier request), past this call's deadline (GET {url})"
    )
    assert len(server.seen) == 2


@pytest.mark.timeout(30)
@pytest.mark.parametrize("retry_after", FOREVER)
def test_a_retry_after_past_the_deadline_never_poisons_an_async_client(retry_after: str) -> None:
    async def main(server: ScriptedServer) -> tuple[RateLimitError, RateLimitError, str]:
        async with _async_client(server) as mode:
            with pytest.raises(RateLimitError) as first:
                await mode.get_query_run(REPORT, RUN, "f23owhgklkj")
            with pytest.raises(RateLimitError) as held:
                await mode.get_query_run(REPORT, RUN, "f23owhgklkj")
            assert len(server.seen) == 1
            await asyncio.sleep(QUICK.total_timeout)
            found = await mode.get_query_run(REPORT, RUN, "f23owhgklkj")
            return first.value, held.value, found.token

    with ScriptedServer(_limited_answer(retry_after), OK) as server:
        first, held, token = asyncio.run(main(server))
    assert token == "f23owhgklkj"
    assert first.retry_after == held.retry_after == retry_after
    assert (held.retry_after_seconds or 0) > 3500
    assert len(server.seen) == 2


@pytest.mark.timeout(30)
@pytest.mark.parametrize("retry_after", ["soon", "-5", "1.5", "", "9" * 400, "Fri, 31 Dec 99999"])
def test_an_unreadable_retry_after_is_backed_off_and_retried(retry_after: str) -> None:
    with ScriptedServer(_limited_answer(retry_after), OK) as server, _client(server) as mode:
        assert mode.get_query_run(REPORT, RUN, "f23owhgklkj").token == "f23owhgklkj"
    with ScriptedServer(_limited_answer(retry_after), OK) as server:

        async def main() -> str:
            async with _async_client(server) as mode:
                return (await mode.get_query_run(REPORT, RUN, "f23owhgklkj")).token

        assert asyncio.run(main()) == "f23owhgklkj"
    assert len(server.seen) == 2


# --- isolation: whatever one pair raises stays with that pair -------------------------

RUNS = ["rr0000000000", "rr0000000001", "rr0000000002", "rr0000000003"]
AWAY = "http://127.0.0.2:9/api/acme/reports/r/runs/x/query_runs?page=2"


def _isolation_cassette(directory: Path) -> None:
    from test_scale import _query_run_template

    interactions = []
    for n, run in enumerate(RUNS):
        href = f"/api/acme/reports/{REPORT}/runs/{run}/query_runs"
        links: dict[str, Any] = {"self": {"href": href}}
        if n == 1:  # this pair's next page is on another origin
            links["next_page"] = {"href": AWAY}
        query_run = {**_query_run_template(), "token": f"q{n}"}
        body = {"_links": links, "_embedded": {"query_runs": [query_run]}}
        interactions.append(recorded(href, body))
    dump_cassette(interactions, directory / "isolation.yaml")


def _refusal(base_url: str) -> str:
    origin = base_url.removesuffix("/api")
    return (
        "refusing to send Mode credentials to http://127.0.0.2:9: the link is not on the"
        f" API's origin {origin}"
    )


def _check_isolated(results: list[ReportRunQueryRuns], base_url: str) -> None:
    assert [r.run for r in results] == RUNS
    assert [r.ok for r in results] == [True, False, True, True]
    assert [[q.token for q in r.query_runs] for r in results] == [["q0"], [], ["q2"], ["q3"]]
    assert isinstance(results[1].error, ValueError)
    assert str(results[1].error) == _refusal(base_url)


@pytest.fixture(scope="module")
def isolation(tmp_path_factory: pytest.TempPathFactory) -> Any:
    directory = tmp_path_factory.mktemp("isolation")
    _isolation_cassette(directory)
    with MockServer(directory) as server:
        yield server


def test_a_pairs_error_stays_with_it_sync(isolation: MockServer) -> None:
    with ModeClient(DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=isolation.base_url) as mode:
        results = list(mode.list_query_runs_many([(REPORT, run) for run in RUNS]))
    _check_isolated(results, isolation.base_url)


def test_a_pairs_error_stays_with_it_async(isolation: MockServer) -> None:
    async def main() -> list[ReportRunQueryRuns]:
        base_url = isolation.base_url
        async with AsyncModeClient(DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as m:
            return [r async for r in m.list_query_runs_many([(REPORT, run) for run in RUNS])]

    _check_isolated(asyncio.run(main()), isolation.base_url)


def test_a_pairs_error_stays_with_it_in_list_many(isolation: MockServer) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs", "list-many"],
        input="".join(f"{REPORT} {run}\n" for run in RUNS),
        capture_output=True,
        text=True,
        env=cli_env(isolation.base_url),
        timeout=120,
        check=False,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["run"] for line in lines] == RUNS
    assert lines[1]["error"] == {
        "status": None,
        "id": None,
        "message": _refusal(isolation.base_url),
    }
    assert [len(line.get("query_runs", [])) for line in lines] == [1, 0, 1, 1]
    assert result.returncode == 1
    assert result.stderr.strip().endswith("1 of 4 Report Run(s) failed")


# --- a known rate, end to end ------------------------------------------------------------


def test_a_known_rate_keeps_the_bucket_from_answering_429(tmp_path: Path) -> None:
    from test_scale import scale_cassette

    expected = scale_cassette(tmp_path, 12)
    pairs = [(REPORT, run) for run in expected]
    with MockServer(tmp_path, rate_limit="20/2") as server:
        with ModeClient(
            DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url, rate_limit=16
        ) as mode:
            results = list(mode.list_query_runs_many(pairs))

        async def main() -> list[ReportRunQueryRuns]:
            async with AsyncModeClient(
                DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url, rate_limit=16
            ) as mode:
                return [r async for r in mode.list_query_runs_many(pairs)]

        time.sleep(0.2)  # the bucket empties (2 requests at 20 a second)
        async_results = asyncio.run(main())
        assert server.buckets is not None and server.buckets.limited == 0
    for found in (results, async_results):
        assert [[q.token for q in r.query_runs] for r in found] == list(expected.values())


def test_from_env_takes_a_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODE_API_TOKEN", "t")
    monkeypatch.setenv("MODE_API_SECRET", "s")
    monkeypatch.setenv("MODE_ACCOUNT", "acme")
    with ModeClient.from_env(rate_limit=7.5) as mode:
        assert (mode._session.pace.rate, mode._session.pace.limit) == (7.5, 7.5)


def test_list_many_takes_a_rate_limit(tmp_path: Path) -> None:
    from test_scale import scale_cassette

    expected = scale_cassette(tmp_path, 6)
    stdin = "".join(f"{REPORT} {run}\n" for run in expected)
    with MockServer(tmp_path, rate_limit="5/2") as server:
        result = subprocess.run(
            [sys.executable, "-m", "mode_query_runs", "list-many", "--rate-limit", "4"],
            input=stdin,
            capture_output=True,
            text=True,
            env=cli_env(server.base_url),
            timeout=120,
            check=False,
        )
        assert server.buckets is not None and server.buckets.limited == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[q["token"] for q in line["query_runs"]] for line in lines] == list(expected.values())
    assert result.returncode == 0


def test_list_many_refuses_a_rate_limit_of_zero(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs", "list-many", "--rate-limit", "0"],
        input="",
        capture_output=True,
        text=True,
        env=cli_env("http://127.0.0.1:9/api"),
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert (
        "Invalid value for '--rate-limit': 0.0 is not in the range 0<x<=1000000." in result.stderr
    )
