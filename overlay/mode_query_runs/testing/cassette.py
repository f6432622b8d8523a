"""Cassettes: recorded HTTP interactions in VCR.py's YAML cassette format (version 1).

A cassette is a YAML document ``{"interactions": [...], "version": 1}``; each interaction
is ``{"request": {"method", "uri", "body", "headers"}, "response": {"status": {"code",
"message"}, "headers", "body": {"string"}}}``, headers mapping a name to a list of values,
as VCR.py writes them. Bodies are kept as text.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

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


def _headers(raw: Any) -> dict[str, list[str]]:
    if not raw:
        return {}
    return {
        str(k): [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in raw.items()
    }


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
        ValueError: the file is not UTF-8 YAML, not a version-1 VCR.py cassette with an
            ``interactions`` list, or an interaction is malformed (one line naming the
            file and, if any, the interaction).
        OSError: the file cannot be read.
    """
    try:
        document = yaml.safe_load(path.read_text("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {_yaml_problem(exc)}") from None
    if not isinstance(document, dict) or document.get("version") != CASSETTE_VERSION:
        raise ValueError(f"{path}: not a version {CASSETTE_VERSION} VCR.py cassette")
    if not isinstance(document.get("interactions"), list):
        raise ValueError(f"{path}: not a VCR.py cassette: no 'interactions' list")
    interactions = []
    for index, raw in enumerate(document["interactions"]):
        try:
            request, response = raw["request"], raw["response"]
            body = response.get("body") or {}
            interactions.append(
                Interaction(
                    method=str(request["method"]).upper(),
                    uri=str(request["uri"]),
                    status=int(response["status"]["code"]),
                    reason=str(response["status"].get("message", "")),
                    headers=_headers(response.get("headers")),
                    body=body.get("string") or "",
                    source=f"{path.name}#{index}",
                    request_headers=_headers(request.get("headers")),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{path}: interaction {index} is malformed: {exc!r}") from None
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
    about the moment of writing is stored.
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
    path.write_text(text, "utf-8")
