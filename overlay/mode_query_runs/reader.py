"""Reading the bodies of spec operations: tolerant by default, strict on demand.

Every 2xx JSON body of a spec operation (a list page, a Query Run, a followed ``self``)
becomes the generated model the spec names for it through :class:`SpecReader`:

* **tolerant** (the default): a body that strays from the spec still gives its model
  (:func:`~mode_query_runs.tolerant.build` keeps every value); each distinct deviation
  (operation, schema location) is reported once per client as a
  :class:`~mode_query_runs.drift.SpecDriftWarning` and a WARNING log line under the
  ``mode_query_runs`` logger, naming the operation, the JSON path, what the spec expects
  and the JSON type that came, never the value;
* **strict**: any deviation is a :class:`~mode_query_runs.errors.ResponseParseError`
  naming the JSON path.

Either way a timestamp without a zone is read as UTC (see :mod:`.wire`).

Some bodies cannot be read either way, and fail in both modes: a body that is not JSON,
a top level that is not an object, ``_embedded.query_runs`` present but not an array (or
``null``), and an item of it that is not an object.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
import warnings
from typing import Any

import httpx

import mode_api_client.models

from .drift import Deviation, SpecDriftWarning, deviations
from .errors import ResponseParseError, request_identity
from .jsonbody import decode_json
from .spec import MEDIA_TYPE, Operation, load_spec
from .tolerant import build
from .wire import read_zoneless_as_utc

__all__ = ["SpecReader", "model_for"]

LOGGER = logging.getLogger("mode_query_runs")
_LISTING = ("_embedded", "query_runs")
_MAX_PROBLEM = 160


@functools.cache
def model_for(operation: Operation) -> type[Any] | None:
    """The generated model the spec names for the operation's 200 body, if any."""
    item = load_spec()["paths"][operation.path][operation.method.lower()]
    schema = item["responses"].get("200", {}).get("content", {}).get(MEDIA_TYPE, {})
    ref = schema.get("schema", {}).get("$ref", "")
    model = getattr(mode_api_client.models, ref.rpartition("/")[2], None) if ref else None
    return model if isinstance(model, type) else None


_INNER = ("mode_query_runs", "mode_api_client", "httpx", "tenacity", "anyio", "contextlib")


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside the SDK and the libraries it calls
    through, so a warning points at the caller's line."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if not module.startswith(_INNER):
            break
        frame = frame.f_back
        level += 1
    return level


def _unreadable(deviation: Deviation) -> bool:
    """Whether no model can be read past this deviation, even tolerantly."""
    parts = deviation.parts
    if not parts:
        return True  # the top level is not an object
    if parts == _LISTING:
        return deviation.found not in ("null", "missing")
    return len(parts) == 3 and parts[:2] == _LISTING and isinstance(parts[2], int)


class SpecReader:
    """Turns the bodies of spec operations into generated models, for one client.

    Args:
        strict: Raise :class:`ResponseParseError` for any deviation from the spec
            instead of reporting it.
    """

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._reported: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def read(self, response: httpx.Response, operation: Operation) -> Any:
        """The model of a read 2xx ``response`` to ``operation`` (decoded JSON if none).

        Raises:
            ResponseParseError: the body is not JSON; it cannot be read (see the module);
                or, when strict, it strays from the spec in any way.
        """
        body = decode_json(response)
        model = model_for(operation)
        if model is None:
            return body
        found = deviations(operation, response.status_code, body)
        fatal = [deviation for deviation in found if _unreadable(deviation)]
        if fatal or (self.strict and found):
            raise self._error(response, operation, fatal or found)
        self.report(found)
        read = build(model, body, found)
        read_zoneless_as_utc(read, body)
        return read

    def report(self, found: list[Deviation]) -> None:
        """Warn and log each deviation whose (operation, schema location) is new here."""
        for deviation in found:
            key = (deviation.operation_id, deviation.schema_location)
            with self._lock:
                if key in self._reported:
                    continue
            kept = "" if deviation.found == "missing" else "; kept in additional_properties"
            message = f"{deviation.operation_id}: {deviation}{kept}"
            LOGGER.warning("spec drift: %s", message)
            # Marked reported only once warned: a filter that turns the warning into an
            # error fails every response that strays, not just the first.
            warnings.warn(message, SpecDriftWarning, stacklevel=_caller_level())
            with self._lock:
                self._reported.add(key)

    @staticmethod
    def _error(
        response: httpx.Response, operation: Operation, found: list[Deviation]
    ) -> ResponseParseError:
        method, url = request_identity(response.request)
        first = str(found[0])
        if len(first) > _MAX_PROBLEM:
            first = first[:_MAX_PROBLEM] + "…"
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return ResponseParseError(
            f"response does not match the spec's {operation.operation_id} schema: {first}{more}",
            status=response.status_code,
            method=method,
            url=url,
        )
