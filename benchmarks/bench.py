"""Benchmarks of the SDK against baselines measured in the same run (``nox -s bench``).

Machines here are shared and noisy, so no figure is an absolute time: every case times
the SDK and its baseline *interleaved* (each round runs both, in an order shuffled from
round to round with a fixed seed, so a slow spell of the machine falls on both) and
reports the median over rounds of the ratio within a round, with the spread of those
per-round ratios (quartiles, min and max). Nothing here asserts: each target is reported
as PASS or MISS next to its figure, on stdout and in the JSON written to
``bench-results.json`` (or the path given).

Usage: ``bench.py [OUTPUT.json] [CASE ...] [--markdown]``. Without case names every case of
``DEFAULT_CASES`` runs (``developer-loop``, which runs the whole test suite, only when
named); ``--markdown`` also prints the results as the Markdown table of the README's
Performance section. Sizes come from environment variables (defaults in brackets):
``BENCH_ROUNDS`` [15] rounds of the timed cases (the page read takes twice as many,
the slow cases fewer),
``BENCH_PAGE_RUNS`` [1000], ``BENCH_LISTING_RUNS`` [20000] over ``BENCH_LISTING_PAGES``
[20] pages, ``BENCH_CALLS`` [25] ``get_query_run`` calls in each of 4 x ``BENCH_ROUNDS``
rounds, ``BENCH_IMPORT_ROUNDS`` [20], ``BENCH_RATE_LIMITED_SECONDS`` [30] of each bucket's
time in the rate-limited matrix and
``BENCH_DOWNLOAD_MB`` [200].

The API server is a real one on loopback, in a process of its own (no GIL shared with the
client measured): the mock server's application (``create_app``) replaying cassettes that this
file writes and reads back with libyaml (``yaml.CSafeLoader``; the pure-Python loader, with
a note in the output, when PyYAML was built without it).

The page read case goes through :func:`sdk_page_reader`, the one function to change when
the clients read pages another way; the other SDK cases go through the public clients
(``ModeClient``, ``AsyncModeClient``) against the loopback server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import email.utils
import gc
import json
import logging
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
import uvicorn
import yaml

from mode_api_client.models import QueryRunCollection
from mode_query_runs import (
    AsyncModeClient,
    ModeAPIError,
    ModeClient,
    SpecDriftWarning,
)
from mode_query_runs.pace import Pace
from mode_query_runs.testing.cassette import Interaction, bundled_directory
from mode_query_runs.testing.ratelimit import LeakyBuckets, parse_rate_limit
from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, create_app


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


ROUNDS = _setting("BENCH_ROUNDS", 15)
PAGE_RUNS = _setting("BENCH_PAGE_RUNS", 1000)
LISTING_RUNS = _setting("BENCH_LISTING_RUNS", 20_000)
LISTING_PAGES = _setting("BENCH_LISTING_PAGES", 20)
CALLS = _setting("BENCH_CALLS", 25)
IMPORT_ROUNDS = _setting("BENCH_IMPORT_ROUNDS", 20)
RATE_LIMITED_SECONDS = _setting("BENCH_RATE_LIMITED_SECONDS", 30)
DOWNLOAD_MB = _setting("BENCH_DOWNLOAD_MB", 200)
CORE_LINES_TARGET = 2500

REPORT = "a1b2c3d4e5f6"
RUN = "8f3e2d1c0b9a"
QUERY_RUN = "6c3d9e2f1a7b"
ROOT = Path(__file__).parent.parent
OVERLAY = ROOT / "overlay" / "mode_query_runs"
GENERATED = ROOT / "generated" / "mode_api_client"

if yaml.__with_libyaml__:
    YAML_LOADER: type[Any] = yaml.CSafeLoader
    YAML_DUMPER: type[Any] = yaml.CSafeDumper
    YAML_NOTE = "cassettes loaded with yaml.CSafeLoader (libyaml)"
else:
    YAML_LOADER, YAML_DUMPER = yaml.SafeLoader, yaml.SafeDumper
    YAML_NOTE = (
        "NOTE: PyYAML has no libyaml here; cassettes loaded with the pure-Python"
        " yaml.SafeLoader (slower server start-up, same timings)"
    )

Target = tuple[str, float]
"""``("<=", 2.0)``: the figure must be at most 2.0; ``(">=", 0.9)``: at least 0.9."""


# --- the SDK's page reading path: the one place to retarget ---------------------------


@contextlib.contextmanager
def sdk_page_reader(*, strict: bool = False) -> Iterator[Callable[[bytes], Sequence[object]]]:
    """Yield a function reading the bytes of one Query Run page as the clients read it.

    The function takes the body of a ``200`` answer to ``listQueryRunsForReportRun``
    (``GET .../reports/{report}/runs/{run}/query_runs``) and returns its Query Runs, as
    models, read the way ``ModeClient.list_query_runs`` reads every page (``strict``: as
    ``ModeClient(strict=True)`` does). What a client sets up once (its session, its
    reader) is set up here, before yielding, and not timed.

    THIS IS THE FUNCTION TO RETARGET when the engine changes how the clients read a page;
    the rest of the page read case stays as it is. Today: the transport's checks of the
    answer (``ResponseChecks.inspect``), then the generated model's ``from_json`` (orjson,
    the tolerant reading that records deviations) and the reader's look at them
    (``SpecReader.read_as``, tolerant or strict), and ``query_runs_of``.
    """
    from mode_api_client.models import QueryRunCollection
    from mode_query_runs.engine import Session
    from mode_query_runs.pagination import query_runs_of

    base_url = "https://app.mode.com/api"
    session = Session(base_url, "token", "secret", 30.0, strict=strict)
    request = httpx.Request("GET", f"{base_url}/acme/reports/{REPORT}/runs/{RUN}/query_runs")
    headers = {"Content-Type": "application/hal+json"}
    operation = "listQueryRunsForReportRun"

    def read(body: bytes) -> Sequence[object]:
        response = httpx.Response(200, content=body, headers=headers, request=request)
        session.checks.inspect(response)
        return query_runs_of(session.reader.read_as(QueryRunCollection, response, operation))

    try:
        yield read
    finally:
        session.close()


# --- timing: interleaved rounds, ratios within a round --------------------------------


@dataclass
class Timings:
    """Wall and CPU seconds of each action, one entry per round (:func:`interleaved`)."""

    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def median(self, name: str) -> float:
        """The median wall time of one action."""
        return statistics.median(self.wall[name])

    def ratios(self, name: str, baseline: str, clock: str = "wall") -> list[float]:
        """``name``'s time over ``baseline``'s in the same round, one ratio per round."""
        times = self.wall if clock == "wall" else self.cpu
        return [ours / theirs for ours, theirs in zip(times[name], times[baseline], strict=True)]


def interleaved(
    actions: dict[str, Callable[[], object]],
    rounds: int = ROUNDS,
    repeats: dict[str, int] | None = None,
    seed: int = 0,
) -> Timings:
    """Wall and CPU times of each action over ``rounds`` rounds, after one warm-up run each.

    Every round runs every action once (``repeats[name]`` times for those named there, the
    round's time being their mean), in an order shuffled from round to round with a fixed
    seed, so slow spells of a shared machine fall on all of them alike and ratios can be
    taken within a round. A collection runs before each timed call, so none pays for
    another's garbage.
    """
    names = list(actions)
    counts = {name: (repeats or {}).get(name, 1) for name in names}
    schedule = [name for name in names for _ in range(counts[name])]
    for name in names:
        actions[name]()
    times = Timings({name: [] for name in names}, {name: [] for name in names})
    order = random.Random(seed)
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


def spread(values: Sequence[float]) -> dict[str, float]:
    """Min, quartiles and max of per-round ratios (the quartiles: inclusive method)."""
    ordered = sorted(values)
    if len(ordered) > 1:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return {"min": ordered[0], "q1": q1, "q3": q3, "max": ordered[-1]}


def result(
    case: str,
    baseline: str,
    value: float,
    target: Target | None,
    *,
    per_round: Sequence[float] | None = None,
    unit: str = "x",
    **extra: Any,
) -> dict[str, Any]:
    """One row of the results: the figure, its target and verdict, the spread of rounds.

    ``per_round``: the ratio of each round (``value`` is their median); ``unit``: ``"x"``
    for a ratio, else what ``value`` counts (``"lines"``).
    """
    met = None
    if target is not None:
        met = value <= target[1] if target[0] == "<=" else value >= target[1]
    row: dict[str, Any] = {
        "case": case,
        "baseline": baseline,
        "value": value,
        "unit": unit,
        "target": None if target is None else f"{target[0]} {target[1]}",
        "met": met,
        "verdict": {True: "PASS", False: "MISS", None: "report only"}[met],
    }
    if unit == "x":
        row["ratio"] = value
    if per_round is not None:
        row["rounds"] = len(per_round)
        row["spread"] = spread(per_round)
        row["per_round"] = list(per_round)
    return {**row, **extra}


def ratio_result(
    case: str, baseline: str, per_round: Sequence[float], target: Target | None, **extra: Any
) -> dict[str, Any]:
    """:func:`result` for a ratio taken in every round: the median of the rounds' ratios."""
    return result(
        case, baseline, statistics.median(per_round), target, per_round=per_round, **extra
    )


# --- cassettes (YAML, libyaml) and the loopback server ---------------------------------


def load_cassettes(directory: Path) -> list[Interaction]:
    """The interactions of every ``*.yaml`` VCR.py cassette in ``directory``, by file name,
    parsed with ``YAML_LOADER`` (libyaml when present)."""
    interactions = []
    for path in sorted(directory.glob("*.yaml")):
        document = yaml.load(path.read_bytes(), Loader=YAML_LOADER)
        for index, raw in enumerate(document["interactions"]):
            request, response = raw["request"], raw["response"]
            headers = {
                name: values if isinstance(values, list) else [values]
                for name, values in (response.get("headers") or {}).items()
            }
            interactions.append(
                Interaction(
                    method=request["method"].upper(),
                    uri=request["uri"],
                    status=response["status"]["code"],
                    reason=response["status"].get("message") or "",
                    headers=headers,
                    body=(response.get("body") or {}).get("string") or "",
                    source=f"{path.name}#{index}",
                )
            )
    return interactions


def dump_cassette(interactions: Sequence[Interaction], path: Path) -> None:
    """Write ``interactions`` as a VCR.py cassette (version 1) with ``YAML_DUMPER``."""
    document = {
        "interactions": [
            {
                "request": {"body": None, "headers": {}, "method": i.method, "uri": i.uri},
                "response": {
                    "body": {"string": i.body},
                    "headers": i.headers,
                    "status": {"code": i.status, "message": i.reason},
                },
            }
            for i in interactions
        ],
        "version": 1,
    }
    with open(path, "w", encoding="utf-8") as out:
        yaml.dump(document, out, Dumper=YAML_DUMPER, allow_unicode=True, width=100)


def serve(
    cassettes: Path | None, latency: float, rate_limit: str | None, retry_after: str = "seconds"
) -> None:
    """The child process of :func:`served`: print the port, then serve until terminated."""
    interactions = load_cassettes(cassettes or bundled_directory())
    buckets = LeakyBuckets(parse_rate_limit(rate_limit)) if rate_limit else None
    app = _retry_after_as(retry_after, create_app(interactions, latency=latency, buckets=buckets))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    print(listener.getsockname()[1], flush=True)
    uvicorn.Server(config).run(sockets=[listener])


@contextlib.contextmanager
def served(
    cassettes: Path | None = None,
    latency: float = 0.0,
    rate_limit: str | None = None,
    retry_after: str = "seconds",
) -> Iterator[str]:
    """The mock server's application replaying ``cassettes`` (default: the bundled ones)
    in a process of its own; yields the API base URL (credentials ``DEMO_TOKEN`` /
    ``DEMO_SECRET``). ``rate_limit``: ``RATE/BURST`` of a leaky bucket per credential,
    whose ``429`` carry ``Retry-After`` as ``retry_after`` says (:func:`_retry_after_as`)."""
    command = [sys.executable, __file__, "--serve", "--latency", str(latency)]
    command += ["--cassettes", str(cassettes)] if cassettes is not None else []
    command += ["--rate-limit", rate_limit] if rate_limit is not None else []
    command += ["--retry-after", retry_after]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.strip():
            raise RuntimeError("the loopback server did not start")
        base_url = f"http://127.0.0.1:{int(line)}/api"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base_url)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the loopback server did not start") from None
                time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _template_run() -> dict[str, Any]:
    """The bundled cassettes' Query Run ``QUERY_RUN``, as JSON."""
    recorded = next(i for i in load_cassettes(bundled_directory()) if i.uri.endswith(QUERY_RUN))
    run: dict[str, Any] = json.loads(recorded.body)
    return run


def _page(runs: int, href: str, prefix: str = "qr", next_href: str | None = None) -> bytes:
    """A page of ``runs`` Query Runs (copies of the bundled one, tokens ``<prefix>N``)."""
    template = _template_run()
    query_runs = []
    for n in range(runs):
        run = copy.deepcopy(template)
        run["token"] = f"{prefix}{n:010d}"
        run["id"] = 100000 + n
        query_runs.append(run)
    links: dict[str, Any] = {"self": {"href": href}}
    if next_href is not None:
        links["next_page"] = {"href": next_href}
    return json.dumps({"_links": links, "_embedded": {"query_runs": query_runs}}).encode()


def _listing_href(run: str = RUN) -> str:
    return f"/api/acme/reports/{REPORT}/runs/{run}/query_runs"


def _page_interaction(href: str, body: bytes) -> Interaction:
    """A recorded ``200`` answering GET ``href`` with ``body`` as HAL JSON."""
    return Interaction(
        method="GET",
        uri=f"https://app.mode.com{href}",
        status=200,
        reason="OK",
        headers={"Content-Type": ["application/hal+json"]},
        body=body.decode(),
    )


def _paged_cassette(directory: Path, pages: int, runs_per_page: int) -> None:
    """One listing of ``pages`` pages linked by ``next_page``, ``runs_per_page`` runs each."""
    hrefs = [_listing_href()] + [f"{_listing_href()}?page={n}" for n in range(2, pages + 1)]
    interactions = []
    for n, href in enumerate(hrefs):
        next_href = hrefs[n + 1] if n + 1 < pages else None
        body = _page(runs_per_page, href, prefix=f"p{n}r", next_href=next_href)
        interactions.append(_page_interaction(href, body))
    dump_cassette(interactions, directory / "paged.yaml")


def _runs_cassette(directory: Path, runs: int) -> list[str]:
    """One single-page Report Run of 2 Query Runs for each of ``runs`` Report Runs."""
    tokens = [f"rr{n:010d}" for n in range(runs)]
    body = json.loads(_page(2, _listing_href()))
    interactions = []
    for token in tokens:
        body["_links"] = {"self": {"href": _listing_href(token)}}
        interactions.append(_page_interaction(_listing_href(token), json.dumps(body).encode()))
    dump_cassette(interactions, directory / "runs.yaml")
    return tokens


def _bare_listing(http: httpx.Client, base_url: str) -> int:
    """Bare httpx: GET the first page, follow ``next_page`` with ``json.loads``; runs seen."""
    href: str | None = _listing_href()
    runs = 0
    while href:
        body = json.loads(http.get(httpx.URL(base_url).join(href)).content)
        runs += len(body["_embedded"]["query_runs"])
        href = body["_links"].get("next_page", {}).get("href")
    return runs


# --- cases -----------------------------------------------------------------------------


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
    propagate, logger.propagate = logger.propagate, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SpecDriftWarning)
            yield
    finally:
        logger.propagate = propagate
        logger.removeHandler(handler)


def case_page_read() -> list[dict[str, Any]]:
    """A 1,000-run page from bytes to models, as the clients read it, vs json.loads.

    Through :func:`sdk_page_reader`, tolerant (the default) and strict, on a page that
    fits the spec and, tolerant, on one whose every run strays; the generated
    ``QueryRunCollection.from_dict`` alone is reported too. All interleaved.
    """
    content = _page(PAGE_RUNS, _listing_href())
    drifting = _drifting(content)
    with (
        _drift_reports_silenced(),
        sdk_page_reader() as tolerant,
        sdk_page_reader(strict=True) as strict,
    ):
        if len(strict(content)) != PAGE_RUNS:
            raise RuntimeError("the strict reader lost runs of the page")
        with contextlib.suppress(ModeAPIError):
            strict(drifting)
            raise RuntimeError("the strict reader took the drifting page: it does not stray")
        if len(tolerant(drifting)) != PAGE_RUNS:
            raise RuntimeError("the tolerant reader lost runs of the drifting page")
        times = interleaved(
            {
                "json.loads": lambda: json.loads(content),
                "json.loads drifting": lambda: json.loads(drifting),
                "from_dict": lambda: QueryRunCollection.from_dict(json.loads(content)),
                "tolerant": lambda: tolerant(content),
                "strict": lambda: strict(content),
                "drifting": lambda: tolerant(drifting),
            },
            2 * ROUNDS,
            # the fastest actions, most exposed to noise: several per round
            repeats={"json.loads": 5, "json.loads drifting": 5, "tolerant": 2, "strict": 2},
        )
    page = f"{PAGE_RUNS:,}-run page"
    loads = "json.loads of the same bytes"

    def extra(name: str, baseline: str) -> dict[str, Any]:
        return {
            "seconds": times.median(name),
            "baseline_seconds": times.median(baseline),
            "cpu_ratio": statistics.median(times.ratios(name, baseline, "cpu")),
            "page_runs": PAGE_RUNS,
        }

    return [
        ratio_result(
            f"{page} read, tolerant (default), valid body",
            loads,
            times.ratios("tolerant", "json.loads"),
            ("<=", 2.0),
            page_bytes=len(content),
            **extra("tolerant", "json.loads"),
        ),
        ratio_result(
            f"{page} read, tolerant, every run strays",
            loads,
            times.ratios("drifting", "json.loads drifting"),
            ("<=", 4.0),
            page_bytes=len(drifting),
            **extra("drifting", "json.loads drifting"),
        ),
        ratio_result(
            f"{page} read, strict, valid body",
            loads,
            times.ratios("strict", "json.loads"),
            None,
            **extra("strict", "json.loads"),
        ),
        ratio_result(
            f"{page} read, tolerant against strict",
            "the strict reader, same valid page",
            times.ratios("tolerant", "strict"),
            ("<=", 1.05),
            **extra("tolerant", "strict"),
        ),
        ratio_result(
            f"{page}, generated QueryRunCollection.from_dict(json.loads(...))",
            loads,
            times.ratios("from_dict", "json.loads"),
            None,
            **extra("from_dict", "json.loads"),
        ),
    ]


def case_get() -> dict[str, Any]:
    """get_query_run vs a bare httpx.Client GET + json.loads of the same URL."""
    with served() as base_url:
        url = f"{base_url}/acme/reports/{REPORT}/runs/{RUN}/query_runs/{QUERY_RUN}"
        with (
            ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as mode,
            httpx.Client(auth=(DEMO_TOKEN, DEMO_SECRET)) as bare,
        ):
            if mode.get_query_run(REPORT, RUN, QUERY_RUN).token != QUERY_RUN:
                raise RuntimeError("get_query_run read another Query Run")

            def sdk() -> None:
                for _ in range(CALLS):
                    mode.get_query_run(REPORT, RUN, QUERY_RUN)

            def baseline() -> None:
                for _ in range(CALLS):
                    json.loads(bare.get(url).content)

            times = interleaved({"sdk": sdk, "bare": baseline}, 4 * ROUNDS)
    return ratio_result(
        "get_query_run, per call",
        "httpx.Client GET + json.loads, same URL and server, persistent connection",
        times.ratios("sdk", "bare"),
        ("<=", 1.15),
        calls_per_round=CALLS,
        seconds_per_call=times.median("sdk") / CALLS,
        baseline_seconds_per_call=times.median("bare") / CALLS,
    )


def case_listing() -> dict[str, Any]:
    """A 20,000-run listing over 20 pages vs bare httpx following next_page + json.loads."""
    per_page = LISTING_RUNS // LISTING_PAGES
    with tempfile.TemporaryDirectory() as tmp:
        _paged_cassette(Path(tmp), LISTING_PAGES, per_page)
        with (
            served(Path(tmp)) as base_url,
            ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as mode,
            httpx.Client(auth=(DEMO_TOKEN, DEMO_SECRET)) as bare,
        ):

            def sdk() -> int:
                return sum(1 for _ in mode.list_query_runs(REPORT, RUN))

            expected = per_page * LISTING_PAGES
            if sdk() != expected or _bare_listing(bare, base_url) != expected:
                raise RuntimeError("the SDK or bare httpx did not list every run")
            times = interleaved(
                {"sdk": sdk, "bare": lambda: _bare_listing(bare, base_url)}, max(ROUNDS // 2, 5)
            )
    return ratio_result(
        f"{expected:,}-run listing over {LISTING_PAGES} pages, list_query_runs",
        "bare httpx.Client following next_page with json.loads, same server",
        times.ratios("sdk", "bare"),
        ("<=", 2.0),
        seconds=times.median("sdk"),
        baseline_seconds=times.median("bare"),
    )


_IMPORT_CHILD = """
import sys, time
started = time.perf_counter()
__import__(sys.argv[1])
print(time.perf_counter() - started)
"""


def case_import() -> dict[str, Any]:
    """import mode_query_runs vs import httpx, each in a fresh interpreter, interleaved."""

    def child(module: str) -> tuple[float, float]:
        """Seconds of the import, timed in the child, and of the whole child process."""
        command = [sys.executable, "-I", "-c", _IMPORT_CHILD, module]
        started = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return float(out), time.perf_counter() - started

    order = random.Random(0)
    times: dict[str, list[tuple[float, float]]] = {"mode_query_runs": [], "httpx": []}
    for module in times:
        child(module)  # bytecode caches written, files in the page cache
    for _ in range(IMPORT_ROUNDS):
        for module in order.sample(list(times), 2):
            times[module].append(child(module))
    ours, theirs = times["mode_query_runs"], times["httpx"]
    import_ratios = [a[0] / b[0] for a, b in zip(ours, theirs, strict=True)]
    process_ratios = [a[1] / b[1] for a, b in zip(ours, theirs, strict=True)]
    return ratio_result(
        "import mode_query_runs",
        "import httpx (each timed inside a fresh python -I)",
        import_ratios,
        ("<=", 1.3),
        seconds=statistics.median(a[0] for a in ours),
        baseline_seconds=statistics.median(b[0] for b in theirs),
        whole_process_ratio=statistics.median(process_ratios),
        note=f"whole processes, start-up included: {statistics.median(process_ratios):.2f}",
    )


def _python_lines(directory: Path, leave_out: tuple[str, ...] = ()) -> int:
    """Lines (newlines, as ``wc -l``) of the ``*.py`` files under ``directory``, leaving out
    those under a directory named in ``leave_out``."""
    lines = 0
    for path in directory.rglob("*.py"):
        if not set(path.relative_to(directory).parts[:-1]) & set(leave_out):
            lines += path.read_bytes().count(b"\n")
    return lines


def case_core_size() -> dict[str, Any]:
    """Lines of the SDK core: the overlay outside cli/ and testing/, docstrings included."""
    core = _python_lines(OVERLAY, ("cli", "testing"))
    return result(
        "SDK core size (overlay outside cli/ and testing/)",
        "lines of its .py files (wc -l), docstrings and comments included",
        core,
        ("<=", CORE_LINES_TARGET),
        unit="lines",
        overlay_lines=_python_lines(OVERLAY),
        generated_lines=_python_lines(GENERATED),
    )


def case_pagination() -> dict[str, Any]:
    """50 pages with 20 ms server latency each vs the sum of the latencies."""
    pages, latency = 50, 0.020
    injected = pages * latency
    with tempfile.TemporaryDirectory() as tmp:
        _paged_cassette(Path(tmp), pages, 2)
        with (
            served(Path(tmp), latency=latency) as base_url,
            ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as mode,
            httpx.Client(auth=(DEMO_TOKEN, DEMO_SECRET)) as bare,
        ):
            times = interleaved(
                {
                    "sdk": lambda: sum(1 for _ in mode.list_query_runs(REPORT, RUN)),
                    "bare": lambda: _bare_listing(bare, base_url),
                },
                max(ROUNDS // 3, 5),
            )
    return ratio_result(
        f"{pages} pages, {latency * 1000:.0f} ms server latency each, list_query_runs",
        f"the sum of the injected latencies ({pages} x {latency * 1000:.0f} ms)",
        [seconds / injected for seconds in times.wall["sdk"]],
        ("<=", 1.1),
        seconds=times.median("sdk"),
        baseline_seconds=injected,
        bare_httpx_ratio=times.median("bare") / injected,
        sdk_over_bare=statistics.median(times.ratios("sdk", "bare")),
        note=f"bare httpx: {times.median('bare') / injected:.2f};"
        f" the SDK over bare httpx: {statistics.median(times.ratios('sdk', 'bare')):.2f}",
    )


def case_concurrency() -> dict[str, Any]:
    """Query Runs of 100 Report Runs, 20 ms latency: AsyncModeClient vs bare AsyncClient.

    Both at concurrency 10 on the same server (GET, then ``json.loads`` of each page),
    interleaved; the ratio is throughput (bare's time over the SDK's). The sync client one
    Report Run after another is reported too.
    """
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
            times = interleaved(
                {
                    "async": lambda: anyio.run(gather),
                    "bare": lambda: anyio.run(bare),
                    "sync": sync,
                },
                max(ROUNDS // 3, 5),
            )
    sync_over_async = statistics.median(times.ratios("sync", "async"))
    return ratio_result(
        "100 Report Runs, 20 ms latency, AsyncModeClient at concurrency 10 (throughput)",
        "bare httpx.AsyncClient + json.loads at concurrency 10, same server",
        times.ratios("bare", "async"),
        (">=", 0.9),
        seconds=times.median("async"),
        baseline_seconds=times.median("bare"),
        sync_over_async=sync_over_async,
        note=f"{sync_over_async:.2f}x faster than ModeClient one Report Run after another",
    )


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


@dataclass(frozen=True)
class BucketShape:
    """One leaky bucket of the rate-limited matrix, and how its ``429`` says when to retry."""

    rate: float
    burst: int
    latency: float
    retry_after: str  # "seconds" (whole seconds), "date" (an HTTP date) or "absent"

    def __str__(self) -> str:
        header = {"seconds": "Retry-After seconds", "date": "Retry-After HTTP date"}
        return (
            f"{self.rate:g}/s burst {self.burst}, {self.latency * 1000:g} ms,"
            f" {header.get(self.retry_after, 'no Retry-After')}"
        )


RATE_LIMITED_MATRIX = [
    BucketShape(50, 10, 0.020, "seconds"),
    BucketShape(12, 1, 0.020, "absent"),
    BucketShape(90, 20, 0.005, "date"),
    BucketShape(5, 2, 0.100, "seconds"),
    BucketShape(30, 3, 0.050, "date"),
]
"""Buckets 8 requests in flight can fill (8 / latency above the rate), from issue 20."""


def _retry_after_as(style: str, app: Any) -> Any:
    """``app`` whose ``429`` answers carry ``Retry-After`` in ``style``: whole seconds (as
    the mock sends them), an HTTP date that many seconds from now, or no header."""
    if style == "seconds":
        return app

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] == 429:
                headers = []
                for name, value in message.get("headers", []):
                    if name.lower() == b"retry-after":
                        if style == "absent":
                            continue
                        when = time.time() + int(value)
                        value = email.utils.formatdate(when, usegmt=True).encode()
                    headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, sending)

    return wrapped


class _Unpaced(Pace):
    """No shared pace: every request starts at once, and each ``429`` is its own request's
    to retry (``Retry-After``, else the backoff), as with the pace."""

    def reserve(self, deadline: float = math.inf) -> tuple[float, int]:
        return self.clock(), 0

    def answered(self, *args: Any, **kwargs: Any) -> None:
        pass

    def limited(self, *args: Any, **kwargs: Any) -> None:
        pass


class _Naive(AsyncModeClient):
    """The naive baseline: each request retries on its own (tenacity, Retry-After), with
    no shared pace (the transport's pace is one that never waits)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session.pace = _Unpaced()


async def _sdk_job(
    base_url: str, pairs: list[tuple[str, str]], concurrency: int
) -> tuple[float, int]:
    """Seconds and failed pairs of ``list_query_runs_many`` over ``pairs``."""
    async with AsyncModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as mode:
        started = time.perf_counter()
        failed = 0
        async for found in mode.list_query_runs_many(pairs, concurrency=concurrency):
            failed += not found.ok
        return time.perf_counter() - started, failed


async def _naive_job(base_url: str, tokens: list[str], concurrency: int) -> tuple[float, int]:
    """Seconds and failed pairs of ``asyncio.gather`` under a semaphore, no shared pace."""
    async with _Naive("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base_url) as mode:
        semaphore = asyncio.Semaphore(concurrency)

        async def one(token: str) -> bool:
            async with semaphore:
                try:
                    _ = [r async for r in mode.list_query_runs(REPORT, token)]
                    return True
                except ModeAPIError:
                    return False

        started = time.perf_counter()
        done = await asyncio.gather(*(one(token) for token in tokens))
        return time.perf_counter() - started, done.count(False)


def case_rate_limited() -> list[dict[str, Any]]:
    """A matrix of leaky buckets: list_query_runs_many vs naive asyncio.gather, 8 in flight.

    Each bucket serves a job of ``BENCH_RATE_LIMITED_SECONDS`` of its own time (one request
    per Report Run), on its own loopback server. Per bucket, the two variants run in an
    order shuffled with a fixed seed, each on an emptied bucket; the figure is the
    throughput of answered requests as a fraction of the bucket's rate (not a ratio to a
    timed baseline), beside the 429 share and the failed pairs.
    """
    concurrency = 8
    order = random.Random(0)
    rows = []
    for shape in RATE_LIMITED_MATRIX:
        runs = round(shape.rate * RATE_LIMITED_SECONDS)
        with tempfile.TemporaryDirectory() as tmp:
            tokens = _runs_cassette(Path(tmp), runs)
            pairs = [(REPORT, token) for token in tokens]
            limit = f"{shape.rate:g}/{shape.burst}"
            with served(Path(tmp), shape.latency, limit, shape.retry_after) as base_url:
                variants: dict[str, Callable[[], Any]] = {
                    "sdk": lambda: _sdk_job(base_url, pairs, concurrency),  # noqa: B023
                    "naive": lambda: _naive_job(base_url, tokens, concurrency),  # noqa: B023
                }
                measured: dict[str, dict[str, Any]] = {}
                for name in order.sample(list(variants), len(variants)):
                    time.sleep(2 * shape.burst / shape.rate + 1)  # an empty bucket for each
                    with _counting_answers() as counts:
                        seconds, failed = asyncio.run(variants[name]())
                    ok = counts.answers - counts.limited
                    measured[name] = {
                        "seconds": seconds,
                        "fraction_of_rate": ok / seconds / shape.rate,
                        "share_429": counts.limited / max(1, counts.answers),
                        "requests": counts.answers,
                        "failed_pairs": failed,
                    }
        ours, theirs = measured["sdk"], measured["naive"]
        row = result(
            f"{runs:,} Report Runs, bucket {shape}: list_query_runs_many",
            "the bucket's rate (throughput of answered requests)",
            ours["fraction_of_rate"],
            (">=", 0.9),
            note=(
                f"{ours['share_429']:.1%} 429, {ours['failed_pairs']} failed pairs; naive"
                f" asyncio.gather: {theirs['fraction_of_rate']:.2f},"
                f" {theirs['share_429']:.1%} 429, {theirs['failed_pairs']} failed pairs"
            ),
            bucket=str(shape),
            naive=theirs,
            **ours,
        )
        row["target"] = ">= 0.9, <= 3% 429, 0 failed pairs"
        if ours["share_429"] > 0.03 or ours["failed_pairs"]:
            row["met"], row["verdict"] = False, "MISS"
        rows.append(row)
    return rows


_DOWNLOAD_CHILD = """
import json, sys, httpx
from mode_api_client.models import QueryRun
from mode_query_runs import ModeClient
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
    body: dict[str, Any] = json.loads(_page(1, _listing_href()))["_embedded"]["query_runs"][0]
    body["state"] = "succeeded"
    body["_links"]["result"] = {"href": f"/api/acme/reports/{REPORT}/runs/{RUN}/results"}
    command = [sys.executable, "-c", _DOWNLOAD_CHILD, base_url, json.dumps(body), str(target)]
    started = time.perf_counter()
    out = subprocess.run(
        [*command, "bare" if bare else "sdk"], check=True, capture_output=True, text=True
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
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{port}/api", serving


def case_download() -> dict[str, Any]:
    """A 200 MB CSV with download_result vs bare httpx streaming; peak RSS at 50/200 MB."""
    mib = 1024 * 1024
    sizes = sorted({min(50, DOWNLOAD_MB), DOWNLOAD_MB})
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        line = b"2026-11-01,emea,12345,0.4242,some text for the row\n"
        block = (line * (mib // len(line) + 1))[:mib]
        for size in sizes:
            with open(directory / f"{size}.csv", "wb") as out:
                for _ in range(size):
                    out.write(block)
        server, base_url, serving = _content_server(directory)
        try:
            rss: dict[str, int] = {}
            for size in sizes:
                serving["name"] = f"{size}.csv"
                _, rss[f"{size}MB"] = _download(base_url, directory / "out.csv", bare=False)
            serving["name"] = f"{DOWNLOAD_MB}.csv"
            seconds: dict[str, list[float]] = {"sdk": [], "bare": []}
            order = random.Random(0)
            for _ in range(3):
                for name in order.sample(list(seconds), 2):
                    seconds[name].append(
                        _download(base_url, directory / "out.csv", bare=name == "bare")[0]
                    )
        finally:
            server.should_exit = True
    growth = max(rss.values())
    row = ratio_result(
        f"result download, {DOWNLOAD_MB} MB CSV, download_result (throughput)",
        "bare httpx streaming the same URL into a file (whole process, fresh, interleaved)",
        [bare / sdk for sdk, bare in zip(seconds["sdk"], seconds["bare"], strict=True)],
        (">=", 0.9),
        seconds=statistics.median(seconds["sdk"]),
        baseline_seconds=statistics.median(seconds["bare"]),
        peak_rss_growth_bytes=rss,
        rss_target="< 50 MiB growth",
        note="peak RSS growth: "
        + ", ".join(f"{size} {value / mib:.1f} MiB" for size, value in rss.items())
        + " (target < 50 MiB)",
    )
    if growth >= 50 * mib:
        row["met"], row["verdict"] = False, "MISS"
    return row


def case_developer_loop() -> dict[str, Any]:
    """Wall time of nox -s generate and of the test suite (report only; only when named).

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
        "verdict": "report only",
        "met": None,
        "target": None,
        "seconds": timings,
        "exit_status": exit_status,
    }


CASES: dict[str, Callable[[], dict[str, Any] | list[dict[str, Any]]]] = {
    "page-read": case_page_read,
    "get": case_get,
    "listing": case_listing,
    "import": case_import,
    "core-size": case_core_size,
    "pagination": case_pagination,
    "concurrency": case_concurrency,
    "rate-limited": case_rate_limited,
    "download": case_download,
    "developer-loop": case_developer_loop,
}
DEFAULT_CASES = [name for name in CASES if name != "developer-loop"]


# --- output ----------------------------------------------------------------------------


def _figure(row: dict[str, Any]) -> str:
    if row["unit"] == "lines":
        return f"{row['value']:,} lines"
    return f"{row['value']:.2f}"


def _spread_text(row: dict[str, Any], dash: str = "-") -> str:
    found = row.get("spread")
    if not found:
        return ""
    return (
        f"IQR {found['q1']:.2f}{dash}{found['q3']:.2f},"
        f" min {found['min']:.2f}, max {found['max']:.2f}, n={row['rounds']}"
    )


def text_table(results: list[dict[str, Any]]) -> str:
    """The results as lines of text: case, figure, target, PASS/MISS, spread, notes."""
    width = max([40] + [len(row["case"]) for row in results])
    aim = max([6] + [len(row.get("target") or "") for row in results])
    lines = [f"{'case':{width}} {'figure':>12}  {'target':{aim}} {'verdict':11} spread of rounds"]
    for row in results:
        if "value" not in row:
            for name, seconds in row.get("seconds", {}).items():
                status = row.get("exit_status", {}).get(name, 0)
                failed = f", FAILED with exit status {status}" if status else ""
                lines.append(f"{name:{width}} {seconds:11.1f}s  (report only{failed})")
            continue
        target = row["target"] or "-"
        line = f"{row['case']:{width}} {_figure(row):>12}  {target:{aim}} {row['verdict']:11} "
        line += _spread_text(row)
        if "note" in row:
            line += f"\n{'':{width}}   ({row['note']})"
        lines.append(line.rstrip())
    return "\n".join(lines)


def markdown_table(results: list[dict[str, Any]]) -> str:
    """The results as the Markdown table of the README's Performance section."""
    lines = [
        "| case | baseline | result (median) | spread of rounds | target | |",
        "|---|---|---|---|---|---|",
    ]
    for row in results:
        if "value" not in row:
            seconds = ", ".join(f"{name} {value:.1f} s" for name, value in row["seconds"].items())
            lines.append(f"| {row['case']} | — | {seconds} | | report only | |")
            continue
        figure = _figure(row) + (f" ({row['note']})" if "note" in row else "")
        target = (row["target"] or "report only").replace("<=", "≤").replace(">=", "≥")
        verdict = {"PASS": "PASS", "MISS": "**MISS**"}.get(row["verdict"], "")
        cells = [row["case"], row["baseline"], figure, _spread_text(row, "\N{EN DASH}")]
        lines.append("| " + " | ".join([*cells, target, verdict]) + " |")
    return "\n".join(lines)


def main(output: Path, selected: list[str], markdown: bool) -> None:
    unknown = [name for name in selected if name not in CASES]
    if unknown:
        raise SystemExit(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    names = selected or DEFAULT_CASES
    print(YAML_NOTE)
    results: list[dict[str, Any]] = []
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    for name in names:
        case = CASES[name]
        print(f"running {name}: {case.__doc__.splitlines()[0] if case.__doc__ else ''}")
        case_started = time.perf_counter()
        found = case()
        seconds[name] = time.perf_counter() - case_started
        results.extend(found if isinstance(found, list) else [found])
    took = time.perf_counter() - started
    document = {
        "python": sys.version.split()[0],
        "yaml_loader": YAML_LOADER.__name__,
        "seconds": took,
        "case_seconds": seconds,
        "results": results,
    }
    output.write_text(json.dumps(document, indent=2) + "\n")
    print(text_table(results))
    if markdown:
        print()
        print(markdown_table(results))
        print()
    print(f"{YAML_NOTE}; bench took {took:.0f} s; wrote {output}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("output", nargs="?", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument(
        "cases", nargs="*", help=f"cases to run (default: {' '.join(DEFAULT_CASES)})"
    )
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    # the loopback server's child process (see served())
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cassettes", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--latency", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--rate-limit", help=argparse.SUPPRESS)
    parser.add_argument("--retry-after", default="seconds", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = _arguments()
    if arguments.serve:
        serve(arguments.cassettes, arguments.latency, arguments.rate_limit, arguments.retry_after)
    else:
        main(arguments.output, arguments.cases, arguments.markdown)
