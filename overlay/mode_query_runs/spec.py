"""The spec's operations (generated: ``mode_api_client.api.OPERATIONS``), and which one a
request is."""

from mode_api_client.api import OPERATIONS
from mode_api_client.api import Operation as Operation
from mode_api_client.types import json_path as json_path

MEDIA_TYPE = "application/hal+json"


def operations() -> tuple[Operation, ...]:
    """Every operation the spec defines."""
    return tuple(OPERATIONS.values())


def match_operation(method: str, path: str) -> Operation | None:
    """The operation that a request ``method`` and server-relative ``path`` address, if any."""
    return next((op for op in OPERATIONS.values() if op.matches(method, path)), None)


def operation_by_id(operation_id: str) -> Operation:
    """The operation with this ``operationId``; ``KeyError`` if the spec has none."""
    return OPERATIONS[operation_id]
