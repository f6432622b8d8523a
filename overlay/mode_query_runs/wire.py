"""Models back to Mode's wire form: the JSON Mode sent, as closely as models allow.

The generated ``to_dict()`` writes timestamps with ``datetime.isoformat()``
(``2020-05-04T20:17:55.387000+00:00``). Mode writes UTC with milliseconds and ``Z``
(``2020-05-04T20:17:55.387Z``); :func:`to_wire` restores that form in the model and in
every model nested in it (the Query Runs of a collection), so a body parsed and written
back gives Mode's text again. Fields the spec does not know, and values whose type it did
not expect, are kept in each model's ``additional_properties`` and written back unchanged.

A timestamp without a zone (``"2026-11-01 09:30:02"``, ``"2026-11-01T09:30:02.118"``)
is Mode's UTC written without its ``Z``: :func:`read_zoneless_as_utc` makes it a
timezone-aware :class:`ZonelessTimestamp` in UTC that remembers its text, and
:func:`to_wire` writes that text back unchanged.

Documented normalisations (what a body parsed and written back may differ in): a
timestamp field holding text with a zone that ``datetime.fromisoformat`` reads (the
generated models parse it so) is written as :func:`format_timestamp` writes that
datetime: another UTC offset becomes ``Z``; any other text is kept.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from mode_api_client.types import Unset

from .tolerant import json_key

__all__ = ["ZonelessTimestamp", "format_timestamp", "read_zoneless_as_utc", "to_wire"]


class ZonelessTimestamp(datetime.datetime):
    """A timestamp sent without a zone, read as UTC: a timezone-aware ``datetime``.

    Compares, hashes and computes as the UTC ``datetime`` it is.

    Attributes:
        wire_text: The text as it was sent (``"2026-11-01 09:30:02"``), which
            :func:`format_timestamp` writes back.
    """

    __slots__ = ("wire_text",)
    wire_text: str

    @classmethod
    def from_naive(cls, naive: datetime.datetime, text: str) -> ZonelessTimestamp:
        """``naive`` (parsed from ``text``) in UTC, remembering ``text``."""
        value = cls.combine(naive.date(), naive.time(), datetime.UTC)
        value.wire_text = text
        return value

    def __reduce_ex__(self, protocol: object) -> tuple[Any, ...]:
        naive = datetime.datetime.combine(self.date(), self.time())
        return (type(self).from_naive, (naive, getattr(self, "wire_text", naive.isoformat())))


def read_zoneless_as_utc(model: Any, body: Any) -> None:
    """Make every zone-less timestamp of ``model`` (parsed from ``body``) UTC, in place.

    Args:
        model: A generated model (``QueryRun``, ``QueryRunCollection``); nested models
            and lists of them are walked too.
        body: The decoded JSON ``model`` was parsed from, for the text as sent.

    A typed attribute holding a naive ``datetime`` becomes a :class:`ZonelessTimestamp`
    of the same wall time in UTC, keeping the text the server sent.
    """
    if isinstance(model, list) and isinstance(body, list):
        for item, sent in zip(model, body, strict=False):
            read_zoneless_as_utc(item, sent)
        return
    if not (attrs.has(type(model)) and isinstance(body, dict)):
        return
    for field in attrs.fields(type(model)):
        if field.name == "additional_properties":
            continue
        value = getattr(model, field.name)
        sent = body.get(json_key(field.name))
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            if isinstance(sent, str):
                setattr(model, field.name, ZonelessTimestamp.from_naive(value, sent))
        else:
            read_zoneless_as_utc(value, sent)


def format_timestamp(value: datetime.datetime) -> str:
    """A datetime as Mode writes it: UTC, ``Z``, milliseconds (microseconds if it has them).

    A :class:`ZonelessTimestamp` is written as it was sent; a naive datetime without a
    zone, as it was parsed; one whose UTC instant falls outside years 1-9999 keeps its own
    offset (``0001-01-01T00:00:00+05:00``).
    """
    text = getattr(value, "wire_text", None)
    if isinstance(value, ZonelessTimestamp) and isinstance(text, str):
        return text
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
