"""Models back to Mode's wire form: the JSON Mode sent, as closely as models allow.

The generated ``to_dict()`` writes timestamps with ``datetime.isoformat()``
(``2020-05-04T20:17:55.387000+00:00``). Mode writes UTC with milliseconds and ``Z``
(``2020-05-04T20:17:55.387Z``); :func:`to_wire` restores that form, so a body parsed and
written back gives Mode's text again. Fields the spec does not know are kept by the
models and written back unchanged.
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

    A naive datetime is written without a zone, as it was parsed.
    """
    if value.tzinfo is None:
        return value.isoformat()
    utc = value.astimezone(datetime.UTC)
    timespec = "milliseconds" if utc.microsecond % 1000 == 0 else "microseconds"
    return utc.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


def to_wire(model: _Model) -> dict[str, Any]:
    """The JSON object (a dict) for a generated model, timestamps in Mode's form."""
    body = model.to_dict()
    for field in attrs.fields(cast(type[attrs.AttrsInstance], type(model))):
        value = getattr(model, field.name)
        if isinstance(value, datetime.datetime) and field.name in body:
            body[field.name] = format_timestamp(value)
    return body
