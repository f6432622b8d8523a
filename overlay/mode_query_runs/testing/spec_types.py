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
from typing import Any

from mode_api_client.types import json_type

from .schema_check import resolve

__all__ = ["allowed_types", "conform", "conform_to"]

SCHEMAS = "#/components/schemas/"


def allowed_types(schema: Any) -> list[str]:
    """The JSON types a schema allows, in the spec's order (``[]``: any type).

    Args:
        schema: A schema of the spec, or a ``$ref`` to one (``anyOf`` / ``oneOf`` /
            ``type`` lists are followed).
    """
    schema = resolve(schema)
    if not isinstance(schema, dict):
        return []
    branches = schema.get("anyOf", schema.get("oneOf"))
    if branches is not None:
        found: list[str] = []
        for branch in branches:
            kinds = allowed_types(branch)
            if not kinds:
                return []
            found += [kind for kind in kinds if kind not in found]
        return found
    kinds = schema.get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _fits(value: Any, kinds: list[str]) -> bool:
    kind = json_type(value)
    return not kinds or kind in kinds or (kind == "integer" and "number" in kinds)


def _converted(value: Any, kind: str) -> tuple[bool, Any]:
    """``(True, value written as JSON type kind)``, or ``(False, None)`` when it has no
    such form (only scalars convert: a number as its JSON text, a string as the JSON
    scalar it spells)."""
    if isinstance(value, dict | list):
        return False, None
    if kind == "string":
        return True, value if isinstance(value, str) else json.dumps(value)
    if not isinstance(value, str):
        return False, None
    try:
        decoded = json.loads(value)
    except ValueError:
        return False, None
    return (True, decoded) if _fits(decoded, [kind]) else (False, None)


def _branches(schema: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The schema and its ``anyOf`` / ``oneOf`` branches that allow JSON type ``kind``."""
    found = []
    for branch in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        branch = resolve(branch)
        if isinstance(branch, dict) and kind in allowed_types(branch):
            found.append(branch)
    return found


def conform(value: Any, schema: Any, path: str = "$") -> Any:
    """``value`` (a decoded JSON body) with each value in a JSON type its schema allows.

    Args:
        value: The body, as JSON decodes it.
        schema: Its schema, or a ``$ref`` to one (``{"$ref": "#/components/schemas/X"}``).
        path: The JSON path of ``value``, for the error.

    Returns:
        A new body; values that fit are kept as they are (an object's keys in order).

    Raises:
        ValueError: a value has no form of the types its schema allows, e.g. ``"$.id:
            the spec expects integer; the demo value 'abc' has no such form"``.
    """
    schema = resolve(schema)
    if not isinstance(schema, dict):
        return value  # `true`: any value
    kinds = allowed_types(schema)
    if not _fits(value, kinds):
        for kind in kinds:
            done, new = _converted(value, kind)
            if done:
                return new
        raise ValueError(
            f"{path}: the spec expects {' or '.join(kinds)}; the demo value {value!r} has"
            " no such form"
        )
    if isinstance(value, dict):
        for branch in _branches(schema, "object"):
            properties = branch.get("properties", {})
            extra = branch.get("additionalProperties", True)
            return {
                key: conform(item, properties.get(key, extra), f"{path}.{key}")
                for key, item in value.items()
            }
    if isinstance(value, list):
        for branch in _branches(schema, "array"):
            items = branch.get("items", True)
            return [conform(item, items, f"{path}[{n}]") for n, item in enumerate(value)]
    return value


def conform_to(value: Any, schema_name: str, path: str = "$") -> Any:
    """``conform`` to the spec's ``components/schemas/<schema_name>`` (``"QueryRun"``)."""
    return conform(value, {"$ref": SCHEMAS + schema_name}, path)
