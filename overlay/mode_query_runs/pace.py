"""One pace per client: every request of a client keeps the rate Mode allows.

Mode rate-limits with a leaky bucket and answers ``429`` (with ``Retry-After``) past it.
Requests that each retry on their own stampede: every waiting request wakes at once and
most get ``429`` again. So all requests of a client share one :class:`Pace`, and a ``429``
slows the whole client, not just the request that got it:

- **Pause.** No request starts until the ``Retry-After`` of the latest ``429`` has passed
  (seconds or an HTTP date; backoff as :class:`~mode_query_runs.RetryPolicy`'s defaults
  when the header is absent or unreadable).
- **In flight.** The number of requests in flight is halved (at least 1) at each ``429``
  (multiplicative decrease) and grows by one for each window's worth of answers that are
  not ``429`` (additive increase), back up to ``concurrency``, where the limit is lifted.
- **Rate.** Requests start at most ``rate`` per second once a ``429`` has been seen. The
  requests between two slow-downs are a *stretch*, and the ``429`` that ends one says
  the bucket is full. After the first stretch (sent as fast as the client goes) the rate
  is half the rate it was sent at, and the bucket is taken to hold about as many
  requests as it let through. After a stretch sent at a pace (the *ceiling*), the rate
  is 85% of the ceiling (multiplicative decrease), or less when the stretch says so:
  twice the requests that came through over the stretch and the pause before it, when
  the stretch ended long before it could (far too fast); ``ceiling - burst / seconds``
  when it was sent at a steady pace from an empty bucket that filled in ``seconds``.
  Each answer that is not ``429`` raises the rate by 0.1 request/s (additive increase)
  until it reaches 90% of the ceiling, then by 0.01: it comes back quickly to near where
  the ``429`` came, then probes past it slowly, so the pace follows a bucket that grows
  without costing a pause often.

Only one ``429`` per stretch slows the client: the requests already in flight at the old
pace that get one too (a *stale* ``429``) wait out the pause and are sent again, without
slowing the client further (at most :data:`STALE_RETRIES` times per try; beyond, the
``429`` is a failed try, retried or raised as the client's retry policy says).

The policy is :class:`Pace` (no I/O). :class:`PacedCalls` runs the tries of
:class:`~mode_query_runs.ModeClient` under it (``time.sleep``, a ``threading.Condition``
for the in-flight limit) and :class:`AsyncPacedCalls` those of
:class:`~mode_query_runs.AsyncModeClient` (``anyio.sleep``, an ``anyio.CapacityLimiter``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio

from .errors import ModeAPIError, RateLimitError
from .retries import RetryPolicy

__all__ = ["STALE_RETRIES", "AsyncPacedCalls", "Pace", "PacedCalls", "Ticket"]

T = TypeVar("T")

STALE_RETRIES = 3
"""How many stale ``429`` answers one try may wait out before it counts as a failed try."""
_FAST_STEP = 0.1
_SLOW_STEP = 0.01
_CEILING_MARGIN = 0.9
_STEADY = 0.05
_MIN_RATE = 0.1
_DECREASE = 0.85


@dataclass
class Ticket:
    """One request's place in the pace.

    Attributes:
        at: When it may start (``clock`` seconds).
        generation: The pause generation it was given in; a later ``429`` makes it stale.
        stretch: The stretch (between two slow-downs) it started in.
        index: How many requests of that stretch started before it.
    """

    at: float
    generation: int
    stretch: int = 0
    index: int = 0


class Pace:
    """The shared pace of one client's requests: a pause, an in-flight limit and a rate.

    Thread-safe: its state changes under a lock and it never blocks; the clients sleep.

    Args:
        concurrency: The most requests in flight the limit climbs back to before it is
            lifted; ``None``: as many as were in flight when the first ``429`` came.
        clock: Monotonic seconds (``time.monotonic``).
        policy: The backoff of a pause whose ``429`` has no readable ``Retry-After``.

    Raises:
        ValueError: ``concurrency`` is below 1.
    """

    def __init__(
        self,
        concurrency: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        policy: RetryPolicy | None = None,
    ) -> None:
        if concurrency is not None and concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        self.concurrency = concurrency
        self._clock = clock
        self._policy = policy or RetryPolicy()
        self._lock = threading.Lock()
        self.in_flight = 0
        self.window: float | None = None
        """Requests allowed in flight (``None``: no limit)."""
        self.rate: float | None = None
        """Requests started per second at most (``None``: no limit)."""
        self.resume_at = 0.0
        self.generation = 0
        self.stretch = 0
        self.slowdowns = 0
        """How many ``429`` answers slowed the client (stale ones not counted)."""
        self._peak = 0
        self._next_start = 0.0
        self._stretch_start: float | None = None
        self._stretch_starts = 0
        self._burst: float | None = None
        self._pauses_in_a_row = 0
        self._slowed_at: float | None = None
        self._stretch_rate: float | None = None
        self._ceiling: float | None = None

    def limit(self) -> int | None:
        """The in-flight limit as a whole number of requests (``None``: no limit)."""
        return None if self.window is None else int(self.window)

    def may_enter(self) -> bool:
        """Whether one more request may be in flight now."""
        with self._lock:
            return self.window is None or self.in_flight < int(self.window)

    def enter(self) -> None:
        """Count a request in flight (the in-flight limit was checked by the caller)."""
        with self._lock:
            self.in_flight += 1
            self._peak = max(self._peak, self.in_flight)

    def leave(self) -> None:
        """A request is no longer in flight."""
        with self._lock:
            self.in_flight -= 1

    def reserve(self) -> Ticket:
        """A start time for one request: after the pause, spaced ``1 / rate`` from the last."""
        with self._lock:
            now = self._clock()
            at = max(now, self.resume_at)
            if self.rate is not None:
                at = max(at, self._next_start)
                self._next_start = at + 1.0 / self.rate
            return Ticket(at, self.generation)

    def start(self, ticket: Ticket) -> bool:
        """Start the request of ``ticket`` now, unless a ``429`` came since it was reserved
        (then it must be reserved again: ``False``)."""
        with self._lock:
            if ticket.generation != self.generation:
                return False
            now = self._clock()
            if self._stretch_start is None:
                self._stretch_start = now
                self._stretch_rate = self.rate
            ticket.at = now
            ticket.stretch = self.stretch
            ticket.index = self._stretch_starts
            self._stretch_starts += 1
            return True

    def answered(self) -> None:
        """An answer that is not ``429`` came: climb back (in flight and rate)."""
        with self._lock:
            self._pauses_in_a_row = 0
            if self.window is not None:
                self.window += 1.0 / self.window
                if self.window >= (self.concurrency or self._peak):
                    self.window = None
            if self.rate is not None:
                below = self._ceiling is None or self.rate < _CEILING_MARGIN * self._ceiling
                self.rate += _FAST_STEP if below else _SLOW_STEP

    def rate_limited(self, ticket: Ticket, exc: RateLimitError) -> bool:
        """A ``429`` answered the request of ``ticket``; whether it slowed the client.

        The first ``429`` of a stretch pauses the client for its ``Retry-After`` (or
        backoff), halves the in-flight limit and lowers the rate; a stale one (its request
        started before the latest slow-down) only extends the pause if it asks longer.
        """
        with self._lock:
            now = self._clock()
            fresh = ticket.stretch == self.stretch
            if fresh:
                self._pauses_in_a_row += 1
            pause = self._policy.delay(max(1, self._pauses_in_a_row), exc)
            self.resume_at = max(self.resume_at, now + pause)
            self.generation += 1
            if not fresh:
                return False
            self.slowdowns += 1
            self.window = max(1.0, (self.window or float(max(1, self.in_flight))) / 2)
            self._slow_down(ticket)
            self.stretch += 1
            self._stretch_start = None
            self._stretch_starts = 0
            self._next_start = 0.0
            return True

    def settle(self, ticket: Ticket, exc: BaseException | None, stale: int) -> bool:
        """Account for how the request of ``ticket`` ended; whether to send it again now.

        ``exc`` is what it raised (``None``: it succeeded) and ``stale`` how many stale
        ``429`` answers this try already waited out. Only a stale ``429``, fewer than
        :data:`STALE_RETRIES` times, is sent again; any other answer counts for
        :meth:`answered` (a ``429`` for :meth:`rate_limited`), no answer for neither.
        """
        if isinstance(exc, RateLimitError):
            return not self.rate_limited(ticket, exc) and stale < STALE_RETRIES
        if exc is None or (isinstance(exc, ModeAPIError) and exc.status is not None):
            self.answered()
        return False

    def _slow_down(self, ticket: Ticket) -> None:
        started = self._stretch_start if self._stretch_start is not None else ticket.at
        seconds = ticket.at - started
        through = ticket.index  # requests of the stretch the bucket let through
        sent_at, self._stretch_rate = self._stretch_rate, None
        paused = started - self._slowed_at if self._slowed_at is not None else 0.0
        self._slowed_at = self._clock()
        if self.rate is None:
            # The first stretch, as fast as the client goes: the bucket let ``through``
            # requests by in ``seconds``; it holds about that many (at most).
            self._burst = float(max(1, through))
            if seconds > 0 and through > 0:
                self.rate = max(_MIN_RATE, through / seconds / 2)
            return
        sent = ceiling = self.rate
        rate = _DECREASE * sent
        if through == 0:  # not one request went through: half as fast
            rate = sent / 2
        elif paused + seconds > 0 and 2 * through / (paused + seconds) < rate:
            # Far too fast: the stretch was over long before the pause before it. Twice
            # what came through over both is a safe new start.
            rate = ceiling = 2 * through / (paused + seconds)
        elif sent_at is not None and abs(sent - sent_at) <= _STEADY * sent_at and seconds > 0:
            # Sent at a steady pace from an empty bucket, which filled in ``seconds``:
            # (sent - bucket rate) * seconds = burst.
            estimate = sent - (self._burst or 0.0) / seconds
            if estimate < rate:
                rate = ceiling = max(sent / 4, estimate)
        self._ceiling = ceiling
        self.rate = max(_MIN_RATE, rate)

    def wait_seconds(self, ticket: Ticket) -> float:
        """Seconds until ``ticket``'s start time (0 when it is due)."""
        return max(0.0, ticket.at - self._clock())


class PacedCalls:
    """Tries of :class:`~mode_query_runs.ModeClient` run at one :class:`Pace` (any thread).

    Args:
        pace: The pace every try of the client shares.
    """

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self._room = threading.Condition()

    def __call__(self, attempt: Callable[[], T]) -> T:
        """Run ``attempt`` (one try of a request) when the pace allows; return its result.

        Waits for room in flight and for the request's start time; a stale ``429`` is
        waited out and tried again (see the module).

        Raises:
            Exception: what ``attempt`` raised (a ``RateLimitError`` for a ``429`` that
                slowed the client, or after :data:`STALE_RETRIES` stale ones in a row).
        """
        pace = self.pace
        stale = 0
        while True:
            with self._room:
                self._room.wait_for(pace.may_enter)
                pace.enter()
            try:
                ticket = pace.reserve()
                while True:
                    if delay := pace.wait_seconds(ticket):
                        time.sleep(delay)
                    if pace.start(ticket):
                        break
                    ticket = pace.reserve()
                try:
                    result = attempt()
                except BaseException as exc:
                    if pace.settle(ticket, exc, stale):
                        stale += 1
                        continue
                    raise
                pace.settle(ticket, None, stale)
                return result
            finally:
                pace.leave()
                with self._room:
                    self._room.notify_all()


class AsyncPacedCalls:
    """Tries of :class:`~mode_query_runs.AsyncModeClient` run at one :class:`Pace`.

    The in-flight limit is an ``anyio.CapacityLimiter`` made on first use (in the event
    loop), whose ``total_tokens`` follows :meth:`Pace.limit`.

    Args:
        pace: The pace every try of the client shares.
    """

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self._limiter: anyio.CapacityLimiter | None = None

    def _room(self) -> anyio.CapacityLimiter:
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(math.inf)
        limit = self.pace.limit()
        tokens = math.inf if limit is None else limit
        if self._limiter.total_tokens != tokens:
            self._limiter.total_tokens = tokens
        return self._limiter

    async def __call__(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Await ``attempt`` (one try of a request) when the pace allows; as
        :meth:`PacedCalls.__call__`."""
        pace = self.pace
        stale = 0
        while True:
            limiter = self._room()
            borrower = object()
            await limiter.acquire_on_behalf_of(borrower)
            pace.enter()
            try:
                ticket = pace.reserve()
                while True:
                    if delay := pace.wait_seconds(ticket):
                        await anyio.sleep(delay)
                    if pace.start(ticket):
                        break
                    ticket = pace.reserve()
                try:
                    result = await attempt()
                except BaseException as exc:
                    if pace.settle(ticket, exc, stale):
                        stale += 1
                        continue
                    raise
                pace.settle(ticket, None, stale)
                return result
            finally:
                pace.leave()
                limiter.release_on_behalf_of(borrower)
                self._room()
