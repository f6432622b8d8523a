"""Query Runs for people: the plain-text table and detail view the CLI prints.

Text from the server is printed through :func:`printable`: its control characters are
shown as escapes (``\\x1b``), so a value cannot move the cursor, retitle the terminal or
reorder what follows it. ``--json`` output is JSON, escaped by the JSON encoder instead.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from mode_api_client.models import QueryRun
from mode_api_client.types import Unset

from ..wire import format_timestamp, to_wire

__all__ = ["PrintableFormatter", "counted", "format_query_run", "format_table", "printable"]

TABLE_COLUMNS = ("token", "state", "created_at", "completed_at", "query_name")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls and DEL, line and paragraph separators, bidirectional controls."""


def _escape(match: re.Match[str]) -> str:
    return match[0].encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: every control character (C0, DEL, C1,
    line and paragraph separators, bidirectional controls) as its Python escape
    (``"\\x1b"``, ``"\\n"``, ``"\\u202e"``); everything else as it is."""
    return _CONTROL.sub(_escape, text)


class PrintableFormatter(logging.Formatter):
    """A log formatter whose lines go through :func:`printable` (spec drift paths and
    ``--verbose`` URLs carry text from the server)."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def _text(value: Any) -> str:
    if isinstance(value, Unset) or value is None:
        return "-"
    if isinstance(value, datetime.datetime):
        return format_timestamp(value)
    if isinstance(value, str):
        return printable(value)
    # Booleans, numbers, objects and arrays as in Mode's JSON: false, {"plan": "enterprise"}.
    return printable(json.dumps(value, ensure_ascii=False))


def counted(count: int, noun: str) -> str:
    """``"1 Query Run"``, ``"7 Query Runs"``: ``count`` and ``noun``, plural unless 1."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _field(run: QueryRun, name: str) -> Any:
    """A field as the server sent it: the typed attribute, or the value a tolerant read kept."""
    value = getattr(run, name)
    return run.additional_properties.get(name) if isinstance(value, Unset) else value


def _hrefs(value: Any) -> str:
    """A relation's href, hrefs (an array of Links) or, for anything else, its JSON."""
    links = value if isinstance(value, list) else [value]
    if all(isinstance(link, dict) and isinstance(link.get("href"), str) for link in links):
        return " ".join(printable(link["href"]) for link in links)
    return _text(value)


def format_table(runs: Iterable[QueryRun]) -> str:
    """Query Runs as a plain-text table, one run per line under a header."""
    rows = [[c.upper() for c in TABLE_COLUMNS]]
    rows += [[_text(_field(run, c)) for c in TABLE_COLUMNS] for run in runs]
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
    width = max((len(printable(key)) for key in body), default=0)
    lines = [f"{printable(key).ljust(width)}  {_text(value)}" for key, value in body.items()]
    lines.append("links:" if isinstance(links, dict) else f"links: {_text(links)}")
    if isinstance(links, dict):
        lines += [f"  {printable(rel)}: {_hrefs(link)}" for rel, link in links.items()]
    return "\n".join(lines)
