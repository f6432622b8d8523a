"""The client's pace (issue 20): its policy alone, on a simulated clock.

Against simulated leaky buckets (:mod:`pace_sim`: no sleeping, no threads, the same
figures every run) and step by step. End to end: ``test_pace_e2e.py``.
"""

from __future__ import annotations

import math

import pytest
from pace_sim import Bucket, simulate

from mode_query_runs import RateLimitError
from mode_query_runs.pace import SHARE, Pace
from mode_query_runs.retries import RetryPolicy
from scripted import Scripted
from support import SEED_PAGE

RUN = "8f3e2d1c0b9a"
OK = Scripted(200, SEED_PAGE.read_bytes())
QUICK = RetryPolicy(backoff_initial=0.01, backoff_max=0.02, jitter=0.0, total_timeout=0.5)


# --- the policy on a simulated clock --------------------------------------------------

MATRIX = [
    Bucket(20, 3, 0.020, "absent"),
    Bucket(50, 10, 0.020, "seconds"),
    Bucket(90, 20, 0.005, "date"),
    Bucket(100, 20, 0.010, "absent"),
    Bucket(20, 5, 0.050, "date"),
    Bucket(30, 3, 0.050, "date"),
    Bucket(100, 5, 0.001, "seconds"),
]
SLOW = [
    Bucket(5, 1, 0.100, "seconds"),
    Bucket(8, 2, 0.100, "seconds"),
    Bucket(12, 1, 0.020, "absent"),
    Bucket(70, 1, 0.020, "date"),
]


@pytest.mark.parametrize("bucket", MATRIX, ids=str)
def test_the_policy_fills_a_bucket_it_knows_nothing_about(bucket: Bucket) -> None:
    """A minute of the bucket's time, 8 in flight, a cold start."""
    found = simulate(bucket, 60.0)
    assert found.failed == 0
    assert found.throughput >= 0.9
    assert found.share_429 <= 0.03


@pytest.mark.parametrize("bucket", SLOW, ids=str)
def test_on_a_slow_or_one_request_bucket_the_cold_start_costs_its_429s(bucket: Bucket) -> None:
    """The requests in flight when the first 429 comes (up to 8) are answered 429 too:
    more than 3% of a minute's job at a few requests a second. The rate is filled."""
    found = simulate(bucket, 60.0)
    assert found.throughput >= 0.9
    assert found.steady >= 0.9
    assert found.failed <= 1


@pytest.mark.parametrize("bucket", MATRIX + SLOW, ids=str)
def test_the_policy_is_deterministic(bucket: Bucket) -> None:
    assert simulate(bucket, 10.0, seed=3) == simulate(bucket, 10.0, seed=3)


@pytest.mark.parametrize("bucket", MATRIX[2:], ids=str)
def test_the_policy_is_back_within_ten_seconds_after_a_burst_of_429s(bucket: Bucket) -> None:
    """Every request is answered 429 for 3 s (another client took the bucket)."""
    found = simulate(bucket, 60.0, outage=(20.0, 23.0))
    assert found.steady >= 0.9  # the second half of the job: 7 s after the outage on


@pytest.mark.parametrize("bucket", MATRIX, ids=str)
def test_a_known_rate_starts_at_that_pace(bucket: Bucket) -> None:
    found = simulate(bucket, 20.0, rate_limit=bucket.rate * 0.95)
    assert (found.limited, found.failed) == (0, 0)
    assert found.throughput >= 0.9


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _limited(retry_after: str | None = "1") -> RateLimitError:
    return RateLimitError("Too many requests", status=429, method="GET", retry_after=retry_after)


def test_an_event_sets_the_rate_from_what_the_bucket_let_through() -> None:
    clock = Clock()
    pace = Pace(clock=clock)
    first = [pace.reserve() for _ in range(11)]
    assert first == [(100.0, 0)] * 11  # no rate yet: as fast as they come
    clock.now += 0.1
    for _ in range(10):
        pace.answered(0)
    assert pace.limited(0, _limited()) == -1  # the first event: the client's retries decide
    assert pace.events == 1
    assert pace.high == pytest.approx(110.0)  # 11 sent in 0.1 s
    # 10 let through in 0.1 s; by the share of answers, 10 of 11: between, in ratio.
    assert pace.rate == pace.low == pytest.approx(math.sqrt(100.0 * 100.0 * 10 / 11))
    assert pace.burst == 10
    # Requests reserved before the event and answered 429 since are stale, and a 429 with
    # nothing let through since the event is part of it: the pace sends them again after
    # their Retry-After, without another event.
    assert pace.limited(0, _limited("2")) == 2.0
    assert pace.limited(1, _limited()) == 1.0
    assert pace.events == 1


def test_requests_start_at_the_rate_spaced_by_the_token_bucket() -> None:
    clock = Clock()
    pace = Pace(4.0, clock=clock)
    assert [pace.reserve()[0] for _ in range(3)] == [100.0, 100.25, 100.5]
    clock.now = 103.0
    assert pace.reserve()[0] == 103.0


def test_a_rate_is_proven_over_one_share_of_answers_then_probed_halfway_up() -> None:
    clock = Clock()
    pace = Pace(clock=clock)
    for _ in range(51):
        pace.reserve()
    clock.now += 1.0
    for _ in range(50):
        pace.answered(0)
    pace.limited(0, _limited())  # 50 let through in 1 s, then a 429
    assert pace.high == 51.0
    assert pace.rate == pytest.approx(50 * math.sqrt(50 / 51))
    rate = pace.rate
    assert rate is not None
    # Proof: 1 / SHARE answers (a rate past ``high`` by less than SHARE * burst).
    for _ in range(round(1 / SHARE) - 1):
        pace.answered(1)
    assert pace.rate == rate
    pace.answered(1)
    assert pace.low == rate
    assert pace.rate == pytest.approx((rate + 51.0) / 2)
    # A 429 at the probe: back to the proven rate, the probe the new high.
    probe = pace.rate
    pace.answered(1)
    pace.limited(1, _limited())
    assert (pace.low, pace.high, pace.rate) == (rate, probe, rate)


def test_a_rate_far_below_the_high_one_is_proven_sooner() -> None:
    """A rate x below ``high`` is proven after burst / x answers (at least one)."""
    clock = Clock()
    pace = Pace(clock=clock)
    pace.reserve()
    clock.now += 1.0
    pace.answered(0)
    pace.limited(0, _limited())  # one let through in 1 s: burst 1, high 1/s
    pace.low = pace.rate = 0.25  # as after an event measured at a quarter of high
    pace.answered(1)
    assert pace.low == 0.25  # 4 times below high: proven at once
    assert pace.rate == pytest.approx(0.625)  # halfway to high


def test_a_proven_rate_that_fails_is_measured_anew() -> None:
    clock = Clock()
    pace = Pace(10.0, clock=clock)
    pace.reserve()
    pace.answered(0)
    assert pace.low == 10.0  # proven; probing past the rate given is not allowed
    assert pace.rate == 10.0
    clock.now += 2.0
    for _ in range(9):
        pace.answered(0)
    pace.limited(0, _limited())  # the bucket got slower: 10 in 2 s, then a 429
    assert pace.rate == pace.low == pytest.approx(math.sqrt(5.0 * 10.0 * 10 / 11))


def test_a_known_rate_is_never_exceeded() -> None:
    pace = Pace(2.5, clock=Clock())
    assert (pace.rate, pace.limit) == (2.5, 2.5)
    for generation in range(3):
        for _ in range(100):
            pace.answered(generation)
    assert pace.rate == 2.5


def test_a_retry_after_past_the_deadline_holds_the_client_at_most_that_long() -> None:
    clock = Clock()
    pace = Pace(clock=clock)
    pace.reserve()
    with pytest.raises(RateLimitError) as first:
        pace.limited(0, _limited("3600"), deadline=clock.now + 60)
    assert first.value.retry_after_seconds == 3600.0
    clock.now += 10
    with pytest.raises(RateLimitError) as held:
        pace.reserve(deadline=clock.now + 60)  # would wait 3590 s: refused, not sent
    assert held.value.retry_after_seconds == 3590.0
    assert str(held.value) == (
        "HTTP 429 rate limited, not sent: Mode asked to wait 3590 s more, past this call's deadline"
    )
    clock.now += 50  # the first call's deadline: the hold ends
    assert pace.reserve(deadline=clock.now + 60) == (clock.now, 0)


def test_a_retry_after_within_the_deadline_holds_only_its_request() -> None:
    clock = Clock()
    pace = Pace(clock=clock)
    pace.reserve()
    assert pace.limited(0, _limited("30"), deadline=clock.now + 60) == -1
    assert pace.reserve(deadline=clock.now + 60) == (clock.now, 0)
