"""Rate limiting like Mode's for the mock server: a leaky bucket per credential.

Each credential (the request's ``Authorization`` header) has a bucket of ``burst``
requests that drains at ``rate`` requests per second. A request that fits is let through
and fills the bucket by one; one that does not is answered ``429`` with Mode's body
``{"id": "rate_limited", "message": "Too many requests"}`` and ``Retry-After`` in whole
seconds, as HTTP defines it (the time until it would fit, rounded up, at least 1), and
does not fill the bucket.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["LeakyBuckets", "RateLimit", "parse_rate_limit"]

_RATE = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(?:/\s*([0-9]+)\s*)?")


@dataclass(frozen=True)
class RateLimit:
    """A leaky bucket's size.

    Attributes:
        rate: Requests per second the bucket drains (above 0).
        burst: Requests the bucket holds (at least 1).

    Raises:
        ValueError: ``rate`` is not above 0 and finite, or ``burst`` is below 1.
    """

    rate: float
    burst: int = 1

    def __post_init__(self) -> None:
        if not (math.isfinite(self.rate) and self.rate > 0):
            raise ValueError(
                f"the rate must be a number of requests per second above 0, not {self.rate}"
            )
        if self.burst < 1:
            raise ValueError(f"the burst must be at least 1 request, not {self.burst}")

    def __str__(self) -> str:
        return f"{self.rate:g}/{self.burst}"


def parse_rate_limit(text: str) -> RateLimit:
    """``RATE[/BURST]`` (requests per second, requests) as a ``RateLimit``.

    ``BURST`` defaults to one second's worth of requests (``RATE`` rounded up).

    Raises:
        ValueError: ``text`` is not of that form, or a value is out of range; the message
            quotes ``text``.
    """
    match = _RATE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not RATE[/BURST] (requests per second, e.g. 50/10)")
    rate = float(match.group(1))
    burst = int(match.group(2)) if match.group(2) is not None else max(1, math.ceil(rate))
    try:
        return RateLimit(rate, burst)
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from None


class LeakyBuckets:
    """One leaky bucket per credential.

    Args:
        limit: The size of each bucket.
        clock: Monotonic seconds (``time.monotonic``).
    """

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self.limited = 0
        """How many requests were answered ``429``."""

    def retry_after(self, credential: str) -> int | None:
        """Let one request of ``credential`` through (``None``), or the whole seconds it
        must wait (the value of ``Retry-After``)."""
        now = self._clock()
        level, then = self._buckets.get(credential, (0.0, now))
        level = max(0.0, level - (now - then) * self.limit.rate)
        if level + 1 <= self.limit.burst:
            self._buckets[credential] = (level + 1, now)
            return None
        self._buckets[credential] = (level, now)
        self.limited += 1
        return max(1, math.ceil((level + 1 - self.limit.burst) / self.limit.rate))
