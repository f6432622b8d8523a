"""Time the reading of a 1,000-Query-Run page against ``json.loads`` of the same bytes.

Two pages built from the bundled recording of a Query Run (as ``nox -s bench`` builds
them): one the spec allows, and the same page with a straying ``max_result_bytes`` (a
number) in every run. Each is read from bytes by the generated models
(``QueryRunCollection.from_json``: orjson decoding, the tolerant model builder) and by the
SDK's reader (``SpecReader.read``: the same, then the deviations warned), in the same
process as ``json.loads``, in interleaved rounds after a garbage collection each; each
ratio printed is the median over rounds of ours over ``json.loads``'s. Run from the
repository root:

    python scripts/measure_reading.py [ROUNDS]
"""

from __future__ import annotations

import copy
import gc
import json
import logging
import statistics
import sys
import time
import warnings
from collections.abc import Callable

import httpx

from mode_api_client.models import QueryRunCollection
from mode_api_client.types import deviations_of
from mode_query_runs.reader import SpecReader
from mode_query_runs.spec import operation_by_id
from mode_query_runs.testing.cassette import bundled_directory, load_directory

QUERY_RUN = "/runs/8f3e2d1c0b9a/query_runs/6c3d9e2f1a7b"
LISTING = operation_by_id("listQueryRunsForReportRun")
logging.getLogger("mode_query_runs").addHandler(logging.NullHandler())
logging.getLogger("mode_query_runs").propagate = False


def page_of(runs: int, *, straying: bool = False) -> bytes:
    """A page of ``runs`` copies of the recorded Query Run (distinct tokens and ids)."""
    recorded = next(
        i for i in load_directory(bundled_directory()) if i.uri.endswith(QUERY_RUN)
    ).body
    template = json.loads(recorded)
    query_runs = []
    for n in range(runs):
        run = copy.deepcopy(template)
        run["token"] = f"qr{n:010d}"
        run["id"] = 100000 + n
        if straying:
            run["max_result_bytes"] = 1.5
        query_runs.append(run)
    href = "/api/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a/query_runs"
    page = {"_links": {"self": {"href": href}}, "_embedded": {"query_runs": query_runs}}
    return json.dumps(page).encode()


def ratio(ours: Callable[[], object], baseline: Callable[[], object], rounds: int) -> float:
    """The median over rounds of ``ours``'s time over ``baseline``'s, run in turn."""
    ours()
    baseline()
    found = []
    for index in range(rounds):
        pair = [ours, baseline] if index % 2 else [baseline, ours]
        times: dict[Callable[[], object], float] = {}
        for action in pair:
            gc.collect()
            start = time.perf_counter()
            action()
            times[action] = time.perf_counter() - start
        found.append(times[ours] / times[baseline])
    return statistics.median(found)


def overlay_read(content: bytes) -> object:
    """What the SDK's clients do with a page: the reader of a fresh client (each deviation
    warned once per client), warnings and their log lines silenced."""
    url = "https://app.mode.com/api/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a/query_runs"
    response = httpx.Response(200, content=content, request=httpx.Request("GET", url))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SpecReader().read(response, LISTING)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 51
    valid, straying = page_of(1000), page_of(1000, straying=True)
    assert deviations_of(QueryRunCollection.from_json(valid)) == ()
    assert len(deviations_of(QueryRunCollection.from_json(straying))) == 1000
    for name, content, target in (("valid", valid, 2.0), ("straying", straying, 4.0)):
        measured = ratio(
            lambda content=content: QueryRunCollection.from_json(content),
            lambda content=content: json.loads(content),
            rounds,
        )
        print(f"1,000-run {name} page, from_json / json.loads: {measured:.2f} (target {target})")
        measured = ratio(
            lambda content=content: overlay_read(content),
            lambda content=content: json.loads(content),
            rounds,
        )
        print(f"1,000-run {name} page, SpecReader.read / json.loads: {measured:.2f}")


if __name__ == "__main__":
    main()
