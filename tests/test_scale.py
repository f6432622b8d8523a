"""At scale: bulk listing, one pace per client, and the rate-limited mock server.

End to end against :class:`MockServer` with ``rate_limit`` (a leaky bucket per credential
answering Mode's ``429``); the pace's policy on its own with a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import time
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
from mode_query_runs.bulk import AHEAD
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
        pace = mode._session.pace
        assert pace.events == 1  # the 429 after two answers let through: a rate is set
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
    """A consumer that holds the first result: the pairs started ahead of it (``AHEAD *
    concurrency``, and the one started when it was taken) are requested, no more of the
    31 (each page of theirs); closing then requests nothing more."""
    window = AHEAD + 1  # concurrency 1

    async def main(server: MockServer) -> list[str]:
        async with _async_client(server) as mode:
            runs = mode.list_query_runs_many(_pairs(expected), concurrency=1)
            async with contextlib.aclosing(runs) as results:
                async for result in results:
                    for _ in range(1000):  # up to 10 s for the window to fill
                        if len(server.requests) >= pages:
                            break
                        await asyncio.sleep(0.01)
                    await asyncio.sleep(0.2)  # and nothing past it
                    return [result.run]
        return []

    with rate_limited(tmp_path, 30, "1000/1000") as (server, expected):
        # The missing Report Run's 404, and each page of two Query Runs of the others.
        pages = sum(
            1 if run == MISSING else len(expected[run]) // 2 for _, run in _pairs(expected)[:window]
        )
        assert asyncio.run(main(server)) == ["rr0000000000"]
        assert len(server.requests) == pages == 23
        with _client(server) as mode:
            results = mode.list_query_runs_many(_pairs(expected), concurrency=1)
            assert next(results).run == "rr0000000000"
            for _ in range(1000):
                if len(server.requests) >= 2 * pages:
                    break
                time.sleep(0.01)
            time.sleep(0.2)
            results.close()
        assert len(server.requests) == 2 * pages


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
