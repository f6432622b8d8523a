"""Retrying GETs (tenacity): on 429 (Mode's rate limit), 502, 503, 504 or no response,
with exponential backoff and jitter or the ``Retry-After`` of a 429 / 503, at most
``max_retries`` times and within ``total_timeout``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import tenacity

from .errors import APIConnectionError, ModeAPIError, retry_after_seconds
from .responses import LOGGER

__all__ = ["RetryPolicy", "retry_after_seconds"]


@dataclass(frozen=True)
class RetryPolicy:
    """How retried GETs back off (all values in seconds; a negative one is a ``ValueError``).

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
        """Whether a GET got 429, 502, 503, 504 or no response."""
        if not isinstance(exc, ModeAPIError) or exc.method not in ("GET", "HEAD"):
            return False
        return isinstance(exc, APIConnectionError) or exc.status in (429, 502, 503, 504)

    def delay(self, retry: int, exc: BaseException | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first) after ``exc``:
        its ``Retry-After`` when readable, else ``backoff_initial * 2**(retry - 1)`` (at
        most ``backoff_max``) plus a random jitter in ``[0, jitter]``."""
        if isinstance(exc, ModeAPIError) and exc.retry_after_seconds is not None:
            return exc.retry_after_seconds
        backoff = min(self.backoff_max, self.backoff_initial * 2 ** (retry - 1))
        return float(backoff + random.uniform(0, self.jitter))

    def options(self, max_retries: int, spent: float = 0.0) -> dict[str, Any]:
        """Keyword arguments for ``tenacity.(Async)Retrying``, ``spent`` seconds counted
        against ``total_timeout``; ``ValueError`` for a negative ``max_retries``."""
        if max_retries < 0:
            raise ValueError(f"max_retries must not be negative, not {max_retries}")
        return {
            "retry": tenacity.retry_if_exception(self.should_retry),
            "wait": lambda state: self.delay(state.attempt_number, _failure(state)),
            "stop": tenacity.stop_after_attempt(max_retries + 1)
            | tenacity.stop_before_delay(self.total_timeout - spent),
            "before_sleep": _log_retry,
            "reraise": True,
        }


def _failure(state: tenacity.RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome else None


def _log_retry(state: tenacity.RetryCallState) -> None:
    sleep, failure = state.upcoming_sleep, _failure(state)
    LOGGER.info("retry %d in %.2f s after: %s", state.attempt_number, sleep, failure)
