"""The OpenAPI spec at run time: which operation a request is, and whether a body fits it.

The spec shipped inside the package (``mode_query_runs/mode.yaml``, the same file as
``openapi/mode.yaml``) is the single source of truth. Here: its operations, which one a
request is, and its response schemas (compiled into validators for ``drift``, which
checks recorded bodies; the clients' ``reader`` needs no validator: the generated
models record where a body strays while reading it).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from mode_api_client.types import json_path

__all__ = [
    "Operation",
    "has_body_schema",
    "json_path",
    "load_spec",
    "match_operation",
    "operation_by_id",
    "operations",
    "resolve",
    "response_schema",
    "response_validator",
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


def resolve(node: Any) -> Any:
    """The schema a ``{"$ref": "#/..."}`` node of the spec points to (followed to the end);
    any other node as it is."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = load_spec()
        for key in node["$ref"].removeprefix("#/").split("/"):
            target = target[key]
        node = target
    return node


@functools.cache
def response_schema(
    operation_id: str, status: int, media_type: str = MEDIA_TYPE
) -> dict[str, Any] | None:
    """The JSON Schema of a response body, with the spec's ``components`` beside it.

    ``None`` when the spec gives no schema for that status and media type. The result is
    shared: do not change it.
    """
    spec = load_spec()
    operation = operation_by_id(operation_id)
    responses = spec["paths"][operation.path][operation.method.lower()]["responses"]
    response = responses.get(str(status))
    if response is None:
        return None
    schema = resolve(response).get("content", {}).get(media_type, {}).get("schema")
    if schema is None:
        return None
    return {**schema, "components": spec["components"]}


@functools.cache
def response_validator(operation_id: str, status: int, media_type: str = MEDIA_TYPE) -> Any:
    """A compiled validator of ``response_schema`` (``None`` where there is none)."""
    import jsonschema_rs  # only the drift report and the contract tests validate bodies

    schema = response_schema(operation_id, status, media_type)
    return None if schema is None else jsonschema_rs.Draft202012Validator(schema)


def has_body_schema(operation: Operation, status: int) -> bool:
    """Whether the spec gives a JSON (``application/hal+json``) schema for this response."""
    return response_schema(operation.operation_id, status) is not None
