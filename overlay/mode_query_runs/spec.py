"""The OpenAPI spec at run time (``mode_query_runs/mode.yaml``, a copy of
``openapi/mode.yaml``): its operations, and which one a request is."""

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
    """One operation: ``operation_id`` (``"listQueryRunsForReportRun"``), upper-case
    ``method``, and ``path`` template relative to the server URL."""

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
    """The parsed spec, read once (PyYAML loads here, not with the package)."""
    import importlib.resources

    import yaml

    text = importlib.resources.files("mode_query_runs").joinpath("mode.yaml").read_text("utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    return spec


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation the spec defines."""
    return tuple(
        Operation(op["operationId"], method.upper(), path)
        for path, item in load_spec()["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    )


def match_operation(method: str, path: str) -> Operation | None:
    """The operation that a request ``method`` and server-relative ``path`` address, if any."""
    return next((op for op in operations() if op.matches(method, path)), None)


def operation_by_id(operation_id: str) -> Operation:
    """The operation with this ``operationId``; ``KeyError`` if the spec has none."""
    for operation in operations():
        if operation.operation_id == operation_id:
            return operation
    raise KeyError(operation_id)
