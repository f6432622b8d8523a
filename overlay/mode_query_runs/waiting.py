"""Waiting for a Query Run, or every Query Run of a Report Run, to be final: which states
are final (the spec's ``x-final-states``; any other, even one Mode adds later, is waited
on) and how long to sleep between looks; the requests and the sleeping are the clients'.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence

from mode_api_client.models import QueryRun
from mode_api_client.types import Unset

from .errors import APITimeoutError, Redactor
from .settings import check_seconds
from .states import ended_without_results as _ended_without_results
from .states import final_states

__all__ = [
    "TERMINAL_STATES",
    "Poll",
    "ReportRunWait",
    "ended_without_results",
    "error_summary",
    "is_finished",
    "not_finished_line",
]


TERMINAL_STATES: frozenset[str]
"""The final states of a Query Run, the spec's ``x-final-states`` (``succeeded``,
``failed``, ``cancelled``, ``completed``); any other state is waited on."""


def __getattr__(name: str) -> frozenset[str]:
    """``TERMINAL_STATES``, read from the spec when first asked for."""
    if name == "TERMINAL_STATES":
        return final_states()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


BACKOFF = 1.5
"""Each poll interval is this many times the one before, up to ``max_interval``."""
ERROR_MESSAGE_START = 60
"""How many characters of ``error_message`` ``error_summary`` keeps (then ``…``)."""


def _value(query_run: QueryRun, name: str) -> object:
    """A field as Mode sent it: the typed attribute, or the value a tolerant read kept."""
    value = getattr(query_run, name)
    return query_run.additional_properties.get(name) if isinstance(value, Unset) else value


def error_summary(query_run: QueryRun, limit: int = ERROR_MESSAGE_START) -> str:
    """``<error_code>: <first line of error_message, cut to limit characters + …>``; a
    missing part left out (``""`` for neither). Mode's ``error_type`` is always
    ``"generic"``: these two say why."""
    code, message = _value(query_run, "error_code"), _value(query_run, "error_message")
    parts = [str(code)] if code is not None and not isinstance(code, Unset) else []
    if isinstance(message, str) and message.strip():
        first = message.strip().splitlines()[0]
        parts.append(first if len(first) <= limit else first[:limit] + "…")
    return ": ".join(parts)


def ended_without_results(query_run: QueryRun) -> bool:
    """Whether the run is final without results (``failed``, ``cancelled``)."""
    return query_run.state in _ended_without_results()


def not_finished_line(query_run: QueryRun) -> str:
    """One line on a run that ended without results, naming it, its state and error:
    ``Query Run 6c3d9e2f1a7b (Churn by plan) ended failed: 42P01: relation ... does not
    exist``, or ``... ended cancelled, without results`` when it carries no error."""
    name = _value(query_run, "query_name")
    named = f" ({name})" if isinstance(name, str) and name else ""
    error = error_summary(query_run)
    end = f": {error}" if error else ", without results"
    return f"Query Run {query_run.token}{named} ended {query_run.state}{end}"


def is_finished(query_run: QueryRun) -> bool:
    """Whether the run's ``state`` is final (an unknown state is not)."""
    return query_run.state in final_states()


class Poll:
    """The schedule of one wait: intervals from ``poll_interval`` seconds growing by
    ``BACKOFF`` up to ``max_interval``, within ``timeout`` seconds from now (on ``clock``).

    Raises:
        ValueError: ``timeout`` or ``poll_interval`` is not a finite number above 0.
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
        """Seconds to sleep before looking at ``query_run`` again (``APITimeoutError``
        naming it, its state and ``url`` past the deadline)."""
        return self.delay_or_timeout(
            f"Query Run {query_run.token} is still {query_run.state!r}", url, redactor
        )

    def delay_or_timeout(self, still: str, url: str, redactor: Redactor | None = None) -> float:
        """Seconds to sleep before the next look.

        Raises:
            APITimeoutError: past the deadline: ``<still> after waiting <timeout> s``, for
                ``url`` (``redactor`` hides the client's credentials).
        """
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise APITimeoutError(
                f"{still} after waiting {self.timeout:g} s",
                method="GET",
                url=url,
                redactor=redactor,
            )
        delay = min(self._interval, remaining)
        self._interval = min(self._interval * BACKOFF, self._max_interval)
        return delay


class ReportRunWait:
    """Waiting for every Query Run of Report Run ``run`` of ``report`` to be final, on
    ``Poll``'s schedule; ``url`` (the listing's) names it in the timeout error.

    Raises:
        ValueError: as ``Poll``.
    """

    def __init__(
        self,
        report: str,
        run: str,
        timeout: float,
        poll_interval: float,
        url: str = "",
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.report = report
        self.run = run
        self.url = url
        self._poll = Poll(timeout, poll_interval, clock=clock)

    def next_delay(self, query_runs: Sequence[QueryRun]) -> float | None:
        """``None`` when every one of ``query_runs`` is final (or there are none), else
        the seconds to sleep before listing again.

        Raises:
            APITimeoutError: past the deadline (``Report Run r of Report p still has 2
                Query Runs not finished (running: 1, enqueued: 1) after waiting 300 s``).
        """
        waiting = Counter(str(q.state) for q in query_runs if not is_finished(q))
        if not waiting:
            return None
        count = sum(waiting.values())
        states = ", ".join(f"{state}: {n}" for state, n in waiting.items())
        plural = "Query Run" if count == 1 else "Query Runs"
        still = (
            f"Report Run {self.run} of Report {self.report} still has {count} {plural}"
            f" not finished ({states})"
        )
        return self._poll.delay_or_timeout(still, self.url)
