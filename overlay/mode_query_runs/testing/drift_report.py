"""Spec drift in recordings: where recorded responses stray from ``openapi/mode.yaml``.

``mode-query-runs drift PATH...`` and the end of ``mode-query-runs record`` use this: every
recorded 2xx response of a spec operation whose status has a JSON schema is checked as the
clients check a live one (``testing.schema_check.deviations``), and each distinct
deviation — operation, JSON path with array positions as ``[*]``, what the spec expects,
the JSON type found — is counted once, with where it first occurs. The loop that keeps the
spec true: record, ``drift``, edit the spec, ``nox -s generate``, ``nox``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..spec import MEDIA_TYPE, json_path, match_operation
from .cassette import Interaction, load_cassette
from .schema_check import MAX_DEPTH, deviations, has_body_schema, load_spec

__all__ = ["Drift", "cassette_files", "drift_of"]


@dataclass
class Drift:
    """One distinct deviation across recordings.

    Attributes:
        operation_id: The spec operation (``"listQueryRunsForReportRun"``).
        path: The JSON path, array positions as ``[*]`` (``$._embedded.query_runs[*].id``).
        expected: What the spec expects there (``"integer or string"``, ``"present"``).
        found: The JSON type found (``"number"``, ``"missing"``; ``"text"`` for a body that
            is not JSON).
        count: How many times it occurs.
        first: Where it first occurs: ``"<cassette file>#<interaction index>"``.
    """

    operation_id: str
    path: str
    expected: str
    found: str
    count: int
    first: str

    def __str__(self) -> str:
        times = "1 time" if self.count == 1 else f"{self.count} times"
        return (
            f"{self.operation_id} {self.path}: the spec expects {self.expected}, found"
            f" {self.found} ({times}; first in {self.first})"
        )


def cassette_files(paths: Iterable[Path]) -> list[Path]:
    """The cassette files ``paths`` name: files as given, directories' ``*.yaml``/``*.yml``.

    Raises:
        ValueError: a path does not exist, or a directory holds no cassette.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise ValueError(f"{path}: no cassettes (*.yaml) found")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise ValueError(f"{path}: no such file or directory")
    return files


def _server_path(uri: str) -> str:
    """The request path relative to the API's base path (``/api`` as the spec's server)."""
    path = urlsplit(uri).path
    base = urlsplit(load_spec()["servers"][0]["url"]).path
    return path.removeprefix(base) if path.startswith(base + "/") else path


def _found_in(interaction: Interaction) -> list[tuple[str, str, str, str]]:
    """``(operation, path, expected, found)`` of each deviation of one interaction."""
    operation = match_operation(interaction.method, _server_path(interaction.uri))
    if operation is None or not 200 <= interaction.status < 300:
        return []
    if not has_body_schema(operation, interaction.status):
        return []
    try:
        body = json.loads(interaction.body)
    except ValueError:
        return [(operation.operation_id, "$", "a JSON body", "text")]
    except RecursionError:  # JSON nested deeper than Python decodes
        expected = f"a body nested at most {MAX_DEPTH} levels deep"
        return [(operation.operation_id, "$", expected, "one nested deeper")]
    return [
        (
            operation.operation_id,
            re.sub(r"\[\d+\]", "[*]", json_path(list(deviation.parts))),
            deviation.expected,
            deviation.found,
        )
        for deviation in deviations(operation, interaction.status, body, MEDIA_TYPE)
    ]


def drift_of(files: Iterable[Path]) -> list[Drift]:
    """Every distinct deviation in the recorded responses of ``files``, in order found.

    Raises:
        ValueError: a file is not a readable cassette (one line naming it).
        OSError: a file cannot be read.
    """
    found: dict[tuple[str, str, str, str], Drift] = {}
    for path in files:
        for interaction in load_cassette(path):
            for key in _found_in(interaction):
                if key in found:
                    found[key].count += 1
                else:
                    found[key] = Drift(*key, count=1, first=interaction.source)
    return list(found.values())
