"""Waiting for a Query Run to finish: which states are final and how often to look.

Mode's ``state`` is open-ended (``shared/reference/mode-api-facts.md``): ``succeeded``,
``failed``, ``cancelled`` and ``completed`` are final; ``enqueued``, ``running`` and any
state Mode adds later count as not finished. Both clients poll the run's ``self`` link
and ask :class:`Poll` how long to sleep before the next look.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from mode_api_client.models import QueryRun

from .errors import APITimeoutError, Redactor
from .settings import check_seconds

__all__ = ["TERMINAL_STATES", "Poll", "is_finished"]

TERMINAL_STATES = frozenset({"succeeded", "failed", "cancelled", "completed"})
BACKOFF = 1.5
"""Each poll interval is this many times the one before, up to ``max_interval``."""


def is_finished(query_run: QueryRun) -> bool:
    """Whether the run's ``state`` is final (an unknown state is not)."""
    return query_run.state in TERMINAL_STATES


class Poll:
    """The schedule of one wait: growing intervals, bounded by a deadline.

    Args:
        timeout: Seconds from now after which waiting fails.
        poll_interval: Seconds before the first look; later ones grow by ``BACKOFF``.
        max_interval: The longest interval, in seconds.
        clock: Monotonic seconds (``time.monotonic``).

    Raises:
        ValueError: ``timeout`` or ``poll_interval`` is not a finite number of seconds
            above 0 (see :func:`~mode_query_runs.session.check_seconds`).
    """

    def __init__(
        self,
        timeout: float,
        poll_interval: float,
        *,
        max_interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_seconds("timeout", timeout)
        check_seconds("poll_interval", poll_interval)
        self.timeout = timeout
        self._clock = clock
        self._deadline = clock() + timeout
        self._interval = poll_interval
        self._max_interval = max(max_interval, poll_interval)

    def next_delay(self, query_run: QueryRun, url: str, redactor: Redactor | None = None) -> float:
        """Seconds to sleep before looking at ``query_run`` (not finished) again.

        Raises:
            APITimeoutError: the deadline has passed; names the run, its state and ``url``
                (hiding the credentials ``redactor``, the client's, hides).
        """
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise APITimeoutError(
                f"Query Run {query_run.token} is still {query_run.state!r} after waiting"
                f" {self.timeout:g} s",
                method="GET",
                url=url,
                redactor=redactor,
            )
        delay = min(self._interval, remaining)
        self._interval = min(self._interval * BACKOFF, self._max_interval)
        return delay
