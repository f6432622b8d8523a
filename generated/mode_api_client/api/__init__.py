"""The spec's operations (``OPERATIONS``, by operationId); the api functions of each are in
the module of its tag named after its operationId."""

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ..models import QueryRun, QueryRunCollection


@dataclass(frozen=True)
class Operation:
    """One operation: ``operation_id`` (``"listQueryRunsForReportRun"``), upper-case
    ``method``, ``path`` template relative to the server URL, and ``model``, the model of
    its 200 JSON body (``None`` when that body is not one model)."""

    operation_id: str
    method: str
    path: str
    model: type[Any] | None = field(default=None, compare=False, repr=False)

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str]:
        parts = re.split(r"\{[^}]+\}", self.path)
        return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")

    def matches(self, method: str, path: str) -> bool:
        """Whether ``method`` and a raw (percent-encoded) server-relative ``path`` are this."""
        return method.upper() == self.method and bool(self._pattern.match(path))


OPERATIONS: dict[str, Operation] = {
    "listQueryRunsForReportRun": Operation(
        "listQueryRunsForReportRun",
        "GET",
        "/{account}/reports/{report}/runs/{run}/query_runs",
        QueryRunCollection,
    ),
    "getQueryRunForReportRun": Operation(
        "getQueryRunForReportRun",
        "GET",
        "/{account}/reports/{report}/runs/{run}/query_runs/{query_run}",
        QueryRun,
    ),
    "getQueryRunResultCsv": Operation(
        "getQueryRunResultCsv",
        "GET",
        "/{account}/reports/{report}/runs/{run}/query_runs/{query_run}/results/content.csv",
        None,
    ),
    "getQueryRunResultJson": Operation(
        "getQueryRunResultJson",
        "GET",
        "/{account}/reports/{report}/runs/{run}/query_runs/{query_run}/results/content.json",
        None,
    ),
}
