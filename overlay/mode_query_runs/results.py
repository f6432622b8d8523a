"""Query Run results: where their content is, streaming it to a file, and reading CSV rows.

A finished Query Run's results are ``GET {result href}/content.csv`` or
``.../content.json`` (``shared/reference/mode-api-facts.md``, Results; the spec's
``getQueryRunResultCsv`` and ``getQueryRunResultJson``). They can be as large as the
run's ``max_result_bytes`` and may be served through a redirect to a storage host, so
both clients stream them: :class:`Download` writes chunks to a temporary file beside the
target and renames it on success; :class:`CsvRows` turns text chunks into rows. Both are
free of I/O on the network, shared by :class:`~mode_query_runs.ModeClient` and
:class:`~mode_query_runs.AsyncModeClient`.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import IO

import httpx

from mode_api_client.models import QueryRun

from .errors import ResponseParseError, request_identity
from .links import relation_href

__all__ = [
    "CHUNK_BYTES",
    "CSV_FIELD_LIMIT",
    "FORMATS",
    "CsvRows",
    "Download",
    "Progress",
    "content_href",
]

FORMATS = {"csv": "text/csv", "json": "application/json"}
"""Result formats and the media type each is requested with."""
NO_RESULTS = frozenset({"enqueued", "running", "failed", "cancelled"})
"""Known states in which a Query Run has no results (an unknown state is tried)."""
CHUNK_BYTES = 64 * 1024
CSV_FIELD_LIMIT = 2**31 - 1
"""Characters a CSV field of a result may have (the largest C ``long`` of every platform),
far beyond any result: Mode caps a result at the run's ``max_result_bytes``."""
Progress = Callable[[int, int | None], object]
"""``progress(bytes_done, bytes_total)``; ``bytes_total`` is ``None`` when not sent."""


def content_href(query_run: QueryRun, format: str) -> str:
    """The href of the run's result content in ``format`` (``"csv"`` or ``"json"``).

    Raises:
        ValueError: ``format`` is neither; the run's state has no results (``enqueued``,
            ``running``, ``failed``, ``cancelled``); the run has no ``result`` link.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be 'csv' or 'json', not {format!r}")
    if query_run.state in NO_RESULTS:
        raise ValueError(
            f"Query Run {query_run.token} is {query_run.state}: it has no results"
            " (wait for it to succeed)"
        )
    href = relation_href(query_run, "result")
    if href is None:
        raise ValueError(f"Query Run {query_run.token} has no result link")
    return f"{href.rstrip('/')}/content.{format}"


def check_result_response(response: httpx.Response) -> None:
    """Refuse a result response that is a web page, not result content.

    A login or error page of a proxy or storage host comes back as ``200 text/html``;
    writing it into ``results.csv`` would hide the failure.

    Raises:
        ResponseParseError: the response's Content-Type is HTML.
    """
    content_type = response.headers.get("Content-Type", "")
    if content_type.split(";", 1)[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        method, url = request_identity(response.request)
        raise ResponseParseError(
            f"expected result content, got a web page ({content_type})",
            status=response.status_code,
            method=method,
            url=url,
        )


def _file_mode(path: Path) -> int:
    """The permission bits a download to ``path`` gets: those of the file it replaces, else
    what a newly created file gets under the process umask (``0o666 & ~umask``).

    The temporary file is private (``0o600``) while written; it takes these bits before
    it is renamed over ``path``.
    """
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class Download:
    """One download to ``path``: a temporary file beside it, renamed when complete.

    Args:
        path: The file to write; its directory must exist. Replaced atomically.
        progress: Called after each chunk with bytes written so far and the total.

    Use :meth:`start` with the response, :meth:`write` each chunk, then :meth:`commit`;
    on any failure :meth:`abort` removes the temporary file, so ``path`` is either the
    whole result or untouched.
    """

    def __init__(self, path: str | os.PathLike[str], progress: Progress | None = None) -> None:
        self.path = Path(path)
        self.total: int | None = None
        self.done = 0
        self._progress = progress
        self._file: IO[bytes] | None = None
        self._temporary: Path | None = None

    def start(self, response: httpx.Response) -> None:
        """Open the temporary file; take the total from an unencoded ``Content-Length``.

        Raises:
            ResponseParseError: the response is a web page (see
                :func:`check_result_response`); no file is created.
        """
        check_result_response(response)
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and "Content-Encoding" not in response.headers:
            self.total = int(length)
        descriptor, name = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".part"
        )
        self._temporary = Path(name)
        os.chmod(descriptor, _file_mode(self.path))
        self._file = os.fdopen(descriptor, "wb")
        if self._progress:
            self._progress(0, self.total)

    def write(self, chunk: bytes) -> None:
        """Append a chunk and report progress."""
        if self._file is None:
            raise RuntimeError("Download.write before start")
        self._file.write(chunk)
        self.done += len(chunk)
        if self._progress:
            self._progress(self.done, self.total)

    def commit(self) -> int:
        """Rename the complete temporary file to ``path``; return the bytes written."""
        if self._file is None or self._temporary is None:
            raise RuntimeError("Download.commit before start")
        self._file.close()
        os.replace(self._temporary, self.path)
        self._temporary = None
        return self.done

    def abort(self) -> None:
        """Close and remove the temporary file, if any; ``path`` is left as it was."""
        if self._file is not None:
            self._file.close()
        if self._temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                self._temporary.unlink()
            self._temporary = None


def _own_csv_module() -> ModuleType:
    """A ``_csv`` module object of this module's own, its field size limit
    :data:`CSV_FIELD_LIMIT`.

    ``csv.field_size_limit`` (131,072 characters by default) is the state of the ``_csv``
    module object that ``csv`` imported: changing it would change it for every thread and
    every other user of ``csv``. CPython's ``_csv`` keeps that state per module object
    (multi-phase initialisation, PEP 489; see the "Isolating Extension Modules" HOWTO), so
    a second module object made from its spec has a limit of its own, and ``csv``'s is
    never touched. Elsewhere than on CPython, ``csv`` itself is used, with its limit.
    """
    if sys.implementation.name != "cpython":
        return csv
    spec = importlib.util.find_spec("_csv")
    if spec is None or spec.loader is None:
        return csv
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.field_size_limit(CSV_FIELD_LIMIT)
    return module


_CSV = _own_csv_module()
_csv_reader: Callable[[Iterable[str]], Iterator[list[str]]] = _CSV.reader
_CsvError: type[Exception] = _CSV.Error


class CsvRows:
    """CSV text fed in chunks, out as complete rows keyed by the header row.

    A record ends at a newline outside quotes (RFC 4180 quoting, where a quote inside a
    field is doubled, so a record is complete when its quotes are balanced); only whole
    records reach the ``csv`` parser. Records may end in CRLF or LF, and quoted fields may
    hold newlines; a field may be up to :data:`CSV_FIELD_LIMIT` characters long, without
    changing ``csv.field_size_limit`` (see :func:`_own_csv_module`). Values are strings,
    as CSV has no types. Each character fed is scanned a fixed number of times, however
    wide a field.
    """

    def __init__(self) -> None:
        self._pending: list[str] = []  # the record begun, in pieces
        self._quotes = 0  # quote characters in it
        self._started = False
        self._header: list[str] | None = None
        self._count = 0

    def feed(self, text: str) -> list[dict[str, str]]:
        """The rows completed by ``text``.

        Raises:
            ResponseParseError: a row has another number of fields than the header, or
                the text is not CSV (a carriage return in an unquoted field).
        """
        if not self._started and text:
            text = text.removeprefix("\ufeff")
            self._started = True
        records = []
        start = 0
        while end := text.find("\n", start) + 1:
            self._pending.append(text[start:end])
            self._quotes += text.count('"', start, end)
            if self._quotes % 2 == 0:
                records.append("".join(self._pending))
                self._pending.clear()
                self._quotes = 0
            start = end
        if start < len(text):
            self._pending.append(text[start:])
            self._quotes += text.count('"', start)
        return self._rows(records)

    def close(self) -> list[dict[str, str]]:
        """The last rows, at the end of the text (a last record may lack its newline).

        Raises:
            ResponseParseError: as :meth:`feed`.
        """
        tail = "".join(self._pending)
        self._pending.clear()
        self._quotes = 0
        return self._rows([tail] if tail.strip() else [])

    def _rows(self, records: list[str]) -> list[dict[str, str]]:
        rows = []
        reader = _csv_reader(records)
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except _CsvError as exc:  # e.g. a carriage return in an unquoted field
                raise ResponseParseError(
                    f"CSV is malformed after {self._count} rows: {exc}"
                ) from None
            if not fields:
                continue
            if self._header is None:
                self._header = fields
                continue
            self._count += 1
            if len(fields) != len(self._header):
                raise ResponseParseError(
                    f"CSV row {self._count} has {len(fields)} fields, the header"
                    f" {len(self._header)}"
                )
            rows.append(dict(zip(self._header, fields, strict=True)))
        return rows
