"""Issue 21, item 4: work linear in the input.

A Query Run whose ``_links`` holds thousands of relations named ``"0"``, ``"1"``, ...
(keys the spec validator reports as array indexes) took time quadratic in their number to
describe (``schema_check.deviations``). Each path from a body to a result is timed here at one
size and at ten times it, in the same run: the larger may cost at most 15 times as much.
Those tests are timing assertions, marked ``timing``: the suite leaves them out (a busy
machine flakes them), ``nox -s linear`` runs them.
"""

from __future__ import annotations

import gc
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_hardening import FAST, run_body
from test_hostile3_errors import cassette_with_body

from mode_api_client.models import QueryRun
from mode_query_runs import ModeClient, ResponseParseError, SpecDriftWarning
from mode_query_runs.errors import Redactor, credential_forms
from mode_query_runs.spec import operation_by_id
from mode_query_runs.testing.drift_report import drift_of
from mode_query_runs.testing.schema_check import deviations
from scripted import Scripted, ScriptedServer

SMALL = 1000
"""The smaller size; the larger is ten times it."""
DRIFT_SMALL = 4000
"""The smaller size for ``schema_check.deviations``: the validator's cost per relation still
grows by half from 1,000 relations to 4,000 (the data leaves the processor's caches),
then stays flat to 64,000 and beyond."""
RATIO = 15.0
GET = operation_by_id("getQueryRunForReportRun")

RELATIONS: dict[str, Callable[[int], Any]] = {
    "numbers": lambda index: index,
    "links with numeric hrefs": lambda index: {"href": index},
    "links": lambda index: {"href": f"/api/acme/{index}"},
}


def body(relations: int, relation: Callable[[int], Any]) -> dict[str, Any]:
    """A Query Run whose ``_links`` also holds ``relations`` relations named ``"0"``, ..."""
    run = run_body()
    run["_links"].update({str(index): relation(index) for index in range(relations)})
    return run


def timed(work: Callable[[int], object], size: int, loops: int) -> float:
    """Seconds per call of ``loops`` calls of ``work(size)``, the garbage collector off
    while timing, as ``timeit`` times (its full collections cost as the whole heap of the
    test process, not as the work timed)."""
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for _ in range(loops):
            work(size)
        return (time.perf_counter() - started) / loops
    finally:
        gc.enable()


def ratio(work: Callable[[int], object], small: int = SMALL) -> float:
    """What ``work`` costs at ten times ``small`` over what it costs at ``small``.

    Each size is timed in loops of at least 0.1 s, three times, the two sizes in turn
    (the machine is shared: both see the same load); the least time of each counts."""
    loops = {small: 1, small * 10: 1}
    for size in loops:
        work(size)  # warm up: the spec, the validator, and memory for the larger size
    for size in loops:
        while timed(work, size, loops[size]) * loops[size] < 0.1 and loops[size] < 1000:
            loops[size] *= 2
    best = {size: float("inf") for size in loops}
    for _ in range(3):
        for size in loops:
            best[size] = min(best[size], timed(work, size, loops[size]))
    return best[small * 10] / best[small]


@pytest.mark.timing
@pytest.mark.parametrize("case", RELATIONS, ids=list(RELATIONS))
def test_describing_drift_is_linear_in_the_relations(case: str) -> None:
    bodies = {size: body(size, RELATIONS[case]) for size in (DRIFT_SMALL, DRIFT_SMALL * 10)}

    def work(size: int) -> None:
        found = deviations(GET, 200, bodies[size])
        assert len(found) == (0 if case == "links" else size)

    assert ratio(work, DRIFT_SMALL) <= RATIO


def test_drift_paths_keep_every_numeric_looking_and_empty_key() -> None:
    """Keys the validator reports alike (``"1"``, ``"01"``, ``"+1"``; ``""`` not at all)
    are each described at their own path."""
    run = run_body()
    run["_links"].update({"1": 1, "01": 2, "+1": 3, "": 4, "\uffff0": 5, "-1": 6})
    found = [str(deviation) for deviation in deviations(GET, 200, run)]
    expects = "the spec expects object or array, found integer"
    assert found == [
        f'$._links[""]: {expects}',
        f'$._links["+1"]: {expects}',
        f'$._links["-1"]: {expects}',
        f'$._links["01"]: {expects}',
        f'$._links["1"]: {expects}',
        f'$._links["\\uffff0"]: {expects}',
    ]


@pytest.mark.timing
def test_the_drift_report_of_a_cassette_is_linear(tmp_path: Path) -> None:
    def work(size: int) -> None:
        cassette = tmp_path / f"run{size}.yaml"
        if not cassette.exists():
            raw = json.dumps(body(size, RELATIONS["numbers"]))
            cassette.write_text(yaml.safe_dump(cassette_with_body(raw)))
        drifts = drift_of([cassette])
        assert [(drift.path, drift.count) for drift in drifts] == [
            (f'$._links["{index}"]', 1) for index in sorted(map(str, range(size)))
        ]

    work(SMALL)
    work(SMALL * 10)  # written before timing: reading YAML is not the path timed
    assert ratio(work) <= RATIO


@pytest.mark.timing
@pytest.mark.parametrize("strict", [False, True], ids=["tolerant", "strict"])
def test_reading_a_query_run_through_the_client_is_linear(strict: bool) -> None:
    relation = RELATIONS["links with numeric hrefs"]
    raw = {size: json.dumps(body(size, relation)).encode() for size in (SMALL, SMALL * 10)}

    def work(size: int) -> None:
        with ScriptedServer(Scripted(200, raw[size])) as server:
            with ModeClient(
                "acme",
                "t",
                "s",
                base_url=f"{server.url}/api",
                retry_policy=FAST,
                max_retries=0,
                strict=strict,
            ) as mode:
                if strict:
                    with pytest.raises(ResponseParseError, match=rf"\(and {size - 1} more\)"):
                        mode.get_query_run("r1", "u1", "q1")
                    return
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", SpecDriftWarning)
                    assert isinstance(mode.get_query_run("r1", "u1", "q1"), QueryRun)

    assert ratio(work) <= RATIO


@pytest.mark.timing
def test_redacting_costs_about_a_search_of_the_text_with_a_long_secret() -> None:
    """A 10,001-character secret over 200 KB of its own letter: each form is looked for in the
    lower-cased text before any pattern runs. One alternation of every form, case ignored,
    took 13.4 s for 256 KiB: thousands of times ``str.lower`` of the text, measured in the
    same run (this asks at most 100 times)."""
    secret = "S" * 10_001
    redactor = Redactor(credential_forms("tok-value", secret))
    assert redactor.redact(f"<p>{secret.lower()}</p>") == "<p>[REDACTED]</p>"
    text = ("s" * 200 + " ") * 1_000  # runs of the secret's first letter, each cut short
    redact = min(timed(lambda _: redactor.redact(text), 0, 3) for _ in range(3))
    search = min(timed(lambda _: text.lower(), 0, 3) for _ in range(3))
    assert redact <= 100 * search
