"""The client's pace (issue 20): its policy alone, on a simulated clock.

Against simulated leaky buckets (:mod:`pace_sim`: no sleeping, no threads, the same
figures every run) and step by step. End to end: ``test_pace_e2e.py``.
"""

from __future__ import annotations

import math

import pytest
from pace_sim import Bucket, simulate

from mode_query_runs import RateLimitError
from mode_query_runs.pace import Pace
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
SLOW = [  # a few hundred requests a minute: each 429 is a larger share of them
    Bucket(5, 1, 0.100, "seconds"),
    Bucket(8, 2, 0.100, "seconds"),
    Bucket(12, 1, 0.020, "absent"),
    Bucket(70, 1, 0.020, "date"),
    Bucket(5, 2, 0.100, "seconds"),
]
BENCH = [  # benchmarks/bench.py's RATE_LIMITED_MATRIX
    Bucket(50, 10, 0.020, "seconds"),
    Bucket(12, 1, 0.020, "absent"),
    Bucket(90, 20, 0.005, "date"),
    Bucket(5, 2, 0.100, "seconds"),
    Bucket(30, 3, 0.050, "date"),
]


@pytest.mark.parametrize("bucket", MATRIX + SLOW, ids=str)
def test_the_policy_fills_a_bucket_it_knows_nothing_about(bucket: Bucket) -> None:
    """A minute of the bucket's time, 8 in flight (each taking the next request as soon
    as it is free), a cold start: the slow start keeps the requests in flight when the
    first 429 comes to a few, even on slow and one-request buckets."""
    found = simulate(bucket, 60.0, in_order=False)
    assert found.failed == 0
    assert found.throughput >= 0.9
    assert found.share_429 <= 0.03


@pytest.mark.parametrize("bucket", BENCH, ids=str)
def test_the_policy_fills_the_benchs_buckets_in_its_thirty_seconds(bucket: Bucket) -> None:
    """The bench's job: 30 s of each bucket's time, as ``list_query_runs_many`` runs it
    (in input order): 0.93-0.997 of the rate. On the 5/s bucket that is 150 requests, so
    3% is 4 of them answered 429: the slow start's two, and the first probes past the
    rate. (With ``AHEAD`` 4 the 90/s bucket reached 0.886 in input order, and 0.897 on
    loopback: each 429's Retry-After stalled the 32 pairs ahead.)"""
    found = simulate(bucket, 30.0)
    assert found.failed == 0
    assert found.throughput >= 0.9
    assert found.share_429 <= 0.03


@pytest.mark.parametrize("bucket", MATRIX + SLOW, ids=str)
def test_in_input_order_the_policy_fills_a_bucket(bucket: Bucket) -> None:
    """As ``list_query_runs_many`` runs them: a request waiting out a 429's Retry-After
    keeps its worker, and the others go on up to ``AHEAD * 8`` requests past it. The minute
    as a whole reaches 0.936-1.0 of the rate (0.908-1.0 with ``AHEAD`` 4; 0.83-0.99 when
    the simulator held them to 8 past it, as the clients did before ``AHEAD``); its second
    half 0.986."""
    found = simulate(bucket, 60.0)
    assert found.failed == 0
    assert found.share_429 <= 0.03
    assert found.steady >= 0.95
    assert found.throughput >= 0.9


ONE_REQUEST = [  # burst 1: a request that reaches the bucket early is refused
    Bucket(12, 1, 0.020, "absent"),
    Bucket(70, 1, 0.020, "date"),
    Bucket(5, 1, 0.100, "seconds"),
    Bucket(100, 1, 0.010, "absent"),
]


_NOISY_70 = pytest.mark.xfail(
    strict=True,
    reason="a known limit (issue 20): 70/s burst 1 with 0.17 ms of jitter reaches 0.895 of"
    " the rate on average over 8 seeds (0.876-0.904), short of 0.9",
)


@pytest.mark.parametrize(
    "bucket",
    [ONE_REQUEST[0], pytest.param(ONE_REQUEST[1], marks=_NOISY_70), *ONE_REQUEST[2:]],
    ids=str,
)
def test_timing_noise_on_a_one_request_bucket_does_not_ratchet_the_pace_down(
    bucket: Bucket,
) -> None:
    """Each request delayed on its way by a random jitter of 1.2% of the bucket's
    interval on average (1 ms at 12/s, 0.17 ms at 70/s), as a loaded loopback does: a
    request sent at less than the rate sometimes reaches the bucket too early and is
    refused, at a rate the answers prove; each such 429 takes the pace 2% below, and the
    answers that prove the rate again take it back (0.909-0.931 over the minute on
    average over 8 seeds; the best any steady pace gets there is about 0.945, more than
    that costs over 3% 429)."""
    found = [
        simulate(bucket, 60.0, in_order=False, jitter=0.012 / bucket.rate, seed=seed)
        for seed in range(8)
    ]
    assert [f.failed for f in found] == [0] * 8
    assert max(f.share_429 for f in found) <= 0.03
    assert sum(f.throughput for f in found) / 8 >= 0.9


@pytest.mark.parametrize(
    ("bucket", "jitter", "least"),
    [(ONE_REQUEST[0], 0.002, 0.88), (ONE_REQUEST[1], 0.001, 0.7)],
    ids=["12/s 2 ms", "70/s 1 ms"],
)
def test_more_timing_noise_bounds_what_any_pace_gets(
    bucket: Bucket, jitter: float, least: float
) -> None:
    """With 2.4% of the interval (2 ms at 12/s) no steady pace gets more than about 0.91
    of the rate at 3% 429; with 7% (1 ms at 70/s) about 0.81, and 0.82 at any share of
    429 (faster, more are refused than it adds). The pace stays near where 429s are
    SHARE of the answers: 0.90 and 0.73 here."""
    found = simulate(bucket, 60.0, in_order=False, jitter=jitter)
    assert found.failed == 0
    assert found.throughput >= least
    assert found.share_429 <= 0.03


def test_the_benchs_one_request_bucket_with_2_ms_of_timing_noise() -> None:
    """The bench's 12/s burst-1 job (360 requests, 30 s of the bucket's time, 8 in
    flight) with 2 ms of jitter on the way (loopback measured 1.15 ms on average, 5 ms at
    p99), over 8 seeds: 0.869-0.903 of the rate, 5-11 answers 429 (at most 3.0%); the
    policy that re-sent 429s itself got 0.873-0.905 and 6-10. The best fixed pace gets
    about 0.905 there over a long job; the policy loses the rest learning the rate, and
    settles where the 429s are SHARE of the answers, slower than that optimum (about 2.5%
    429). Issue 20's 0.9 is not met here."""
    bucket = ONE_REQUEST[0]
    found = [simulate(bucket, 30.0, in_order=False, jitter=0.002, seed=s) for s in range(8)]
    assert [f.failed for f in found] == [0] * 8
    assert [f.limited for f in found] == [10, 8, 9, 11, 10, 10, 11, 5]
    assert min(f.throughput for f in found) >= 0.869
    assert max(f.throughput for f in found) < 0.906


def test_the_benchs_slow_bucket_with_1_ms_of_timing_noise_keeps_429s_within_3_percent() -> None:
    """The bench's 5/s burst-2 job (150 requests, 30 s of the bucket's time, 8 in flight)
    with 1 ms of jitter on the way, over 8 seeds: 4 answers 429 in each (2.6%): the slow
    start's, the doubling of its guess (4.92/s to 9.84/s), the first bisection (7.39/s)
    and, 1 / SHARE answers later, the next (6.16/s, 25 s in). When the slow start let
    twice as many go as answers came back, an answer let through that came back before the
    429 sent beside it let two more into the full bucket: a fifth 429 in 5 seeds of 8
    (3.2%, as on loopback)."""
    bucket = BENCH[3]
    found = [simulate(bucket, 30.0, in_order=False, jitter=0.001, seed=s) for s in range(8)]
    assert [f.failed for f in found] == [0] * 8
    assert [f.limited for f in found] == [4] * 8


def test_the_benchs_one_request_bucket_with_its_first_connections_reaches_0_9() -> None:
    """The bench's 12/s burst-1 job with each worker's first request 10 ms late (it opens
    a connection), runners waking 1 ms late and 1 ms of jitter on the way, over 8 seeds:
    0.907-0.936 of the rate, 7-10 answers 429. As traced on loopback, the slow start's
    guess is half of one answer per round trip, the first one's including its connection
    (9.4/s in the first seed, 9.6-10.1/s on loopback); the doubling (19/s) and the first
    bisection (14/s) are refused within 0.7 s. A 429 without Retry-After holds the pace
    below the refused rate only until that lost as many answers as there were events; when
    it waited 1 / SHARE answers (8 s) at the rate proven (80% of the bucket's), and as long
    again after the next bisection (about 12/s: the bucket's rate), it got 0.843-0.887
    (0.857 and 0.878 on loopback)."""
    bucket = BENCH[1]
    found = [
        simulate(bucket, 30.0, in_order=False, jitter=0.001, late=0.001, connect=0.01, seed=s)
        for s in range(8)
    ]
    assert [f.failed for f in found] == [0] * 8
    assert max(f.share_429 for f in found) <= 0.03
    assert min(f.throughput for f in found) >= 0.9


@pytest.mark.xfail(
    strict=True,
    reason="a known limit (issue 20): spaced from actual starts, each late wake-up still delays"
    " all the requests after it, and learning the rate costs the rest (0.922-0.942)",
)
def test_a_request_woken_late_is_not_followed_by_one_that_catches_up() -> None:
    """Each runner wakes 2 ms late on average (exponential: a busy event loop, a
    scheduler; on loopback the bench's 12/s job started its requests 0.9 ms after their
    time at the median, 1.9 ms at p90, 4.5 ms at p99), then 0.5 ms of jitter on the way.
    Over 6 seeds of the bench's 12/s burst-1 job: 0.882-0.912 of the rate (6-9 answers
    429), 0.92-0.944 without the late wake-ups. A request that starts late is followed by
    one that starts on time, which reaches the one-request bucket within an interval of
    it. Spacing each request an interval after the previous one as it actually started (a
    check when its runner wakes) gave 0.945-0.96 in the same runs."""
    bucket = ONE_REQUEST[0]
    found = [
        simulate(bucket, 30.0, in_order=False, jitter=0.0005, late=0.002, seed=s) for s in range(6)
    ]
    assert [f.failed for f in found] == [0] * 6
    assert min(f.throughput for f in found) >= 0.94


@pytest.mark.xfail(
    strict=True,
    reason="a known limit (issue 20): 429s to late requests at proven rates are events: each"
    " takes the pace 2% lower and makes that rate high (0.727)",
)
def test_a_late_request_at_a_proven_rate_does_not_hold_the_pace_far_below_the_bucket() -> None:
    """Each worker's first request 40 ms late (it opens a connection), 1 ms of jitter:
    0.892 of the rate, 6 answers 429. The doubling from the first guess (6.2/s) fails at
    12.4/s; the pace goes back to the rate the answers prove (8.2/s) and halfway up from
    there (10.3, 11.4, 11.9/s: 5.5 s below the bucket); 11.9/s is refused, then a 429 at
    each rate proven below it, within its first 1 / SHARE answers, is an event that takes
    the pace 2% lower (11.6, 11.4, 11.2/s), where it stays to the end (0.93 of the rate).
    Until pace_sim opened a second connection for a first request the pace sent again,
    that late resend crowded out the next request at 8.2/s and the pace was held at 0.67
    for 25 s (the event made the proven 8.2/s ``high``): that rule is unchanged, a
    request late by a third of an interval at a proven rate would still do it."""
    found = simulate(ONE_REQUEST[0], 30.0, in_order=False, jitter=0.001, seed=4, connect=0.04)
    assert found.throughput >= 0.9


@pytest.mark.parametrize("bucket", MATRIX + SLOW, ids=str)
def test_the_policy_is_deterministic(bucket: Bucket) -> None:
    assert simulate(bucket, 10.0, seed=3) == simulate(bucket, 10.0, seed=3)


@pytest.mark.parametrize("bucket", MATRIX + SLOW, ids=str)
def test_the_policy_is_back_within_ten_seconds_after_a_burst_of_429s(bucket: Bucket) -> None:
    """Every request is answered 429 for 3 s (another client took the bucket)."""
    found = simulate(bucket, 60.0, outage=(20.0, 23.0), in_order=False)
    assert found.steady >= 0.9  # the second half of the job: 7 s after the outage on
    if bucket in MATRIX[2:]:
        assert simulate(bucket, 60.0, outage=(20.0, 23.0)).steady >= 0.9


@pytest.mark.parametrize("bucket", MATRIX, ids=str)
def test_a_known_rate_starts_at_that_pace(bucket: Bucket) -> None:
    found = simulate(bucket, 20.0, rate_limit=bucket.rate * 0.95)
    assert (found.limited, found.failed) == (0, 0)
    assert found.throughput >= 0.9


class Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _limited(retry_after: str | None = "1") -> RateLimitError:
    return RateLimitError("Too many requests", status=429, method="GET", retry_after=retry_after)


def test_the_slow_start_has_one_more_in_flight_than_answers_came_back() -> None:
    """As many in flight as answers had come back when the oldest of them started, and
    one more."""
    clock = Clock()
    pace = Pace(clock=clock)
    assert pace.reserve() == (100.0, 0)
    assert pace.reserve() == (100.001, -1)  # one in flight, no answer yet: ask again
    clock.now = 100.1
    pace.answered(0)  # none in flight: the next goes at once, then one more beside it
    assert [pace.reserve() for _ in range(3)] == [(100.1, 0), (100.1, 0), (100.101, -1)]
    pace.answered(0)
    pace.answered(0)  # three answers, none in flight: up to four at once
    assert [pace.reserve()[1] for _ in range(5)] == [0, 0, 0, 0, -1]
    assert (pace.rate, pace.events) == (None, 0)


def test_an_answer_back_before_the_one_sent_beside_it_lets_one_more_go() -> None:
    """Two sent together (one answer had come back then): the first answer back lets one
    more go, not two, as the other may come back 429 (the bucket full) a moment later."""
    clock = Clock()
    pace = Pace(clock=clock)
    pace.reserve()
    clock.now = 100.1
    pace.answered(0)
    assert [pace.reserve() for _ in range(3)] == [(100.1, 0), (100.1, 0), (100.101, -1)]
    clock.now = 100.25
    pace.answered(0)  # the other still in flight
    assert [pace.reserve()[1] for _ in range(2)] == [0, -1]


def _answer(pace: Pace, clock: Clock, count: int, *, every: float, generation: int = 0) -> None:
    """``count`` answers let through, one every ``every`` seconds of ``clock``, each sent
    half of that before it is read."""
    for _ in range(count):
        clock.now += every
        pace.answered(generation, clock.now - every / 2)


def _after_a_cold_start(clock: Clock) -> Pace:
    """A pace whose slow start got 10 answers in 0.1 s, then a 429 (sent at 100/s)."""
    pace = Pace(clock=clock)
    pace.reserve()
    clock.now += 0.05
    pace.answered(0)
    clock.now += 0.05
    for _ in range(9):
        pace.answered(0)
    pace.reserve()
    pace.limited(0, _limited())  # the first event: a rate is set (generation 1)
    return pace


@pytest.mark.parametrize("start", [100.0, 0.0])
def test_the_first_event_goes_back_to_half_what_the_slow_start_got_through(start: float) -> None:
    """Whatever the clock read at the first request (the simulator's starts at 0)."""
    clock = Clock(start)
    pace = _after_a_cold_start(clock)
    assert (pace.events, pace.generation) == (1, 1)
    # The slow start sends what may be in flight at once: its 429 bounds no rate.
    assert pace.high == math.inf
    assert pace.burst == 10  # the bucket held at most what it let through before it
    # Nothing proven yet: half the rate the slow start got through (100/s on average).
    assert pace.rate == pytest.approx(50.0)
    # A 429 to a request reserved before the event, or with nothing let through since it
    # (part of it), changes nothing: the client's retries decide, as for any 429.
    pace.limited(0, _limited("2"))
    pace.limited(1, _limited())
    assert (pace.events, pace.generation) == (1, 1)
    assert pace.rate == pytest.approx(50.0)


def test_after_the_first_guess_an_event_goes_back_to_what_the_bucket_let_through() -> None:
    """The slow start's guess (50/s) was no rate a 429 bounded: halfway in ratio to it
    means nothing, so the next event goes back to what the bucket let through since the
    first (4 answers in 1 s: a 4/s bucket on loopback, where the slow start's answers come
    back within a millisecond and its guess is far too fast)."""
    clock = Clock()
    pace = _after_a_cold_start(clock)
    _answer(pace, clock, 4, every=0.25, generation=1)
    pace.limited(1, _limited())
    assert pace.events == 2
    assert pace.high == pytest.approx(50.0)
    assert pace.rate == pytest.approx(4.0)


def _proven_twice_too_fast(clock: Clock) -> Pace:
    """After the cold start, 50/s answered for as long as a rate twice too fast (x = 1)
    would take to fill the bucket (10 * (1 + 1) / 1 = 20 answers): doubled (no ``high``
    bounds it yet), then a 429 at 100/s. The answers that raise it are to requests sent
    after the cold start's 429 was due to be sent again (its Retry-After: 1 s)."""
    pace = _after_a_cold_start(clock)
    clock.now += 1.0
    _answer(pace, clock, 19, every=0.02, generation=1)
    assert pace.rate == pytest.approx(50.0)
    assert pace.proven == 0.0
    clock.now += 0.02
    pace.answered(1)
    assert pace.proven == pytest.approx(50.0)
    assert pace.generation == 2
    assert pace.rate == pytest.approx(100.0)
    pace.limited(2, _limited())
    assert (pace.events, pace.generation) == (2, 3)
    assert (pace.high, pace.rate) == pytest.approx((100.0, 50.0))  # back to the proven rate
    return pace


def test_a_rate_answered_long_enough_is_proven_then_raised_halfway_to_high() -> None:
    clock = Clock()
    pace = _proven_twice_too_fast(clock)
    # It stays at 50/s until staying below 100/s lost as many answers as the 429's wait
    # costs (Retry-After 1 s at 50/s, none came meanwhile: 50, 1 s below 100/s), then
    # proves it again (20 answers) and goes halfway.
    clock.now += 1.0
    _answer(pace, clock, 20, every=0.02, generation=3)
    assert pace.generation == 4
    assert pace.rate == pytest.approx(75.0)
    # A 429 at 75/s: back to the proven rate, 75/s the new high.
    pace.limited(4, _limited())
    assert pace.events == 3
    assert (pace.high, pace.rate) == pytest.approx((75.0, 50.0))


def test_a_429_sent_after_the_event_above_the_proven_rate_halves_it() -> None:
    """A 429 with nothing let through since the latest event is part of it (an outage,
    another client), unless the rate is above what the answers prove and its request was
    sent after the event: the guess was still too fast (on a slow bucket with a short
    round trip the slow start's is many times the rate), and each such 429 halves it.
    Before the first event, a 429 with nothing let through is no event."""
    clock = Clock()
    cold = Pace(clock=clock)
    cold.reserve()
    cold.limited(0, _limited(), sent=clock.now)
    assert (cold.events, cold.rate, cold.generation) == (0, None, 0)
    pace = _after_a_cold_start(clock)
    event = clock.now
    clock.now += 0.02
    pace.limited(1, _limited(), sent=event - 0.001)  # sent before the event: part of it
    assert (pace.events, pace.high) == (1, math.inf)
    assert pace.rate == pytest.approx(50.0)
    pace.limited(1, _limited(), sent=event + 0.01)
    assert (pace.events, pace.generation) == (2, 2)
    assert (pace.rate, pace.high) == pytest.approx((25.0, 50.0))


def test_429s_in_a_row_bound_the_rate_by_the_time_between_them() -> None:
    """The bucket was full at each of two 429s with nothing let through between, read
    0.2 s apart: it drains less than one request in 0.2 s, under 5/s, however fast the guess
    (the slow start's, with no latency, is thousands a second). ``high`` is that bound,
    and the rate half of it."""
    clock = Clock()
    pace = _after_a_cold_start(clock)  # its 429 read (and sent) at 100.1
    clock.now += 0.2
    pace.limited(1, _limited(), sent=clock.now)
    assert (pace.events, pace.generation) == (2, 2)
    assert (pace.high, pace.rate) == pytest.approx((5.0, 2.5))
    _answer(pace, clock, 1, every=0.4, generation=2)  # let through: a new run
    pace.limited(2, _limited(), sent=clock.now)
    assert (pace.high, pace.rate) == pytest.approx((2.5, 1.25))


def test_after_a_429_the_next_request_waits_an_interval() -> None:
    """The bucket was full when it refused: a request sent at once would reach it before
    it drained one (when the latency is less than the interval: 100 ms at 5/s)."""
    clock = Clock()
    pace = _after_a_cold_start(clock)
    at, generation = pace.reserve()
    assert at == pytest.approx(clock.now + 1 / 50)
    assert generation == 1


def test_a_request_reserved_before_the_rate_changed_is_reserved_again() -> None:
    """Each worker reserves its next request as soon as it is free (8 workers at 5/s: 1.6 s
    ahead): at a new rate those are reserved again, and the answers to requests reserved
    at an earlier rate prove nothing of it, however many come."""
    clock = Clock()
    pace = _after_a_cold_start(clock)
    reserved = [pace.reserve() for _ in range(60)]  # at 50/s: 1.18 s ahead
    assert reserved[-1][1] == 1
    assert reserved[-1][0] == pytest.approx(clock.now + 60 / 50)
    clock.now += 1.0  # after the 429's Retry-After
    _answer(pace, clock, 20, every=0.02, generation=1)
    assert pace.generation == 2
    assert pace.rate == pytest.approx(100.0)  # proven 50/s, doubled
    assert pace.start(1) is None  # reserved at 50/s: reserve again
    _answer(pace, clock, 40, every=0.01, generation=1)
    assert pace.rate == pytest.approx(100.0)
    _answer(pace, clock, 20, every=0.01, generation=2)  # 100/s answered for 20 answers
    assert pace.rate == pytest.approx(200.0)


def test_requests_are_spaced_from_when_they_started() -> None:
    """A request whose runner woke 30 ms late (a busy event loop) started then: the next,
    reserved 20 ms after the first's time, waits until 20 ms after the late start."""
    clock = Clock()
    pace = Pace(50.0, clock=clock)
    (first, generation), (second, _) = pace.reserve(), pace.reserve()
    assert first == 100.0
    assert second == pytest.approx(100.02)
    clock.now = 100.03
    assert pace.start(generation) == 0.0  # started, late
    assert pace.start(generation) == pytest.approx(0.02)  # woken on time: wait 20 ms more
    clock.now = 100.05
    assert pace.start(generation) == 0.0


def test_a_probe_that_fails_bisecting_costs_at_most_a_share_of_the_answers() -> None:
    """Between a proven rate (50/s) and one refused (100/s), a probe that fails (75/s)
    holds the rate until 1 / SHARE answers came back, not only as long as staying below
    75/s loses as many answers as the 429's wait costs (1 s at 50/s: 2 s below 75/s, here
    spent idle): on any bucket, slow or fast, the probes' 429s are about SHARE of its
    answers."""
    clock = Clock()
    pace = _proven_twice_too_fast(clock)  # the doubling failed: 100/s refused
    clock.now += 1.0
    _answer(pace, clock, 20, every=0.02, generation=3)
    assert pace.rate == pytest.approx(75.0)
    pace.limited(4, _limited())  # the probe fails
    assert pace.generation == 5
    assert (pace.high, pace.rate) == pytest.approx((75.0, 50.0))
    clock.now += 2.0
    _answer(pace, clock, 99, every=0.02, generation=5)
    assert pace.rate == pytest.approx(50.0)
    _answer(pace, clock, 30, every=0.02, generation=5)  # from the 100th on, it proves 50/s
    assert pace.rate == pytest.approx(62.5)


def test_a_probe_that_fails_without_retry_after_waits_as_many_answers_lost_as_events() -> None:
    """A 429 with no Retry-After costs its call only its own backoff: after a probe that
    failed bisecting (75/s, between 50/s proven and 100/s refused), the pace stays at
    50/s until staying below 75/s lost as many answers as there were events (3 events,
    one answer lost for every 50 / (75 - 50) = 2 answers: 6 answers), then proves it
    again (10 * 1.5 / 0.5 = 30 answers, from the 6th) and goes halfway; each later event
    makes the next wait longer (with a Retry-After: 1 / SHARE answers)."""
    clock = Clock()
    pace = _after_a_cold_start(clock)
    clock.now += 1.0  # after the 429's Retry-After
    _answer(pace, clock, 20, every=0.02, generation=1)
    assert pace.rate == pytest.approx(100.0)  # proven 50/s, doubled
    pace.limited(2, _limited(None))  # the doubling fails: no wait, back to 50/s
    _answer(pace, clock, 20, every=0.02, generation=3)
    assert pace.rate == pytest.approx(75.0)
    pace.limited(4, _limited(None))  # the probe fails bisecting
    assert (pace.events, pace.generation) == (3, 5)
    assert (pace.high, pace.rate) == pytest.approx((75.0, 50.0))
    _answer(pace, clock, 34, every=0.02, generation=5)
    assert pace.rate == pytest.approx(50.0)
    _answer(pace, clock, 1, every=0.02, generation=5)
    assert pace.rate == pytest.approx(62.5)


def test_answers_slower_than_the_rate_prove_nothing() -> None:
    """Held back (a request waiting out a Retry-After holds the others), answers coming
    at less than the rate (here 20/s at 50/s) are no proof of it."""
    clock = Clock()
    pace = _after_a_cold_start(clock)
    clock.now += 1.0
    _answer(pace, clock, 40, every=0.05, generation=1)
    assert pace.rate == pytest.approx(50.0)
    assert pace.proven == 0.0


def test_the_answers_let_through_prove_a_rate() -> None:
    """64 answers in 1.575 s, into a bucket of at most 10: it drains 54 / 1.575 a second."""
    clock = Clock()
    pace = _after_a_cold_start(clock)
    clock.now += 60.0
    _answer(pace, clock, 64, every=0.025)
    assert pace.low == pytest.approx(54 / 1.575)


def test_the_answers_since_a_429_prove_a_rate() -> None:
    """The bucket was full at the 429: 10 answers to requests sent after it was read, let
    through in the 1 s since, drained at least (10 - 1) / 1 a second (the bucket may have
    had room for one)."""
    clock = Clock()
    pace = _after_a_cold_start(clock)
    clock.now += 60.0
    pace.limited(1, _limited())  # nothing let through since the event: part of it
    assert pace.events == 1
    _answer(pace, clock, 10, every=0.1)
    assert pace.low == pytest.approx(9.0)


def test_answers_read_after_a_429_but_sent_before_it_was_read_prove_nothing_from_it() -> None:
    """A server's threads reorder answers: the bucket let two through, then refused a third,
    and the client read the 429 before the second answer. That answer (sent before the
    429 was read) counts in the bucket's burst, and not among the answers after the 429:
    two answers 5 ms apart prove no rate of 200/s."""
    clock = Clock()
    pace = Pace(clock=clock)
    for _ in range(3):
        pace.reserve()
    clock.now += 0.010
    pace.answered(0, 0.0)
    clock.now += 0.002
    pace.limited(0, _limited(), sent=0.0)  # the first event: one answer read before it
    assert pace.burst == 1.0
    clock.now += 0.001
    pace.answered(0, 0.0)  # sent before the 429 was read: it may have been let through first
    assert pace.burst == 2.0
    clock.now += 1.0  # the Retry-After: two more sent at once, read 5 ms apart
    pace.answered(1, clock.now - 0.004)
    clock.now += 0.005
    pace.answered(1, clock.now - 0.008)
    # four answers in 1.008 s, into a bucket of at most two: (4 - 2) / 1.008 a second
    assert pace.low == pytest.approx(2 / 1.008)
    assert pace.rate is not None and pace.rate < 100


def test_answers_read_late_do_not_make_a_small_bucket_fail_pairs() -> None:
    """The CI failure of ``list-many`` on a 5/s, burst 2 bucket: answers read up to a few
    ms late (after a 429 the bucket gave later) proved a rate of 85-300/s from two answers,
    the pace stayed there, and pairs ran out of tries (6 of 13 failed). Read late, the job
    goes as it does read at once."""
    bucket = Bucket(5, 2, 0.005, "seconds")
    for back in (0.0, 0.002, 0.005):
        found = [
            simulate(bucket, 20.0, workers=4, seed=s, back=back, jitter=0.001) for s in range(20)
        ]
        assert [o.failed for o in found] == [0] * 20, back
        assert max(o.share_429 for o in found) <= 0.1, back


def test_a_proven_rate_that_fails_is_forgotten() -> None:
    clock = Clock()
    pace = _proven_twice_too_fast(clock)  # the 429 at 100/s
    clock.now += 1.0
    pace.answered(3)
    pace.limited(3, _limited())  # at 50/s, the rate proven: the bucket got slower
    assert pace.proven == 0.0
    assert pace.events == 3
    assert pace.rate is not None and pace.rate < 50.0


def test_a_retry_after_holds_the_rate_as_long_as_its_wait_costs() -> None:
    """After a probe fails bisecting (75/s refused, back to 50/s proven) with
    Retry-After: 4, the rate goes up again once staying below 75/s lost as many answers as
    that wait costs at 50/s: what 50/s lets through in 4 s, less the answers that came
    meanwhile. When nothing came (the window of ``list_query_runs_many`` waits behind
    it): 200, 8 s below 75/s, then 30 answers prove 50/s again. When the other requests
    went on at 50/s: none lost, and the 1 / SHARE answers a failed bisection waits came in
    2 s, but only answers to requests sent after the refused one was due again (4 s) raise
    it (a probe never meets a retry): 200 answers, then the 30 of the proof."""
    for idle in (4.0, 0.0):
        answers = 230
        clock = Clock()
        pace = _proven_twice_too_fast(clock)
        clock.now += 1.0
        _answer(pace, clock, 20, every=0.02, generation=3)
        pace.limited(4, _limited("4"))
        assert (pace.high, pace.rate, pace.generation) == pytest.approx((75.0, 50.0, 5))
        clock.now += idle
        _answer(pace, clock, answers - 1, every=0.02, generation=5)
        assert pace.rate == pytest.approx(50.0)
        _answer(pace, clock, 1, every=0.02, generation=5)
        assert pace.rate == pytest.approx(62.5)


def test_a_429_at_a_rate_the_answers_prove_is_an_event_just_below_it() -> None:
    """Paced at 5/s (its ``rate_limit``), the answers since a 429 (before any answer: the
    bucket full then), one every 0.15 s, prove it drains (100 - 1) / 15 = 6.6/s, yet a
    request is refused: an event. What proved more no longer holds: the proofs start anew
    from this 429, and the pace goes 2 * SHARE below the rate it came at (a request that
    reaches a small bucket early is refused at a rate it drains: a ratchet of 2% an event,
    which answers that prove the rate again undo)."""
    clock = Clock()
    pace = Pace(5.0, clock=clock)
    assert pace.reserve() == (100.0, 1)
    pace.limited(1, _limited("100"))
    _answer(pace, clock, 100, every=0.15, generation=1)
    assert pace.low == pytest.approx(99 / 15)
    pace.limited(1, _limited("2"))
    assert (pace.events, pace.generation) == (1, 2)
    assert (pace.rate, pace.low, pace.high) == pytest.approx((4.9, 4.9, 5.0))


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
    pace.limited(0, _limited("3600"), deadline=clock.now + 60)  # its call raises it
    clock.now += 10
    with pytest.raises(RateLimitError) as held:
        pace.reserve(deadline=clock.now + 60)  # would wait 3590 s: refused, not sent
    assert held.value.retry_after_seconds == 3590.0
    assert str(held.value) == (
        "rate limited, not sent: Mode asked to wait 3590 s more (a 429 to an earlier request),"
        " past this call's deadline"
    )
    clock.now += 50  # the first call's deadline: the hold ends
    assert pace.reserve(deadline=clock.now + 60) == (clock.now, 0)


def test_a_retry_after_within_the_deadline_holds_only_its_request() -> None:
    clock = Clock()
    pace = Pace(clock=clock)
    pace.reserve()
    pace.limited(0, _limited("30"), deadline=clock.now + 60)
    assert pace.reserve(deadline=clock.now + 60) == (clock.now, 0)


def test_a_429_without_retry_after_holds_nothing() -> None:
    """Whatever backoff the call's retries wait, Mode asked nothing: no later call waits."""
    clock = Clock()
    pace = Pace(clock=clock)
    pace.reserve()
    pace.limited(0, _limited(None), deadline=clock.now)
    assert pace.reserve(deadline=clock.now) == (clock.now, 0)


def test_one_call_after_another_is_never_held_back() -> None:
    """Before any 429 a request with none in flight goes at once, however few answers
    came back since the first request (a client idle between calls, a slow caller)."""
    clock = Clock()
    pace = Pace(clock=clock)
    for second in range(5):
        clock.now = 100.0 + 60 * second  # a call a minute
        assert pace.reserve() == (clock.now, 0)
        clock.now += 0.05
        pace.answered(0)
    assert pace.rate is None
