"""Demo and test bodies written in the JSON types the spec gives, so they follow the spec.

``scripts/build_demo_cassettes.py`` (the bundled recordings) and the tests' hand-built
bodies pass their values through ``conform``: a value of a type its schema allows is kept;
one of another type is written in the first allowed type it has a form in (``42`` as
``"42"`` where ``openapi/mode.yaml`` says string; ``"42"`` as ``42`` where it says
integer). A type change in the spec then needs the demo recordings rebuilt (``python
scripts/build_demo_cassettes.py``), and no hand edit of demo values.
"""

from __future__ import annotations

import json
import math
from typing import Any

from mode_api_client.types import WireNumber, json_type

from .schema_check import resolve

__all__ = ["allowed_types", "conform", "conform_to"]

SCHEMAS = "#/components/schemas/"


def allowed_types(schema: Any, path: str = "$") -> list[str]:
    """The JSON types a schema allows, in the spec's order (``[]``: any type).

    Args:
        schema: A schema of the spec, or a ``$ref`` to one (``anyOf`` / ``oneOf`` /
            ``type`` lists are followed).
        path: The JSON path of the value the schema is for, for the error.

    Raises:
        ValueError: a ``$ref`` the spec does not have (``"$: the spec has no schema
            '#/components/schemas/Nope'"``).
    """
    schema = _resolved(schema, path)
    if not isinstance(schema, dict):
        return []
    branches = schema.get("anyOf", schema.get("oneOf"))
    if branches is not None:
        found: list[str] = []
        for branch in branches:
            kinds = allowed_types(branch, path)
            if not kinds:
                return []
            found += [kind for kind in kinds if kind not in found]
        return found
    kinds = schema.get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _fits(value: Any, kinds: list[str]) -> bool:
    kind = json_type(value)
    return not kinds or kind in kinds or (kind == "integer" and "number" in kinds)


def _checked(value: Any, path: str) -> None:
    """Refuse what JSON cannot carry anywhere in ``value`` (a ``datetime``, a ``Decimal``,
    a tuple, a key that is not a string, NaN or an infinity other than a ``WireNumber``),
    naming its place.

    Raises:
        ValueError: e.g. ``"$.created_at: a datetime is not a JSON value"``.
    """
    stack = [(value, path)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, WireNumber):
            continue  # a JSON number as sent (1e400): the SDK's decoder gives these
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{path}: {value!r} is not a JSON number")
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise ValueError(f"{path}: the key {key!r} is not a string")
                stack.append((item, f"{path}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{n}]") for n, item in enumerate(value))
        elif not isinstance(value, _JSON):
            raise ValueError(f"{path}: a {type(value).__name__} is not a JSON value")


_JSON = (str, int, float, bool, type(None), list, dict)


def _converted(value: Any, kind: str) -> tuple[bool, Any]:
    """``(True, value written as JSON type kind)``, or ``(False, None)`` when it has no
    such form. Only scalars convert: a number or boolean as its JSON text, a string as
    the JSON number, boolean or null it spells (never NaN or an infinity); ``null`` has
    no string form (it is no text)."""
    if kind == "string":
        if isinstance(value, int | float):  # booleans too: `true` as "true"
            try:
                return True, json.dumps(value)
            except ValueError:  # an int past Python's digit limit for str()
                return False, None
        return False, None
    if not isinstance(value, str):
        return False, None
    try:
        decoded = json.loads(value)
    except ValueError:
        return False, None
    if isinstance(decoded, dict | list) or (
        isinstance(decoded, float) and not math.isfinite(decoded)
    ):
        return False, None  # JSON text of an object or array is a string, not its value
    return (True, decoded) if _fits(decoded, [kind]) else (False, None)


def _resolved(schema: Any, path: str) -> Any:
    try:
        return resolve(schema)
    except (KeyError, TypeError, IndexError, AttributeError):
        raise ValueError(f"{path}: the spec has no schema {schema.get('$ref')!r}") from None


def conform(value: Any, schema: Any, path: str = "$") -> Any:
    """``value`` (a decoded JSON body) with each value in a JSON type its schema allows.

    ``allOf`` parts apply one after the other; of ``anyOf`` / ``oneOf`` branches, the
    first the value fits as it is, else the first it has a form in, applies (nested
    objects and arrays included).

    Args:
        value: The body, as JSON decodes it.
        schema: Its schema, or a ``$ref`` to one (``{"$ref": "#/components/schemas/X"}``).
        path: The JSON path of ``value``, for the error.

    Returns:
        A new body; values that fit are kept as they are (an object's keys in order).

    Raises:
        ValueError: a value has no form of the types its schema allows, e.g. ``"$.id:
            the spec expects integer; the demo value 'abc' has no such form"``; a value
            JSON cannot carry (``"$.at: a datetime is not a JSON value"``); a ``$ref``
            the spec does not have.
    """
    _checked(value, path)
    return _conform(value, schema, path)


def _conform(value: Any, schema: Any, path: str) -> Any:
    """``conform`` of a value already ``_checked``."""
    schema = _resolved(schema, path)
    if not isinstance(schema, dict):
        return value  # `true`: any value
    for part in schema.get("allOf", []):
        value = _conform(value, part, path)
    branches = schema.get("anyOf", schema.get("oneOf"))
    if branches is None:
        return _conform_one(value, schema, path)
    branches = [_resolved(branch, path) for branch in branches]
    fitting = [b for b in branches if _fits(value, allowed_types(b, path))]
    first: ValueError | None = None
    for branch in [*fitting, *(b for b in branches if b not in fitting)]:
        try:
            return _conform(value, branch, path)
        except ValueError as error:
            first = first or error
    kinds = allowed_types(schema, path)
    if not fitting and kinds:
        raise _no_form(value, kinds, path) from None
    raise first or _no_form(value, kinds, path)


def _no_form(value: Any, kinds: list[str], path: str) -> ValueError:
    try:
        shown = repr(value)
    except ValueError:  # an int past Python's digit limit for str(), or holding one
        big = isinstance(value, int)
        shown = f"(an integer of {value.bit_length()} bits)" if big else "(too large to show)"
    return ValueError(
        f"{path}: the spec expects {' or '.join(kinds)}; the demo value {shown} has no such form"
    )


def _conform_one(value: Any, schema: dict[str, Any], path: str) -> Any:
    """``conform`` to a schema without branches."""
    kinds = allowed_types(schema)
    if not _fits(value, kinds):
        for kind in kinds:
            done, new = _converted(value, kind)
            if done:
                return new
        raise _no_form(value, kinds, path)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        return {
            key: _conform(item, properties.get(key, extra), f"{path}.{key}")
            for key, item in value.items()
        }
    if isinstance(value, list):
        items = schema.get("items", True)
        return [_conform(item, items, f"{path}[{n}]") for n, item in enumerate(value)]
    return value


def conform_to(value: Any, schema_name: str, path: str = "$") -> Any:
    """``conform`` to the spec's ``components/schemas/<schema_name>`` (``"QueryRun"``)."""
    return conform(value, {"$ref": SCHEMAS + schema_name}, path)
