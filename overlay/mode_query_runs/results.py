"""Query Run results (``GET {result href}/content.csv`` or ``.json``, the spec's
``getQueryRunResultCsv`` / ``getQueryRunResultJson``, maybe redirected to a storage host):
``Download`` writes them, ``CsvRows`` reads CSV rows. No network I/O here."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx

from mode_api_client.models import QueryRun

from .decoding import CHUNK_BYTES as CHUNK_BYTES
from .errors import ModeAPIError, Redactor, ResponseParseError
from .links import relation_href
from .origin import shown_url
from .states import ended_without_results, states_without_results

FORMATS = {"csv": "text/csv", "json": "application/json"}
"""Result formats and the media type each is requested with."""
Progress = Callable[[int, int | None], object]
"""``progress(bytes_done, bytes_total)``; ``bytes_total`` is ``None`` when not sent."""


def content_href(query_run: QueryRun, format: str) -> str:
    """The href of the run's result content in ``format``; ``ValueError`` for another
    format, a state without results (yet or ever), or no ``result`` link."""
    if format not in FORMATS:
        raise ValueError(f"format must be 'csv' or 'json', not {format!r}")
    if query_run.state in states_without_results():
        ended = query_run.state in ended_without_results()
        why = "it ended without results" if ended else "it has no results (wait for it to succeed)"
        raise ValueError(f"Query Run {query_run.token} is {query_run.state}: {why}")
    href = relation_href(query_run, "result")
    if href is None:
        raise ValueError(f"Query Run {query_run.token} has no result link")
    return f"{href.rstrip('/')}/content.{format}"


def check_result_response(response: httpx.Response, redactor: Redactor | None = None) -> None:
    """Refuse a response (after redirects) that is not the whole result: not 2xx or
    ``206`` (``ModeAPIError``), a web page (``ResponseParseError``)."""
    status, content_type = response.status_code, response.headers.get("Content-Type", "")
    if not response.is_success or status == 206:
        reason = response.reason_phrase or "no reason given"
        error: type[ModeAPIError] = ModeAPIError
        message = f"expected the whole result content, got {status} {reason}"
    elif content_type.split(";", 1)[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        error = ResponseParseError
        message = f"expected result content, got a web page ({content_type})"
    else:
        return
    first = response.history[0].request.url if response.history else response.request.url
    url = shown_url(response.request.url, first)  # a storage host's signed query hidden
    raise error(message, status=status, method=response.request.method, url=url, redactor=redactor)


def text_encoding(response: httpx.Response) -> str:
    """The codec of a result's text: its ``charset`` if a text encoding, else UTF-8."""
    charset = response.charset_encoding or "utf-8"
    try:
        io.TextIOWrapper(io.BytesIO(), encoding=charset)  # refuses base64, rot13, ...
        return codecs.lookup(charset).name  # and "locale", not a codec
    except (LookupError, ValueError):  # also an unknown name, or one with a NUL
        return "utf-8"


def undecodable(exc: UnicodeError, redactor: Redactor | None = None) -> ResponseParseError:
    """The error for result text its codec cannot decode."""
    detail = str(exc) or type(exc).__name__
    return ResponseParseError(f"the result cannot be decoded as text: {detail}", redactor=redactor)


class Download:
    """A download to ``path``: a regular file (or a new one; through symbolic links, the
    file they point to) is replaced atomically by a temporary file beside it given its
    permissions; anything else (``/dev/null``, a FIFO) is written in place, an open binary
    stream as chunks arrive (left open). ``start`` (or ``open``), ``write`` each chunk,
    ``commit``; ``abort`` after any failure removes the temporary file."""

    def __init__(
        self, path: str | os.PathLike[str] | IO[bytes], progress: Progress | None = None
    ) -> None:
        self._path = Path(path) if isinstance(path, str | os.PathLike) else None
        self._out = None if isinstance(path, str | os.PathLike) else path
        self._rename: tuple[Path, Path] | None = None  # the temporary file, the one replaced
        self.chunk_bytes: int | None = None  # once open: CHUNK_BYTES for a file replaced
        self._total: int | None = None
        self._done = 0
        self._progress = progress or (lambda done, total: None)

    @staticmethod
    def replaced_file(path: str | os.PathLike[str]) -> Path | None:
        """The regular file, existing or not, a download to ``path`` replaces, else ``None``."""
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            mode = stat.S_IFREG
        return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None

    @staticmethod
    def write_all(stream: IO[bytes], data: bytes) -> None:
        """Write all of ``data`` (even to an unbuffered stream), flush."""
        view = memoryview(data)
        while view:
            view = view[stream.write(view) or 0 :]
        stream.flush()

    def start(self, response: httpx.Response, redactor: Redactor | None = None) -> None:
        """``check_result_response``, then ``open`` with the unencoded length as total."""
        check_result_response(response, redactor)
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and "Content-Encoding" not in response.headers:
            self._total = int(length)
        self.open()

    def open(self) -> None:
        """Open where the chunks go; report progress 0."""
        if self._path is not None:
            replaced = self.replaced_file(self._path)
            if replaced is None:
                self._out = self._path.open("wb", buffering=0)
            else:  # created with the umask's permissions, then given the replaced file's
                temporary = replaced.with_name(f".{replaced.name}.{secrets.token_hex(4)}.part")
                self._out = temporary.open("xb")
                self._rename = (temporary, replaced)
                self.chunk_bytes = CHUNK_BYTES
                with contextlib.suppress(FileNotFoundError):
                    os.chmod(self._out.fileno(), stat.S_IMODE(replaced.stat().st_mode))
        self._progress(0, self._total)

    def write(self, chunk: bytes) -> None:
        assert self._out is not None, "Download.write before open"
        self.write_all(self._out, chunk)
        self._done += len(chunk)
        self._progress(self._done, self._total)

    def commit(self) -> int:
        """Close, rename the temporary file over the replaced one; the bytes written."""
        if self._path is not None and self._out is not None:
            self._out.close()
        if self._rename is not None:
            os.replace(*self._rename)
            self._rename = None
        return self._done

    def abort(self) -> None:
        """Close what was opened here, remove the temporary file."""
        rename, self._rename = self._rename, None
        self.commit()
        if rename is not None:
            rename[0].unlink(missing_ok=True)


_QUOTED = re.compile(r'((?:[^"]++|"")*+)(")?([^,\r\n]*+)')
"""The rest of a quoted field: its text on this line, the closing quote, the text after it."""
_UNQUOTED = re.compile(r"[^,\r\n]*+")


class CsvRows:
    """CSV text fed in chunks, out as rows (``{column: value}`` strings, keyed by the header)
    read as the ``csv`` module reads them (default dialect: CRLF or LF, newlines in quoted
    fields) with no field size limit; each character is scanned a fixed number of times."""

    def __init__(self) -> None:
        self._line: list[str] = []  # the line begun, in pieces
        self._fields: list[str] = []  # the record begun on earlier lines: its fields
        self._quoted: list[str] | None = None  # and the quoted field it ends in
        self._started = False
        self._header: list[str] | None = None
        self._count = 0

    def feed(self, text: str) -> list[dict[str, str]]:
        """The rows completed by ``text``; ``ResponseParseError`` for a row whose number of
        fields is not the header's, or text that is not CSV."""
        if not self._started and text:
            text, self._started = text.removeprefix("\ufeff"), True
        rows: list[dict[str, str]] = []
        start = 0
        while end := text.find("\n", start) + 1:
            self._line.append(text[start:end])
            rows += self._rows(self._split("".join(self._line)))
            self._line.clear()
            start = end
        if start < len(text):
            self._line.append(text[start:])
        return rows

    def close(self) -> list[dict[str, str]]:
        """The last rows, at the end of the text (a last record may lack its newline)."""
        line = "".join(self._line)
        self._line.clear()
        if line.strip() or self._quoted is not None:
            return self._rows(self._split(line, final=True))
        return []

    def _split(self, line: str, final: bool = False) -> list[str] | None:
        """The fields of the record ``line`` ends (``[]``: blank), as the ``csv`` module
        splits them; ``None`` if it ends inside a quoted field (unless ``final``)."""
        quoted, self._quoted = self._quoted, None
        body = line.rstrip("\r\n")
        if quoted is None and not ('"' in body or "\r" in body or "\n" in body):
            return body.split(",") if body else []  # the common record: no quotes, one line
        fields, self._fields = self._fields, []
        position = 0
        while True:  # at the start of a field, or inside the quoted one begun
            if quoted is None and line.startswith('"', position):
                quoted, position = [], position + 1
            match = (_UNQUOTED if quoted is None else _QUOTED).match(line, position)
            assert match is not None  # each matches the empty string
            if quoted is None:
                fields.append(match[0])
            else:
                quoted.append(match[1].replace('""', '"'))
                if match[2] is None and not final:
                    self._fields, self._quoted = fields, quoted
                    return None
                fields.append("".join(quoted) + match[3])
                quoted = None
            position = match.end()
            if not line.startswith(",", position):
                break
            position += 1
        if line[position:].strip("\r\n"):  # after a newline, only newlines
            problem = "new-line character seen in unquoted field"  # the csv module's words
            raise ResponseParseError(f"CSV is malformed after {self._count} rows: {problem}")
        return fields

    def _rows(self, fields: list[str] | None) -> list[dict[str, str]]:
        """The row of a record's ``fields``, if any (the first record is the header)."""
        if not fields:
            return []
        if self._header is None:
            self._header = fields
            return []
        self._count += 1
        if len(fields) != len(self._header):
            raise ResponseParseError(
                f"CSV row {self._count} has {len(fields)} fields, the header {len(self._header)}"
            )
        return [dict(zip(self._header, fields, strict=True))]
