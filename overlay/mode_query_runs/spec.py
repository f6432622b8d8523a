"""The OpenAPI spec at run time: which operation a request is, and whether a body fits it.

The spec shipped inside the package (``mode_query_runs/mode.yaml``, the same file as
``openapi/mode.yaml``) is the single source of truth. Here: its operations and which one a
request is. (Its response schemas, compiled into validators, are the testing kit's:
``testing.schema_check``; the clients' ``reader`` needs none: the generated models record
where a body strays while reading it.)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from mode_api_client.types import json_path

__all__ = [
    "Operation",
    "json_path",
    "load_spec",
    "match_operation",
    "operation_by_id",
    "operations",
]

MEDIA_TYPE = "application/hal+json"


@dataclass(frozen=True)
class Operation:
    """One operation of the spec.

    Attributes:
        operation_id: The spec's ``operationId`` (``"listQueryRunsForReportRun"``).
        method: Upper-case HTTP method.
        path: The path template relative to the server URL (``"/{account}/reports/..."``).
    """

    operation_id: str
    method: str
    path: str

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str]:
        parts = re.split(r"\{[^}]+\}", self.path)
        return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")

    def matches(self, method: str, path: str) -> bool:
        """Whether ``method`` and a raw (percent-encoded) server-relative ``path`` are this."""
        return method.upper() == self.method and bool(self._pattern.match(path))


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed spec (a dict), read once from the package data.

    PyYAML (and ``importlib.resources``) load here, at the first request, not with the
    package.
    """
    import importlib.resources

    import yaml

    text = importlib.resources.files("mode_query_runs").joinpath("mode.yaml").read_text("utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    return spec


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation the spec defines."""
    found = []
    for path, item in load_spec()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                found.append(Operation(op["operationId"], method.upper(), path))
    return tuple(found)


def match_operation(method: str, path: str) -> Operation | None:
    """The operation that a request ``method`` and server-relative ``path`` address, if any."""
    for operation in operations():
        if operation.matches(method, path):
            return operation
    return None


def operation_by_id(operation_id: str) -> Operation:
    """The operation with this ``operationId``; ``KeyError`` if the spec has none."""
    for operation in operations():
        if operation.operation_id == operation_id:
            return operation
    raise KeyError(operation_id)
