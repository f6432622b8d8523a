"""Reading the bodies of spec operations: tolerant by default, strict on demand.

A 2xx JSON body of a spec operation becomes the generated model the spec names for it
(``Operation.model``), which reads tolerantly and records where the body strays
(``mode_api_client.types.deviations_of``). Each client turns those records into:

* **tolerant** (the default): each distinct deviation (operation, place in the schema)
  reported once as a ``SpecDriftWarning`` and a WARNING log line under the
  ``mode_query_runs`` logger, naming the operation, the JSON path, what the spec expects
  and the JSON type that came, never the value;
* **strict**: a ``ResponseParseError`` naming the JSON path, for any deviation.

These bodies fail in both modes: one that is not JSON, or not an object at the top;
``_embedded.query_runs`` present but not an array (or ``null``), or an item of it not an
object; and one whose straying values nest more than ``MAX_DEPTH`` levels deep
(``types.strays_deeper``: the limit of the validator ``mode-query-runs drift`` uses).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
import warnings
from collections.abc import Iterable
from typing import Any

import httpx

import mode_api_client
from mode_api_client.errors import UnreadableBody
from mode_api_client.types import Deviation, deviations_of, strays_deeper

from .drift import MAX_DEPTH, SpecDriftWarning
from .errors import ResponseParseError, request_identity
from .jsonbody import decode_json, not_json
from .spec import Operation

__all__ = ["Notes", "SpecReader"]

LOGGER = logging.getLogger("mode_query_runs")
_LISTING = ("_embedded", "query_runs")
_MAX_PROBLEM = 160
_TOO_DEEP = Deviation((), f"a body nested at most {MAX_DEPTH} levels deep", "one nested deeper", "")

Notes = list[tuple[tuple[str, str], str]]
"""Warnings not yet warned: ``((operation, place in the schema), message)``."""


@functools.cache
def _inner_files() -> tuple[str, ...]:
    """The SDK's files and those of the libraries it calls through: a warning skips them."""
    import contextlib

    import anyio
    import tenacity

    import mode_query_runs

    packages = (mode_query_runs, mode_api_client, httpx, tenacity, anyio)
    dirs = (os.path.dirname(str(package.__file__)) + os.sep for package in packages)
    return (*dirs, str(contextlib.__file__))


def _unreadable(deviation: Deviation) -> bool:
    """Whether no page can be read past this deviation, even tolerantly."""
    parts = deviation.parts
    if parts == _LISTING:
        return deviation.found not in ("null", "missing")
    return len(parts) == 3 and parts[:2] == _LISTING and isinstance(parts[2], int)


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
        if operation.model is None:
            return decode_json(response)
        return self.read_as(operation.model, response, operation.operation_id, notes)

    def read_as(
        self, model: Any, response: httpx.Response, operation_id: str, notes: Notes | None = None
    ) -> Any:
        """A read 2xx ``response`` as ``model`` (a generated model), as ``operation_id``'s
        body, checked as ``check`` does (``ResponseParseError`` as ``read``)."""
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
        if strays_deeper(read, MAX_DEPTH):
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
        """Log each deviation new here by (operation, place in the schema); its warnings."""
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
