"""Shared test data: the bundled recordings' tokens and a helper to script interactions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mode_query_runs.testing.cassette import Interaction
from mode_query_runs.testing.schema_check import load_spec
from mode_query_runs.testing.spec_types import allowed_types, conform, conform_to

REPORT = "a1b2c3d4e5f6"
PAGED_RUN = "8f3e2d1c0b9a"
SINGLE_RUN = "5c4b3a291807"
EMPTY_RUN = "0e1d2c3b4a59"
PAGED_TOKENS = [
    "1a2b3c4d5e6f",
    "3f4e5d6c7b8a",
    "6c3d9e2f1a7b",
    "7d8e9f0a1b2c",
    "9e0f1a2b3c4d",
    "b4c5d6e7f8a9",
    "c0d1e2f3a4b5",
]
SINGLE_TOKENS = ["2d6e0c4f9a1b", "4a5b6c7d8e9f"]
SEED_PAGE = Path(__file__).parent / "data" / "reference_page_example.json"


def spec_typed(body: dict[str, Any], schema: str = "QueryRun") -> dict[str, Any]:
    """A hand-built body with each value in a JSON type the spec gives it (``42`` as
    ``"42"`` once the spec types the field a string): test data that follows the spec."""
    typed: dict[str, Any] = conform_to(body, schema)
    return typed


def spec_value(field: str, value: Any, schema: str = "QueryRun") -> Any:
    """``value`` in a JSON type the spec gives ``field`` of ``schema`` (``42``, or ``"42"``
    where the spec says string): what a recording built from the spec holds."""
    return conform(value, load_spec()["components"]["schemas"][schema]["properties"][field])


def spec_types(field: str, schema: str = "QueryRun") -> str:
    """The JSON types the spec allows ``field``, as a deviation names them
    (``"integer or string"``)."""
    properties = load_spec()["components"]["schemas"][schema]["properties"]
    return " or ".join(allowed_types(properties[field]))


def field_allowing(kind: str, schema: str = "QueryRun", *, besides: str = "id") -> str:
    """The first property of ``schema`` (other than ``besides``) whose type the spec gives
    as JSON type ``kind`` (``"integer"``), for tests of how values of that type are read."""
    properties: dict[str, Any] = load_spec()["components"]["schemas"][schema]["properties"]
    return next(
        name
        for name, schema_of in properties.items()
        if name != besides and kind in allowed_types(schema_of)
    )


def recorded(
    path: str,
    body: str | Any,
    *,
    status: int = 200,
    content_type: str = "application/hal+json",
    reason: str = "OK",
) -> Interaction:
    """An interaction answering GET ``path``; a non-str ``body`` is written as JSON."""
    text = body if isinstance(body, str) else json.dumps(body)
    return Interaction(
        method="GET",
        uri=f"https://app.mode.com{path}",
        status=status,
        reason=reason,
        headers={"Content-Type": [content_type]},
        body=text,
    )
