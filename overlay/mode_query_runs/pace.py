"""One pace per client: every request of a client keeps the rate Mode allows.

Mode rate-limits with a leaky bucket (rate ``r``, holding ``b`` requests) and answers
``429`` (with ``Retry-After``) past it; the client sees only answers let through and
``429``. All requests of a client share one ``Pace``: they start at most ``rate`` a
second, spaced by a token bucket of ``pyrate-limiter`` (``InMemoryBucket``), or at the
user's ``rate_limit``, never exceeded.

Without a ``rate_limit`` the pace *slow-starts* until the first ``429``: as many requests
in flight as answers had come back when the oldest of them started, and one more (one,
then about twice as many each round trip; an answer that comes back before the ``429``
sent beside it lets one more go, not two); a request with none in flight always goes at
once (a client used one call after another, or after a pause, is never held back). From
then on the rate follows one rule, between two measures of the bucket:

- ``low``, the rate the answers let through *prove*: ``m`` of them in ``t`` seconds, the
  last one into a bucket of at most ``burst``, mean ``r >= (m - burst) / t`` (over the
  last 2, 4, 8, ... answers), and ``m`` to requests sent after a ``429`` was read (the
  bucket full when it refused), ``t`` seconds since its request was sent, mean
  ``r >= (m - 1) / t``. ``burst`` is what the bucket let through before the first
  ``429``: the answers read before it, and those read after it to requests sent before
  it was read (a server's threads and the network reorder answers; it holds at most that
  many);
- ``proven``, the highest rate answered for as long as a rate ``x`` too fast would take
  to fill the bucket (``burst * (1 + x) / x`` answers in a row, where ``x`` is how far
  below ``high`` it is, at least ``SHARE``), at that rate (not held back by a request
  waiting out a ``Retry-After``), to requests reserved at it.

An *event* is a ``429`` after at least one answer let through since the previous one, to
a request sent at the current rate (``429`` answers with none let through between are one
event: an outage, another client; but after the first event, at a rate above the one
the answers prove, a ``429`` to a request sent after the latest event is one of its own:
the guess is still too fast). ``high`` becomes the rate it came at (none after the slow
start's, whose requests go at once: it bounds no rate), or less after ``429`` answers in a
row with nothing let through between: the bucket full at each, it drains less than one
request in the time between the first one and this one (as read); and the pace goes
back to the best of ``low`` and ``proven`` (``proven`` forgotten if it failed), or with
none yet halfway in ratio between what the bucket let through per second since the
previous event (not counting its ``Retry-After`` when nothing was let through meanwhile)
and ``high`` (at most half ``high``; after the slow start's guess, which no ``429``
bounded, what the bucket let through), its next request an interval after the ``429``
(the bucket was full then). It stays there until staying below ``high`` lost as many
answers as the ``429``'s ``Retry-After`` costs at that rate: what it lets through in that
wait, less the answers that came meanwhile (none for a caller whose other requests went
on; up to ``Retry-After * rate`` when they all waited behind it, as the window of
``list_query_runs_many`` does; none without a ``Retry-After``) and, after a probe that
failed between ``proven`` and ``high``,
until ``1 / SHARE`` answers came back (with a ``Retry-After``: the probes' ``429`` answers
are about ``SHARE`` of the answers, however slow the bucket) or, without one (its call
waits only its own backoff), until staying below ``high`` lost as many answers as there
were events (``events * rate / (high - rate)`` answers: from a rate far below the bucket's
the next probe comes soon, each event spaces them further); then each proof moves it
halfway to ``high`` (at most doubling it); once within ``2 * SHARE`` of it, ``SHARE`` past
it, so that a bucket that grows is followed. Only answers to requests sent after the
latest refused request was due to be sent again (its ``Retry-After``) raise it: a probe
never meets a retry.

A ``429`` to a request sent at a rate changed since, or with nothing let through since the
latest event (part of it: an outage, another client), changes nothing.

The pace never sends a request again itself: every ``429`` is its call's to retry, as
``max_retries`` and the call's ``RetryPolicy`` decide (``Retry-After`` honoured). A request
reserved before the rate changed is reserved again, and none starts less than an interval
after the latest one *as it started* (a runner woken late is not followed by one that
catches up). Only a ``Retry-After`` Mode sent may hold the client: one beyond the call's
deadline makes, until then, every request that would have to wait past its own deadline
raise ``RateLimitError`` (with ``retry_after_seconds``) at once, unsent; a ``429`` without
one holds nothing.

The policy is ``Pace`` (no I/O, any clock); ``paced`` runs one try under it with
``time.sleep``, ``apaced`` with ``anyio.sleep``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import anyio

from .errors import ModeAPIError, RateLimitError

if TYPE_CHECKING:
    from pyrate_limiter import InMemoryBucket

__all__ = ["SHARE", "Pace", "apaced", "paced"]

T = TypeVar("T")
SHARE = 0.01
"""The share of answers that may be ``429`` while the pace probes the bucket's rate."""
_MICROS = 1_000_000
_KEPT = 4096  # answers let through kept to prove a rate
_ANCHORS = 16  # latest 429s kept to prove a rate from
_POLL = 0.001  # before the first reply, the slow start asks again at most this often


class Pace:
    """The shared pace of one client's requests (thread-safe; never blocks).

    Args:
        rate: Requests per second to start at (``None``: learnt, from a slow start).
        clock: Monotonic seconds (``time.monotonic``).

    Raises:
        ValueError: ``rate`` is not a finite number above 0.
    """

    def __init__(
        self,
        rate: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate is not None and not (isinstance(rate, int | float) and 0 < rate < math.inf):
            raise ValueError(f"rate_limit must be requests per second above 0, not {rate!r}")
        self.clock = clock
        self._lock = threading.Lock()
        self.rate: float | None = None
        """Requests per second (``None``: the slow start, before the first event)."""
        self._bucket: InMemoryBucket | None = None
        self._interval = 0
        self._rate = math.inf  # the rate requests are spaced at
        self.events = 0
        """How many ``429`` answers changed the rate."""
        self.generation = 0
        """How many times the rate changed (a request reserved before is reserved again)."""
        self.low = 0.0
        """The highest rate the answers let through prove the bucket drains (``0``: none)."""
        self.high = math.inf
        """The rate requests were sent at when the latest event came (too fast)."""
        self.burst = math.inf
        """At most what the bucket holds: let through before the first event."""
        self._through: deque[float] = deque(maxlen=_KEPT)  # when answers were let through
        self._start: float | None = None  # the first request
        self._answers = 0  # answers let through
        self._refused: deque[list[float]] = deque(maxlen=_ANCHORS)  # 429s: when the try
        # was sent, when its 429 was read, and the answers let through to tries sent before
        # that (an answer read after a 429 may have reached the bucket before it)
        self._first = math.inf  # when the first event's 429 was read
        self._flying: deque[int] = deque()  # in the slow start: the tries in flight, each
        # as the answers let through when it started (a try that ends takes the oldest off)
        self._since_event = 0  # answers let through since the latest event, of its rate
        self._event = (0.0, 0)  # when the latest event (or the first request) was, and
        # how many answers had been let through then
        self._proving = 0  # answers let through in a row at this rate
        self._proof_start = 0.0  # when the first of them was
        self.proven = 0.0
        """The highest rate answered for as long as would fill the bucket were it too fast."""
        self._wait = 0.0  # the latest event's Retry-After (seconds)
        self._came = 0  # answers let through while it waited
        self._probe_after = 0  # and after how many answers let through
        self._hold: tuple[float, float, RateLimitError] | None = None
        self._started = -math.inf  # when the latest request started
        self._run: float | None = None  # when the first of the latest 429s in a row was
        # read (none let through since)
        self._due = -math.inf  # when the latest request refused is due to be sent again
        self.limit = math.inf if rate is None else float(rate)
        """The rate never exceeded: the user's ``rate_limit``."""
        if rate is not None:
            self._set_rate(float(rate))

    def _set_rate(self, rate: float, refused: float | None = None) -> None:
        """Space requests at ``rate`` (at most ``limit``), the next an interval after the
        latest start, or after ``refused``: when a ``429`` came (the bucket full then).
        The requests reserved so far are reserved again at this rate."""
        from pyrate_limiter import InMemoryBucket, Rate, RateItem

        self.rate = self._rate = rate = min(rate, self.limit)
        self._interval = max(1, round(_MICROS / rate))
        # pyrate-limiter spaces items one microsecond more than the rate's interval
        self._bucket = InMemoryBucket([Rate(1, max(1, self._interval - 1))])
        latest = self._started if refused is None else refused
        if latest > -math.inf:
            self._bucket.items = [RateItem("pace", round(latest * _MICROS))]
        self._proving = 0
        self.generation += 1

    def reserve(self, deadline: float = math.inf) -> tuple[float, int]:
        """When the next request may start (``clock`` seconds), and the pace's generation
        it was reserved in: if the rate changes before it starts (or the generation is
        ``-1``: the slow start has no room yet), reserve again (``start``).

        Raises:
            RateLimitError: the client is held (a ``Retry-After`` beyond a deadline) until
                after ``deadline``, or its pace has no room before it.
        """
        with self._lock:
            now = self.clock()
            at = now
            if self._hold is not None:
                until, asked, exc = self._hold
                if now >= until:
                    self._hold = None
                elif asked > deadline:
                    reason = (
                        f"Mode asked to wait {asked - now:.0f} s more (a 429 to an earlier request)"
                    )
                    raise _refused(reason, asked - now, exc)
                else:
                    at = until
            if self._start is None:
                self._start = now
                self._event = (now, 0)
            flying = self._flying
            if self.rate is None and self.limit == math.inf and flying and len(flying) > flying[0]:
                # The slow start: as many in flight as answers had come back when the oldest
                # of them started, and one more; with none in flight, a request always goes.
                again = now + _POLL
                if again <= deadline:
                    return again, -1
            if self._bucket is not None:
                at = self._slot(at, now)
            if at > deadline:
                raise _refused(f"the client's pace has room for it in {at - now:.3g} s", at - now)
            if self.rate is None and self.limit == math.inf:
                self._flying.append(self._answers)  # before the first event: none is redone
            return at, self.generation

    def start(self, generation: int) -> float | None:
        """Whether a request reserved in ``generation`` may start now: ``0.0`` (it has
        started), seconds to wait before asking again (an interval after the latest
        request as it actually started has not passed), or ``None`` (the rate changed
        since it was reserved: reserve again)."""
        with self._lock:
            if generation != self.generation:
                return None
            now = self.clock()
            if self._bucket is not None:
                wait = self._started + self._interval / _MICROS - now
                if wait >= 1 / _MICROS:  # the bucket's resolution
                    return wait
            self._started = now
            return 0.0

    def _slot(self, at: float, now: float) -> float:
        from pyrate_limiter import RateItem

        assert self._bucket is not None
        self._bucket.leak(round(now * _MICROS))
        stamp = round(at * _MICROS)
        while not self._bucket.put(RateItem("pace", stamp)):
            wait = self._bucket.waiting(RateItem("pace", stamp))
            stamp += max(1, wait if isinstance(wait, int) else 1)
        return stamp / _MICROS

    def _proven(self, now: float) -> float:
        """The highest rate the answers let through prove: ``m`` of them in ``t`` seconds,
        the last into a bucket of at most ``burst``, so it drains at least
        ``(m - burst) / t`` a second (over the last 2, 4, 8, ... answers); ``m`` of them
        to requests sent after a ``429`` was read (the bucket full when it refused),
        ``(m - 1) / t``, ``t`` since the refused request was sent."""
        through, proven, m = self._through, 0.0, 2
        while m <= len(through):
            span = now - through[-m]
            if m > self.burst and span > 0:
                proven = max(proven, (m - self.burst) / span)
            m *= 2
        for since, _, count in self._refused:
            after = self._answers - count  # sent after the 429 was read: let through after it
            if after > 1 and now > since:
                proven = max(proven, (after - 1) / (now - since))
        return proven

    def failed(self) -> None:
        """A try ended without an answer (no response, or not one to measure the bucket by)."""
        with self._lock:
            if self._flying:
                self._flying.popleft()

    def answered(self, generation: int, sent: float | None = None) -> None:
        """An answer that was not ``429`` came to a request reserved in ``generation``,
        sent at ``sent`` (``clock`` seconds; ``None``: unknown)."""
        with self._lock:
            now = self.clock()
            if sent is not None:
                if sent < self._first:  # it may have reached the bucket before the first 429
                    self.burst += 1
                for anchor in self._refused:
                    anchor[2] += sent < anchor[1]
            self._through.append(now)
            self._answers += 1
            self._run = None
            self._came += now <= self._event[0] + self._wait
            if self._flying:
                self._flying.popleft()
            self.low = max(self.low, self._proven(now))
            if generation != self.generation:
                return
            self._since_event += 1
            rate = self.rate
            if rate is None or self._answers < self._probe_after:
                return
            if sent is not None and sent < self._due:
                return  # a probe would meet the requests refused, sent again when due
            # Staying below ``high`` since the latest event lost as many answers as its
            # Retry-After cost at this rate: as many as it lets through in that wait, less
            # those that came meanwhile (a caller whose other requests went on lost none).
            spent = now - self._event[0]
            lost = (self.high - rate) * spent if self.high < math.inf else math.inf
            if lost < rate * min(spent, self._wait) - self._came:
                return
            # Proven: a rate x too fast (``x`` its share past the bucket's) fills the
            # bucket in burst * (1 + x) / x answers, where x is at most how far ``high`` is;
            # answered at that rate (not held back by a request waiting out a 429), to
            # requests reserved at it.
            if not self._proving:
                self._proof_start = now
            self._proving += 1
            gap = max(SHARE, min(1, self.high / rate - 1))
            if self._proving < self.burst * (1 + gap) / gap:
                return
            if (self._proving - 1) / max(now - self._proof_start, 1e-9) < rate / (1 + gap):
                self._proving = 0  # answered slower than the rate: no proof of it
                return
            self.proven = max(self.proven, rate)
            if self.high - rate > 2 * SHARE * rate:
                target = min(2 * rate, (rate + self.high) / 2)
            else:  # within reach of ``high``: a step past it, so a bucket that grows is followed
                target = rate * (1 + SHARE)
                self.high = max(self.high, target)
            if target <= self.limit:
                self._set_rate(target)

    def limited(
        self,
        generation: int,
        exc: RateLimitError,
        deadline: float = math.inf,
        sent: float | None = None,
    ) -> None:
        """A ``429`` answered a request reserved in ``generation`` (the client's retries
        decide whether it is sent again). A ``Retry-After`` past ``deadline`` holds every
        request of the client until then, at most until ``deadline``."""
        with self._lock:
            now = self.clock()
            if self._flying:
                self._flying.popleft()
            anchor = [now if sent is None else sent, now, self._answers]
            if self._run is None:
                self._run = now
            apart = now - self._run
            self._refused.append(anchor)
            wait = exc.retry_after_seconds
            if wait is not None and now + wait <= deadline:  # its call sends it again then
                self._due = max(self._due, now + wait)
            if wait is not None and now + wait > deadline:
                held = (min(now + wait, max(now, deadline)), now + wait, exc)
                if self._hold is None or held[0] > self._hold[0]:
                    self._hold = held
            guessing = self.events and self._rate > self.low  # above the rate proven
            after = guessing and sent is not None and sent >= self._event[0]
            if generation != self.generation or not (self._since_event or after):
                # Sent at a pace corrected since, or part of the latest event (a run of
                # 429s with nothing let through between is one: an outage, another client;
                # but at a rate above the one proven, one to a request sent after it is an
                # event of its own: the rate is halved again).
                return
            self.events += 1
            # A probe that failed between a proven rate and one refused (not the doubling
            # of the first, nor a guess): bisecting costs at most SHARE of the answers.
            bisecting = 0 < self.proven < self._rate and self.high < math.inf
            cold = self._rate == math.inf  # the slow start's first 429
            guessed = self.high == math.inf  # no 429 bounded the rate of this one
            start = now if self._start is None else self._start
            came_at = self._since_event / max(now - start, 1e-6) if cold else self._rate
            if self.burst == math.inf:  # the first event: the bucket held at most this many,
                # and those read later that were sent before this 429 was read (``answered``)
                self.burst = float(self._since_event)
                self._first = now
            self.low = max(self.low, self._proven(now))
            if self.proven >= came_at:  # the proven rate fails: the bucket got slower
                self.proven = 0.0
            if self.low >= came_at:  # what proved it no longer holds: start anew from this 429
                self.low = came_at * (1 - 2 * SHARE)
                self._through.clear()
                self._refused.clear()
                self._refused.append(anchor)
            if apart > 0:  # 429s in a row, the bucket full at each: it drains less than
                came_at = min(came_at, 1 / apart)  # one request in the time between them
            # The slow start sends what may be in flight at once: its 429 bounds no rate.
            self.high = math.inf if cold else came_at
            # Below the rate of the event: back to the rate proven, or else halfway in
            # ratio between what the bucket let through per second since the previous event
            # and the rate of this one (at most half of it); after the slow start's guess,
            # which no 429 bounded, what the bucket let through.
            then, count = self._event
            if not self._came:  # nothing came while its Retry-After was waited out
                then = min(now, then + self._wait)
            through = (self._answers - count) / max(now - then, 1e-6)
            guess = through if guessed else math.sqrt(through * came_at)
            rate = max(self.low, self.proven or min(came_at / 2, guess or came_at / 2))
            self._event = (now, self._answers)
            self._set_rate(rate, now)
            # Raise it again once staying below ``high`` lost as many answers as the 429's
            # wait costs (``answered``) and, after a probe that failed bisecting, once
            # 1 / SHARE answers came back (with a Retry-After) or staying below ``high``
            # lost as many answers as there were events (without: its call waits only its
            # own backoff).
            below = rate / max(self.high - rate, SHARE * rate)  # per answer lost below high
            self._wait, self._came = wait or 0.0, 0
            lost = round(1 / SHARE) if wait is not None else math.ceil(self.events * below)
            self._probe_after = self._answers + (lost if bisecting else 0)
            self._since_event = 0


def _refused(reason: str, seconds: float, exc: RateLimitError | None = None) -> RateLimitError:
    """The ``RateLimitError`` of a request not sent: it would wait ``seconds``, past the
    call's deadline (``exc``: the ``429`` to an earlier request that asked for the wait,
    its ``Retry-After`` kept; no status: this request got none)."""
    error = RateLimitError(
        f"rate limited, not sent: {reason}, past this call's deadline",
        retry_after=exc.retry_after if exc else None,
    )
    error.retry_after_seconds = seconds
    return error


def _settled(pace: Pace, generation: int, exc: BaseException, deadline: float, sent: float) -> None:
    if isinstance(exc, RateLimitError):
        pace.limited(generation, exc, deadline, sent)
    elif isinstance(exc, ModeAPIError) and exc.status is not None:
        pace.answered(generation, sent)
    else:
        pace.failed()


def paced(pace: Pace, attempt: Callable[[], T], deadline: float = math.inf) -> T:
    """Run ``attempt`` (one try of a request) when ``pace`` allows (``time.sleep``)."""
    while True:
        at, generation = pace.reserve(deadline)
        if (delay := at - pace.clock()) > 0:  # time.sleep(0) is a system call all the same
            time.sleep(delay)
        while wait := pace.start(generation):  # woken before an interval after the latest
            time.sleep(wait)
        if wait is None:  # the rate changed meanwhile: a new place
            continue
        sent = pace.clock()
        try:
            result = attempt()
        except Exception as exc:
            _settled(pace, generation, exc, deadline, sent)
            raise
        except BaseException:  # cancelled, interrupted: a reply all the same
            pace.failed()
            raise
        pace.answered(generation, sent)
        return result


async def apaced(pace: Pace, attempt: Callable[[], Awaitable[T]], deadline: float = math.inf) -> T:
    """Await ``attempt`` (one try of a request) when ``pace`` allows (``anyio.sleep``)."""
    while True:
        at, generation = pace.reserve(deadline)
        await anyio.sleep(max(0.0, at - pace.clock()))
        while wait := pace.start(generation):  # woken before an interval after the latest
            await anyio.sleep(wait)
        if wait is None:  # the rate changed meanwhile: a new place
            continue
        sent = pace.clock()
        try:
            result = await attempt()
        except Exception as exc:
            _settled(pace, generation, exc, deadline, sent)
            raise
        except BaseException:  # cancelled, interrupted: a reply all the same
            pace.failed()
            raise
        pace.answered(generation, sent)
        return result
