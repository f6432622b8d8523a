"""Query Runs for people: the plain-text table and detail view the CLI prints, and the
JSON it writes.

Text from the server is printed through ``printable``: its control characters are
shown as escapes (``\\x1b``), so a value cannot move the cursor, retitle the terminal or
reorder what follows it. ``--json`` output is JSON, escaped by the JSON encoder instead,
and written by ``json_text``: always RFC 8259 JSON, each number as the server sent it.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import re
import textwrap
from collections.abc import Iterable, Iterator
from typing import Any

from mode_api_client.models import QueryRun
from mode_api_client.types import Unset, WireNumber

from ..states import ended_without_results as _ended_without_results
from ..wire import format_timestamp, to_wire

__all__ = [
    "JsonArrayWriter",
    "JsonLinesWriter",
    "PrintableFormatter",
    "TableWriter",
    "counted",
    "ended_without_results",
    "error_summary",
    "error_text",
    "format_query_run",
    "format_table",
    "json_text",
    "not_finished_line",
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


def json_text(value: Any, *, indent: int | None = None, ensure_ascii: bool = True) -> str:
    """``value`` (decoded JSON: dicts, lists, str, int, float, bool, ``None``) as RFC 8259
    JSON text, laid out as ``json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)``
    lays it out, each number as the server sent it, nested to any depth.

    ``json.dumps`` writes a number beyond the range of a float as ``Infinity`` (not JSON)
    and refuses an integer of more digits than ``sys.get_int_max_str_digits()``; here a
    ``WireNumber`` (``1e400``) is written as its ``wire_text``, and an integer of any
    length in full.

    Raises:
        ValueError: ``value`` holds a float that is not finite and not a ``WireNumber``
            (``nan``, an ``inf`` made in code): no JSON text holds it; or a container
            holds itself.
        TypeError: ``value`` holds a value of no JSON type.
    """
    try:
        return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii, allow_nan=False)
    except (ValueError, RecursionError):  # a float that is not finite, an integer past
        # the digit limit, or nesting deeper than json.dumps goes: written part by part
        return "".join(_json_parts(value, indent, ensure_ascii))


_END = object()


def _json_parts(value: Any, indent: int | None, ensure_ascii: bool) -> Iterator[str]:
    """The text of ``json_text``, in parts, without recursion (a body may nest as deeply
    as its decoder allows)."""
    separator = "," if indent is not None else ", "
    frames: list[list[Any]] = []  # per open container: items left, closing, id, written
    open_ids: set[int] = set()
    while True:
        if isinstance(value, dict | list | tuple) and value:
            if id(value) in open_ids:
                raise ValueError("Circular reference detected")
            open_ids.add(id(value))
            is_object = isinstance(value, dict)
            items: Iterator[Any] = iter(value.items()) if isinstance(value, dict) else iter(value)
            frames.append([items, "}" if is_object else "]", id(value), 0])
            yield "{" if is_object else "["
        else:
            yield _json_scalar(value, ensure_ascii)
        while frames:
            frame = frames[-1]
            item: Any = next(frame[0], _END)
            if item is not _END:
                break
            frames.pop()
            open_ids.discard(frame[2])
            if indent is not None:
                yield "\n" + " " * (indent * len(frames))
            yield frame[1]
        else:
            return
        if frame[3]:
            yield separator
        frame[3] += 1
        if indent is not None:
            yield "\n" + " " * (indent * len(frames))
        if frame[1] == "}":
            key, value = item
            yield _json_scalar(_json_key(key), ensure_ascii) + ": "
        else:
            value = item


def _json_key(key: Any) -> str:
    """An object key as text: as ``json.dumps`` takes one (a number, ``true``, ``false``
    or ``null`` as its JSON text)."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, int | float):
        return _json_scalar(key, True)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _json_scalar(value: Any, ensure_ascii: bool) -> str:
    """The JSON text of a value that is not a container with items."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ensure_ascii)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, WireNumber):
        return value.wire_text
    if isinstance(value, int):
        return _integer_text(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not JSON (RFC 8259 has no NaN or Infinity)")
        return float.__repr__(value)
    if isinstance(value, dict | list | tuple):
        return "{}" if isinstance(value, dict) else "[]"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# Integers of at most this many bits have fewer digits than any int-to-str limit allows
# (640, the lowest sys.set_int_max_str_digits takes).
_SHORT_BITS = 2000


def _integer_text(value: int) -> str:
    """The decimal digits of an integer of any length (``str`` refuses one of more digits
    than ``sys.get_int_max_str_digits()``)."""
    try:
        return int.__repr__(value)
    except ValueError:
        return ("-" if value < 0 else "") + _digits(abs(value), 0)


def _digits(value: int, width: int) -> str:
    """The digits of ``value`` (at least 0), zero-padded to ``width``: its halves (by a
    power of ten) written apart, each short enough for any int-to-str limit."""
    if value.bit_length() <= _SHORT_BITS:
        return str(value).zfill(width)
    low = int(value.bit_length() * math.log10(2)) // 2
    high, rest = divmod(value, 10**low)
    return _digits(high, max(width - low, 0)) + _digits(rest, low)


def _text(value: Any) -> str:
    if isinstance(value, Unset) or value is None:
        return "-"
    if isinstance(value, datetime.datetime):
        return format_timestamp(value)
    if isinstance(value, str):
        return printable(value)
    # Booleans, numbers, objects and arrays as in Mode's JSON: false, {"plan": "enterprise"}.
    return printable(json_text(value, ensure_ascii=False))


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


def error_text(run: QueryRun, limit: int = 60) -> str:
    """``<error_code>: <first line of error_message, cut to limit characters + …>``; a
    missing part left out (``""`` for neither). Mode's ``error_type`` is always
    ``"generic"``: these two say why."""
    code, message = _field(run, "error_code"), _field(run, "error_message")
    parts = [str(code)] if code is not None and not isinstance(code, Unset) else []
    if isinstance(message, str) and message.strip():
        first = message.strip().splitlines()[0]
        parts.append(first if len(first) <= limit else first[:limit] + "…")
    return ": ".join(parts)


def ended_without_results(run: QueryRun) -> bool:
    """Whether the run is final without results (``failed``, ``cancelled``)."""
    return run.state in _ended_without_results()


def not_finished_line(run: QueryRun) -> str:
    """One line on a run that ended without results, naming it, its state and error:
    ``Query Run 6c3d9e2f1a7b (Churn by plan) ended failed: 42P01: relation ... does not
    exist``, or ``... ended cancelled, without results`` when it carries no error."""
    name = _field(run, "query_name")
    named = f" ({name})" if isinstance(name, str) and name else ""
    error = error_text(run)
    end = f": {error}" if error else ", without results"
    return f"Query Run {run.token}{named} ended {run.state}{end}"


def error_summary(run: QueryRun) -> str:
    """The ``ERROR`` cell: ``error_text`` of a run whose state is ``failed``, else ``-``
    (also for a failed run with neither). Control characters are escaped (``printable``)."""
    if _field(run, "state") != "failed":
        return "-"
    return printable(error_text(run)) or "-"


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
    ``json_text(runs, indent=2, ensure_ascii=False)`` gives (Mode's field names, as
    ``to_wire`` writes them); cut short (Ctrl-C), the runs written so far, unclosed."""

    def __init__(self) -> None:
        self.count = 0

    def page(self, runs: Iterable[QueryRun]) -> str:
        """The text of ``runs``: ``[`` (the first time) or ``,`` before each, no newline after."""
        parts = []
        for run in runs:
            item = textwrap.indent(json_text(to_wire(run), indent=2, ensure_ascii=False), "  ")
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
        return "".join(json_text(to_wire(run)) + "\n" for run in runs)

    def end(self) -> str:
        """Nothing: every line is complete."""
        return ""
