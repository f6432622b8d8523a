"""Shared types of the generated package, and what its models need to read bodies tolerantly.

Written by the repository's custom template (``templates/types.py.jinja``); the reading rules
are those of the models' ``from_dict`` (``templates/model.py.jinja``):

* :func:`decode_json`: JSON bytes to Python values (orjson; the standard library for what
  orjson cannot give exactly, integers of any length up to :data:`MAX_INT_DIGITS` digits
  included), :class:`~.errors.UnreadableBody` for anything that is not JSON (RFC 8259: no
  ``NaN`` or ``Infinity``); a number no Python number holds as sent (``1e400``) is a
  :class:`WireNumber`, which keeps its text;
* :class:`Deviation` and :func:`deviations_of`: where a body read into a model strays from
  the spec's schema (JSON path, what the spec expects, the JSON type found; never the value);
  :func:`strays_deeper`: whether what strays nests deeper than a schema validator reads;
* :func:`wire_timestamp` and :func:`format_timestamp`: timestamps written back as the text
  the server sent (the models read ISO 8601 text as timezone-aware datetimes where the
  field is read, a zone-less one as UTC; other text stays text);
* :func:`wire_value`: a model attribute's value as JSON again (what ``to_dict`` writes);
  :func:`to_wire`: a model's JSON object.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import sys
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar

import httpx
import orjson
from attrs import define, has

from .errors import UnreadableBody


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint.

    Attributes:
        request: The ``httpx.Request`` sent (its method and URL), ``None`` when unknown.
    """

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None
    request: httpx.Request | None = None


# --- decoding ----------------------------------------------------------------------------

# orjson reads an integer beyond 64 bits as a float; such a literal has 19 digits or more.
_DIGITS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_NUMBER = b"0" * 19


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")

MAX_INT_DIGITS = 100_000
"""The most digits of an integer :func:`decode_json` reads as an ``int``; a longer one is
read as a :class:`WireNumber`. Python refuses to convert text of more than
``sys.get_int_max_str_digits()`` digits (4300 by default) to an ``int``, as the time it
takes grows faster than the text; up to this many digits the integer is converted in
parts instead (well under a second), whatever that setting."""


class WireNumber(float):
    """A JSON number no Python number holds as sent: one beyond the range of a float
    (``1e400``, ``-1e400``) or an integer of more than :data:`MAX_INT_DIGITS` digits.

    A ``float`` (``inf`` or ``-inf``, the value Python reads the text as) that keeps the
    text, which ``str`` gives: write ``wire_text`` back as JSON (``json.dumps`` would write ``Infinity``, which
    is not JSON). The models read it as a JSON number: where the spec expects an integer
    it is kept in ``additional_properties``, as any number that is not an integer.

    Args:
        text: A JSON number (RFC 8259 grammar).

    Attributes:
        wire_text: The number as the server sent it (``"1e400"``).

    Raises:
        ValueError: ``text`` is not a JSON number.
    """

    __slots__ = ("wire_text",)
    wire_text: str

    def __new__(cls, text: str) -> WireNumber:
        if not isinstance(text, str) or not _JSON_NUMBER.fullmatch(text):
            raise ValueError(f"not a JSON number: {text!r}"[:200])
        number = super().__new__(cls, text)
        number.wire_text = text
        return number

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.wire_text,))

    def __repr__(self) -> str:
        text = (
            self.wire_text if len(self.wire_text) <= 40 else self.wire_text[:37] + "..."
        )
        return f"WireNumber({text!r})"

    def __str__(self) -> str:
        """The number as sent (``"1e400"``; ``f"{number}"`` too), not ``inf``."""
        return self.wire_text


# Text of at most this many digits converts to an int under any int-to-str limit (640 is
# the lowest sys.set_int_max_str_digits accepts).
_INT_PART = sys.int_info.str_digits_check_threshold


def _digits_value(digits: str) -> int:
    """The ``int`` of a string of decimal digits of any length: its halves converted apart
    (each part short enough for any int-to-str limit), then joined."""
    if len(digits) <= _INT_PART:
        return int(digits)
    low = len(digits) // 2
    value: int = _digits_value(digits[:-low]) * 10**low + _digits_value(digits[-low:])
    return value


def _read_int(text: str) -> int | WireNumber:
    """A JSON integer: an ``int``, also past Python's int-to-str limit (up to
    :data:`MAX_INT_DIGITS` digits); a :class:`WireNumber` beyond."""
    try:
        return int(text)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        pass
    digits = text.removeprefix("-")
    if len(digits) > MAX_INT_DIGITS:
        return WireNumber(text)
    value = _digits_value(digits)
    return -value if text.startswith("-") else value


def _read_float(text: str) -> float:
    """A JSON number with a fraction or exponent: a ``float``; a :class:`WireNumber` when
    it is beyond the range of a float (``1e400``)."""
    value = float(text)
    return value if math.isfinite(value) else WireNumber(text)


def decode_json(content: bytes | str) -> Any:
    """The JSON value of a response body (``bytes`` as sent, or text).

    Decoded with orjson; a body orjson refuses or cannot give exactly (UTF-16, a byte order
    mark, a lone surrogate escape, an integer beyond 64 bits, a number beyond the range of
    a float) is decoded by the standard library's ``json`` instead, so every body decodes
    to the values ``json.loads`` gives, except: an integer past Python's int-to-str limit
    (``sys.get_int_max_str_digits()``) is an ``int`` all the same, up to
    :data:`MAX_INT_DIGITS` digits; a longer one, and a number beyond the range of a float
    (``1e400``, which ``json.loads`` reads as ``inf``), is a :class:`WireNumber`, which
    keeps its text.

    Raises:
        UnreadableBody: the body is not JSON (``NaN`` and ``Infinity`` are not JSON), or is
            nested too deeply to decode.
    """
    raw = (
        content.encode("utf-8", "surrogatepass")
        if isinstance(content, str)
        else content
    )
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    else:
        if raw.translate(_DIGITS).find(_LONG_NUMBER) < 0:
            return value
    try:
        return json.loads(
            raw,
            parse_constant=_refuse_constant,
            parse_int=_read_int,
            parse_float=_read_float,
        )
    except (ValueError, RecursionError) as error:
        raise UnreadableBody("the body is not JSON") from error


def decode_fast(content: bytes | str) -> Any:
    """:func:`decode_json` without its check for integers beyond 64 bits, which orjson
    reads as floats: the models' ``from_json`` notices such a float where it reads one
    (:func:`integral`, :func:`scan`) and decodes the body again with :func:`decode_json`.

    Raises:
        UnreadableBody: the body is not JSON.
    """
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return decode_json(content)


_HUGE = (
    9223372036854775808.0  # 2**63: orjson gives a float for an integer beyond 64 bits
)
INEXACT: RawDeviation = (None, "", "", "inexact")
"""Recorded (and left out of the deviations) where a float may be an integer orjson could
not read exactly: ``from_json`` then decodes the body again with the standard library."""
REREAD: RawDeviation = (None, "", "", "reread")
"""Recorded (and left out of the deviations) where a list that strays is kept as sent
after models were read from its objects: ``from_json`` reads a body it decoded in place
(its objects lose the keys read), so it then reads a fresh copy of the body."""


def integral(value: float, found: list[RawDeviation]) -> bool:
    """Whether a float is an integer (the spec's ``integer`` accepts ``1.0``); one too
    large for 64 bits is recorded as :data:`INEXACT`."""
    if not value.is_integer():
        return False
    if abs(value) >= _HUGE:
        found.append(INEXACT)
    return True


def scan(value: Any, found: list[RawDeviation]) -> None:
    """Record :data:`INEXACT` once if ``value`` (any JSON value, kept as it came) holds a
    float that may be an integer orjson could not read exactly."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float and abs(item) >= _HUGE and item.is_integer():
            found.append(INEXACT)
            return


def json_type(value: Any) -> str:
    """The JSON type name of a decoded JSON value (``"integer"``, ``"object"``, ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


# --- deviations --------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """A JSON path such as ``$._embedded.query_runs[2].token`` for keys and indexes."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.fullmatch(part):
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


@define(frozen=True)
class Deviation:
    """One place where a body read into a model strays from the spec's schema.

    Attributes:
        parts: The JSON path as keys and indexes (``("_links", "self", "href")``); for a
            missing property, the path it would have.
        expected: What the spec expects there (``"integer or null"``, ``"present"``).
        found: The JSON type that came (``"string"``, ``"null"``, ...) or ``"missing"``.
        rule: The place in the spec's schema: ``parts`` with every array position as
            ``[]`` and every key the schema does not name (``additionalProperties``) as
            ``*``, then ``type`` or ``required``. Deviations of many items of one array
            share it (``_embedded/query_runs/[]/token/type``).
    """

    parts: tuple[str | int, ...]
    expected: str
    found: str
    rule: str

    @property
    def path(self) -> str:
        """The JSON path, e.g. ``$._embedded.query_runs[2].token``."""
        return json_path(self.parts)

    def __str__(self) -> str:
        return f"{self.path}: the spec expects {self.expected}, found {self.found}"


# While a body is read, the place of a value is a cell (enclosing place, JSON key or array
# index, rule step), ``None`` at the top; a deviation is (place, expected, found, rule kind).
Place = tuple[Any, str | int, str] | None
RawDeviation = tuple[Place, str, str, str]
EXTRA = "*"
"""The rule step of a key the schema does not name (an ``additionalProperties`` key)."""
ITEM = "[]"
"""The rule step of an array position."""


def _document_order(deviation: Deviation) -> tuple[Any, ...]:
    """Array positions by number (``[2]`` before ``[10]``), then keys, then rule."""
    steps = tuple(
        (0, part, "") if isinstance(part, int) else (1, 0, part)
        for part in deviation.parts
    )
    return (steps, deviation.rule)


def finish(found: list[RawDeviation]) -> tuple[Deviation, ...]:
    """The recorded deviations of a body, in document order."""
    done = []
    for place, expected, kind, rule in found:
        if rule == "inexact" or rule == "reread":
            continue
        parts: list[str | int] = []
        rules = [rule]
        while place is not None:
            place, part, step = place
            parts.append(part)
            rules.append(step)
        done.append(
            Deviation(tuple(reversed(parts)), expected, kind, "/".join(reversed(rules)))
        )
    return tuple(sorted(done, key=_document_order))


def deviations_of(model: Any) -> tuple[Deviation, ...]:
    """Where the body a model was read from (``Model.from_dict`` / ``from_json``, or a
    generated operation's ``parsed``) strays from the spec's schema, in document order.

    Recorded on the model the body was read into, with paths from that body's top level
    (the Query Runs of a page hold none of their own: ask the page). Empty for a body the
    spec allows and for a model built in code.

    A value whose type the spec does not expect is kept in ``additional_properties`` of
    the model that holds it, under its JSON key, and the typed attribute is ``UNSET``; a
    required property that is missing leaves its attribute ``UNSET``.
    """
    found: tuple[Deviation, ...] = getattr(model, "_deviations", ())
    return found


_SCALARS = frozenset({"integer", "number", "string", "boolean", "null"})


def _deeper_than(value: Any, levels: int) -> bool:
    """Whether ``value`` (JSON, or a model: its JSON) nests arrays and objects more than
    ``levels`` levels deep."""
    if has(type(value)):
        value = value.to_dict()
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return False
    return levels == 0 or any(_deeper_than(child, levels - 1) for child in children)


def _step(node: Any, part: str | int) -> Any:
    """One step into what a model read: a typed attribute, else the value kept as sent."""
    if isinstance(node, (dict, list)):
        container: Any = node
        return container[part]
    name = type(node).attribute_names.get(part)
    value = getattr(node, name) if name is not None else UNSET
    return node.additional_properties[part] if value is UNSET else value


def strays_deeper(model: Any, levels: int) -> bool:
    """Whether what a schema validator's report on the body ``model`` was read from would
    hold (a value that strays, the object missing a property, the ``_links`` relation
    holding either) nests more than ``levels`` levels deep."""
    for deviation in deviations_of(model):
        if deviation.found in _SCALARS and "_links" not in deviation.parts:
            continue  # a number, string, boolean or null is not nested at all
        parts = (
            deviation.parts[:-1] if deviation.found == "missing" else deviation.parts
        )
        node = model
        for index, part in enumerate(parts):
            node = _step(node, part)
            if parts[index - 1 : index] == ("_links",) and _deeper_than(node, levels):
                return True
        if _deeper_than(node, levels):
            return True
    return False


# --- timestamps --------------------------------------------------------------------------


def format_timestamp(value: datetime.datetime) -> str:
    """A datetime as Mode writes it: UTC, ``Z``, milliseconds (microseconds if it has them).

    A datetime with a ``wire_text`` attribute (the text it was read from) is written as
    that text; a naive datetime, as
    ``isoformat()`` writes it; one whose UTC instant falls outside years 1-9999 keeps its
    own offset (``0001-01-01T00:00:00+05:00``).
    """
    text = getattr(value, "wire_text", None)
    if isinstance(text, str):
        return text
    if value.tzinfo is None:
        return value.isoformat()
    try:
        utc = value.astimezone(datetime.UTC)
    except OverflowError:  # the UTC instant is before year 1 or after year 9999
        return value.isoformat()
    timespec = "milliseconds" if utc.microsecond % 1000 == 0 else "microseconds"
    return utc.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


def wire_timestamp(value: Any, sent: Any) -> Any:
    """A timestamp attribute as JSON again: ``sent``, the text it was read from, when that
    still reads as ``value`` (the same instant and UTC offset; a zone-less text read as
    UTC); otherwise :func:`format_timestamp` of a datetime, and any other value as it is."""
    if not isinstance(value, datetime.datetime):
        return value
    if isinstance(sent, str):
        try:
            parsed = datetime.datetime.fromisoformat(sent)
        except ValueError:
            return format_timestamp(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.UTC)
        if (
            value.tzinfo is not None
            and parsed == value
            and parsed.utcoffset() == value.utcoffset()
        ):
            return sent
    return format_timestamp(value)


def to_wire(model: Any) -> dict[str, Any]:
    """The JSON object (a dict) of a generated model: its ``to_dict()``.

    Raises:
        TypeError: ``model`` is not a generated model.
    """
    if not has(type(model)) or not callable(getattr(model, "to_dict", None)):
        raise TypeError(f"not a generated model: {type(model).__name__}")
    body: dict[str, Any] = model.to_dict()
    return body


def wire_value(value: Any) -> Any:
    """A value of a model attribute (or of ``additional_properties``) as JSON again.

    Models give their ``to_dict()``, lists their items so written, datetimes the text of
    :func:`format_timestamp`; a value kept as the server sent it is written unchanged.
    """
    if isinstance(value, datetime.datetime):
        return format_timestamp(value)
    if isinstance(value, list):
        return [wire_value(item) for item in value]
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None and not isinstance(value, Mapping):
        return to_dict()
    return value


__all__ = [
    "MAX_INT_DIGITS",
    "UNSET",
    "Deviation",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "WireNumber",
    "decode_fast",
    "decode_json",
    "deviations_of",
    "format_timestamp",
    "json_path",
    "json_type",
    "strays_deeper",
    "to_wire",
    "wire_timestamp",
    "wire_value",
]
