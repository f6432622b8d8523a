"""Benchmarks of the SDK against baselines measured in the same run (``nox -s bench``).

Machines here are shared and noisy, so every figure is a ratio against a baseline measured
in the same process, the median of several rounds. Results go to ``bench-results.json``
(or the path given as the first argument) and a table on stdout. Nothing here asserts:
targets are reported as met or missed.
"""

from __future__ import annotations

import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from mode_api_client.models import QueryRunCollection
from mode_query_runs import ModeClient
from mode_query_runs.mock.cassette import (
    Interaction,
    bundled_directory,
    dump_cassette,
    load_directory,
)
from mode_query_runs.mock.server import MockServer
from mode_query_runs.spec import operation_by_id, schema_problems

ROUNDS = 7
REPORT = "a1b2c3d4e5f6"
RUN = "8f3e2d1c0b9a"
QUERY_RUN = "6c3d9e2f1a7b"
ROOT = Path(__file__).parent.parent


def median_seconds(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Median wall time of ``action`` over ``rounds`` runs, after one warm-up run."""
    action()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def case_per_call_overhead() -> dict[str, Any]:
    """1. ``get_query_run`` vs bare ``httpx.Client.get`` + ``json.loads`` of the same URL."""
    calls = 200
    with MockServer() as server:
        url = f"{server.base_url}/acme/reports/{REPORT}/runs/{RUN}/query_runs/{QUERY_RUN}"
        with (
            ModeClient("acme", server.token, server.secret, base_url=server.base_url) as mode,
            httpx.Client(auth=(server.token, server.secret)) as bare,
        ):

            def sdk() -> None:
                for _ in range(calls):
                    mode.get_query_run(REPORT, RUN, QUERY_RUN)

            def baseline() -> None:
                for _ in range(calls):
                    json.loads(bare.get(url).content)

            sdk_s, base_s = median_seconds(sdk), median_seconds(baseline)
    return {
        "case": "per-call overhead",
        "baseline": "httpx.Client.get + json.loads, same URL, persistent connection",
        "sdk_seconds_per_call": sdk_s / calls,
        "baseline_seconds_per_call": base_s / calls,
        "ratio": sdk_s / base_s,
        "target": "<= 1.2",
        "met": sdk_s / base_s <= 1.2,
    }


def _page_of(runs: int) -> bytes:
    template = json.loads(
        next(i for i in load_directory(bundled_directory()) if i.uri.endswith(QUERY_RUN)).body
    )
    query_runs = []
    for n in range(runs):
        run = copy.deepcopy(template)
        run["token"] = f"qr{n:010d}"
        run["id"] = 100000 + n
        query_runs.append(run)
    href = f"/api/acme/reports/{REPORT}/runs/{RUN}/query_runs"
    return json.dumps(
        {"_links": {"self": {"href": href}}, "_embedded": {"query_runs": query_runs}}
    ).encode()


def case_parsing() -> dict[str, Any]:
    """2. A 1,000-Query-Run page from bytes to models, as the client does it, vs json.loads."""
    content = _page_of(1000)
    operation = operation_by_id("listQueryRunsForReportRun")

    def sdk() -> QueryRunCollection:
        # What ModeClient does per page: the response hook decodes and validates the body
        # against the spec, then the generated operation decodes it and builds the models.
        assert not schema_problems(operation, 200, json.loads(content))
        return QueryRunCollection.from_dict(json.loads(content))

    sdk_s = median_seconds(sdk)
    base_s = median_seconds(lambda: json.loads(content))
    return {
        "case": "parsing a 1,000-Query-Run page",
        "baseline": "json.loads of the same bytes",
        "page_bytes": len(content),
        "sdk_seconds": sdk_s,
        "baseline_seconds": base_s,
        "ratio": sdk_s / base_s,
        "target": "<= 3.0",
        "met": sdk_s / base_s <= 3.0,
    }


def _paged_cassette(directory: Path, pages: int) -> None:
    template = json.loads(_page_of(2))
    base = f"/api/acme/reports/{REPORT}/runs/{RUN}/query_runs"
    hrefs = [base] + [f"{base}?page={n}" for n in range(2, pages + 1)]
    interactions = []
    for n, href in enumerate(hrefs):
        body = copy.deepcopy(template)
        body["_links"] = {"self": {"href": href}}
        if n + 1 < pages:
            body["_links"]["next_page"] = {"href": hrefs[n + 1]}
        for i, run in enumerate(body["_embedded"]["query_runs"]):
            run["token"] = f"p{n}r{i}"
        interactions.append(
            Interaction(
                method="GET",
                uri=f"https://app.mode.com{href}",
                status=200,
                reason="OK",
                headers={"Content-Type": ["application/hal+json"]},
                body=json.dumps(body),
            )
        )
    dump_cassette(interactions, directory / "paged.yaml")


def case_pagination() -> dict[str, Any]:
    """3. Listing 50 pages with 20 ms server latency each vs the sum of the latencies."""
    pages, latency = 50, 0.020
    with tempfile.TemporaryDirectory() as tmp:
        _paged_cassette(Path(tmp), pages)
        with (
            MockServer(Path(tmp), latency=latency) as server,
            ModeClient("acme", server.token, server.secret, base_url=server.base_url) as mode,
        ):
            seconds = median_seconds(lambda: sum(1 for _ in mode.list_query_runs(REPORT, RUN)), 5)
    injected = pages * latency
    return {
        "case": "pagination over 50 pages",
        "baseline": "sum of injected latencies (50 x 20 ms)",
        "sdk_seconds": seconds,
        "baseline_seconds": injected,
        "ratio": seconds / injected,
        "target": "<= 1.1",
        "met": seconds / injected <= 1.1,
    }


def case_developer_loop() -> dict[str, Any]:
    """6. Wall time of ``nox -s generate`` and of the test suite (report only)."""
    timings = {}
    for name, command in {
        "nox -s generate": ["nox", "-s", "generate"],
        "pytest (default test run)": [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
    }.items():
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        timings[name] = time.perf_counter() - started
    return {"case": "developer loop", "baseline": "none (report only)", "seconds": timings}


def main(output: Path) -> None:
    cases = [case_per_call_overhead, case_parsing, case_pagination, case_developer_loop]
    results = [case() for case in cases]
    results.append(
        {
            "case": "concurrency and result download",
            "baseline": "pending: needs AsyncModeClient and download_result (issue 4)",
        }
    )
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'case':34} {'ratio':>7}  {'target':8} met")
    for result in results:
        if "ratio" in result:
            met = "yes" if result["met"] else "NO"
            print(f"{result['case']:34} {result['ratio']:7.2f}  {result['target']:8} {met}")
        elif "seconds" in result:
            for name, seconds in result["seconds"].items():
                print(f"{name:34} {seconds:6.1f}s  (report only)")
        else:
            print(f"{result['case']:34} {result['baseline']}")
    print(f"wrote {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench-results.json")
