"""Query Run results: where their content is, streaming it to a file, and reading CSV rows.

A finished Query Run's results are ``GET {result href}/content.csv`` or
``.../content.json`` (``shared/reference/mode-api-facts.md``, Results; the spec's
``getQueryRunResultCsv`` and ``getQueryRunResultJson``). They can be as large as the
run's ``max_result_bytes`` and may be served through a redirect to a storage host, so
both clients stream them: ``Download`` writes chunks to a temporary file beside the
target and renames it on success; ``CsvRows`` turns text chunks into rows. Both are
free of I/O on the network, shared by ``ModeClient`` and
``AsyncModeClient``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import httpx

from mode_api_client.models import QueryRun

from .errors import ModeAPIError, Redactor, ResponseParseError, request_identity
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
        ValueError: ``format`` is neither; the run's state has no results: it ended
            without them (``failed``, ``cancelled``) or has not yet (``enqueued``,
            ``running``); the run has no ``result`` link.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be 'csv' or 'json', not {format!r}")
    if query_run.state in ended_without_results():  # waiting cannot help
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
    """Refuse a result response that is not the whole result content.

    What is left after redirects must be a complete 2xx: a ``206 Partial Content`` is
    part of a result, and anything outside 2xx (a ``304``, a 3xx that was not followed,
    a 1xx) has no result at all. A login or error page of a proxy or storage host comes
    back as ``200 text/html``; writing it into ``results.csv`` would hide the failure.
    The URL shown hides a storage host's signed query string (``?…``); ``redactor`` (the
    client's) hides its credentials.

    Raises:
        ModeAPIError: the status is not 2xx, or is ``206``.
        ResponseParseError: the response's Content-Type is HTML.
    """
    method, url = request_identity(response.request)
    first = response.history[0].request.url if response.history else response.request.url
    url = shown_url(response.request.url, first)
    status = response.status_code
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
    """The codec a result's text is decoded with: its ``charset`` when that names a text
    encoding, else UTF-8.

    A ``charset`` Python does not know is ignored, as httpx ignores it; so is one naming a
    codec that is not a text encoding (``base64``, ``rot13``, ``zlib``: bytes to bytes or
    text to text, which ``str.encode`` refuses too).
    """
    charset = response.charset_encoding
    if not charset:
        return "utf-8"
    try:
        codec = codecs.lookup(charset)
    except (LookupError, ValueError):  # unknown, or a NUL in the name
        return "utf-8"
    return codec.name if getattr(codec, "_is_text_encoding", True) else "utf-8"


def undecodable(exc: UnicodeError, redactor: Redactor | None = None) -> ResponseParseError:
    """The error for result text its codec cannot decode (``idna`` takes no
    ``errors="replace"``; UTF-32 without a byte order mark)."""
    return ResponseParseError(
        f"the result cannot be decoded as text: {str(exc) or type(exc).__name__}",
        redactor=redactor,
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
    """One download to ``path``, or to an open binary stream.

    Args:
        path: Where to write. A regular file (or a new one) is replaced atomically: the
            chunks go to a temporary file beside it, renamed over it when complete. A
            symbolic link stays a link: what it points to is the file replaced (created
            if missing). Anything else that exists (a device such as ``/dev/null``, a
            FIFO) is opened and written in place as chunks arrive, as ``curl -o`` does.
            An open binary stream (``sys.stdout.buffer``, ``io.BytesIO``) is written and
            flushed chunk by chunk, and left open.
        progress: Called after each chunk with bytes written so far and the total.

    Use ``start`` with the response, ``write`` each chunk, then ``commit``;
    on any failure ``abort`` removes the temporary file, so a replaced file is either
    the whole result or untouched (what was written in place or to a stream stays).
    """

    def __init__(
        self, path: str | os.PathLike[str] | IO[bytes], progress: Progress | None = None
    ) -> None:
        self.path: Path | None = None
        """The path written, or ``None`` for a stream."""
        self._stream: IO[bytes] | None = None  # written as chunks arrive
        self._owned = False  # the stream is a file opened here, closed here
        if isinstance(path, str | os.PathLike):
            self.path = Path(path)
        else:
            self._stream = path
        self.total: int | None = None
        self.done = 0
        self._progress = progress
        self._file: IO[bytes] | None = None  # the temporary file
        self._temporary: Path | None = None
        self._replaced: Path | None = None

    @property
    def chunk_bytes(self) -> int | None:
        """The size of the chunks to feed ``write``, in bytes, once started:
        ``CHUNK_BYTES`` for a file replaced, ``None`` (each piece as it arrives) for
        a stream or what is written in place."""
        return None if self._stream is not None else CHUNK_BYTES

    @staticmethod
    def replaced_file(path: str | os.PathLike[str]) -> Path | None:
        """The regular file a download to ``path`` replaces atomically: ``path`` itself,
        or the file a symbolic link at ``path`` points to (through every link), whether
        it exists or not; ``None`` when ``path`` is something else (a device, a FIFO, a
        directory), which is opened and written in place.

        Raises:
            OSError: ``path`` cannot be looked up (e.g. a parent is not a directory).
        """
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            return Path(os.path.realpath(path))
        return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None

    @staticmethod
    def write_all(stream: IO[bytes], data: bytes) -> None:
        """Write all of ``data`` to ``stream`` and flush it.

        An unbuffered stream (``python -u``) may take part of ``data`` without an error;
        the rest is written again, so a reader that went away always ends in
        ``BrokenPipeError``, never in output dropped silently.

        Raises:
            OSError: the stream cannot be written (``BrokenPipeError``: its reader left).
        """
        view = memoryview(data)
        while view:
            view = view[stream.write(view) or 0 :]
        stream.flush()

    def start(self, response: httpx.Response, redactor: Redactor | None = None) -> None:
        """Open where the chunks go; take the total from an unencoded ``Content-Length``.

        Raises:
            ResponseParseError: the response is a web page (see
                ``check_result_response``); nothing is created or written.
            OSError: the temporary file, or the file written in place, cannot be opened.
        """
        check_result_response(response, redactor)
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and "Content-Encoding" not in response.headers:
            self.total = int(length)
        self.open()

    def open(self) -> None:
        """Open where the chunks go (see the class), without a response: for bytes that
        are not a download, such as a cassette written as ``results -o`` writes.

        Raises:
            OSError: the temporary file, or the file written in place, cannot be opened.
        """
        if self.path is not None:
            self._replaced = self.replaced_file(self.path)
            if self._replaced is None:
                self._stream = self.path.open("wb", buffering=0)
                self._owned = True
            else:
                descriptor, name = tempfile.mkstemp(
                    dir=self._replaced.parent, prefix=f".{self._replaced.name}.", suffix=".part"
                )
                self._temporary = Path(name)
                os.chmod(descriptor, _file_mode(self._replaced))
                self._file = os.fdopen(descriptor, "wb")
        if self._progress:
            self._progress(0, self.total)

    def write(self, chunk: bytes) -> None:
        """Append a chunk (to a stream or in place: all of it, flushed) and report progress.

        Raises:
            OSError: it cannot be written.
        """
        if self._stream is not None:
            self.write_all(self._stream, chunk)
        elif self._file is not None:
            self._file.write(chunk)
        else:
            raise RuntimeError("Download.write before start")
        self.done += len(chunk)
        if self._progress:
            self._progress(self.done, self.total)

    def commit(self) -> int:
        """Finish: rename the complete temporary file over the replaced file, or close the
        file written in place; return the bytes written.

        Raises:
            OSError: the file cannot be closed or renamed.
        """
        if self._stream is not None:
            if self._owned:
                self._stream.close()
            else:
                self._stream.flush()
            return self.done
        if self._file is None:
            raise RuntimeError("Download.commit before start")
        self._file.close()
        if self._temporary is not None and self._replaced is not None:
            os.replace(self._temporary, self._replaced)
            self._temporary = None
        return self.done

    def abort(self) -> None:
        """Close what was opened and remove the temporary file, if any; a replaced file
        is left as it was. A stream is left open."""
        if self._file is not None:
            self._file.close()
        if self._owned and self._stream is not None:
            self._stream.close()
        if self._temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                self._temporary.unlink()
            self._temporary = None


def _ends_quoted(line: str, quoted: bool) -> bool:
    """Whether ``line`` ends inside a quoted field, as the ``csv`` reader sees it.

    ``quoted``: the line starts inside a quoted field (the record's line before ended in
    one); otherwise it starts a record. Only quotes and commas are looked at, each once.
    """
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
    """Check that only newlines follow ``position``, where a record's newline begins.

    Raises:
        ValueError: anything else follows (a carriage return inside an unquoted field).
    """
    if record[position:].strip(_NEWLINES):
        raise ValueError(_UNQUOTED_NEWLINE)


def _fields(record: str) -> list[str]:
    """The fields of one record, as the ``csv`` module's reader splits it (default dialect,
    ``strict`` off); ``[]`` for a blank record.

    ``record`` is one whole record with its newline, if any (quoted fields may hold
    newlines). A quote opens a quoted field only at the start of a field; in it ``""`` is a
    quote, and text after its closing quote, up to the next comma, is added to the field;
    a quote elsewhere is text. A quoted field still open at the end of the record ends
    there.

    Raises:
        ValueError: a carriage return or newline inside an unquoted field, with text after
            it in the record (the ``csv`` module's "new-line character seen in unquoted
            field").
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
    """The fields of each record (see ``_fields``), one list per record, in order.

    Records no longer than ``csv.field_size_limit()`` (then no field is longer either) go
    to the ``csv`` module's reader, as a batch; from the first record over it on,
    ``_fields`` splits them. Both read the same fields; the ``csv`` module's limit is
    only read, never changed. Iterating raises ``csv.Error`` or ``ValueError`` for a record
    that is not CSV, and ``csv.Error`` ("field larger than field limit") when another
    thread lowered the limit meanwhile: split the rest again, from that record on, and
    ``_fields`` takes it.
    """
    limit = csv.field_size_limit()
    if max(map(len, records), default=0) <= limit:
        return csv.reader(records)
    wide = next(index for index, record in enumerate(records) if len(record) > limit)
    return itertools.chain(csv.reader(records[:wide]), map(_fields, records[wide:]))


class CsvRows:
    """CSV text fed in chunks, out as complete rows keyed by the header row.

    Reads what the ``csv`` module's reader reads (its default dialect): a record ends at a
    newline outside a quoted field, and a field is quoted only when it starts with a quote
    (inside it a quote is doubled); a quote inside an unquoted field (``TV,5" wide``) is
    text. Whole records are split into fields as they arrive (``_split``): a field has
    no size limit, and ``csv.field_size_limit`` (the ``csv`` module's, shared by every
    thread) is never changed. Records may end in CRLF or LF, and quoted fields may hold
    newlines. Values are strings, as CSV has no types. Each character fed is
    scanned a fixed number of times, however wide a field.
    """

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
