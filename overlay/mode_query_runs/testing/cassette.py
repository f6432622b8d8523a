"""Cassettes: recorded HTTP interactions in VCR.py's YAML cassette format (version 1).

A cassette is a YAML document ``{"interactions": [...], "version": 1}``; each interaction
is ``{"request": {"method", "uri", "body", "headers"}, "response": {"status": {"code",
"message"}, "headers", "body": {"string"}}}``, headers mapping a name to a list of values,
as VCR.py writes them. Bodies are kept as text.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..results import Download

__all__ = [
    "Interaction",
    "bundled_directory",
    "dump_cassette",
    "load_cassette",
    "load_directory",
    "recorded_account",
    "request_key",
]

CASSETTE_VERSION = 1


def bundled_directory() -> Path:
    """The directory of the cassettes shipped with the package."""
    return Path(str(importlib.resources.files("mode_query_runs.testing") / "cassettes"))


@dataclass(frozen=True)
class Interaction:
    """One recorded request and the response it got.

    Attributes:
        method: Upper-case HTTP method.
        uri: The request's full URL as recorded.
        status: Response status code.
        reason: Response reason phrase.
        headers: Response headers, name to list of values.
        body: Response body text.
        source: ``"<cassette file>#<index>"``, for messages.
    """

    method: str
    uri: str
    status: int
    reason: str
    headers: dict[str, list[str]]
    body: str
    source: str = ""
    request_headers: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        """``(method, path?query)``: what a replayed request is matched on."""
        return request_key(self.method, self.uri)

    def content_type(self) -> str | None:
        """The response's Content-Type, if recorded."""
        for name, values in self.headers.items():
            if name.lower() == "content-type" and values:
                return values[0]
        return None


def request_key(method: str, uri: str) -> tuple[str, str]:
    """``(METHOD, path[?query])`` of a request URL; scheme and host are not matched."""
    parts = urlsplit(uri)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return method.upper(), target


def recorded_account(interactions: Iterable[Interaction]) -> str | None:
    """The account every ``/api/<account>/...`` request of ``interactions`` names, or
    ``None`` when they name several or none."""
    accounts = set()
    for interaction in interactions:
        parts = request_key(interaction.method, interaction.uri)[1].split("/")
        if len(parts) > 3 and parts[1] == "api" and parts[2]:
            accounts.add(parts[2])
    return accounts.pop() if len(accounts) == 1 else None


class _Malformed(ValueError):
    """A cassette value that could not be served: ``<field> <problem>``."""


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""An HTTP method or header name (RFC 9110 token)."""
_BODILESS = frozenset({204, 304})


def _mapping(value: Any, field: str) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise _Malformed(f"{field} must be a mapping, not {_kind(value)}")
    return value


def _text_field(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise _Malformed(f"{field} must be text, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _headers(raw: Any, field: str) -> dict[str, list[str]]:
    """Header name to values; a single value may be given without a list."""
    if raw is None:
        return {}
    headers: dict[str, list[str]] = {}
    for name, values in _mapping(raw, field).items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise _Malformed(f"{field} has a name that is not an HTTP header name: {name!r}")
        where = f"{field}.{name}"
        listed = values if isinstance(values, list) else [values]
        for value in listed:
            text = _text_field(value, where)
            if any(char in text for char in "\r\n\0") or not _latin1(text):
                raise _Malformed(f"{where} cannot be sent in an HTTP header: {text!r}")
        headers[name] = listed
    return headers


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _url(value: Any, field: str) -> str:
    text = _text_field(value, field)
    try:
        urlsplit(text)
    except ValueError as exc:
        raise _Malformed(f"{field} is not a URL ({exc}): {text!r}") from None
    return text


def _interaction(raw: Any, source: str) -> Interaction:
    """One interaction of a cassette, every value checked to be one the mock server can
    serve.

    Raises:
        _Malformed: a value cannot be served (names the field).
    """
    interaction = _mapping(raw, "the interaction")
    request = _mapping(interaction.get("request"), "request")
    response = _mapping(interaction.get("response"), "response")
    method = _text_field(request.get("method"), "request.method")
    if not _TOKEN.fullmatch(method):
        raise _Malformed(f"request.method is not an HTTP method: {method!r}")
    uri = _url(request.get("uri"), "request.uri")
    status = _mapping(response.get("status"), "response.status")
    code = status.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        raise _Malformed(f"response.status.code must be an integer, not {_kind(code)}")
    if not 200 <= code <= 599:
        raise _Malformed(f"response.status.code must be from 200 to 599, not {code}")
    reason = _text_field(status.get("message", ""), "response.status.message")
    headers = _headers(response.get("headers"), "response.headers")
    for name, values in headers.items():
        if name.lower() == "location":
            for value in values:
                _url(value, f"response.headers.{name}")
    body = response.get("body")
    text = "" if body is None else _mapping(body, "response.body").get("string")
    text = "" if text is None else _text_field(text, "response.body.string")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Malformed(f"response.body.string is not UTF-8 text ({exc.reason})") from None
    if text and code in _BODILESS:
        raise _Malformed(f"response.body.string must be empty for status {code}")
    return Interaction(
        method=method.upper(),
        uri=uri,
        status=code,
        reason=reason,
        headers=headers,
        body=text,
        source=source,
        request_headers=_headers(request.get("headers"), "request.headers"),
    )


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: the parser's problem and where (``expected ',' or ']' ... (line 2, column 1)``)."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        return f"{exc.problem}{where}"
    return " ".join(str(exc).split())


def load_cassette(path: Path) -> list[Interaction]:
    """The interactions of one cassette file.

    Raises:
        ValueError: the file is not UTF-8 YAML (or is nested too deeply to read), not a
            version-1 VCR.py cassette with an ``interactions`` list, or an interaction holds
            a value the mock server could not serve: one line naming the file, the
            interaction (its index) and the field
            (``<file>: interaction 3: response.body.string must be text, not int``). A
            field must be: ``request.method`` an HTTP token, ``request.uri`` and any
            ``Location`` a URL, ``response.status.code`` an integer from 200 to 599,
            ``response.status.message`` text, header names HTTP tokens and header values
            Latin-1 text without CR, LF or NUL (one value or a list), and
            ``response.body.string`` UTF-8 text or null (empty for 204 and 304).
        OSError: the file cannot be read.
    """
    try:
        document = yaml.safe_load(path.read_text("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise ValueError(f"{path}: YAML nested too deeply to read") from None
    if not isinstance(document, dict) or document.get("version") != CASSETTE_VERSION:
        raise ValueError(f"{path}: not a version {CASSETTE_VERSION} VCR.py cassette")
    if not isinstance(document.get("interactions"), list):
        raise ValueError(f"{path}: not a VCR.py cassette: no 'interactions' list")
    interactions = []
    for index, raw in enumerate(document["interactions"]):
        try:
            interactions.append(_interaction(raw, f"{path.name}#{index}"))
        except _Malformed as exc:
            raise ValueError(f"{path}: interaction {index}: {exc}") from None
    return interactions


def load_directory(directory: Path) -> list[Interaction]:
    """The interactions of every ``*.yaml`` / ``*.yml`` cassette in ``directory``, by file name."""
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        raise ValueError(f"{directory}: no cassettes (*.yaml) found")
    return [interaction for path in files for interaction in load_cassette(path)]


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line strings as YAML block literals, so bodies stay readable."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_LiteralDumper.add_representer(str, _str_representer)


def dump_cassette(interactions: Iterable[Interaction], path: Path) -> None:
    """Write ``interactions`` to ``path`` as a VCR.py cassette, deterministically.

    The same interactions always give byte-identical files: keys are sorted and nothing
    about the moment of writing is stored. ``path`` is written as ``results -o`` writes a
    download (``Download``): a regular file, or the file a
    symbolic link points to, through a temporary file beside it (``.<name>.<random>.part``)
    renamed over it, so a write that fails (a full disk, a file size limit) leaves the file
    that was there as it was; a FIFO or a device (``/dev/null``) is written in place.

    Raises:
        OSError: the file cannot be written (the error names ``path``); the temporary
            file is removed.
    """
    document = {
        "interactions": [
            {
                "request": {
                    "body": None,
                    "headers": dict(sorted(i.request_headers.items())),
                    "method": i.method,
                    "uri": i.uri,
                },
                "response": {
                    "body": {"string": i.body},
                    "headers": dict(sorted(i.headers.items())),
                    "status": {"code": i.status, "message": i.reason},
                },
            }
            for i in interactions
        ],
        "version": CASSETTE_VERSION,
    }
    text = yaml.dump(document, Dumper=_LiteralDumper, sort_keys=True, allow_unicode=True, width=100)
    file = Download(path)
    try:
        file.open()
        file.write(text.encode("utf-8"))
        file.commit()
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
    finally:
        file.abort()
