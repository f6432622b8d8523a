"""Query Runs for people: the plain-text table and detail view the CLI prints."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from mode_api_client.models import QueryRun
from mode_api_client.types import Unset

from .wire import format_timestamp, to_wire

__all__ = ["counted", "format_query_run", "format_table"]

TABLE_COLUMNS = ("token", "state", "created_at", "completed_at", "query_name")


def _text(value: Any) -> str:
    if isinstance(value, Unset) or value is None:
        return "-"
    if isinstance(value, datetime.datetime):
        return format_timestamp(value)
    if isinstance(value, str):
        return value
    # Booleans, numbers, objects and arrays as in Mode's JSON: false, {"plan": "enterprise"}.
    return json.dumps(value, ensure_ascii=False)


def counted(count: int, noun: str) -> str:
    """``"1 Query Run"``, ``"7 Query Runs"``: ``count`` and ``noun``, plural unless 1."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_table(runs: Iterable[QueryRun]) -> str:
    """Query Runs as a plain-text table, one run per line under a header."""
    rows = [[c.upper() for c in TABLE_COLUMNS]]
    rows += [[_text(getattr(run, c)) for c in TABLE_COLUMNS] for run in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def format_query_run(run: QueryRun) -> str:
    """One Query Run as ``field: value`` lines, then its links."""
    body = to_wire(run)
    links = body.pop("_links", {})
    body.pop("_embedded", None)
    width = max(len(key) for key in body)
    lines = [f"{key.ljust(width)}  {_text(value)}" for key, value in body.items()]
    lines.append("links:")
    lines += [f"  {rel}: {link.get('href')}" for rel, link in links.items()]
    return "\n".join(lines)
