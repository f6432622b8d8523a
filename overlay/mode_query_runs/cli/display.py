"""Query Runs for people: the plain-text table and detail view the CLI prints.

Text from the server is printed through ``printable``: its control characters are
shown as escapes (``\\x1b``), so a value cannot move the cursor, retitle the terminal or
reorder what follows it. ``--json`` output is JSON, escaped by the JSON encoder instead.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import textwrap
from collections.abc import Iterable
from typing import Any

from mode_api_client.models import QueryRun
from mode_api_client.types import Unset

from ..waiting import error_summary as waiting_error_summary
from ..wire import format_timestamp, to_wire

__all__ = [
    "JsonArrayWriter",
    "JsonLinesWriter",
    "PrintableFormatter",
    "TableWriter",
    "counted",
    "error_summary",
    "format_query_run",
    "format_table",
    "printable",
    "state_text",
]

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
    """A log formatter whose lines go through ``printable`` (spec drift paths and
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


LIST_COLUMNS = ("token", "state", "created_at", "completed_at", "query_name", "error")
"""The columns of the table of ``list``, ``wait`` and ``demo``: the fields of those names,
then ``ERROR`` (see ``error_summary``)."""
MIN_WIDTHS = {"token": 12, "state": 9, "created_at": 24, "completed_at": 24}
"""Widths the ``list`` table starts with: Mode's 12-character tokens, the longest known
state (``succeeded``), an ISO 8601 timestamp with milliseconds; so a page arriving later
lines up with the first."""


def error_summary(run: QueryRun) -> str:
    """The ``ERROR`` cell: ``<error_code>: <start of error_message>`` of a run whose state
    is ``failed`` (see [error_summary][mode_query_runs.waiting.error_summary]: the first
    line, cut to 60 characters with ``…``), else ``-`` (also for a failed run with
    neither). Control characters are escaped (``printable``)."""
    if _field(run, "state") != "failed":
        return "-"
    return printable(waiting_error_summary(run)) or "-"


def state_text(run: QueryRun) -> str:
    """The ``STATE`` cell of a run: its state (``printable``), or ``-`` when it is
    missing, or its JSON when it is not text."""
    return _text(_field(run, "state"))


def _cell(run: QueryRun, column: str) -> str:
    return error_summary(run) if column == "error" else _text(_field(run, column))


class TableWriter:
    """The ``list`` table written page by page, as the pages arrive.

    Each column is as wide as its widest value so far (header included), and the columns
    of known width start at ``MIN_WIDTHS``: the first page sets the widths, and a
    later page with a longer value (a query name) widens that column from there on. When
    every Query Run comes in one page (Mode's usual answer) the table is aligned
    throughout.
    """

    def __init__(self, columns: tuple[str, ...] = LIST_COLUMNS) -> None:
        self.columns = columns
        self._widths = [max(len(column), MIN_WIDTHS.get(column, 0)) for column in columns]
        self._started = False

    def page(self, runs: Iterable[QueryRun]) -> str:
        """The lines of ``runs`` (after the header, the first time), without a final newline."""
        rows = [[_cell(run, column) for column in self.columns] for run in runs]
        if not self._started:
            rows.insert(0, [column.upper() for column in self.columns])
            self._started = True
        for row in rows:
            self._widths = [max(w, len(cell)) for w, cell in zip(self._widths, row, strict=True)]
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(row, self._widths, strict=True)).rstrip()
            for row in rows
        )

    def end(self) -> str | None:
        """The header alone when no page had a row to show, else ``None``."""
        return None if self._started else self.page([])


def format_table(runs: Iterable[QueryRun]) -> str:
    """Query Runs as the table ``list`` prints (``TableWriter``, every run in one page):
    the header, then one line per run, without a final newline; the header alone when
    there is none. ``wait`` and ``demo`` print it too."""
    writer = TableWriter()
    return writer.page(runs)


class JsonArrayWriter:
    """``list --json`` written page by page: once complete, exactly the array
    ``json.dumps(runs, indent=2, ensure_ascii=False)`` gives (Mode's field names, as
    ``to_wire`` writes them); cut short (Ctrl-C), the runs written so far, unclosed."""

    def __init__(self) -> None:
        self.count = 0

    def page(self, runs: Iterable[QueryRun]) -> str:
        """The text of ``runs``: ``[`` (the first time) or ``,`` before each, no newline after."""
        parts = []
        for run in runs:
            item = textwrap.indent(json.dumps(to_wire(run), indent=2, ensure_ascii=False), "  ")
            parts.append(("[\n" if self.count == 0 else ",\n") + item)
            self.count += 1
        return "".join(parts)

    def end(self) -> str:
        """What closes the array (``[]`` when it is empty), and a newline."""
        return "[]\n" if self.count == 0 else "\n]\n"


class JsonLinesWriter:
    """``list --jsonl``: JSON Lines, one Query Run a line (compact ASCII JSON, non-ASCII
    characters escaped, so any stdout encoding takes it), as ``list-many`` writes."""

    def page(self, runs: Iterable[QueryRun]) -> str:
        """One line per run, each ending in a newline."""
        return "".join(json.dumps(to_wire(run)) + "\n" for run in runs)

    def end(self) -> str:
        """Nothing: every line is complete."""
        return ""
