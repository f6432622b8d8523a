"""A spec operation's 2xx body as its generated model, whose recorded deviations
(``types.deviations_of``: JSON path, what the spec expects, JSON type found, never the value)
become, per client, a ``SpecDriftWarning`` and a WARNING log line once per (operation, place
in the schema), or in strict mode a ``ResponseParseError``.

Fatal in both modes: a body not JSON or not an object; ``_embedded.query_runs`` neither an
array nor ``null``, or an item of it not an object; straying values nested deeper than
``MAX_DEPTH`` (the limit of the validator ``mode-query-runs drift`` uses)."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import warnings
from typing import Any

import httpx

import mode_api_client
from mode_api_client.errors import UnreadableBody
from mode_api_client.types import Deviation, deviations_of, strays_deeper

from .drift import MAX_DEPTH, SpecDriftWarning
from .errors import ResponseParseError
from .jsonbody import decode_json, not_json
from .spec import Operation

LOGGER = logging.getLogger("mode_query_runs")
_LISTING = ("_embedded", "query_runs")
_TOO_DEEP = Deviation((), f"a body nested at most {MAX_DEPTH} levels deep", "one nested deeper", "")

Notes = list[tuple[tuple[str, str], str]]
"""Warnings not yet warned: ``((operation, place in the schema), message)``."""


@functools.cache
def _inner_files() -> tuple[str, ...]:
    """The files of the SDK and of what it calls through, which a warning skips."""
    import anyio
    import tenacity

    packages = (mode_api_client, httpx, tenacity, anyio)
    dirs = (os.path.dirname(str(package.__file__)) for package in packages)
    return (*(d + os.sep for d in (os.path.dirname(__file__), *dirs)), contextlib.__file__)


def _unreadable(deviation: Deviation) -> bool:
    """Whether no page can be read past it, even tolerantly."""
    parts = deviation.parts
    if parts == _LISTING:
        return deviation.found not in ("null", "missing")
    return len(parts) == 3 and parts[:2] == _LISTING and isinstance(parts[2], int)


class SpecReader:
    """Reads spec operations' bodies for one client (``strict``: any deviation raises)."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._reported: set[tuple[str, str]] = set()  # set operations are atomic: no lock

    def read(
        self, response: httpx.Response, operation: Operation, notes: Notes | None = None
    ) -> Any:
        """The model of a read 2xx ``response`` to ``operation`` (JSON if it has none)."""
        if operation.model is None:
            return decode_json(response)
        return self.read_as(operation.model, response, operation.operation_id, notes)

    def read_as(
        self, model: Any, response: httpx.Response, operation_id: str, notes: Notes | None = None
    ) -> Any:
        """A read 2xx ``response`` as ``model``, the body of ``operation_id`` (as ``check``)."""
        try:
            read = model.from_json(response.content)
        except UnreadableBody as error:
            raise self.unreadable(error, response, operation_id) from None
        return self.check(read, response.request, response.status_code, operation_id, notes)

    def unreadable(
        self, error: UnreadableBody, response: httpx.Response, operation_id: str
    ) -> ResponseParseError:
        """The error for a body ``from_json`` refused."""
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
        """``read`` once its new deviations are logged and their warnings added to ``notes``
        for the caller to ``warn`` (``None``: warned here); ``ResponseParseError`` as the
        module says."""
        found = deviations_of(read)
        if not found:
            return read
        if strays_deeper(read, MAX_DEPTH):
            raise self._error(request, status, operation_id, [_TOO_DEEP])
        fatal = [deviation for deviation in found if _unreadable(deviation)]
        if fatal or self.strict:
            raise self._error(request, status, operation_id, fatal or list(found))
        new: dict[tuple[str, str], str] = {}
        for deviation in found:
            key = (operation_id, deviation.rule)
            if key in self._reported or key in new:
                continue
            kept = "" if deviation.found == "missing" else "; kept in additional_properties"
            new[key] = f"{operation_id}: {deviation}{kept}"
            LOGGER.warning("spec drift: %s", new[key])
        if notes is None:
            self.warn(list(new.items()))
        else:
            notes.extend(new.items())
        return read

    def warn(self, notes: Notes, stacklevel: int = 2) -> None:
        """Warn each note at the caller's line (``stacklevel`` frames up before 3.12); a note
        counts as reported once warned, so an error filter fails every response that strays."""
        for key, message in notes:
            if sys.version_info >= (3, 12):
                warnings.warn(message, SpecDriftWarning, skip_file_prefixes=_inner_files())
            else:
                warnings.warn(message, SpecDriftWarning, stacklevel=stacklevel + 1)
            self._reported.add(key)

    @staticmethod
    def _error(
        request: httpx.Request, status: int, operation_id: str, found: list[Deviation]
    ) -> ResponseParseError:
        first = str(found[0])
        first = first[:160] + "…" if len(first) > 160 else first
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return ResponseParseError(
            f"response does not match the spec's {operation_id} schema: {first}{more}",
            status=status,
            method=request.method,
            url=str(request.url),
        )
