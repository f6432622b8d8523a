"""Generated models from bodies that stray from the spec, keeping every value.

The generated ``from_dict`` parsers assume a body the spec allows. For a body with
:class:`~mode_query_runs.drift.Deviation`\\ s, :func:`build` parses a copy in which each
straying value is taken out (a required one replaced by the smallest value its schema
accepts), then puts the server's values back where a reader finds them:

* the typed attribute of a straying property is ``UNSET`` (it only ever holds values of
  its declared type);
* the value the server sent is in the model's ``additional_properties`` under its JSON
  key (``run["token"]``), beside the properties the spec does not know.

So every model has one place for whatever the spec did not describe, and
:func:`~mode_query_runs.wire.to_wire` writes the server's body back from it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, TypeVar, cast

import attrs

from mode_api_client.types import UNSET

from .drift import Deviation

__all__ = ["attribute_for", "build", "json_key"]

M = TypeVar("M")
Path = tuple[str | int, ...]


def json_key(attribute: str) -> str:
    """The JSON key a generated attribute is written under (``field_links`` -> ``_links``)."""
    if attribute.startswith("field_"):
        return "_" + attribute.removeprefix("field_")
    return attribute.removesuffix("_")


@functools.cache
def _attributes(model: type[Any]) -> dict[str, str]:
    """JSON key -> attribute name of a generated model class (``additional_properties`` aside)."""
    fields = attrs.fields(cast(type[attrs.AttrsInstance], model))
    return {json_key(f.name): f.name for f in fields if f.name != "additional_properties"}


def attribute_for(model: type[Any], key: str) -> str | None:
    """The attribute of ``model`` that holds JSON key ``key``, if the spec names the key."""
    return _attributes(cast(Any, model)).get(key)


def _cut(parts: Path) -> Path:
    """Where to take a straying value out: the nearest enclosing object's key."""
    while parts and isinstance(parts[-1], int):
        parts = parts[:-1]
    return parts


def _pruned(value: Any, cuts: list[tuple[Path, Deviation]]) -> Any:
    """A copy of ``value`` without the cut values, copying only along their paths."""
    if not cuts:
        return value
    here = [(path, deviation) for path, deviation in cuts if len(path) == 1]
    deeper: dict[str | int, list[tuple[Path, Deviation]]] = {}
    for path, deviation in cuts:
        if len(path) > 1:
            deeper.setdefault(path[0], []).append((path[1:], deviation))
    if isinstance(value, dict):
        copy: dict[str, Any] = dict(value)
        for path, deviation in here:
            key = str(path[0])
            if len(deviation.parts) > len(_cut(deviation.parts)):
                copy[key] = []  # an item strays: the array is set aside whole
            elif deviation.required:
                copy[key] = deviation.stand_in
            else:
                copy.pop(key, None)
        for name, inner in deeper.items():
            if name in copy:
                copy[str(name)] = _pruned(copy[str(name)], inner)
        return copy
    if isinstance(value, list):
        items = list(value)
        for index, inner in deeper.items():
            if isinstance(index, int) and 0 <= index < len(items):
                items[index] = _pruned(items[index], inner)
        return items
    return value


def _child(node: Any, key: str | int) -> Any:
    """One step down a parsed model tree by JSON key or index (``None`` if absent)."""
    if isinstance(node, list):
        return node[key] if isinstance(key, int) and 0 <= key < len(node) else None
    if attrs.has(type(node)) and isinstance(key, str):
        attribute = attribute_for(type(node), key)
        if attribute is not None:
            return getattr(node, attribute)
        return node.additional_properties.get(key)
    if isinstance(node, dict):
        return node.get(key)
    return None


def _value_at(body: Any, parts: Path) -> Any:
    for part in parts:
        body = body[part]
    return body


def build(model: type[M], body: dict[str, Any], deviations: Iterable[Deviation]) -> M:
    """``model.from_dict(body)``, keeping the values that stray from the spec.

    Args:
        model: A generated model class (``QueryRun``, ``QueryRunCollection``).
        body: The decoded JSON object the server sent (not changed).
        deviations: Where ``body`` strays from the schema ``model`` was generated from;
            none of them may be the body itself (a body that is not an object).

    Returns:
        The model; each straying property's attribute is ``UNSET`` and the server's value
        is in ``additional_properties`` of the model that owns it (absent if it was
        missing).
    """
    found = list(deviations)
    parse = cast(Any, model).from_dict
    if not found:
        return cast(M, parse(body))
    cuts = [(_cut(d.parts), d) for d in found]
    result = parse(_pruned(body, cuts))
    for path, deviation in cuts:
        owner: Any = result
        for part in path[:-1]:
            owner = _child(owner, part)
        if not attrs.has(type(owner)):
            continue
        key = str(path[-1])
        attribute = attribute_for(type(owner), key)
        if attribute is not None:
            setattr(owner, attribute, UNSET)
        if deviation.found != "missing" or path != deviation.parts:
            owner.additional_properties[key] = _value_at(body, path)
    return cast(M, result)
