"""Bulk listing (``list_query_runs_many``): its pairs checked, and its results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mode_api_client.models import QueryRun

from .settings import check_token

__all__ = ["AHEAD", "DEFAULT_CONCURRENCY", "ReportRunQueryRuns", "report_run_pairs"]

DEFAULT_CONCURRENCY = 8
"""How many Report Runs ``list_query_runs_many`` fetches at a time by default."""
AHEAD = 16
"""How many times ``concurrency`` pairs may start ahead of the result awaited (results
come in input order: a pair waiting out a ``429`` then idles no worker). With the default
``concurrency`` that is 128 pairs, more than a ``Retry-After`` of 1 s at 100 requests/s,
the fastest bucket of issue 20's range (``nox -s sweep``: 944 of 1,379 jobs in input order
meet it, 920 of 1,283 in any order; with 4, each ``429`` stalled the rest: 866)."""


@dataclass(frozen=True)
class ReportRunQueryRuns:
    """The Query Runs of one Report Run, or the error that ended its listing.

    Attributes:
        report: Report token.
        run: Report Run token.
        query_runs: Every Query Run (every page), in Mode's order; empty on ``error``.
        error: What ended the listing (after retries): a ``ModeAPIError`` or any other
            exception (a ``ValueError`` for a ``next_page`` to another origin); ``None``
            when every page was listed.
    """

    report: str
    run: str
    query_runs: list[QueryRun] = field(default_factory=list)
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """Whether every page was listed (``error`` is ``None``)."""
        return self.error is None


def report_run_pairs(
    report_runs: Iterable[tuple[str, str]], concurrency: int
) -> list[tuple[str, str]]:
    """The ``(report, run)`` pairs of ``report_runs``, checked before any request.

    Raises:
        ValueError: ``concurrency`` is below 1; an item is not a pair of valid tokens
            (the message names its index).
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a whole number of at least 1, not {concurrency!r}")
    pairs: list[tuple[str, str]] = []
    for position, item in enumerate(report_runs):
        if not isinstance(item, tuple | list) or [isinstance(t, str) for t in item] != [True, True]:
            raise ValueError(f"report_runs[{position}] is not a (report, run) pair of strings")
        try:
            pairs.append((check_token("report", item[0]), check_token("run", item[1])))
        except ValueError as exc:
            raise ValueError(f"report_runs[{position}]: {exc}") from None
    return pairs
