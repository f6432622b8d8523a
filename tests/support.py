"""Shared test data: the bundled recordings' tokens and a helper to script interactions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mode_query_runs.testing.cassette import Interaction
from mode_query_runs.testing.spec_types import conform_to

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
