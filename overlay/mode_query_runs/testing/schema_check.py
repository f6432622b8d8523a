"""Where a response body strays from ``openapi/mode.yaml``, found by the spec's validator
and described safely.

A body that breaks a response schema is described as a list of deviations: the JSON path,
what the spec expects there and the JSON type of what came — never the value itself,
which may be private data. The spec's JSON Schema validator (jsonschema-rs, the
``testing`` extra) finds them in any body, for ``mode-query-runs drift`` over recordings
and for the contract tests: ``deviations``, ``schema_problems``. (The clients need no
validator: the generated models record where a body strays while reading it.)

A value that fails an ``anyOf`` is described where it really strays: when one branch has
the value's own type (an object where the spec allows a Link object or an array), the
deviation is the one inside that branch (``$._links.self.href``), not the whole relation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from mode_api_client.types import json_type

from ..drift import MAX_DEPTH
from ..spec import MEDIA_TYPE, Operation, json_path, operation_by_id

__all__ = [
    "MAX_DEPTH",
    "Deviation",
    "deviations",
    "has_body_schema",
    "json_type",
    "load_spec",
    "resolve",
    "response_schema",
    "response_validator",
    "schema_problems",
]


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed spec (the package's copy of ``openapi/mode.yaml``), read once."""
    import importlib.resources

    import yaml

    text = importlib.resources.files("mode_query_runs").joinpath("mode.yaml").read_text("utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    return spec


def resolve(node: Any) -> Any:
    """The schema a ``{"$ref": "#/..."}`` node of the spec points to (followed to the end);
    any other node as it is."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = load_spec()
        for key in node["$ref"].removeprefix("#/").split("/"):
            target = target[key]
        node = target
    return node


@functools.cache
def response_schema(
    operation_id: str, status: int, media_type: str = MEDIA_TYPE
) -> dict[str, Any] | None:
    """The JSON Schema of a response body, with the spec's ``components`` beside it.

    ``None`` when the spec gives no schema for that status and media type. The result is
    shared: do not change it.
    """
    spec = load_spec()
    operation = operation_by_id(operation_id)
    responses = spec["paths"][operation.path][operation.method.lower()]["responses"]
    response = responses.get(str(status))
    if response is None:
        return None
    schema = resolve(response).get("content", {}).get(media_type, {}).get("schema")
    if schema is None:
        return None
    return {**schema, "components": spec["components"]}


@functools.cache
def response_validator(operation_id: str, status: int, media_type: str = MEDIA_TYPE) -> Any:
    """A compiled validator of ``response_schema`` (``None`` where there is none)."""
    import jsonschema_rs  # only the drift report and the contract tests validate bodies

    schema = response_schema(operation_id, status, media_type)
    return None if schema is None else jsonschema_rs.Draft202012Validator(schema)


def has_body_schema(operation: Operation, status: int) -> bool:
    """Whether the spec gives a JSON (``application/hal+json``) schema for this response."""
    return response_schema(operation.operation_id, status) is not None


@dataclass(frozen=True)
class Deviation:
    """One place where a body breaks the response schema.

    Attributes:
        operation_id: The spec's ``operationId`` (``"getQueryRunForReportRun"``).
        parts: The JSON path as keys and indexes (``("_links", "self", "href")``); for a
            missing property, the path of the property.
        expected: What the spec expects there (``"integer or null"``, ``"present"``).
        found: The JSON type that came (``"string"``, ``"null"``, ...) or ``"missing"``.
        schema_location: Where in the spec the broken rule is, as the validator reached
            it (``"/$ref/properties/token/type"``): deviations of many items of one array
            share it.
    """

    operation_id: str
    parts: tuple[str | int, ...]
    expected: str
    found: str
    schema_location: str

    @property
    def path(self) -> str:
        """The JSON path, e.g. ``$._embedded.query_runs[2].token``."""
        return json_path(list(self.parts))

    def __str__(self) -> str:
        return f"{self.path}: the spec expects {self.expected}, found {self.found}"


def _describe(node: Any) -> str:
    """The JSON types a schema node allows, in the spec's order (``"string or null"``)."""
    found: list[str] = []

    def collect(schema: Any) -> None:
        schema = resolve(schema)
        if not isinstance(schema, dict):
            return
        kind = schema.get("type")
        if kind is not None:
            names = kind if isinstance(kind, list) else [kind]
            found.extend(name for name in names if name not in found)
        for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
            collect(branch)

    collect(node)
    return " or ".join(found) if found else "any value"


def _at(root: Any, evaluation_path: list[str | int]) -> Any:
    """The schema node a keyword belongs to, from the validator's dynamic path (``$ref``
    steps included)."""
    node: Any = root
    for part in evaluation_path[:-1]:
        node = resolve(node) if part == "$ref" else node[part]
    return resolve(node) if evaluation_path[-1:] != ["$ref"] else node


_MARK = "\uffff"
"""Starts each key ``_plain_keys`` gives an object in place of one the validator would
report wrongly (a key that starts with it is replaced too, so none is taken twice)."""
_REPORTED_AS_INDEX = re.compile(r"\+?[0-9]+")
"""Keys the validator reports as a number (``"0"``, ``"01"`` and ``"+1"`` all as ``1``)."""


def _plain_keys(body: Any) -> tuple[Any, dict[int, dict[str, str]]]:
    """A copy of ``body`` whose every object key the validator reports as it is, and for
    each copied object (by ``id``) the keys it was given instead of those of ``body``.

    The validator (jsonschema-rs) reports an object key that looks like an array index as
    a number and leaves out an empty key; such keys (and those starting with ``_MARK``)
    are given ``_MARK`` and their position instead. The spec names no such property, so
    the copy breaks the schema exactly where ``body`` does. One pass, without recursion:
    the path of each deviation then maps back in one step per part (``_body_parts``).
    """
    renamed: dict[int, dict[str, str]] = {}
    root: list[Any] = [body]
    stack: list[tuple[Any, Any]] = [(root, 0)]  # (container in the copy, key or index)
    while stack:
        holder, place = stack.pop()
        value = holder[place]
        if isinstance(value, dict):
            copy: dict[str, Any] = {}
            given: dict[str, str] = {}
            for position, (key, item) in enumerate(value.items()):
                if not key or key.startswith(_MARK) or _REPORTED_AS_INDEX.fullmatch(key):
                    given[f"{_MARK}{position}"] = key
                    key = f"{_MARK}{position}"
                copy[key] = item
                stack.append((copy, key))
            if given:
                renamed[id(copy)] = given
            holder[place] = copy
        elif isinstance(value, list):
            items = list(value)
            holder[place] = items
            stack.extend((items, index) for index in range(len(items)))
    return root[0], renamed


def _body_parts(
    copy: Any, renamed: dict[int, dict[str, str]], reported: tuple[str | int, ...]
) -> tuple[str | int, ...]:
    """The JSON path in the body of a path the validator reported in its ``_plain_keys``
    copy: each key given in the copy back to the body's own."""
    parts: list[str | int] = []
    node = copy
    for part in reported:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            parts.append(renamed.get(id(node), {}).get(part, part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            parts.append(part)
            node = node[part]
        else:  # not in the copy: kept as reported
            parts.append(part)
            node = None
    return tuple(parts)


def _is_same_type_branch(branch: list[Any], path: tuple[str | int, ...]) -> bool:
    """Whether an ``anyOf`` branch accepts the value's JSON type (it fails deeper only)."""
    for error in branch:
        if tuple(error.instance_path) != path:
            continue
        kind = type(error.kind).__name__
        if kind == "Type":
            return False
        if kind == "AnyOf" and not any(
            _is_same_type_branch(inner, path) for inner in error.kind.context
        ):
            return False
    return True


def _leaves(errors: Any) -> list[Any]:
    """The errors to report: an ``anyOf`` error is replaced by its same-type branch's own."""
    found: list[Any] = []
    for error in errors:
        kind = error.kind
        if type(kind).__name__ == "AnyOf":
            path = tuple(error.instance_path)
            branches = [branch for branch in kind.context if _is_same_type_branch(branch, path)]
            if branches:
                found.extend(_leaves(min(branches, key=len)))
                continue
        found.append(error)
    return found


def deviations(
    operation: Operation, status: int, body: Any, media_type: str = MEDIA_TYPE
) -> list[Deviation]:
    """Where ``body`` breaks the spec's schema for ``operation`` answering ``status``.

    Returns:
        One ``Deviation`` per problem, ordered by JSON path (array positions by
        number, object keys by name); empty when the body fits
        or the spec gives no schema for that status and media type.
    """
    validator = response_validator(operation.operation_id, status, media_type)
    if validator is None:
        return []
    root = response_schema(operation.operation_id, status, media_type)
    found: dict[tuple[tuple[str | int, ...], str], Deviation] = {}
    copy, renamed = _plain_keys(body)
    try:
        errors = validator.iter_errors(copy)
    except ValueError:  # jsonschema-rs reads at most MAX_DEPTH levels ("Recursion limit")
        expected = f"a body nested at most {MAX_DEPTH} levels deep"
        return [Deviation(operation.operation_id, (), expected, "one nested deeper", "")]
    rules: dict[tuple[Any, ...], tuple[Any, str, str, str]] = {}  # per schema rule
    for error in _leaves(errors):
        evaluation_path = tuple(error.evaluation_path)
        parts = _body_parts(copy, renamed, tuple(error.instance_path))
        if evaluation_path not in rules:  # the items of one array share their rules
            node = _at(root, list(evaluation_path))
            described = _describe(node)
            keyword = str(evaluation_path[-1]) if evaluation_path else ""
            location = "/" + "/".join(str(part) for part in evaluation_path)
            rules[evaluation_path] = (node, described, keyword, location)
        node, described, keyword, location = rules[evaluation_path]
        if keyword == "required":
            for missing in _missing(node, error.instance):
                deviation = Deviation(
                    operation.operation_id,
                    (*parts, missing),
                    "present",
                    "missing",
                    f"{location}/{missing}",
                )
                found[(deviation.parts, location)] = deviation
            continue
        deviation = Deviation(
            operation.operation_id, parts, described, json_type(error.instance), location
        )
        found[(parts, location)] = deviation
    return sorted(found.values(), key=_document_order)


def _document_order(deviation: Deviation) -> tuple[Any, ...]:
    """Array positions by number (``[2]`` before ``[10]``), then keys, then rule."""
    steps = tuple(
        (0, part, "") if isinstance(part, int) else (1, 0, part) for part in deviation.parts
    )
    return (steps, deviation.schema_location)


def _missing(node: Any, instance: Any) -> list[str]:
    names = node.get("required", []) if isinstance(node, dict) else []
    return [name for name in names if isinstance(instance, dict) and name not in instance]


def schema_problems(
    operation: Operation, status: int, body: Any, media_type: str = MEDIA_TYPE
) -> list[str]:
    """``deviations`` as ``"<JSON path>: the spec expects ..., found <type>"`` lines."""
    return [str(deviation) for deviation in deviations(operation, status, body, media_type)]
