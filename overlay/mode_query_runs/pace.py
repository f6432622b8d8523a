"""One pace per client: every request of a client keeps the rate Mode allows.

Mode rate-limits with a leaky bucket and answers ``429`` (with ``Retry-After``) past it.
All requests of a client share one ``Pace``: they start at most ``rate`` a second,
spaced by a token bucket of ``pyrate-limiter`` (``InMemoryBucket``). The rate is open
until the first ``429``, or it is the user's ``rate_limit``, never exceeded.

The rate is kept in a bracket, one rule:

- ``low`` is the highest rate *proven*: as many answers in a row let through at it as a
  rate ``x`` too fast would need to fill the bucket (``burst / x``, where ``x`` is how far
  below ``high`` it is, at least ``SHARE``; at most ``1 / SHARE`` answers);
- ``high`` is the rate of the latest *event*: a ``429`` after at least one answer let
  through since the previous event (``429`` answers with none let through between are
  one event: an outage, another client; the first event's ``high`` is the rate requests
  were sent at).

At an event the pace goes back to ``low``; with none proven yet, or ``low`` itself
failing, to what the bucket let through since the previous event: between what the
share of answers let through says and what answers let through per second say (their
geometric mean: the first is too high, the second too low, when the client left the
bucket idle for a while). Each proof moves the rate halfway to ``high``; once the two
are within ``2 * SHARE``, to ``SHARE`` past ``low``, so that a bucket that grows is
followed. ``burst`` is what the bucket let through from a cold start before a ``429``.

A request reserved before the latest event is reserved again. A ``429`` to a request sent
at a pace corrected since, or with nothing let through since the latest event (part of
it), is sent again by the pace after its ``Retry-After``; the others are the client's
retries to decide (they wait the same ``Retry-After``). No ``429`` pauses the whole client.
Nothing waits past the caller's deadline: a ``Retry-After`` beyond it raises
``RateLimitError`` at once, and until that call's deadline every request that would have
to wait past its own raises ``RateLimitError`` (with ``retry_after_seconds``) at once,
unsent.

The policy is ``Pace`` (no I/O, any clock); ``paced`` runs one try under it with
``time.sleep``, ``apaced`` with ``anyio.sleep``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import anyio

from .errors import ModeAPIError, RateLimitError
from .retries import RetryPolicy

if TYPE_CHECKING:
    from pyrate_limiter import InMemoryBucket

__all__ = ["SHARE", "Pace", "apaced", "paced"]

T = TypeVar("T")
SHARE = 0.01
"""The share of answers that may be ``429`` while the pace probes the bucket's rate."""
_MICROS = 1_000_000


class Pace:
    """The shared pace of one client's requests (thread-safe; never blocks).

    Args:
        rate: Requests per second to start at (``None``: unlimited until the first ``429``).
        clock: Monotonic seconds (``time.monotonic``).
        policy: The backoff of a ``429`` without a readable ``Retry-After``.

    Raises:
        ValueError: ``rate`` is not a finite number above 0.
    """

    def __init__(
        self,
        rate: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        policy: RetryPolicy | None = None,
    ) -> None:
        if rate is not None and not (isinstance(rate, int | float) and 0 < rate < math.inf):
            raise ValueError(f"rate_limit must be requests per second above 0, not {rate!r}")
        self.clock = clock
        self._policy = policy or RetryPolicy()
        self._lock = threading.Lock()
        self.rate: float | None = None
        self._bucket: InMemoryBucket | None = None
        self._interval = 0
        self.events = 0
        """How many ``429`` answers changed the rate."""
        self._since: float | None = None  # the first start, then the latest event
        self._let_through = 0  # answers that were not 429 since then
        self._proving = 0  # and since the rate was set
        self._started = 0  # requests started since then
        self.low = 0.0
        """The highest rate proven (``0``: none yet)."""
        self.high = math.inf
        """The rate of the latest event (too fast)."""
        self.burst = 1
        """How many requests the bucket let through from a cold start before a ``429``."""
        self._hold: tuple[float, float, RateLimitError] | None = None
        self.limit = math.inf if rate is None else float(rate)
        """The rate never exceeded: the user's ``rate_limit``."""
        if rate is not None:
            self._set_rate(float(rate))

    def _set_rate(self, rate: float, now: float | None = None) -> None:
        """Start requests at ``rate``; ``now``: forget the slots reserved after it."""
        from pyrate_limiter import InMemoryBucket, Rate

        self.rate = rate = min(rate, self.limit)
        self._proving = 0
        interval = max(1, round(_MICROS / rate))
        if interval != self._interval or now is not None:
            items = self._bucket.items if self._bucket is not None else []
            if now is not None:
                items = [item for item in items if item.timestamp <= now * _MICROS]
            # pyrate-limiter spaces items one microsecond more than the rate's interval
            self._bucket = InMemoryBucket([Rate(1, max(1, interval - 1))])
            self._bucket.items = items[-1:]
            self._interval = interval

    def reserve(self, deadline: float = math.inf) -> tuple[float, int]:
        """When the next request may start (``clock`` seconds), and the pace's generation
        (``events``) it was reserved in: if an event comes before it starts, reserve
        again.

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
                    raise _refused(f"Mode asked to wait {asked - now:.0f} s more", asked - now, exc)
                else:
                    at = until
            if self._since is None:
                self._since = now
            self._started += 1
            if self._bucket is not None:
                at = self._slot(at, now)
            if at > deadline:
                raise _refused(f"the client's pace has no room for {at - now:.1f} s", at - now)
            return at, self.events

    def _slot(self, at: float, now: float) -> float:
        from pyrate_limiter import RateItem

        assert self._bucket is not None
        self._bucket.leak(round(now * _MICROS))
        stamp = round(at * _MICROS)
        while not self._bucket.put(RateItem("pace", stamp)):
            wait = self._bucket.waiting(RateItem("pace", stamp))
            stamp += max(1, wait if isinstance(wait, int) else 1)
        return stamp / _MICROS

    def answered(self, generation: int) -> None:
        """An answer that was not ``429`` came to a request reserved in ``generation``."""
        with self._lock:
            if generation != self.events:
                return
            self._let_through += 1
            self._proving += 1
            rate = self.rate
            # Proven: a rate x too fast fills the bucket (``burst`` requests) in burst / x
            # answers, where x is at most how far ``high`` is (and at least SHARE).
            if (
                rate is None
                or self._proving * max(SHARE, min(1, self.high / rate - 1) / self.burst) < 1
            ):
                return
            self.low = max(self.low, rate)
            self.high = max(self.high, self.low * (1 + 2 * SHARE))
            self._set_rate((self.low + self.high) / 2)

    def limited(self, generation: int, exc: RateLimitError, deadline: float = math.inf) -> float:
        """A ``429`` answered a request reserved in ``generation``; seconds before the pace
        sends it again itself, or ``-1`` when the client's retries decide.

        Raises:
            RateLimitError: ``exc``, when its wait ends after ``deadline`` (then every
                request of the client is held until then, at most until ``deadline``).
        """
        with self._lock:
            now = self.clock()
            wait = exc.retry_after_seconds
            if wait is None:
                wait = self._policy.delay(1)
            if now + wait > deadline:
                held = (min(now + wait, max(now, deadline)), now + wait, exc)
                if self._hold is None or held[0] > self._hold[0]:
                    self._hold = held
                raise exc
            if generation != self.events or (self.events and not self._let_through):
                return wait  # sent at a pace corrected since, or part of the latest event
            if self._let_through:  # an event: the bucket let through A, then this 429
                self.events += 1
                since = self._since if self._since is not None else now
                seconds = max(now - since, 1e-6)
                through = self._let_through / seconds
                sent = through if self.rate is None else self.rate
                if self.rate is None:  # from a cold start: about what the bucket holds
                    self.burst = self._let_through
                # What the bucket let through: by the share of answers (too high when the
                # bucket had room for a while) and by the second (too low then): between.
                share = self._let_through / (self._let_through + 1)
                kept = math.sqrt(min(through, sent) * sent * share)
                self.high = self._started / seconds if self.rate is None else sent
                if sent <= self.low or not self.low:  # no rate proven, or it fails now
                    self.low = kept
                self._set_rate(self.low, now)
            # A 429 with none let through since the latest event starts the count anew: a
            # run of them (an outage, another client) is no measure of the bucket.
            self._since, self._let_through, self._started = now, 0, 0
            return -1


def _refused(reason: str, seconds: float, exc: RateLimitError | None = None) -> RateLimitError:
    """The ``RateLimitError`` of a request not sent: it would wait ``seconds``, past the
    call's deadline (``exc``: the ``429`` that asked for the wait)."""
    error = RateLimitError(
        f"rate limited, not sent: {reason}, past this call's deadline",
        status=exc.status if exc else None,
        error_id=exc.error_id if exc else None,
        retry_after=exc.retry_after if exc else None,
    )
    error.retry_after_seconds = seconds
    return error


def _settled(pace: Pace, generation: int, exc: BaseException, deadline: float) -> float:
    if isinstance(exc, RateLimitError):
        return pace.limited(generation, exc, deadline)
    if isinstance(exc, ModeAPIError) and exc.status is not None:
        pace.answered(generation)
    return -1


def paced(pace: Pace, attempt: Callable[[], T], deadline: float = math.inf) -> T:
    """Run ``attempt`` (one try of a request) when ``pace`` allows (``time.sleep``)."""
    while True:
        at, generation = pace.reserve(deadline)
        time.sleep(max(0.0, at - pace.clock()))
        if generation != pace.events:  # an event came meanwhile: a new place
            continue
        try:
            result = attempt()
        except Exception as exc:
            wait = _settled(pace, generation, exc, deadline)
            if wait < 0:
                raise
            time.sleep(wait)
            continue
        pace.answered(generation)
        return result


async def apaced(pace: Pace, attempt: Callable[[], Awaitable[T]], deadline: float = math.inf) -> T:
    """Await ``attempt`` (one try of a request) when ``pace`` allows (``anyio.sleep``)."""
    while True:
        at, generation = pace.reserve(deadline)
        await anyio.sleep(max(0.0, at - pace.clock()))
        if generation != pace.events:  # an event came meanwhile: a new place
            continue
        try:
            result = await attempt()
        except Exception as exc:
            wait = _settled(pace, generation, exc, deadline)
            if wait < 0:
                raise
            await anyio.sleep(wait)
            continue
        pace.answered(generation)
        return result
