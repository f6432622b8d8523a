"""Benchmarks of the SDK against baselines measured in the same run (``nox -s bench``).

Machines here are shared and noisy, so every figure is a ratio against a baseline measured
in the same process, the median of several rounds. Results go to ``bench-results.json``
(or the path given as the first argument) and a table on stdout; names after the path
(``parsing``, ``overhead``, ...: see ``CASES``) run only those cases. Nothing here asserts:
targets are reported as met or missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import gc
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import uvicorn

from mode_api_client.models import QueryRunCollection
from mode_query_runs import AsyncModeClient, ModeAPIError, ModeClient
from mode_query_runs.drift import SpecDriftWarning, deviations
from mode_query_runs.pagination import parse_page, query_runs_of
from mode_query_runs.session import Session
from mode_query_runs.spec import operation_by_id
from mode_query_runs.testing.cassette import (
    Interaction,
    bundled_directory,
    dump_cassette,
    load_directory,
)
from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, free_port

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


@contextlib.contextmanager
def served(
    cassettes: Path | None = None, latency: float = 0.0, rate_limit: str | None = None
) -> Iterator[str]:
    """``mode-query-runs mock serve`` in its own process (no GIL shared with the client).

    Yields the API base URL; the demo credentials are ``DEMO_TOKEN`` / ``DEMO_SECRET``.
    ``rate_limit``: ``RATE/BURST`` of the server's leaky bucket (``--rate-limit``).
    """
    port = free_port()
    command = [sys.executable, "-m", "mode_query_runs", "mock", "serve", "--port", str(port)]
    command += ["--latency", str(latency)]
    if rate_limit is not None:
        command += ["--rate-limit", rate_limit]
    if cassettes is not None:
        command += ["--cassettes", str(cassettes)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base_url)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("mock server did not start") from None
                time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def case_per_call_overhead() -> dict[str, Any]:
    """1. ``get_query_run`` vs bare ``httpx.Client.get`` + ``json.loads`` of the same URL."""
    calls = 200
    with served() as base_url:
        url = f"{base_url}/acme/reports/{REPORT}/runs/{RUN}/query_runs/{QUERY_RUN}"
        with (
            ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as mode,
            httpx.Client(auth=(DEMO_TOKEN, DEMO_SECRET)) as bare,
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


def _drifting(content: bytes) -> bytes:
    """The same page with one straying field in every run (a number where the spec wants
    an integer or a string)."""
    body = json.loads(content)
    for run in body["_embedded"]["query_runs"]:
        run["max_result_bytes"] = 1.5
    return json.dumps(body).encode()


@contextlib.contextmanager
def _drift_reports_silenced() -> Iterator[None]:
    """No ``SpecDriftWarning`` or drift log line on stderr (a client reports each once)."""
    logger = logging.getLogger("mode_query_runs")
    handler = logging.NullHandler()
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SpecDriftWarning)
            yield
    finally:
        logger.removeHandler(handler)


class Interleaved:
    """Times of actions run in interleaved rounds (:func:`interleaved`), by action name."""

    def __init__(self, names: list[str]) -> None:
        self.wall: dict[str, list[float]] = {name: [] for name in names}
        self.cpu: dict[str, list[float]] = {name: [] for name in names}

    def median(self, name: str) -> float:
        """The median wall time of one action."""
        return statistics.median(self.wall[name])

    def ratio(self, name: str, baseline: str, clock: str = "wall") -> float:
        """The median over rounds of ``name``'s time over ``baseline``'s in the same round."""
        times = self.wall if clock == "wall" else self.cpu
        return statistics.median(
            ours / theirs for ours, theirs in zip(times[name], times[baseline], strict=True)
        )


def interleaved(
    actions: dict[str, Callable[[], object]], rounds: int, repeats: dict[str, int] | None = None
) -> Interleaved:
    """Wall and CPU times of each action over ``rounds`` rounds, after one warm-up run each.

    Every round runs every action once (``repeats[name]`` times for those named there,
    the round's time being their mean), in an order shuffled from round to round (seeded),
    so slow spells of a shared machine fall on all of them alike and ratios can be taken
    within a round; a collection runs before each timed call so none pays for another's
    garbage.
    """
    names = list(actions)
    counts = {name: (repeats or {}).get(name, 1) for name in names}
    schedule = [name for name in names for _ in range(counts[name])]
    for name in names:
        actions[name]()
    times = Interleaved(names)
    order = random.Random(0)
    for _ in range(rounds):
        wall_sums = dict.fromkeys(names, 0.0)
        cpu_sums = dict.fromkeys(names, 0.0)
        for name in order.sample(schedule, len(schedule)):
            gc.collect()
            cpu, wall = time.process_time(), time.perf_counter()
            actions[name]()
            wall_sums[name] += time.perf_counter() - wall
            cpu_sums[name] += time.process_time() - cpu
        for name in names:
            times.wall[name].append(wall_sums[name] / counts[name])
            times.cpu[name].append(cpu_sums[name] / counts[name])
    return times


def case_parsing() -> list[dict[str, Any]]:
    """2. A 1,000-Query-Run page from bytes to models, as the client does it, vs json.loads.

    The path measured is the one every ``next_page`` goes through: the session's response
    hook (decode, validate against the spec) and ``parse_page`` (the generated models),
    in both reading modes (tolerant, the default, and ``strict=True``), on a page that
    fits the spec and, tolerant, on one whose every run strays. All interleaved.
    """
    rounds = 25
    content = _page_of(1000)
    drifting = _drifting(content)
    listing = operation_by_id("listQueryRunsForReportRun")
    if deviations(listing, 200, json.loads(content)):
        raise RuntimeError("the 1,000-run page strays from the spec: nothing valid to time")
    if len(deviations(listing, 200, json.loads(drifting))) != 1000:
        raise RuntimeError("the drifting page does not stray once per run")
    tolerant = Session("https://app.mode.com/api", "token", "secret", 30.0)
    strict = Session("https://app.mode.com/api", "token", "secret", 30.0, strict=True)
    url = f"https://app.mode.com/api/acme/reports/{REPORT}/runs/{RUN}/query_runs?page=2"

    def sdk(session: Session, body: bytes) -> Callable[[], QueryRunCollection]:
        def parse() -> QueryRunCollection:
            response = httpx.Response(
                200,
                content=body,
                headers={"Content-Type": "application/hal+json"},
                request=httpx.Request("GET", url),
            )
            session.check_response(response)
            return parse_page(session, response)

        return parse

    try:
        with _drift_reports_silenced():
            if len(query_runs_of(sdk(tolerant, drifting)())) != 1000:
                raise RuntimeError("the tolerant client lost runs of the drifting page")
            times = interleaved(
                {
                    "json.loads": lambda: json.loads(content),
                    "json.loads drifting": lambda: json.loads(drifting),
                    "from_dict": lambda: QueryRunCollection.from_dict(json.loads(content)),
                    "tolerant": sdk(tolerant, content),
                    "strict": sdk(strict, content),
                    "drifting": sdk(tolerant, drifting),
                },
                rounds,
                # the pair the 5% target is about: five of each per round
                repeats={"tolerant": 5, "strict": 5},
            )
    finally:
        tolerant.close()
        strict.close()
    base_s = times.median("json.loads")
    common = {
        "page_runs": 1000,
        "rounds": rounds,
        "baseline_seconds": base_s,
        "generated_from_dict_alone_seconds": times.median("from_dict") - base_s,
        "ratio_is": "median over rounds of the ratio within a round (wall time)",
    }

    def versus(case: str, name: str, baseline: str, target: float | None) -> dict[str, Any]:
        ratio = times.ratio(name, baseline)
        return {
            "case": case,
            "sdk_seconds": times.median(name),
            **common,
            "ratio": ratio,
            "ratio_of_medians": times.median(name) / times.median(baseline),
            "cpu_ratio": times.ratio(name, baseline, "cpu"),
            "target": "none" if target is None else f"<= {target}",
            "met": None if target is None else ratio <= target,
        }

    return [
        {
            **versus("1,000-run page parse, tolerant", "tolerant", "json.loads", 3.0),
            "baseline": "json.loads of the same bytes",
            "page_bytes": len(content),
        },
        {
            **versus("1,000-run page parse, strict", "strict", "json.loads", 3.0),
            "baseline": "json.loads of the same bytes",
            "page_bytes": len(content),
        },
        {
            **versus("1,000-run page parse, tolerant/strict", "tolerant", "strict", 1.05),
            "baseline": "the strict client on the same spec-valid page",
            "baseline_seconds": times.median("strict"),
            "page_bytes": len(content),
        },
        {
            **versus("1,000-run drifting page, tolerant", "drifting", "json.loads drifting", None),
            "baseline": "json.loads of the same bytes",
            "page_bytes": len(drifting),
            "baseline_seconds": times.median("json.loads drifting"),
            "drifting_over_valid_tolerant": times.ratio("drifting", "tolerant"),
        },
    ]


def _page_interaction(href: str, body: dict[str, Any]) -> Interaction:
    """A recorded ``200`` answering GET ``href`` with ``body`` as HAL JSON."""
    return Interaction(
        method="GET",
        uri=f"https://app.mode.com{href}",
        status=200,
        reason="OK",
        headers={"Content-Type": ["application/hal+json"]},
        body=json.dumps(body),
    )


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
        interactions.append(_page_interaction(href, body))
    dump_cassette(interactions, directory / "paged.yaml")


def case_pagination() -> dict[str, Any]:
    """3. Listing 50 pages with 20 ms server latency each vs the sum of the latencies."""
    pages, latency = 50, 0.020
    with tempfile.TemporaryDirectory() as tmp:
        _paged_cassette(Path(tmp), pages)
        with (
            served(Path(tmp), latency=latency) as base_url,
            ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as mode,
        ):
            seconds = median_seconds(lambda: sum(1 for _ in mode.list_query_runs(REPORT, RUN)), 5)
            with httpx.Client(auth=(DEMO_TOKEN, DEMO_SECRET)) as bare:

                def bare_pages() -> None:
                    href: str | None = f"/api/acme/reports/{REPORT}/runs/{RUN}/query_runs"
                    while href:
                        body = json.loads(bare.get(httpx.URL(base_url).join(href)).content)
                        href = body["_links"].get("next_page", {}).get("href")

                bare_seconds = median_seconds(bare_pages, 5)
    injected = pages * latency
    return {
        "case": "pagination over 50 pages",
        "baseline": "sum of injected latencies (50 x 20 ms)",
        "sdk_seconds": seconds,
        "baseline_seconds": injected,
        "bare_httpx_seconds": bare_seconds,
        "bare_httpx_ratio": bare_seconds / injected,
        "ratio": seconds / injected,
        "target": "<= 1.1",
        "met": seconds / injected <= 1.1,
    }


def _runs_cassette(directory: Path, runs: int) -> list[str]:
    """One single-page Report Run of 2 Query Runs for each of ``runs`` Report Runs."""
    template = json.loads(_page_of(2))
    tokens = [f"rr{n:010d}" for n in range(runs)]
    interactions = []
    for token in tokens:
        href = f"/api/acme/reports/{REPORT}/runs/{token}/query_runs"
        body = copy.deepcopy(template)
        body["_links"] = {"self": {"href": href}}
        interactions.append(_page_interaction(href, body))
    dump_cassette(interactions, directory / "runs.yaml")
    return tokens


def case_concurrency() -> dict[str, Any]:
    """4. Query Runs of 100 Report Runs, 20 ms latency: ``AsyncModeClient`` at concurrency
    10 against bare ``httpx.AsyncClient`` at concurrency 10 on the same server (GET, then
    ``json.loads`` of each page); the sync client one after another is reported too."""
    with tempfile.TemporaryDirectory() as tmp:
        tokens = _runs_cassette(Path(tmp), 100)
        with served(Path(tmp), latency=0.020) as base_url:

            def sync() -> int:
                with ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as m:
                    return sum(1 for t in tokens for _ in m.list_query_runs(REPORT, t))

            async def gather() -> int:
                limiter = anyio.CapacityLimiter(10)
                counts: list[int] = []
                async with AsyncModeClient(
                    "acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url
                ) as mode:

                    async def one(token: str) -> None:
                        async with limiter:
                            counts.append(
                                len([r async for r in mode.list_query_runs(REPORT, token)])
                            )

                    async with anyio.create_task_group() as group:
                        for token in tokens:
                            group.start_soon(one, token)
                return sum(counts)

            async def bare() -> int:
                limiter = anyio.CapacityLimiter(10)
                counts: list[int] = []
                auth = (DEMO_TOKEN, DEMO_SECRET)
                async with httpx.AsyncClient(auth=auth) as http:

                    async def one(token: str) -> None:
                        async with limiter:
                            url = f"{base_url}/acme/reports/{REPORT}/runs/{token}/query_runs"
                            page = json.loads((await http.get(url)).content)
                            counts.append(len(page["_embedded"]["query_runs"]))

                    async with anyio.create_task_group() as group:
                        for token in tokens:
                            group.start_soon(one, token)
                return sum(counts)

            if anyio.run(gather) != anyio.run(bare):
                raise RuntimeError("the SDK and bare httpx listed different counts")
            sync_s = median_seconds(sync, 3)
            async_s = median_seconds(lambda: anyio.run(gather), 5)
            bare_s = median_seconds(lambda: anyio.run(bare), 5)
    return {
        "case": "concurrency, 100 Report Runs",
        "baseline": "bare httpx.AsyncClient at concurrency 10, same server",
        "sdk_seconds": async_s,
        "baseline_seconds": bare_s,
        "ratio": bare_s / async_s,
        "target": ">= 0.9",
        "met": bare_s / async_s >= 0.9,
        "note": f"{sync_s / async_s:.2f}x faster than ModeClient one after another",
    }


class _StatusCounts(logging.Handler):
    """Counts the answers the SDK logs (``GET ... -> 429 (...)``), by status."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.answers = 0
        self.limited = 0

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], int):
            self.answers += 1
            self.limited += args[2] == 429


@contextlib.contextmanager
def _counting_answers() -> Iterator[_StatusCounts]:
    logger = logging.getLogger("mode_query_runs")
    counts, level = _StatusCounts(), logger.level
    logger.addHandler(counts)
    logger.setLevel(logging.DEBUG)
    try:
        yield counts
    finally:
        logger.removeHandler(counts)
        logger.setLevel(level)


def case_rate_limited() -> dict[str, Any]:
    """5. Report Runs against a rate-limited mock: list_query_runs_many vs naive gather."""
    runs = int(os.environ.get("BENCH_RATE_LIMITED_RUNS", "1000"))
    rate, burst, concurrency = 50, 10, 8
    with tempfile.TemporaryDirectory() as tmp:
        tokens = _runs_cassette(Path(tmp), runs)
        pairs = [(REPORT, token) for token in tokens]
        with served(Path(tmp), latency=0.020, rate_limit=f"{rate}/{burst}") as base_url:

            async def many() -> tuple[float, int]:
                async with AsyncModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as m:
                    started = time.perf_counter()
                    failed = 0
                    async for result in m.list_query_runs_many(pairs, concurrency=concurrency):
                        failed += not result.ok
                    return time.perf_counter() - started, failed

            async def gather(governed: bool) -> tuple[float, int]:
                async with AsyncModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as m:
                    if not governed:  # each request retries on its own, as before the governor

                        async def direct(attempt: Callable[[], Any]) -> Any:
                            return await attempt()

                        m.__dict__["_paced"] = direct
                    semaphore = asyncio.Semaphore(concurrency)

                    async def one(token: str) -> bool:
                        async with semaphore:
                            try:
                                _ = [r async for r in m.list_query_runs(REPORT, token)]
                                return True
                            except ModeAPIError:
                                return False

                    started = time.perf_counter()
                    done = await asyncio.gather(*(one(token) for token in tokens))
                    return time.perf_counter() - started, done.count(False)

            variants: dict[str, Callable[[], Any]] = {
                "list_query_runs_many": many,
                "naive gather (independent retries)": lambda: gather(governed=False),
                "gather over list_query_runs (governed)": lambda: gather(governed=True),
            }
            measured: dict[str, dict[str, Any]] = {}
            for name, job in variants.items():
                time.sleep(2 * burst / rate + 1)  # an empty bucket for each
                with _counting_answers() as counts:
                    seconds, failed = asyncio.run(job())
                ok = counts.answers - counts.limited
                measured[name] = {
                    "seconds": seconds,
                    "fraction_of_rate": ok / seconds / rate,
                    "share_429": counts.limited / max(1, counts.answers),
                    "requests": counts.answers,
                    "failed_pairs": failed,
                }
    sdk = measured["list_query_runs_many"]
    met = sdk["fraction_of_rate"] >= 0.75 and sdk["share_429"] <= 0.05 and sdk["failed_pairs"] == 0
    return {
        "case": f"{runs} Report Runs, bucket {rate}/s burst {burst}",
        "baseline": "asyncio.gather over list_query_runs, semaphore 8, independent retries",
        "report_runs": runs,
        "variants": measured,
        "ratio": sdk["fraction_of_rate"],
        "target": ">= 0.75",
        "met": met,
    }


_DOWNLOAD_CHILD = """
import json, sys, httpx
from mode_api_client.models import QueryRun
from mode_query_runs import AsyncModeClient, ModeAPIError, ModeClient
base_url, body, target, bare = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
run = QueryRun.from_dict(body)
client = ModeClient("acme", "token", "secret", base_url=base_url)
http = httpx.Client()
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to the current RSS
before = status("VmRSS")
if bare == "bare":
    url = httpx.URL(base_url).join(run.field_links.result.href + "/content.csv")
    with http.stream("GET", url) as response, open(target, "wb") as out:
        for chunk in response.iter_bytes(65536):
            out.write(chunk)
else:
    client.download_result(run, target)
print(json.dumps({"peak_rss_growth_bytes": status("VmHWM") - before}))
"""


def _download(base_url: str, target: Path, bare: bool) -> tuple[float, int]:
    """Seconds and peak RSS growth (bytes) of one download in a fresh process."""
    body = json.loads(_page_of(1))["_embedded"]["query_runs"][0]
    body["state"] = "succeeded"
    body["_links"]["result"] = {"href": f"/api/acme/reports/{REPORT}/runs/{RUN}/results"}
    started = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _DOWNLOAD_CHILD,
            base_url,
            json.dumps(body),
            str(target),
            "bare" if bare else "sdk",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    return seconds, int(json.loads(out.stdout)["peak_rss_growth_bytes"])


def _content_server(directory: Path) -> tuple[uvicorn.Server, str, dict[str, str]]:
    """A loopback server streaming ``directory/<serving["name"]>`` as result content.

    Returns the server, its API base URL and the ``serving`` dict to set the file name in.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse
    from starlette.routing import Route

    serving = {"name": ""}

    async def content(request: Request) -> FileResponse:
        return FileResponse(directory / serving["name"], media_type="text/csv")

    app = Starlette(routes=[Route("/api/{path:path}", content)])
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{port}/api", serving


def case_download() -> dict[str, Any]:
    """5. A 200 MB CSV with ``download_result`` vs bare httpx streaming; RSS at 50/200 MB."""
    mib = 1024 * 1024
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        line = b"2026-11-01,emea,12345,0.4242,some text for the row\n"
        for size in (50, 200):
            with open(directory / f"{size}.csv", "wb") as out:
                block = line * (mib // len(line) + 1)
                for _ in range(size):
                    out.write(block[:mib])
        server, base_url, serving = _content_server(directory)
        try:
            rss: dict[str, int] = {}
            for size in (50, 200):
                serving["name"] = f"{size}.csv"
                _, rss[f"{size}MB"] = _download(base_url, directory / "out.csv", bare=False)
            serving["name"] = "200.csv"
            sdk = statistics.median(
                _download(base_url, directory / "out.csv", bare=False)[0] for _ in range(3)
            )
            bare = statistics.median(
                _download(base_url, directory / "out.csv", bare=True)[0] for _ in range(3)
            )
        finally:
            server.should_exit = True
    throughput_ratio = bare / sdk
    growth = max(rss.values())
    return {
        "case": "result download, 200 MB CSV",
        "baseline": "bare httpx streaming the same URL into a file (whole process, fresh)",
        "sdk_seconds": sdk,
        "baseline_seconds": bare,
        "ratio": throughput_ratio,
        "target": ">= 0.9",
        "peak_rss_growth_bytes": rss,
        "rss_target": "< 50 MB growth at 50 and 200 MB",
        "met": throughput_ratio >= 0.9 and growth < 50 * mib,
    }


def case_developer_loop() -> dict[str, Any]:
    """6. Wall time of ``nox -s generate`` and of the test suite (report only).

    A command that fails is timed and its exit status reported, so the other cases'
    results are still written.
    """
    timings = {}
    exit_status = {}
    for name, command in {
        "nox -s generate": [sys.executable, "-m", "nox", "-s", "generate"],
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
        completed = subprocess.run(command, cwd=ROOT, capture_output=True)
        timings[name] = time.perf_counter() - started
        exit_status[name] = completed.returncode
    return {
        "case": "developer loop",
        "baseline": "none (report only)",
        "seconds": timings,
        "exit_status": exit_status,
    }


CASES: dict[str, Callable[[], dict[str, Any] | list[dict[str, Any]]]] = {
    "overhead": case_per_call_overhead,
    "parsing": case_parsing,
    "pagination": case_pagination,
    "concurrency": case_concurrency,
    "rate-limited": case_rate_limited,
    "download": case_download,
    "developer-loop": case_developer_loop,
}


def main(output: Path, selected: list[str]) -> None:
    unknown = [name for name in selected if name not in CASES]
    if unknown:
        raise SystemExit(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    cases = [case for name, case in CASES.items() if not selected or name in selected]
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    for case in cases:
        print(f"running: {case.__doc__.splitlines()[0] if case.__doc__ else case.__name__}")
        found = case()
        results.extend(found if isinstance(found, list) else [found])
    output.write_text(json.dumps(results, indent=2) + "\n")
    width = max([34] + [len(result["case"]) for result in results])
    print(f"{'case':{width}} {'ratio':>7}  {'target':8} met")
    for result in results:
        if "ratio" in result:
            met = {True: "yes", False: "NO", None: "-"}[result["met"]]
            line = f"{result['case']:{width}} {result['ratio']:7.2f}  {result['target']:8} {met}"
            if "bare_httpx_ratio" in result:
                line += f"  (bare httpx: {result['bare_httpx_ratio']:.2f})"
            if "cpu_ratio" in result:
                line += f"  (CPU time: {result['cpu_ratio']:.2f})"
            if "note" in result:
                line += f"  ({result['note']})"
            for name, variant in result.get("variants", {}).items():
                line += (
                    f"\n  {name}: {variant['fraction_of_rate']:.2f} of the rate,"
                    f" {variant['share_429']:.1%} 429, {variant['failed_pairs']} failed pairs,"
                    f" {variant['seconds']:.1f} s"
                )
            if "peak_rss_growth_bytes" in result:
                growth = result["peak_rss_growth_bytes"]
                line += (
                    "  (peak RSS growth: "
                    + ", ".join(f"{size} {value / 2**20:.1f} MiB" for size, value in growth.items())
                    + ")"
                )
            print(line)
        elif "seconds" in result:
            for name, seconds in result["seconds"].items():
                status = result.get("exit_status", {}).get(name, 0)
                failed = f", FAILED with exit status {status}" if status else ""
                print(f"{name:{width}} {seconds:6.1f}s  (report only{failed})")
        else:
            print(f"{result['case']:{width}} {result['baseline']}")
    print(f"bench took {time.perf_counter() - started:.1f}s; wrote {output}")


if __name__ == "__main__":
    # bench.py [OUTPUT.json [CASE ...]]: every case unless some are named.
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench-results.json", sys.argv[2:])
