"""Models back to Mode's wire form: the JSON the server sent.

A generated model's ``to_dict()`` writes every value read (unexpected types and unknown
keys, kept in ``additional_properties``, included) and each timestamp as the text sent; a
datetime set in code in Mode's form: UTC, ``Z``, milliseconds (``format_timestamp``).
"""

from __future__ import annotations

from typing import Any

import attrs

from mode_api_client.types import format_timestamp

__all__ = ["format_timestamp", "to_wire"]


def to_wire(model: Any) -> dict[str, Any]:
    """The JSON object (a dict) of a generated model: its ``to_dict()``.

    Raises:
        TypeError: ``model`` is not a generated model.
    """
    if not attrs.has(type(model)) or not callable(getattr(model, "to_dict", None)):
        raise TypeError(f"not a generated model: {type(model).__name__}")
    body: dict[str, Any] = model.to_dict()
    return body
