"""The pace against hostile inputs within issue 20's range, on the simulator (``pace_sim``).

Issue 20 asks: on any leaky bucket of 5-100 requests/s, burst 1-20, ``Retry-After`` in seconds,
as an HTTP date or absent, 0-100 ms of latency, a job of at least 10 s of the bucket's
time reaches 0.9 of its rate with at most 3% of its requests answered 429, and no request
runs out of tries. Each fault found is an ``xfail(strict=True)`` test with its figures
(none needs timing noise: most have none at all); the scenarios that hold are plain
tests. Bucket rates that change mid-job are outside issue 20's range: their tests say so.
"""

from __future__ import annotations

import pace_sim
import pytest
from pace_sim import Bucket, simulate

from mode_query_runs.pace import Pace
from mode_query_runs.testing.ratelimit import LeakyBuckets, RateLimit

# --- faults: requests that run out of tries ---------------------------------------------


def test_a_request_refused_once_is_not_refused_by_every_probe_after_it() -> None:
    """5/s burst 2, 50 ms, 16 in flight in input order, first connections 40 ms: request 1
    was refused by the slow start, its retry by the doubling (11.1/s) and its last try by
    the bisection (8.33/s), each probe raised just before the retry was due: failed 1.
    Only answers to requests sent after the latest refused one was due again raise the
    pace now: 0 failed, 0.995, 2.3% 429 (7 of 307). 5/s burst 1, 5 ms, no Retry-After: request 10
    was refused at 41.6/s, 9.85/s, 7.39/s, as the 429s to requests sent after the first
    guess counted as part of its event; before any rate is proven each is an event of its
    own now (the rate halves): 0 failed, 0.917 (5.7% 429 of this 20 s job: 6 of 106)."""
    slow = simulate(Bucket(5, 2, 0.050, "seconds"), 60.0, workers=16, connect=0.04)
    small = simulate(Bucket(5, 1, 0.005, "absent"), 20.0, workers=16, seed=2)
    assert [slow.failed, small.failed] == [0, 0]
    assert [slow.limited, small.limited] == [7, 6]


class _Proving(Pace):
    """A pace that keeps the highest rate it ever held proven."""

    most = 0.0

    def answered(self, generation: int, sent: float | None = None) -> None:
        super().answered(generation, sent)
        _Proving.most = max(_Proving.most, self.proven)


def test_answers_held_back_by_a_waiting_request_prove_no_rate_above_the_buckets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """60/s burst 1, 20 ms, 2 in flight: while one waited out a Retry-After, the other's
    answers (at most 50/s) 'proved' 25, 50, 100/s, and 200/s, 150/s and the false proven
    100/s were each refused when the waiting request came back, the same request each
    time (failed 1, 0.857). Answers to requests sent before the refused one is due again
    raise nothing now: nothing above 63/s is proven, 0 failed, 0.836 of this 10 s job
    (0.93 over its second half), 5 answers 429."""
    monkeypatch.setattr(pace_sim, "Pace", _Proving)
    _Proving.most = 0.0
    found = simulate(Bucket(60, 1, 0.020, "seconds"), 10.0, workers=2, in_order=False)
    assert _Proving.most <= 60 * 1.05
    assert found.failed == 0


def test_answers_read_close_together_set_no_pace_on_a_one_request_bucket() -> None:
    """100/s burst 1, 1 ms, 8 in flight in input order, answers read 2.3 ms late on
    average: two answers read microseconds apart prove 'a rate' of thousands a second.
    A rule that took the pace to such a proof once it passed twice ``high`` (tried:
    d2691dc) refused about half the requests (0.05 of the rate, 2,087 failed over 8
    seeds, in a hostile sweep of 14,304 simulated jobs). Here: at most 1.6% 429 (8-31 of
    2,000), 0.86-0.98 of the rate; a request may run out of tries (the xfail below)."""
    found = [
        simulate(Bucket(100, 1, 0.001, "seconds"), 20.0, back=0.00231, seed=seed)
        for seed in range(4)
    ]
    assert max(f.share_429 for f in found) <= 0.016
    assert min(f.throughput for f in found) >= 0.85


@pytest.mark.xfail(
    strict=True,
    reason="answers read close together still prove a false low (188/s on this 100/s "
    "bucket): each event at it goes only 2% below (low = sent * 0.98), a descent of about "
    "3 s, and a request's three tries, 1 s apart, can all fall in it: 4 of 48,000 requests "
    "failed over 24 seeds (1, 10, 11), 3 with AHEAD 4 (10, 21): the window only moves them",
)
def test_answers_read_close_together_fail_no_request_over_many_seeds() -> None:
    """The case above over 24 seeds: no request runs out of tries."""
    found = [
        simulate(Bucket(100, 1, 0.001, "seconds"), 20.0, back=0.00231, seed=seed)
        for seed in range(24)
    ]
    assert [f.failed for f in found] == [0] * 24


def test_late_first_connections_leave_no_low_ceiling_on_a_deep_bucket() -> None:
    """70/s burst 10, 5 ms, no Retry-After, 4 in flight, each first request 22.5 ms late
    (it opens a connection): 429s in a row bound the rate by the time between them, and
    measured between their sends (which leave the connection out) that bound was 28/s, a
    ceiling the pace crept towards for the whole job (0.38 of the rate, d2691dc). Measured
    between the 429s as read: 0.968-0.972, 6 answers 429, over 4 seeds."""
    found = [
        simulate(
            Bucket(70, 10, 0.005, "absent"),
            30.0,
            workers=4,
            in_order=False,
            connect=0.0225,
            seed=seed,
        )
        for seed in range(4)
    ]
    assert [f.limited for f in found] == [6] * 4
    assert min(f.throughput for f in found) >= 0.96


# --- faults: the pace collapses -----------------------------------------------------------


class _Last(Pace):
    """A pace that keeps the last instance made, to read its state after a job."""

    last: Pace | None = None

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _Last.last = self


def test_a_rate_the_answers_prove_lifts_the_pace_past_a_stale_high(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """100/s burst 1, 0 ms, 8 in flight, first connections 40 ms: the doubling 12.5 ->
    25/s, 0.24 s in, was refused (two late first requests reached the bucket together),
    high 25/s, then the answers proved 75/s by 0.8 s and the pace crept up 1% a proof
    under that high (25.1/s when the 2000 requests ended, 80 s in: 0.245 of the rate).
    Raised only by answers to requests sent after the slow start's refused ones were due
    again (1 s), the doubling now comes once the connections are open: 12.5, 25, 50, 100,
    200/s (refused), 0.853 of the rate over this 20 s job (the first 2.6 s learning it),
    0.98 over its second half, 5 answers 429. (Forgetting ``high`` once the answers proved
    twice it also passed this, but adopted rates proved by answers read a few
    microseconds apart on one-request buckets: see the next test.)"""
    monkeypatch.setattr(pace_sim, "Pace", _Last)
    found = simulate(Bucket(100, 1, 0.0, "seconds"), 20.0, workers=8, seed=2, connect=0.04)
    pace = _Last.last
    assert pace is not None and pace.rate is not None
    assert pace.rate >= pace.low * 0.9
    assert found.steady >= 0.9
    assert found.throughput >= 0.85


@pytest.mark.xfail(
    strict=True,
    reason="one request at a time: each event costs a Retry-After with nothing in flight, and"
    " the slow start's guess (50/s on 20/s burst 1, 5 ms) is halved twice (2 events, about"
    " 1.7 s each) before answers prove a rate: 0.565 of the rate in 10 s (date), 0.824 in"
    " 30 s, 0.888 in 60 s (seconds; 0.455, 0.728, 0.83 when the wait counted as time the"
    " bucket let nothing through)",
)
def test_one_request_at_a_time_fills_the_bucket() -> None:
    short = simulate(Bucket(20, 1, 0.005, "date"), 10.0, workers=1, seed=3)
    longer = simulate(Bucket(20, 1, 0.005, "seconds"), 30.0, workers=1, seed=3)
    assert min(short.throughput, longer.throughput) >= 0.9


def test_a_slow_one_request_bucket_with_a_short_round_trip_is_filled() -> None:
    """5/s burst 1, 5 ms, 8 in flight, 60 s: the slow start guessed 50/s (8 429s as one
    event), the next guess 0.87/s (its Retry-After counted as time the bucket let nothing
    through), and the failed doubling from 3.47/s held 3.47/s for 1 / SHARE answers
    (29 s): 0.700 (date), 0.771 (seconds), 3.85% 429. Each 429 after the guess halves it
    now, and a wait with nothing in flight is not counted: 0.903, 0.904, 2.3% 429 (the
    probe that fails from 4/s, 26 s in, holds 4/s for 1 / SHARE answers: 25 s)."""
    found = [
        simulate(Bucket(5, 1, 0.005, kind), 60.0, workers=8, seed=seed)
        for kind, seed in [("date", 1), ("seconds", 0)]
    ]
    assert min(f.throughput for f in found) >= 0.9
    assert max(f.share_429 for f in found) <= 0.03


# --- faults: the pace stampedes ---------------------------------------------------------


def test_the_slow_starts_guess_does_not_stampede_a_slow_bucket_with_no_round_trip() -> None:
    """5/s burst 3, 0 ms, 16 in flight, 60 s: the slow start's guess is what it let
    through per second, 1.5 million/s with no latency, and halving it took a 429 each: 22
    (6.8%). 429s in a row with nothing let through between bound the rate now (the bucket
    full at each, it drains less than one request in the time between): 9 (2.9%), 1.0 of
    the rate."""
    small = simulate(Bucket(5, 3, 0.0, "seconds"), 60.0, workers=16, in_order=False)
    assert (small.limited, small.failed) == (9, 0)
    assert small.throughput >= 0.9


@pytest.mark.xfail(
    strict=True,
    reason="a deep slow bucket with a short round trip: 5/s burst 20, 5 ms, 8 in flight,"
    " 60 s: the slow start lets the 20 through within 25 ms, its 7 other requests in flight"
    " are refused, its guess is 400/s, and 5 more 429s bring it down to the rate: 12 429"
    " (3.8%; 19, 6.0%, before 429s in a row bounded the rate), every seed",
)
def test_the_slow_starts_guess_does_not_stampede_a_deep_slow_bucket() -> None:
    deep = simulate(Bucket(5, 20, 0.005, "seconds"), 60.0, workers=8, in_order=False)
    assert deep.share_429 <= 0.03


# --- outside issue 20's range: a bucket whose rate changes mid-job -----------------------


def _changing(at: float, rate: float) -> type[LeakyBuckets]:
    class Changing(LeakyBuckets):
        def retry_after(self, credential: str) -> int | None:
            if self._clock() >= at and self.limit.rate != rate:
                self.limit = RateLimit(rate, self.limit.burst)
            return super().retry_after(credential)

    return Changing


@pytest.mark.xfail(
    strict=True,
    reason="outside issue 20 (a fixed bucket): 12/s burst 1 slows to 5/s at 20 s: each"
    " event at a rate the old answers proved goes only 2% below it (low = sent * 0.98),"
    " so the pace takes about 45 events (15 s) down to 5/s and requests are refused again"
    " and again: failed 6 (in order) and 4, 7% 429",
)
def test_a_bucket_that_slows_down_mid_job_fails_no_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pace_sim, "LeakyBuckets", _changing(20.0, 5.0))
    found = [
        simulate(Bucket(12, 1, 0.020, "seconds"), 60.0, in_order=order) for order in (True, False)
    ]
    assert [f.failed for f in found] == [0, 0]


@pytest.mark.xfail(
    strict=True,
    reason="outside issue 20 (a fixed bucket): 5/s burst 1 grows to 12/s at 20 s: within"
    " 2% of high the pace goes 1% past it a proof of 101 answers (20 s at 5/s): 4.9995/s"
    " at 40 s, 0.42 of the new rate over the job's second half",
)
def test_a_bucket_that_grows_mid_job_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pace_sim, "LeakyBuckets", _changing(20.0, 12.0))
    found = simulate(Bucket(5, 1, 0.020, "seconds"), 60.0, in_order=False)
    assert found.steady * 5 / 12 >= 0.9  # steady is a fraction of the first rate


# --- what holds ---------------------------------------------------------------------------


@pytest.mark.parametrize("back", [0.002, 0.01])
def test_answers_reordered_on_a_fast_deep_bucket(back: float) -> None:
    """100/s burst 20, 5 ms, answers read 2 or 10 ms late on average (a fifth or all of
    an interval), 8 and 16 in flight, over 5 seeds of 20 s: 0.905-1.009, at most 1.2%
    429. (With 0.5 ms: 0.887-0.903, as the 8 slow-start 429s then spread past their
    Retry-After and the next guess counts that second as idle; 0.964 read at once.)"""
    for workers in (8, 16):
        found = [
            simulate(
                Bucket(100, 20, 0.005, "seconds"),
                20.0,
                workers=workers,
                in_order=False,
                back=back,
                seed=seed,
            )
            for seed in range(5)
        ]
        assert [f.failed for f in found] == [0] * 5
        assert min(f.throughput for f in found) >= 0.9
        assert max(f.share_429 for f in found) <= 0.03


def test_answers_reordered_on_a_fast_one_request_bucket() -> None:
    """100/s burst 1, 5 ms, no Retry-After, answers read 0.5 ms late, 16 in flight:
    0.978-0.989, at most 0.55% 429, over 5 seeds."""
    found = [
        simulate(
            Bucket(100, 1, 0.005, "absent"), 20.0, workers=16, in_order=False, back=0.0005, seed=s
        )
        for s in range(5)
    ]
    assert [f.failed for f in found] == [0] * 5
    assert min(f.throughput for f in found) >= 0.9
    assert max(f.share_429 for f in found) <= 0.03


@pytest.mark.parametrize("in_order", [True, False])
def test_answers_reordered_on_the_slowest_bucket(in_order: bool) -> None:
    """5/s burst 1, 100 ms, answers read 0.5 or 2 ms late, a minute, 5 seeds: 0.945-0.978,
    at most 2.9% 429 (10 ms late, 5% of the interval: 4.8%)."""
    for back in (0.0005, 0.002):
        found = [
            simulate(Bucket(5, 1, 0.100, "seconds"), 60.0, in_order=in_order, back=back, seed=seed)
            for seed in range(5)
        ]
        assert [f.failed for f in found] == [0] * 5
        assert min(f.throughput for f in found) >= 0.9
        assert max(f.share_429 for f in found) <= 0.03


def test_answers_reordered_with_jitter_on_mid_buckets() -> None:
    """Out of order, a minute, 5 seeds: 30/s burst 3, 50 ms, date, 1 ms late reads and
    0.3 ms of jitter: 0.966-0.982; 50/s burst 10, 20 ms, 2 ms late reads: 0.994-1.002;
    at most 0.5% 429. (In input order 0.851-0.942: the known cost of the window waiting
    behind a Retry-After, ``test_pace``.)"""
    cases = [
        (Bucket(30, 3, 0.050, "date"), {"back": 0.001, "jitter": 0.0003}),
        (Bucket(50, 10, 0.020, "seconds"), {"back": 0.002}),
    ]
    for bucket, noise in cases:
        found = [
            simulate(bucket, 60.0, in_order=False, seed=seed, **noise)  # type: ignore[arg-type]
            for seed in range(5)
        ]
        assert [f.failed for f in found] == [0] * 5
        assert min(f.throughput for f in found) >= 0.9
        assert max(f.share_429 for f in found) <= 0.03


def test_an_outage_with_retry_after_mid_job_fails_no_request() -> None:
    """100/s burst 5, 1 ms, 3 s of 429 from 12 s, answers read 0.5 ms late, 3 seeds:
    none fails, its second half at the rate. (Without Retry-After each request in flight
    runs out of tries within the outage: 8 failed, the retries' backoff, not the pace.)"""
    found = [
        simulate(
            Bucket(100, 5, 0.001, "seconds"),
            30.0,
            in_order=False,
            outage=(12.0, 15.0),
            back=0.0005,
            seed=seed,
        )
        for seed in range(3)
    ]
    assert [f.failed for f in found] == [0] * 3
    assert min(f.steady for f in found) >= 0.9
