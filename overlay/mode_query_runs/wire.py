"""Models back to Mode's wire form: the JSON Mode sent, as closely as models allow.

The generated ``to_dict()`` writes timestamps with ``datetime.isoformat()``
(``2020-05-04T20:17:55.387000+00:00``). Mode writes UTC with milliseconds and ``Z``
(``2020-05-04T20:17:55.387Z``); :func:`to_wire` restores that form in the model and in
every model nested in it (the Query Runs of a collection), so a body parsed and written
back gives Mode's text again. Fields the spec does not know, and values whose type it did
not expect, are kept in each model's ``additional_properties`` and written back unchanged.

Documented normalisations (what a body parsed and written back may differ in): a
timestamp field holding text that ``datetime.fromisoformat`` reads (the generated models
parse it so) is written as :func:`format_timestamp` writes that datetime: another UTC
offset becomes ``Z``, a date without time gets ``T00:00:00``; any other text is kept.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from mode_api_client.types import Unset

from .tolerant import json_key

__all__ = ["format_timestamp", "to_wire"]


def format_timestamp(value: datetime.datetime) -> str:
    """A datetime as Mode writes it: UTC, ``Z``, milliseconds (microseconds if it has them).

    A naive datetime is written without a zone, as it was parsed; one whose UTC instant
    falls outside years 1-9999 keeps its own offset (``0001-01-01T00:00:00+05:00``).
    """
    if value.tzinfo is None:
        return value.isoformat()
    try:
        utc = value.astimezone(datetime.UTC)
    except OverflowError:  # the UTC instant is before year 1 or after year 9999
        return value.isoformat()
    timespec = "milliseconds" if utc.microsecond % 1000 == 0 else "microseconds"
    return utc.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


def to_wire(model: Any) -> dict[str, Any]:
    """The JSON object (a dict) for a generated model, timestamps in Mode's form.

    Writes what the server sent: the typed attributes that are set, and every value in
    ``additional_properties`` (properties the spec does not know, and values whose type it
    did not expect, which a tolerant read keeps there), in every nested model.
    """
    body = _wire(model)
    if not isinstance(body, dict):
        raise TypeError(f"not a generated model: {type(model).__name__}")
    return body


def _wire(value: Any) -> Any:
    if attrs.has(type(value)):
        body = {key: _wire(item) for key, item in value.additional_properties.items()}
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if field.name != "additional_properties" and not isinstance(item, Unset):
                body[json_key(field.name)] = _wire(item)
        return body
    if isinstance(value, list):
        return [_wire(item) for item in value]
    if isinstance(value, datetime.datetime):
        return format_timestamp(value)
    return value
