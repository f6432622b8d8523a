"""Reading the bodies of spec operations: tolerant by default, strict on demand.

Every 2xx JSON body of a spec operation (a list page, a Query Run, a followed ``self``)
becomes the generated model the spec names for it through ``SpecReader``. The
generated models read tolerantly themselves (``from_dict``: a value of a type the spec does
not expect is kept in its model's ``additional_properties`` and the typed attribute is
``UNSET``; timestamps, zone-less ones as UTC, are read where they are read) and record
where the body strays (``mode_api_client.types.deviations_of``). Here those records become:

* **tolerant** (the default): each distinct deviation (operation, place in the schema) is
  reported once per client as a ``SpecDriftWarning`` and a
  WARNING log line under the ``mode_query_runs`` logger, naming the operation, the JSON
  path, what the spec expects and the JSON type that came, never the value;
* **strict**: any deviation is a ``ResponseParseError``
  naming the JSON path.

Some bodies cannot be read either way, and fail in both modes: a body that is not JSON,
a top level that is not an object, ``_embedded.query_runs`` present but not an array (or
``null``), an item of it that is not an object, and a straying value (or the object missing
a property, or the relation holding either) nested more than
``MAX_DEPTH`` levels deep (the limit of the spec validator that
``mode-query-runs drift`` uses).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
import warnings
from collections.abc import Iterable
from typing import Any, cast

import attrs
import httpx

import mode_api_client.models
from mode_api_client.errors import UnreadableBody
from mode_api_client.types import UNSET, Deviation, deviations_of

from .drift import MAX_DEPTH, SpecDriftWarning
from .errors import ResponseParseError, request_identity
from .jsonbody import decode_json, not_json
from .spec import MEDIA_TYPE, Operation, load_spec

__all__ = ["SpecReader", "model_for"]

LOGGER = logging.getLogger("mode_query_runs")
_LISTING = ("_embedded", "query_runs")
_MAX_PROBLEM = 160
_SCALARS = frozenset({"integer", "number", "string", "boolean", "null"})
_TOO_DEEP = Deviation((), f"a body nested at most {MAX_DEPTH} levels deep", "one nested deeper", "")


def _package_dir(module: Any) -> str:
    return os.path.dirname(str(module.__file__)) + os.sep


@functools.cache
def _inner_files() -> tuple[str, ...]:
    """Files of the SDK and of the libraries it calls through: a warning skips their frames
    to point at the caller's line (Python 3.12+)."""
    import contextlib

    import anyio
    import tenacity

    import mode_query_runs

    packages = (mode_query_runs, mode_api_client, httpx, tenacity, anyio)
    return (*(_package_dir(package) for package in packages), str(contextlib.__file__))


Notes = list[tuple[tuple[str, str], str]]
"""Warnings not yet warned: ``((operation, place in the schema), message)``."""


@functools.cache
def model_for(operation: Operation) -> type[Any] | None:
    """The generated model the spec names for the operation's 200 body, if any."""
    item = load_spec()["paths"][operation.path][operation.method.lower()]
    schema = item["responses"].get("200", {}).get("content", {}).get(MEDIA_TYPE, {})
    ref = schema.get("schema", {}).get("$ref", "")
    model = getattr(mode_api_client.models, ref.rpartition("/")[2], None) if ref else None
    return model if isinstance(model, type) else None


def _unreadable(deviation: Deviation) -> bool:
    """Whether no model can be read past this deviation, even tolerantly."""
    parts = deviation.parts
    if not parts:
        return True  # the top level is not an object
    if parts == _LISTING:
        return deviation.found not in ("null", "missing")
    return len(parts) == 3 and parts[:2] == _LISTING and isinstance(parts[2], int)


def _deeper_than(value: Any, levels: int) -> bool:
    """Whether ``value`` (JSON, or a model: its JSON) nests arrays and objects more than
    ``levels`` levels deep."""
    if attrs.has(type(value)):
        value = value.to_dict()
    if isinstance(value, dict):
        children: Iterable[Any] = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return False
    return levels == 0 or any(_deeper_than(child, levels - 1) for child in children)


def _step(node: Any, part: str | int) -> Any:
    """One step into what a model read: a typed attribute, else the value kept as sent."""
    if isinstance(node, (dict, list)):
        return cast(Any, node)[part]
    name = type(node).attribute_names.get(part)
    value = getattr(node, name) if name is not None else UNSET
    return node.additional_properties[part] if value is UNSET else value


def _too_deep(read: Any, found: Iterable[Deviation]) -> bool:
    """Whether a straying value, the object missing a property, or the relation holding
    either (the values the spec validator's report would hold) is nested more than
    ``MAX_DEPTH`` levels deep."""
    for deviation in found:
        if deviation.found in _SCALARS and "_links" not in deviation.parts:
            continue  # a number, string, boolean or null is not nested at all
        parts = deviation.parts[:-1] if deviation.found == "missing" else deviation.parts
        node = read
        for index, part in enumerate(parts):
            node = _step(node, part)
            if parts[index - 1 : index] == ("_links",) and _deeper_than(node, MAX_DEPTH):
                return True
        if _deeper_than(node, MAX_DEPTH):
            return True
    return False


class SpecReader:
    """Turns the bodies of spec operations into generated models, for one client.

    Args:
        strict: Raise ``ResponseParseError`` for any deviation from the spec
            instead of reporting it.
    """

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._reported: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def read(
        self, response: httpx.Response, operation: Operation, notes: Notes | None = None
    ) -> Any:
        """The model of a read 2xx ``response`` to ``operation`` (decoded JSON if none).

        Raises:
            ResponseParseError: the body is not JSON; it cannot be read (see the module);
                or, when strict, it strays from the spec in any way.
        """
        model = model_for(operation)
        if model is None:
            return decode_json(response)
        return self.read_as(model, response, operation.operation_id, notes)

    def read_as(
        self, model: Any, response: httpx.Response, operation_id: str, notes: Notes | None = None
    ) -> Any:
        """A read 2xx ``response`` as ``model`` (a generated model), as ``operation_id``'s
        body, checked as ``check`` does.

        Raises:
            ResponseParseError: as ``read``.
        """
        try:
            read = model.from_json(response.content)
        except UnreadableBody as error:
            raise self.unreadable(error, response, operation_id) from None
        return self.check(read, response.request, response.status_code, operation_id, notes)

    def unreadable(
        self, error: UnreadableBody, response: httpx.Response, operation_id: str
    ) -> ResponseParseError:
        """The error for a body no model can be read from (``from_json`` refused it)."""
        if error.found is None:
            return not_json(response)
        top = Deviation((), "object", error.found, "type")
        return self._error(response.request, response.status_code, operation_id, [top])

    def check(
        self,
        read: Any,
        request: httpx.Request,
        status: int,
        operation_id: str,
        notes: Notes | None = None,
    ) -> Any:
        """``read`` (a model from the generated code) once its deviations are reported,
        or the error they make. New deviations are logged, and their warnings added to
        ``notes`` for the caller to ``warn`` (default: warned here).

        Raises:
            ResponseParseError: it cannot be read (see the module); or, when strict, it
                strays from the spec in any way.
        """
        found = deviations_of(read)
        if not found:
            return read
        if _too_deep(read, found):
            raise self._error(request, status, operation_id, [_TOO_DEEP])
        fatal = [deviation for deviation in found if _unreadable(deviation)]
        if fatal or self.strict:
            raise self._error(request, status, operation_id, fatal or list(found))
        new = self._new(operation_id, found)
        if notes is None:
            self.warn(new)
        else:
            notes.extend(new)
        return read

    def _new(self, operation_id: str, found: Iterable[Deviation]) -> Notes:
        """Log each deviation whose (operation, place in the schema) is new here; their
        warnings, to ``warn``."""
        new: Notes = []
        for deviation in found:
            key = (operation_id, deviation.rule)
            with self._lock:
                if key in self._reported or any(key == seen for seen, _ in new):
                    continue
            kept = "" if deviation.found == "missing" else "; kept in additional_properties"
            message = f"{operation_id}: {deviation}{kept}"
            LOGGER.warning("spec drift: %s", message)
            new.append((key, message))
        return new

    def warn(self, notes: Notes, stacklevel: int = 2) -> None:
        """Warn ``SpecDriftWarning`` for each note, pointing at the caller's line
        (``stacklevel`` frames up on Python 3.11: the SDK's frames are skipped from 3.12)."""
        for key, message in notes:
            # Marked reported only once warned: a filter that turns the warning into an
            # error fails every response that strays, not just the first.
            if sys.version_info >= (3, 12):
                warnings.warn(message, SpecDriftWarning, skip_file_prefixes=_inner_files())
            else:
                warnings.warn(message, SpecDriftWarning, stacklevel=stacklevel + 1)
            with self._lock:
                self._reported.add(key)

    @staticmethod
    def _error(
        request: httpx.Request, status: int, operation_id: str, found: list[Deviation]
    ) -> ResponseParseError:
        method, url = request_identity(request)
        first = str(found[0])
        if len(first) > _MAX_PROBLEM:
            first = first[:_MAX_PROBLEM] + "…"
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return ResponseParseError(
            f"response does not match the spec's {operation_id} schema: {first}{more}",
            status=status,
            method=method,
            url=url,
        )
