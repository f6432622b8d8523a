"""Models back to Mode's wire form: the JSON the server sent.

The generated models write themselves back (``to_dict()``): every value read, those of
unexpected types and unknown keys included (kept in ``additional_properties``), and each
timestamp as the text the server sent (``2020-05-04T20:17:55.387Z``, a zone-less
``2026-11-01 09:30:02`` too). A datetime set in code is written in Mode's form: UTC,
``Z``, milliseconds (``format_timestamp``).
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from mode_api_client.types import format_timestamp

__all__ = ["ZonelessTimestamp", "format_timestamp", "to_wire"]


class ZonelessTimestamp(datetime.datetime):
    """A timestamp sent without a zone, as UTC: a timezone-aware ``datetime`` that
    ``format_timestamp`` writes as the text it was sent as.

    Compares, hashes and computes as the UTC ``datetime`` it is (arithmetic gives plain
    ``datetime`` values, written in Mode's form).

    Attributes:
        wire_text: The text as it was sent (``"2026-11-01 09:30:02"``).
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


def to_wire(model: Any) -> dict[str, Any]:
    """The JSON object (a dict) of a generated model: its ``to_dict()``.

    Raises:
        TypeError: ``model`` is not a generated model.
    """
    if not attrs.has(type(model)) or not callable(getattr(model, "to_dict", None)):
        raise TypeError(f"not a generated model: {type(model).__name__}")
    body: dict[str, Any] = model.to_dict()
    return body
