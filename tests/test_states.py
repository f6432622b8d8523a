"""The states the SDK treats specially come from the spec (``x-final-states``,
``x-states-without-results`` on ``QueryRun.state``, generated into ``QueryRun.spec_lists``),
not from lists in the code: a spec edit (and regenerating) moves a state in or out."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import mode_query_runs
from mode_api_client.models import QueryRun
from mode_query_runs import states
from mode_query_runs.cli.display import ended_without_results
from mode_query_runs.results import content_href
from mode_query_runs.testing.schema_check import load_spec
from mode_query_runs.waiting import is_finished

LISTS = ("x-final-states", "x-states-without-results")
RESULT = "/api/acme/reports/r1/runs/u1/query_runs/q1/results"


def run_in(state: str) -> QueryRun:
    return QueryRun.from_dict(
        {
            "id": 1,
            "token": "q1",
            "state": state,
            "created_at": "2026-11-02T08:15:04.112Z",
            "_links": {"self": {"href": "/x"}, "result": {"href": RESULT}},
        }
    )


def refusal(state: str) -> str | None:
    try:
        content_href(run_in(state), "csv")
    except ValueError as error:
        return str(error)
    return None


def as_regenerated(state: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """``QueryRun.spec_lists`` as regenerating the models from a spec whose ``QueryRun.state``
    schema is ``state`` writes them."""
    lists = {f"state/{name}": frozenset(state[name]) for name in LISTS}
    monkeypatch.setattr(QueryRun, "spec_lists", lists)


def test_the_spec_names_the_final_states_and_those_without_results() -> None:
    schema = load_spec()["components"]["schemas"]["QueryRun"]["properties"]["state"]
    assert schema["x-final-states"] == ["succeeded", "failed", "cancelled", "completed"]
    assert schema["x-states-without-results"] == ["enqueued", "running", "failed", "cancelled"]
    assert frozenset(schema["x-final-states"]) == mode_query_runs.TERMINAL_STATES
    assert QueryRun.spec_lists == {f"state/{name}": frozenset(schema[name]) for name in LISTS}
    finished = {s: is_finished(run_in(s)) for s in [*schema["x-final-states"], "running", "x"]}
    assert finished == {
        "succeeded": True,
        "failed": True,
        "cancelled": True,
        "completed": True,
        "running": False,
        "x": False,
    }
    assert [s for s in ("failed", "cancelled", "running") if ended_without_results(run_in(s))] == [
        "failed",
        "cancelled",
    ]
    assert refusal("failed") == "Query Run q1 is failed: it ended without results"
    assert (
        refusal("enqueued")
        == "Query Run q1 is enqueued: it has no results (wait for it to succeed)"
    )
    assert refusal("succeeded") is None
    assert refusal("a state Mode adds later") is None


def test_a_state_added_to_the_spec_needs_no_code_change(monkeypatch: pytest.MonkeyPatch) -> None:
    edited = copy.deepcopy(load_spec())
    state = edited["components"]["schemas"]["QueryRun"]["properties"]["state"]
    state["x-states-without-results"].append("queued")
    state["x-final-states"].append("expired")
    state["x-states-without-results"].append("expired")
    as_regenerated(state, monkeypatch)
    assert refusal("queued") == "Query Run q1 is queued: it has no results (wait for it to succeed)"
    assert not is_finished(run_in("queued"))
    assert is_finished(run_in("expired"))
    assert ended_without_results(run_in("expired"))
    assert refusal("expired") == "Query Run q1 is expired: it ended without results"
    assert states.final_states() == {"succeeded", "failed", "cancelled", "completed", "expired"}
