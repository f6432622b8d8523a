"""Retrying idempotent GETs: which failures, how long to wait between tries, when to stop.

Mode rate-limits with a leaky bucket and answers ``429 Too Many Requests`` over the limit,
to be retried with backoff, honouring ``Retry-After`` (``shared/reference/mode-api-facts.md``,
Transport). Gateways in front of it answer 502, 503 and 504, and connections fail or time
out; a ``503 Service Unavailable`` may say when to come back with ``Retry-After`` too, and
is honoured the same way. GETs of both clients are retried on those, with exponential
backoff and jitter, at most ``max_retries`` times and within a total time cap: the
transports' loops (``engine``) ask ``RetryPolicy.next_delay`` after each failed try.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

from .errors import APIConnectionError, ModeAPIError, retry_after_seconds

__all__ = ["RETRY_STATUSES", "RetryPolicy", "check_retries", "retry_after_seconds"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""Statuses of a GET that are retried."""
_IDEMPOTENT = frozenset({"GET", "HEAD"})
_LOG = logging.getLogger("mode_query_runs")


@dataclass(frozen=True)
class RetryPolicy:
    """How retried GETs back off (all values in seconds).

    Attributes:
        backoff_initial: Wait before the first retry; doubled for each retry after it.
        backoff_max: The longest wait computed by backoff (``Retry-After`` may ask more).
        jitter: Up to this much, drawn at random, is added to each backoff wait (not to a
            ``Retry-After`` wait).
        total_timeout: No retry starts (or waits) past this many seconds after the first
            try began; a ``Retry-After`` beyond it ends the retries at once.
    """

    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    jitter: float = 0.5
    total_timeout: float = 60.0

    def __post_init__(self) -> None:
        for name in ("backoff_initial", "backoff_max", "jitter", "total_timeout"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)}")

    @staticmethod
    def should_retry(exc: BaseException) -> bool:
        """Whether a failed try is retried: a GET that got 429, 502, 503, 504 or no response."""
        if not isinstance(exc, ModeAPIError) or exc.method not in _IDEMPOTENT:
            return False
        return isinstance(exc, APIConnectionError) or exc.status in RETRY_STATUSES

    def delay(self, retry: int, exc: BaseException | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first) after ``exc``.

        ``Retry-After`` of a 429 or a 503 wins (its ``retry_after_seconds``, when
        readable); otherwise ``backoff_initial * 2**(retry - 1)``, at most ``backoff_max``,
        plus a random jitter in ``[0, jitter]``.
        """
        if isinstance(exc, ModeAPIError) and exc.retry_after_seconds is not None:
            return exc.retry_after_seconds
        backoff = min(self.backoff_max, self.backoff_initial * 2 ** (retry - 1))
        return float(backoff + random.uniform(0, self.jitter))

    def next_delay(
        self, retry: int, exc: BaseException, max_retries: int, started: float
    ) -> float | None:
        """Seconds to wait before retry number ``retry`` (1 for the first) after ``exc``,
        logged at INFO; ``None`` when ``exc`` is final: not retried (``should_retry``),
        ``max_retries`` used up, or the wait would end ``total_timeout`` seconds or more
        after ``started`` (``time.monotonic()`` when the first try began)."""
        if retry > max_retries or not self.should_retry(exc):
            return None
        delay = self.delay(retry, exc)
        if time.monotonic() - started + delay >= self.total_timeout:
            return None
        _LOG.info("retry %d in %.2f s after: %s", retry, delay, exc)
        return delay


def check_retries(max_retries: int) -> int:
    """Return ``max_retries`` if it is a usable number of retries.

    Raises:
        ValueError: ``max_retries`` is negative.
    """
    if max_retries < 0:
        raise ValueError(f"max_retries must not be negative, not {max_retries}")
    return max_retries
