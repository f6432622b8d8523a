"""Query Run results (``GET {result href}/content.csv`` or ``.json``, the spec's
``getQueryRunResultCsv`` / ``getQueryRunResultJson``; possibly redirected to a storage host):
``Download`` writes them, ``CsvRows`` reads CSV rows. Free of network I/O, shared by both
clients.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import httpx

from mode_api_client.models import QueryRun

from .errors import ModeAPIError, Redactor, ResponseParseError
from .links import relation_href
from .origin import shown_url
from .states import ended_without_results, states_without_results

__all__ = [
    "CHUNK_BYTES",
    "FORMATS",
    "CsvRows",
    "Download",
    "Progress",
    "content_href",
    "text_encoding",
    "undecodable",
]

FORMATS = {"csv": "text/csv", "json": "application/json"}
"""Result formats and the media type each is requested with."""
CHUNK_BYTES = 64 * 1024
Progress = Callable[[int, int | None], object]
"""``progress(bytes_done, bytes_total)``; ``bytes_total`` is ``None`` when not sent."""


def content_href(query_run: QueryRun, format: str) -> str:
    """The href of the run's result content in ``format`` (``"csv"`` or ``"json"``).

    Raises:
        ValueError: ``format`` is neither; the run's state has no results (``failed``,
            ``cancelled``: ever; ``enqueued``, ``running``: yet); it has no ``result`` link.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be 'csv' or 'json', not {format!r}")
    if query_run.state in ended_without_results():
        raise ValueError(
            f"Query Run {query_run.token} is {query_run.state}: it ended without results"
        )
    if query_run.state in states_without_results():
        raise ValueError(
            f"Query Run {query_run.token} is {query_run.state}: it has no results"
            " (wait for it to succeed)"
        )
    href = relation_href(query_run, "result")
    if href is None:
        raise ValueError(f"Query Run {query_run.token} has no result link")
    return f"{href.rstrip('/')}/content.{format}"


def check_result_response(response: httpx.Response, redactor: Redactor | None = None) -> None:
    """Refuse a response (after redirects) that is not the whole result content. The URL
    shown hides a storage host's signed query string; ``redactor`` hides credentials.

    Raises:
        ModeAPIError: the status is not 2xx, or is ``206``.
        ResponseParseError: the Content-Type is HTML (a proxy's or storage host's page).
    """
    first = response.history[0].request.url if response.history else response.request.url
    url = shown_url(response.request.url, first)
    method, status = response.request.method, response.status_code
    if not 200 <= status < 300 or status == 206:
        reason = response.reason_phrase or "no reason given"
        raise ModeAPIError(
            f"expected the whole result content, got {status} {reason}",
            status=status,
            method=method,
            url=url,
            redactor=redactor,
        )
    content_type = response.headers.get("Content-Type", "")
    if content_type.split(";", 1)[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        raise ResponseParseError(
            f"expected result content, got a web page ({content_type})",
            status=status,
            method=method,
            url=url,
            redactor=redactor,
        )


def text_encoding(response: httpx.Response) -> str:
    """The codec of a result's text: its ``charset`` when Python knows it as a text
    encoding (not ``base64``, ``rot13``, ...), else UTF-8."""
    charset = response.charset_encoding
    if not charset:
        return "utf-8"
    try:
        codec = codecs.lookup(charset)
    except (LookupError, ValueError):  # unknown, or a NUL in the name
        return "utf-8"
    return codec.name if getattr(codec, "_is_text_encoding", True) else "utf-8"


def undecodable(exc: UnicodeError, redactor: Redactor | None = None) -> ResponseParseError:
    """The error for result text its codec cannot decode."""
    return ResponseParseError(
        f"the result cannot be decoded as text: {str(exc) or type(exc).__name__}",
        redactor=redactor,
    )


def _file_mode(path: Path) -> int:
    """The permission bits of the file ``path`` replaced, else ``0o666 & ~umask``."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class Download:
    """One download to ``path``, or to an open binary stream.

    Args:
        path: Where to write. A regular file (or a new one; through symbolic links, the
            file they point to) is replaced atomically: chunks go to a private temporary
            file beside it, renamed over it (with the replaced file's permissions) when
            complete. Anything else that exists (``/dev/null``, a FIFO) is written in
            place as chunks arrive. An open binary stream is written and flushed chunk by
            chunk, and left open.
        progress: Called after each chunk with the bytes written so far and the total.

    ``start`` (or ``open``), ``write`` each chunk, ``commit``; ``abort`` after any failure
    removes the temporary file, so a replaced file is the whole result or untouched.
    """

    def __init__(
        self, path: str | os.PathLike[str] | IO[bytes], progress: Progress | None = None
    ) -> None:
        self.path = Path(path) if isinstance(path, str | os.PathLike) else None
        """The path written, or ``None`` for a stream."""
        self._out = None if isinstance(path, str | os.PathLike) else path
        self._owned = False  # ``_out`` was opened here, and is closed here
        self._temporary: Path | None = None
        self._replaced: Path | None = None
        self.total: int | None = None
        self.done = 0
        self._progress = progress

    @property
    def chunk_bytes(self) -> int | None:
        """Once started: ``CHUNK_BYTES`` for a file replaced, ``None`` (each piece as it
        arrives) for a stream or a file written in place."""
        return None if self._temporary is None else CHUNK_BYTES

    @staticmethod
    def replaced_file(path: str | os.PathLike[str]) -> Path | None:
        """The regular file a download to ``path`` replaces (through every symbolic link),
        existing or not; ``None`` for anything else, written in place.

        Raises:
            OSError: ``path`` cannot be looked up (e.g. a parent is not a directory).
        """
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            mode = stat.S_IFREG
        return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None

    @staticmethod
    def write_all(stream: IO[bytes], data: bytes) -> None:
        """Write all of ``data`` (again what an unbuffered stream did not take) and flush.

        Raises:
            OSError: it cannot be written (``BrokenPipeError``: the reader left).
        """
        view = memoryview(data)
        while view:
            view = view[stream.write(view) or 0 :]
        stream.flush()

    def start(self, response: httpx.Response, redactor: Redactor | None = None) -> None:
        """``open``, with the total from an unencoded ``Content-Length``.

        Raises:
            ModeAPIError: as ``check_result_response``; nothing is created.
            OSError: where the chunks go cannot be opened.
        """
        check_result_response(response, redactor)
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and "Content-Encoding" not in response.headers:
            self.total = int(length)
        self.open()

    def open(self) -> None:
        """Open where the chunks go, without a response (a cassette written as
        ``results -o`` writes).

        Raises:
            OSError: it cannot be opened.
        """
        if self.path is not None:
            self._owned = True
            self._replaced = self.replaced_file(self.path)
            if self._replaced is None:
                self._out = self.path.open("wb", buffering=0)
            else:
                descriptor, name = tempfile.mkstemp(
                    dir=self._replaced.parent, prefix=f".{self._replaced.name}.", suffix=".part"
                )
                self._temporary = Path(name)
                os.chmod(descriptor, _file_mode(self._replaced))
                self._out = os.fdopen(descriptor, "wb")
        if self._progress:
            self._progress(0, self.total)

    def write(self, chunk: bytes) -> None:
        """Append a chunk (to a stream or in place: all of it, flushed); report progress.

        Raises:
            OSError: it cannot be written.
        """
        if self._out is None:
            raise RuntimeError("Download.write before start")
        if self._temporary is None:
            self.write_all(self._out, chunk)
        else:
            self._out.write(chunk)
        self.done += len(chunk)
        if self._progress:
            self._progress(self.done, self.total)

    def commit(self) -> int:
        """Rename the temporary file over the replaced one, or close (a stream: flush)
        what was written; return the bytes written.

        Raises:
            OSError: it cannot be closed or renamed.
        """
        if self._out is None:
            raise RuntimeError("Download.commit before start")
        if not self._owned:
            self._out.flush()
            return self.done
        self._out.close()
        if self._temporary is not None and self._replaced is not None:
            os.replace(self._temporary, self._replaced)
            self._temporary = None
        return self.done

    def abort(self) -> None:
        """Close what was opened here and remove the temporary file; a stream is left open."""
        if self._owned and self._out is not None:
            self._out.close()
        if self._temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                self._temporary.unlink()
            self._temporary = None


def _ends_quoted(line: str, quoted: bool) -> bool:
    """Whether ``line`` ends inside a quoted field, as the ``csv`` reader sees it;
    ``quoted``: it starts inside one (else it starts a record)."""
    if not quoted and '"' not in line:
        return False
    position = 0
    while True:
        if quoted:
            end = line.find('"', position)
            if end < 0:
                return True
            if line.startswith('"', end + 1):  # a doubled quote: a quote in the field
                position = end + 2
                continue
            quoted = False  # the rest of the field, up to a comma, is unquoted text
            position = end + 1
        elif line.startswith('"', position):
            quoted = True
            position += 1
            continue
        comma = line.find(",", position)
        if comma < 0:
            return False
        position = comma + 1


_NEWLINES = "\r\n"
_UNQUOTED_NEWLINE = "new-line character seen in unquoted field"


def _end_of_record(record: str, position: int) -> None:
    """``ValueError`` unless only newlines follow ``position`` in ``record``."""
    if record[position:].strip(_NEWLINES):
        raise ValueError(_UNQUOTED_NEWLINE)


def _fields(record: str) -> list[str]:
    """The fields of one whole record (newline included), as the ``csv`` module's reader
    splits it (default dialect), without its field size limit; ``[]`` for a blank one.

    Raises:
        ValueError: "new-line character seen in unquoted field", as the ``csv`` module.
    """
    body = record.rstrip(_NEWLINES)
    if '"' not in body and "\r" not in body and "\n" not in body:
        return body.split(",") if body else []  # the common record: no quotes, one line
    if record[0] in _NEWLINES:
        _end_of_record(record, 0)
        return []
    fields: list[str] = []
    size = len(record)
    position = 0
    while True:  # at the start of a field
        text = ""
        if record.startswith('"', position):
            parts: list[str] = []
            position += 1
            while True:
                quote = record.find('"', position)
                if quote < 0:  # still quoted at the end of the record
                    parts.append(record[position:])
                    fields.append("".join(parts))
                    return fields
                parts.append(record[position:quote])
                position = quote + 1
                if not record.startswith('"', position):
                    break
                parts.append('"')  # a doubled quote
                position += 1
            text = "".join(parts)
        end = size
        for stop in (",", "\r", "\n"):
            found = record.find(stop, position, end)
            if found >= 0:
                end = found
        fields.append(text + record[position:end])
        if end == size:
            return fields
        if record[end] != ",":
            _end_of_record(record, end)
            return fields
        position = end + 1


def _split(records: list[str]) -> Iterator[list[str]]:
    """The fields of each record: by the ``csv`` module's reader, or by ``_fields`` when a
    record is over ``csv.field_size_limit()`` (read, never changed). Iterating raises
    ``csv.Error`` or ``ValueError`` for a record that is not CSV."""
    if max(map(len, records), default=0) <= csv.field_size_limit():
        return csv.reader(records)
    return map(_fields, records)


class CsvRows:
    """CSV text fed in chunks, out as complete rows (``{column: value}`` strings) keyed by
    the header row. Reads what the ``csv`` module reads (default dialect: CRLF or LF,
    newlines in quoted fields), with no field size limit, never changing
    ``csv.field_size_limit``; each character is scanned a fixed number of times."""

    def __init__(self) -> None:
        self._pending: list[str] = []  # the record begun: its complete lines
        self._line: list[str] = []  # the line begun, in pieces
        self._quoted = False  # whether the record's lines so far end inside a quoted field
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
            self._line.append(text[start:end])
            line = "".join(self._line)
            self._line.clear()
            self._pending.append(line)
            self._quoted = _ends_quoted(line, self._quoted)
            if not self._quoted:
                records.append("".join(self._pending))
                self._pending.clear()
            start = end
        if start < len(text):
            self._line.append(text[start:])
        return self._rows(records)

    def close(self) -> list[dict[str, str]]:
        """The last rows, at the end of the text (a last record may lack its newline).

        Raises:
            ResponseParseError: as ``feed``.
        """
        tail = "".join(self._pending) + "".join(self._line)
        self._pending.clear()
        self._line.clear()
        self._quoted = False
        return self._rows([tail] if tail.strip() else [])

    def _rows(self, records: list[str]) -> list[dict[str, str]]:
        rows = []
        split = _split(records)
        done = 0  # records split so far
        while True:
            try:
                fields = next(split, None)
            except (csv.Error, ValueError) as exc:  # e.g. a carriage return, unquoted
                problem = str(exc).split(" - ")[0]  # without csv's hint, worded per Python
                if problem.startswith("field larger than field limit"):
                    split = map(_fields, records[done:])  # the limit was lowered meanwhile
                    continue
                raise ResponseParseError(
                    f"CSV is malformed after {self._count} rows: {problem}"
                ) from None
            if fields is None:
                break
            done += 1
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
