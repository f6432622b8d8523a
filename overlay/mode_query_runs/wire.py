"""Models back to Mode's wire form: the JSON Mode sent, as closely as models allow.

The generated ``to_dict()`` writes timestamps with ``datetime.isoformat()``
(``2020-05-04T20:17:55.387000+00:00``). Mode writes UTC with milliseconds and ``Z``
(``2020-05-04T20:17:55.387Z``); :func:`to_wire` restores that form in the model and in
every model nested in it (the Query Runs of a collection), so a body parsed and written
back gives Mode's text again. Fields the spec does not know are kept by the models and
written back unchanged.

Documented normalisations (what a body parsed and written back may differ in): a
timestamp field holding text that ``datetime.fromisoformat`` reads (the generated models
parse it so) is written as :func:`format_timestamp` writes that datetime: another UTC
offset becomes ``Z``, a date without time gets ``T00:00:00``; any other text is kept.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol, cast

import attrs

__all__ = ["format_timestamp", "to_wire"]


class _Model(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


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


def to_wire(model: _Model) -> dict[str, Any]:
    """The JSON object (a dict) for a generated model, timestamps in Mode's form."""
    body = model.to_dict()
    _restore_timestamps(model, body)
    return body


def _wire_key(name: str, body: dict[str, Any]) -> str | None:
    """The key ``to_dict`` wrote attribute ``name`` under (``field_links`` -> ``_links``)."""
    candidates = [name]
    if name.startswith("field_"):
        candidates.insert(0, "_" + name.removeprefix("field_"))
    if name.endswith("_"):
        candidates.insert(0, name.removesuffix("_"))
    return next((key for key in candidates if key in body), None)


def _restore_timestamps(model: Any, body: dict[str, Any]) -> None:
    """Rewrite the datetimes of ``model`` and its nested models in ``body`` in Mode's form."""
    for field in attrs.fields(cast(type[attrs.AttrsInstance], type(model))):
        value = getattr(model, field.name)
        key = _wire_key(field.name, body)
        if key is None:
            continue
        if isinstance(value, datetime.datetime):
            body[key] = format_timestamp(value)
        elif attrs.has(type(value)) and isinstance(body[key], dict):
            _restore_timestamps(value, body[key])
        elif isinstance(value, list) and isinstance(body[key], list):
            for item, written in zip(value, body[key], strict=False):
                if attrs.has(type(item)) and isinstance(written, dict):
                    _restore_timestamps(item, written)
