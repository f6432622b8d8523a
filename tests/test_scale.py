"""At scale: bulk listing, one pace per client, and the rate-limited mock server.

End to end against :class:`MockServer` with ``rate_limit`` (a leaky bucket per credential
answering Mode's ``429``); the pace's policy on its own with a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mode_query_runs import (
    AsyncModeClient,
    ModeClient,
    NotFoundError,
    RateLimitError,
    ReportRunQueryRuns,
)
from mode_query_runs.pace import STALE_RETRIES, Pace, Ticket
from mode_query_runs.retries import RetryPolicy
from mode_query_runs.testing.cassette import bundled_directory, dump_cassette, load_directory
from mode_query_runs.testing.ratelimit import LeakyBuckets, RateLimit, parse_rate_limit
from mode_query_runs.testing.server import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN, MockServer
from support import REPORT, recorded

MISSING = "ffffffffffff"
RATE_LIMITED = {"id": "rate_limited", "message": "Too many requests"}


def _query_run_template() -> dict[str, object]:
    interaction = next(
        i for i in load_directory(bundled_directory()) if i.uri.endswith("/6c3d9e2f1a7b")
    )
    template: dict[str, object] = json.loads(interaction.body)
    return template


def scale_cassette(directory: Path, runs: int) -> dict[str, list[str]]:
    """``runs`` Report Runs of Report ``REPORT``: every third over two pages, each page
    of two Query Runs; returns each Report Run's Query Run tokens, in order."""
    template = _query_run_template()
    expected: dict[str, list[str]] = {}
    interactions = []
    for n in range(runs):
        run = f"rr{n:010d}"
        base = f"/api/acme/reports/{REPORT}/runs/{run}/query_runs"
        hrefs = [base, f"{base}?page=2"] if n % 3 == 0 else [base]
        expected[run] = []
        for page, href in enumerate(hrefs):
            tokens = [f"q{n:05d}p{page}r{i}" for i in range(2)]
            expected[run] += tokens
            query_runs = []
            for token in tokens:
                query_run = copy.deepcopy(template)
                query_run["token"] = token
                query_runs.append(query_run)
            links: dict[str, object] = {"self": {"href": href}}
            if page + 1 < len(hrefs):
                links["next_page"] = {"href": hrefs[page + 1]}
            body = {"_links": links, "_embedded": {"query_runs": query_runs}}
            interactions.append(recorded(href, body))
    dump_cassette(interactions, directory / "scale.yaml")
    return expected


@contextlib.contextmanager
def rate_limited(
    tmp_path: Path, runs: int, rate_limit: str
) -> Iterator[tuple[MockServer, dict[str, list[str]]]]:
    expected = scale_cassette(tmp_path, runs)
    with MockServer(tmp_path, rate_limit=rate_limit) as server:
        yield server, expected


def _pairs(expected: dict[str, list[str]]) -> list[tuple[str, str]]:
    runs = list(expected)
    return (
        [(REPORT, run) for run in runs[:3]]
        + [(REPORT, MISSING)]
        + [(REPORT, run) for run in runs[3:]]
    )


def _check(results: list[ReportRunQueryRuns], expected: dict[str, list[str]], base: str) -> None:
    pairs = _pairs(expected)
    assert [(r.report, r.run) for r in results] == pairs
    for result in results:
        if result.run == MISSING:
            assert not result.ok
            assert result.query_runs == []
            assert isinstance(result.error, NotFoundError)
            assert str(result.error) == (
                f"HTTP 404 [not_found] Not found (GET {base}/acme/reports/{REPORT}/runs/"
                f"{MISSING}/query_runs)"
            )
        else:
            assert result.ok, result.error
            assert result.error is None
            assert [q.token for q in result.query_runs] == expected[result.run]


def _client(server: MockServer, max_retries: int = 2) -> ModeClient:
    return ModeClient(
        DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url, max_retries=max_retries
    )


def _async_client(server: MockServer) -> AsyncModeClient:
    return AsyncModeClient(DEMO_ACCOUNT, DEMO_TOKEN, DEMO_SECRET, base_url=server.base_url)


# --- the rate-limited mock server -----------------------------------------------------


def test_rate_limited_mock_answers_modes_429_with_whole_seconds(tmp_path: Path) -> None:
    with rate_limited(tmp_path, 1, "0.5/2") as (server, _):
        url = f"{server.base_url}/acme/reports/{REPORT}/runs/rr0000000000/query_runs"
        with httpx.Client(auth=(DEMO_TOKEN, DEMO_SECRET)) as http:
            statuses = [http.get(url).status_code for _ in range(2)]
            limited = http.get(url)
        with httpx.Client(auth=("someone", "else")) as other:
            unauthorized = other.get(url)
    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert limited.json() == RATE_LIMITED
    assert limited.headers["Retry-After"] == "2"
    assert limited.headers["Content-Type"] == "application/hal+json"
    assert unauthorized.status_code == 401  # another credential: another bucket
    assert server.buckets is not None and server.buckets.limited == 1


def test_leaky_bucket_drains_at_its_rate() -> None:
    now = [0.0]
    buckets = LeakyBuckets(RateLimit(2.0, 3), clock=lambda: now[0])
    assert [buckets.retry_after("a") for _ in range(3)] == [None, None, None]
    assert buckets.retry_after("a") == 1
    assert buckets.retry_after("b") is None
    now[0] = 0.5  # one request drained
    assert buckets.retry_after("a") is None
    assert buckets.retry_after("a") == 1
    now[0] = 10.0
    assert [buckets.retry_after("a") for _ in range(4)] == [None, None, None, 1]
    assert buckets.limited == 3
    slow = LeakyBuckets(RateLimit(0.25, 1), clock=lambda: 0.0)
    assert [slow.retry_after("a"), slow.retry_after("a")] == [None, 4]


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("50/10", RateLimit(50, 10)),
        ("50", RateLimit(50, 50)),
        ("2.5", RateLimit(2.5, 3)),
        ("0.5", RateLimit(0.5, 1)),
        (" 4 / 2 ", RateLimit(4, 2)),
    ],
)
def test_parse_rate_limit(text: str, limit: RateLimit) -> None:
    assert parse_rate_limit(text) == limit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "'' is not RATE[/BURST] (requests per second, e.g. 50/10)"),
        ("fast", "'fast' is not RATE[/BURST] (requests per second, e.g. 50/10)"),
        ("5/1.5", "'5/1.5' is not RATE[/BURST] (requests per second, e.g. 50/10)"),
        ("-1", "'-1' is not RATE[/BURST] (requests per second, e.g. 50/10)"),
        ("0/1", "'0/1': the rate must be a number of requests per second above 0, not 0.0"),
        ("5/0", "'5/0': the burst must be at least 1 request, not 0"),
    ],
)
def test_parse_rate_limit_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_rate_limit(text)
    assert str(caught.value) == message


def test_mock_server_refuses_a_bad_rate_limit() -> None:
    with pytest.raises(ValueError) as caught:
        MockServer(rate_limit="50/")
    assert str(caught.value) == "'50/' is not RATE[/BURST] (requests per second, e.g. 50/10)"


# --- bulk listing, end to end -----------------------------------------------------------


def test_list_query_runs_many_sync_every_pair_in_input_order(tmp_path: Path) -> None:
    with rate_limited(tmp_path, 12, "200/50") as (server, expected), _client(server) as mode:
        results = list(mode.list_query_runs_many(_pairs(expected), concurrency=4))
    _check(results, expected, server.base_url)


def test_list_query_runs_many_async_every_pair_in_input_order(tmp_path: Path) -> None:
    async def main(server: MockServer) -> list[ReportRunQueryRuns]:
        async with _async_client(server) as mode:
            return [r async for r in mode.list_query_runs_many(_pairs(expected), concurrency=4)]

    with rate_limited(tmp_path, 12, "200/50") as (server, expected):
        results = asyncio.run(main(server))
    _check(results, expected, server.base_url)


def test_a_429_storm_ends_with_every_pair_done_sync(tmp_path: Path) -> None:
    # 4 requests per second, a burst of 2, 8 at a time: most first tries get 429.
    with rate_limited(tmp_path, 9, "4/2") as (server, expected), _client(server) as mode:
        results = list(mode.list_query_runs_many(_pairs(expected)))
        assert server.buckets is not None and server.buckets.limited > 0
    _check(results, expected, server.base_url)


def test_a_429_storm_ends_with_every_pair_done_async(tmp_path: Path) -> None:
    async def main(server: MockServer) -> list[ReportRunQueryRuns]:
        async with _async_client(server) as mode:
            return [r async for r in mode.list_query_runs_many(_pairs(expected))]

    with rate_limited(tmp_path, 9, "4/2") as (server, expected):
        results = asyncio.run(main(server))
        assert server.buckets is not None and server.buckets.limited > 0
    _check(results, expected, server.base_url)


def test_the_pace_applies_to_every_method(tmp_path: Path) -> None:
    """A 429 to one request pauses the others: the client's pace saw it and slowed down."""
    with rate_limited(tmp_path, 2, "1/1") as (server, expected), _client(server) as mode:
        url = f"/api/acme/reports/{REPORT}/runs/rr0000000001/query_runs"
        tokens = expected["rr0000000001"]
        assert [q.token for q in mode.list_query_runs(REPORT, "rr0000000001")] == tokens
        page = mode.follow(url)  # the bucket is full: 429, Retry-After 1, then retried
        assert [q["token"] for q in page.to_dict()["_embedded"]["query_runs"]] == tokens
        pace = mode._paced.pace
        assert pace.slowdowns == 1
        assert pace.rate is not None
        assert server.buckets is not None and server.buckets.limited == 1


def test_rate_limit_error_once_retries_are_spent(tmp_path: Path) -> None:
    with (
        rate_limited(tmp_path, 1, "0.01/2") as (server, _),
        _client(server, max_retries=0) as mode,
    ):
        assert len(list(mode.list_query_runs(REPORT, "rr0000000000"))) == 4
        with pytest.raises(RateLimitError) as caught:
            list(mode.list_query_runs(REPORT, "rr0000000000"))
    assert caught.value.retry_after == "100"
    assert caught.value.error_id == "rate_limited"


@pytest.mark.parametrize(
    ("report_runs", "concurrency", "message"),
    [
        ([(REPORT, "run")], 0, "concurrency must be a whole number of at least 1, not 0"),
        ([(REPORT, "run")], True, "concurrency must be a whole number of at least 1, not True"),
        ([(REPORT, "")], 8, "report_runs[0]: run '' is not a valid token"),
        ([(REPORT, "a"), ("..", "b")], 8, "report_runs[1]: report '..' is not a valid token"),
        ([(REPORT, "a"), "ab"], 8, "report_runs[1] is not a (report, run) pair of strings"),
        ([(REPORT, "a", "b")], 8, "report_runs[0] is not a (report, run) pair of strings"),
        ([(REPORT, 1)], 8, "report_runs[0] is not a (report, run) pair of strings"),
    ],
)
def test_list_query_runs_many_refuses_bad_input_before_any_request(
    mock_server: MockServer, report_runs: list[object], concurrency: int, message: str
) -> None:
    mock_server.requests.clear()
    with (
        _client(mock_server) as mode,
        pytest.raises(ValueError) as sync_caught,
    ):
        mode.list_query_runs_many(report_runs, concurrency=concurrency)  # type: ignore[arg-type]

    async def main() -> None:
        async with _async_client(mock_server) as mode:
            mode.list_query_runs_many(report_runs, concurrency=concurrency)  # type: ignore[arg-type]

    with pytest.raises(ValueError) as async_caught:
        asyncio.run(main())
    assert str(sync_caught.value) == str(async_caught.value) == message
    assert mock_server.requests == []


def test_list_query_runs_many_stops_early(tmp_path: Path) -> None:
    async def main(server: MockServer) -> list[str]:
        async with _async_client(server) as mode:
            runs = mode.list_query_runs_many(_pairs(expected), concurrency=2)
            async with contextlib.aclosing(runs) as results:
                async for result in results:
                    return [result.run]
        return []

    with rate_limited(tmp_path, 30, "1000/1000") as (server, expected):
        assert asyncio.run(main(server)) == ["rr0000000000"]
        with _client(server) as mode:
            results = mode.list_query_runs_many(_pairs(expected), concurrency=2)
            assert next(results).run == "rr0000000000"
            results.close()
        # Only the pairs fetched ahead were requested, not all 31.
        assert len(server.requests) < 20


# --- the pace's policy ------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _limited(retry_after: str | None = "1") -> RateLimitError:
    return RateLimitError(
        "Too many requests",
        status=429,
        error_id="rate_limited",
        method="GET",
        url="https://app.mode.com/api/acme",
        retry_after=retry_after,
    )


def _started(pace: Pace) -> Ticket:
    ticket = pace.reserve()
    assert pace.start(ticket)
    return ticket


def test_pace_a_429_pauses_halves_in_flight_and_sets_a_rate() -> None:
    clock = Clock()
    pace = Pace(8, clock=clock)
    tickets = []
    for _ in range(8):
        pace.enter()
        tickets.append(_started(pace))
        clock.now += 0.01
    assert pace.limit() is None and pace.rate is None
    assert pace.rate_limited(tickets[5], _limited("2")) is True
    assert pace.resume_at == clock.now + 2
    assert pace.limit() == 4
    assert pace.rate == pytest.approx(5 / 0.05 / 2)  # half the rate it was sending at
    rate = pace.rate
    assert rate is not None
    # Requests already in flight that get 429 too are stale: no further slow-down.
    assert pace.rate_limited(tickets[6], _limited("1")) is False
    assert pace.settle(tickets[7], _limited("1"), 0) is True
    assert pace.settle(tickets[7], _limited("1"), STALE_RETRIES) is False
    assert pace.slowdowns == 1
    assert pace.limit() == 4
    # Every later request waits out the pause, then starts 1 / rate apart.
    first, second = pace.reserve(), pace.reserve()
    assert first.at == clock.now + 2
    assert second.at == pytest.approx(first.at + 1 / rate)


def test_pace_without_retry_after_backs_off() -> None:
    clock = Clock()
    pace = Pace(clock=clock, policy=RetryPolicy(backoff_initial=0.5, jitter=0))
    pace.enter()
    pace.rate_limited(_started(pace), _limited(None))
    assert pace.resume_at == clock.now + 0.5
    clock.now += 1
    pace.rate_limited(_started(pace), _limited(None))
    assert pace.resume_at == clock.now + 1.0  # the second slow-down in a row: doubled


def test_pace_in_flight_climbs_back_and_is_lifted() -> None:
    clock = Clock()
    pace = Pace(4, clock=clock)
    for _ in range(4):
        pace.enter()
    pace.rate_limited(_started(pace), _limited())
    assert pace.limit() == 2
    assert not pace.may_enter()
    windows = []
    for _ in range(6):
        pace.answered()
        windows.append(pace.limit())
    assert windows == [2, 2, 3, 3, 3, None]  # +1 per window's worth, lifted at 4


def test_pace_a_reservation_made_before_a_429_is_made_again() -> None:
    clock = Clock()
    pace = Pace(clock=clock)
    pace.enter()
    early = pace.reserve()
    pace.rate_limited(_started(pace), _limited("3"))
    assert not pace.start(early)
    assert pace.reserve().at == clock.now + 3


def _stretch(pace: Pace, clock: Clock, count: int, seconds: float, pause: float) -> None:
    """``count`` requests in ``seconds`` after ``pause``, then a 429 to the next one."""
    clock.now += pause
    first = _started(pace)
    for _ in range(count - 1):
        _started(pace)
    clock.now = first.at + seconds
    pace.rate_limited(_started(pace), _limited())


def test_pace_far_too_fast_restarts_at_twice_what_came_through() -> None:
    """8 requests in 0.1 s after a 1.5 s pause: 10 per second, not 85% of 80."""
    clock = Clock()
    pace = Pace(clock=clock)
    pace.enter()
    _stretch(pace, clock, 160, 1.0, 0.0)  # the first stretch: half of 160 per second
    assert pace.rate == pytest.approx(80)
    _stretch(pace, clock, 8, 0.1, 1.5)
    assert pace.rate == pytest.approx(2 * 8 / 1.6)


def test_pace_a_steady_stretch_measures_the_buckets_rate() -> None:
    """Sent steadily at 150/s from an empty bucket of 12, full after 0.4 s: 120/s."""
    clock = Clock()
    pace = Pace(clock=clock)
    pace.enter()
    _stretch(pace, clock, 12, 0.04, 0.0)  # 300/s: the bucket holds about 12
    assert pace.rate == pytest.approx(150)
    _stretch(pace, clock, 60, 0.4, 0.5)
    assert pace.rate == pytest.approx(150 - 12 / 0.4)
    rate = pace.rate
    assert rate is not None
    for _ in range(10):
        pace.answered()
    assert pace.rate == pytest.approx(rate + 10 * 0.01)  # at its measure: probing slowly


def test_pace_climbs_back_quickly_to_near_where_the_429_came() -> None:
    clock = Clock()
    pace = Pace(clock=clock)
    pace.enter()
    _stretch(pace, clock, 10, 0.1, 0.0)
    assert pace.rate == pytest.approx(50)
    pace.answered()
    assert pace.rate == pytest.approx(50.1)  # no 429 at a pace yet: quickly
    _stretch(pace, clock, 200, 4.0, 1.0)  # a 429 at 50.1/s: 85% of it
    assert pace.rate == pytest.approx(0.85 * 50.1)
    for _ in range(100):
        pace.answered()
    # 26 quick steps (0.1/s each) to 90% of 50.1, then 74 slow ones (0.01/s each).
    assert pace.rate == pytest.approx(0.85 * 50.1 + 26 * 0.1 + 74 * 0.01)


def test_pace_a_429_to_the_first_request_after_a_pause_halves_the_rate() -> None:
    clock = Clock()
    pace = Pace(clock=clock)
    pace.enter()
    _stretch(pace, clock, 10, 0.1, 0.0)
    assert pace.rate == pytest.approx(50)
    clock.now += 1.0
    pace.rate_limited(_started(pace), _limited())  # another client took the bucket
    assert pace.rate == pytest.approx(25)


def test_pace_refuses_a_concurrency_below_one() -> None:
    with pytest.raises(ValueError) as caught:
        Pace(0)
    assert str(caught.value) == "concurrency must be at least 1, not 0"


def test_readme_many_report_runs_example(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from test_readme_usage import run

    lines = run("Many Report Runs at once", mock_server, monkeypatch, tmp_path)
    assert lines == [
        "8f3e2d1c0b9a ['6c3d9e2f1a7b']",
        f"ffffffffffff failed: HTTP 404 [not_found] Not found (GET {mock_server.base_url}"
        "/acme/reports/a1b2c3d4e5f6/runs/ffffffffffff/query_runs)",
    ]
