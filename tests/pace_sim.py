"""A simulated clock, leaky bucket and client to run :class:`~mode_query_runs.pace.Pace` on.

No sleeping, no threads: events in time order. ``workers`` requests in flight at most, each
started when the pace says, answered ``latency`` seconds later by a leaky bucket like
Mode's (:class:`~mode_query_runs.testing.ratelimit.LeakyBuckets`). A ``429`` is retried as
the clients' tenacity loop does (``Retry-After``, else the policy's backoff, at most
``max_retries`` times), or ends the request as failed.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from dataclasses import dataclass

from mode_query_runs import RateLimitError
from mode_query_runs.bulk import AHEAD
from mode_query_runs.pace import Pace
from mode_query_runs.retries import RetryPolicy
from mode_query_runs.testing.ratelimit import LeakyBuckets, RateLimit


@dataclass(frozen=True)
class Bucket:
    rate: float
    burst: int
    latency: float
    retry_after: str  # "seconds", "date" or "absent"

    def __str__(self) -> str:
        return f"{self.rate:g}/s burst {self.burst}, {self.latency * 1000:g} ms, {self.retry_after}"


@dataclass
class Outcome:
    let_through: int
    limited: int
    failed: int
    seconds: float
    rate: float
    steady: float  # throughput over the second half of the job, as a fraction of the rate

    @property
    def throughput(self) -> float:
        return self.let_through / self.seconds / self.rate

    @property
    def share_429(self) -> float:
        return self.limited / (self.let_through + self.limited)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def simulate(
    bucket: Bucket,
    seconds: float = 20.0,
    *,
    workers: int = 8,
    max_retries: int = 2,
    seed: int = 0,
    rate_limit: float | None = None,
    outage: tuple[float, float] | None = None,
    jitter: float = 0.0,
    in_order: bool = True,
    connect: float = 0.0,
    late: float = 0.0,
    back: float = 0.0,
) -> Outcome:
    """Run a job of ``seconds`` of the bucket's time (``rate * seconds`` requests).

    ``in_order``: as ``list_query_runs_many`` does, request ``i`` starts only once every
    request before ``i - AHEAD * workers`` is done (results are given in input order, at
    most ``AHEAD * workers`` ahead of the first not done), so one request waiting out a
    ``Retry-After`` holds the others back once they are that far ahead; else each worker
    takes the next request as soon as it is free. A request waiting out a ``Retry-After``
    keeps its worker (as the clients' retry loop does). ``outage``: ``(start,
    end)`` seconds during which every request is answered ``429`` (a burst of ``429``
    answers, as when another client takes the bucket). ``jitter``: the mean of a random
    delay (exponential) added to each request on its way to the bucket, as a busy event
    loop, scheduler or network adds on loopback. ``connect``: added to each of the first
    ``workers`` requests when it is first sent (each opens a connection, as an HTTP
    client's pool does); sent again (by the pace after a ``429``, or retried) it goes on
    that connection. ``late``: the mean of a random delay (exponential) between the time
    the pace gave a request and when its runner wakes up and sends it (a busy event loop,
    a scheduler), before the ``jitter`` on its way. ``back``: the mean of a random delay
    (exponential) between the bucket's answer and when the client reads it (a server's
    threads, the network on the way back): an answer let through may be read after a
    ``429`` the bucket gave later.
    """
    clock = _Clock()
    draw = random.Random(seed)
    policy = RetryPolicy(jitter=0.0)  # the jitter is drawn here, from ``seed``
    pace = Pace(rate_limit, clock=clock)
    server = LeakyBuckets(RateLimit(bucket.rate, bucket.burst), clock=clock)
    todo = round(bucket.rate * seconds)
    # (time, order, what, request, its tries so far, generation): what is "go" (reserve
    # a place), "start" (its place is due), "wake" (its runner wakes up), "answer" (it
    # reaches the bucket) or "read" (the client reads the bucket's answer)
    events: list[tuple[float, int, str, int, int, int]] = []
    answers: dict[tuple[int, int], int | None] = {}  # (request, tries): the bucket's wait
    sent: dict[tuple[int, int], float] = {}  # (request, tries): when it started
    counter = itertools.count()
    let_through = limited = failed = 0
    times: list[float] = []
    done = [False] * todo
    head = launched = finished = 0  # the first request not done; requests started, done
    connected: set[int] = set()  # the first requests sent so far (each opened a connection)

    def push(at: float, what: str, request: int, tries: int = 0, generation: int = 0) -> None:
        heapq.heappush(events, (at, next(counter), what, request, tries, generation))

    def finish(now: float, request: int) -> None:
        nonlocal head, launched, finished
        done[request] = True
        finished += 1
        while head < todo and done[head]:
            head += 1
        ahead = head + AHEAD * workers if in_order else todo
        while launched < min(todo, ahead) and launched - finished < workers:
            push(now, "go", launched)
            launched += 1

    for _ in range(min(workers, todo)):
        push(0.0, "go", launched)
        launched += 1
    while events:
        now, _, what, request, tries, generation = heapq.heappop(events)
        clock.now = now
        if what == "go":
            at, generation = pace.reserve()
            push(at, "start", request, tries, generation)
        elif what == "start" and late:  # its runner wakes up late
            push(now + draw.expovariate(1 / late), "wake", request, tries, generation)
        elif what in ("start", "wake"):  # reserved again if the rate changed meanwhile
            later = pace.start(generation)
            if later:  # woken before an interval after the latest start: ask again then
                push(now + later, "start", request, tries, generation)
            elif later is not None:
                delay = draw.expovariate(1 / jitter) if jitter else 0.0
                if request < workers and request not in connected:
                    delay += connect  # it opens a connection: once, not again when resent
                    connected.add(request)
                sent[request, tries] = now
                push(now + bucket.latency + delay, "answer", request, tries, generation)
            else:
                push(now, "go", request, tries)
        elif what == "answer":
            wait = server.retry_after("client")
            if outage is not None and outage[0] <= now < outage[1]:
                wait = wait or math.ceil(outage[1] - now)
            if back:  # read later: after a 429 the bucket gives meanwhile, maybe
                answers[request, tries] = wait
                push(now + draw.expovariate(1 / back), "read", request, tries, generation)
                continue
        if what in ("answer", "read"):
            if what == "read":
                wait = answers.pop((request, tries))
            if wait is None:
                pace.answered(generation, sent.pop((request, tries)))
                let_through += 1
                times.append(now)
                finish(now, request)
                continue
            limited += 1
            exc = _limited(bucket, wait, now, draw)
            pace.limited(generation, exc, sent=sent.pop((request, tries)))
            if tries >= max_retries:
                failed += 1
                finish(now, request)
                continue
            again = policy.delay(tries + 1, exc)
            if exc.retry_after_seconds is None:
                again += draw.uniform(0, 0.5)
            push(now + again, "go", request, tries + 1)
    end = times[-1] if times else 1.0
    half = [t for t in times if t >= end / 2]
    steady = len(half) / (end / 2) / bucket.rate
    return Outcome(let_through, limited, failed, end, bucket.rate, steady)


def _limited(bucket: Bucket, wait: int, now: float, draw: random.Random) -> RateLimitError:
    header = None if bucket.retry_after == "absent" else str(wait)
    exc = RateLimitError("Too many requests", status=429, retry_after=header)
    if bucket.retry_after == "date":  # whole seconds of a wall clock at a random phase
        phase = draw.random()
        exc.retry_after_seconds = math.ceil(now + phase + wait) - (now + phase)
    return exc
