"""Waiting for a Query Run, or every Query Run of a Report Run, to be final: the schedule
of the looks; the requests and the sleeping are the clients'."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence

from mode_api_client.models import QueryRun

from .errors import APITimeoutError, Redactor
from .settings import check_seconds
from .states import final_states

TERMINAL_STATES = final_states()
"""The final states of a Query Run, the spec's ``x-final-states`` (``succeeded``,
``failed``, ``cancelled``, ``completed``); any other state is waited on."""


def is_finished(query_run: QueryRun) -> bool:
    """Whether the run's ``state`` is final (an unknown state is not)."""
    return query_run.state in final_states()


def still_waiting(report: str, run: str, query_runs: Sequence[QueryRun]) -> str | None:
    """What Report Run ``run`` of ``report`` still waits for (the states of ``query_runs``
    not final); ``None`` when each is final."""
    waiting = Counter(str(q.state) for q in query_runs if not is_finished(q))
    if not waiting:
        return None
    count = sum(waiting.values())
    states = ", ".join(f"{state}: {n}" for state, n in waiting.items())
    plural = "Query Run" if count == 1 else "Query Runs"
    return f"Report Run {run} of Report {report} still has {count} {plural} not finished ({states})"


class Poll:
    """Intervals from ``poll_interval`` seconds, 1.5 times longer each up to
    ``max_interval``, within ``timeout`` seconds (``ValueError`` for a bad one)."""

    def __init__(
        self,
        timeout: float,
        poll_interval: float,
        *,
        max_interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = check_seconds("timeout", timeout)
        self._interval = check_seconds("poll_interval", poll_interval)
        self._max_interval = max(max_interval, self._interval)
        self._clock = clock
        self._deadline = clock() + self.timeout

    def next_delay(self, query_run: QueryRun, url: str, redactor: Redactor | None = None) -> float:
        """Seconds to sleep before looking at ``query_run`` again (as ``delay_or_timeout``)."""
        still = f"Query Run {query_run.token} is still {query_run.state!r}"
        return self.delay_or_timeout(still, url, redactor)

    def delay_or_timeout(self, still: str, url: str, redactor: Redactor | None = None) -> float:
        """Seconds to sleep before the next look; past the deadline, ``APITimeoutError``
        ``<still> after waiting <timeout> s`` for a GET of ``url``."""
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            message = f"{still} after waiting {self.timeout:g} s"
            raise APITimeoutError(message, method="GET", url=url, redactor=redactor)
        delay = min(self._interval, remaining)
        self._interval = min(self._interval * 1.5, self._max_interval)
        return delay
