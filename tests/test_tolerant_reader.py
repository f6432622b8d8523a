"""The tolerant reader against real loopback servers: bodies that stray from the spec.

A 2xx body of a spec operation that breaks its schema still gives its models; each value
that strays is kept in its model's ``additional_properties`` (the typed attribute is
``UNSET``) and each distinct (operation, schema location) is reported once per client as a
``SpecDriftWarning`` and a WARNING log line; a strict client raises ``ResponseParseError``
instead. Every client here talks to a mock server on loopback; the CLI runs as a real
subprocess.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mode_api_client.models import Link, Pagination, QueryRun, QueryRunCollection, QueryRunLinks
from mode_api_client.types import UNSET, Unset
from mode_query_runs import (
    AsyncModeClient,
    ModeClient,
    ResponseParseError,
    SpecDriftWarning,
    relation_link,
)
from mode_query_runs.pagination import query_runs_of
from mode_query_runs.testing.cassette import dump_cassette
from mode_query_runs.testing.server import MockServer
from mode_query_runs.wire import to_wire
from support import REPORT, recorded, spec_typed

Serve = Callable[..., tuple[MockServer, ModeClient]]
RUN = "feedfacecafe"
TOKEN = "6c3d9e2f1a7b"


def listing_path(run: str) -> str:
    """The path of the first page of Report Run ``run``'s Query Runs."""
    return f"/api/acme/reports/{REPORT}/runs/{run}/query_runs"


def query_run_path(run: str) -> str:
    """The path of Query Run ``TOKEN`` of Report Run ``run``."""
    return f"{listing_path(run)}/{TOKEN}"


LIST = listing_path(RUN)
ONE = query_run_path(RUN)
LIST_OP = "listQueryRunsForReportRun"
GET_OP = "getQueryRunForReportRun"
KEPT = "; kept in additional_properties"


# --- bodies ------------------------------------------------------------------------------


def query_run(token: Any = TOKEN, **changes: Any) -> dict[str, Any]:
    """A Query Run as Mode's live API sends it (every field the spec names), changed."""
    body: dict[str, Any] = {
        "id": 90205,
        "token": token,
        "state": "succeeded",
        "created_at": "2026-11-01T09:30:12.407Z",
        "completed_at": "2026-11-01T09:30:13.022Z",
        "data_source_id": 42,
        "data_source_token": "7a1c9e3b5d20",
        "limit": True,
        "max_result_bytes": 104857600,
        "query_token": "d4e6f8a0b2c4",
        "query_name": "Churn by plan",
        "query_created_at": "2025-06-09T11:47:30.250Z",
        "parameters": {"plan": "enterprise"},
        "raw_source": "SELECT plan FROM analytics.churn",
        "rendered_source": "SELECT plan FROM analytics.churn",
        "statement_annotation": None,
        "dbt_metric_id": None,
        "dbt_metric_token": None,
        "help_url": None,
        "error_code": None,
        "error_type": None,
        "error_message": None,
        "_links": {
            "self": {"href": f"{LIST}/{token}"},
            "result": {"href": f"{LIST}/{token}/results"},
        },
        "_embedded": {},
    }
    body = {**spec_typed(body), "token": token}  # a token of another type stays as given
    body.update(changes)
    return body


def page(runs: Any, *, self_href: str = LIST, **fields: Any) -> dict[str, Any]:
    """A page of a listing holding ``runs``, plus ``fields`` (``pagination``, ...)."""
    return {"_links": {"self": {"href": self_href}}, "_embedded": {"query_runs": runs}, **fields}


def links(token: str, **relations: Any) -> dict[str, Any]:
    """A Query Run's ``_links``: its ``self`` and ``result``, plus ``relations``."""
    return {
        "self": {"href": f"{LIST}/{token}"},
        "result": {"href": f"{LIST}/{token}/results"},
        **relations,
    }


NOTIFICATIONS = [{"href": "/api/acme/n/1"}, {"href": "/api/acme/n/2"}]
SWAGGER_PAGINATION = {"first_page": "1", "last_page": "3", "total_pages": 0, "total_count": 0}
# Every field a string, as a mock built from Mode's Swagger file sends a Query Run.
SWAGGER_RUN: dict[str, Any] = {
    "id": "90205",
    "token": TOKEN,
    "state": "succeeded",
    "created_at": "2026-11-01T09:30:12.407Z",
    "completed_at": "2026-11-01T09:30:13.022Z",
    "data_source_id": "42",
    "data_source_token": "7a1c9e3b5d20",
    "limit": "true",
    "max_result_bytes": "104857600",
    "query_token": "d4e6f8a0b2c4",
    "query_name": "Churn by plan",
    "query_created_at": "2025-06-09T11:47:30.250Z",
    "parameters": "{}",
    "raw_source": "SELECT 1",
    "rendered_source": "SELECT 1",
    "statement_annotation": "weekly",
    "dbt_metric_id": "7",
    "dbt_metric_token": "m3tr1c",
    "help_url": "https://mode.com/help",
    "error_code": "none",
    "error_type": "none",
    "error_message": "none",
    "_links": {"self": {"href": ONE}},
}


# --- helpers -----------------------------------------------------------------------------


def client_of(server: MockServer, *, strict: bool = False) -> ModeClient:
    return ModeClient(
        "acme", server.token, server.secret, base_url=server.base_url, timeout=5, strict=strict
    )


def async_client_of(server: MockServer, *, strict: bool = False) -> AsyncModeClient:
    return AsyncModeClient(
        "acme", server.token, server.secret, base_url=server.base_url, timeout=5, strict=strict
    )


@contextlib.contextmanager
def recording() -> Iterator[list[warnings.WarningMessage]]:
    """Every warning raised in the block, none filtered out or deduplicated by Python."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def drift(caught: list[warnings.WarningMessage]) -> list[str]:
    """The messages of the SpecDriftWarnings among ``caught`` (exactly that class)."""
    found = [w for w in caught if issubclass(w.category, SpecDriftWarning)]
    assert all(w.category is SpecDriftWarning for w in found)
    return [str(w.message) for w in found]


def drift_logs(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str]]:
    """``(logger, level, message)`` of the records at WARNING and above of our logger."""
    return [
        (r.name, r.levelno, r.getMessage())
        for r in caplog.records
        if r.name == "mode_query_runs" and r.levelno >= logging.WARNING
    ]


def logged(messages: list[str]) -> list[tuple[str, int, str]]:
    return [("mode_query_runs", logging.WARNING, f"spec drift: {m}") for m in messages]


def cli_env(server: MockServer) -> dict[str, str]:
    """This process's environment without MODE_* or PYTHONWARNINGS, plus the server's."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("MODE_") and k != "PYTHONWARNINGS"
    }
    return env | {
        "MODE_API_TOKEN": server.token,
        "MODE_API_SECRET": server.secret,
        "MODE_ACCOUNT": "acme",
        "MODE_BASE_URL": server.base_url,
    }


def at_once(
    *argvs: list[str], env: dict[str, str], cwd: Path | None = None
) -> list[subprocess.CompletedProcess[str]]:
    """Run each command line as a subprocess, all at once; their results in order."""
    processes: list[subprocess.Popen[str]] = []
    try:
        for argv in argvs:
            processes.append(
                subprocess.Popen(
                    argv,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                    cwd=cwd,
                )
            )
        results = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=60)
            results.append(
                subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
            )
        return results
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def cli_at_once(
    server: MockServer, *commands: tuple[str, ...]
) -> list[subprocess.CompletedProcess[str]]:
    """Each command line of mode-query-runs run against ``server``, all at once."""
    argvs = [[sys.executable, "-m", "mode_query_runs", *args] for args in commands]
    return at_once(*argvs, env=cli_env(server))


def cli(*args: str, server: MockServer) -> subprocess.CompletedProcess[str]:
    """The mode-query-runs command run as a subprocess against ``server``."""
    return cli_at_once(server, args)[0]


def drift_lines(messages: list[str]) -> str:
    """What the CLI prints on stderr for these drift warnings."""
    return "".join(f"mode-query-runs: spec drift: {m}\n" for m in messages)


_ATTRIBUTES = {"_links": "field_links", "_embedded": "field_embedded", "self": "self_"}


def attribute(key: str) -> str:
    """The generated attribute name of a JSON key (``_links`` -> ``field_links``)."""
    return _ATTRIBUTES.get(key, key)


def owner_at(model: Any, steps: tuple[str | int, ...]) -> Any:
    """The model reached from ``model`` by JSON keys (typed attributes) and indexes."""
    for step in steps:
        model = model[step] if isinstance(step, int) else getattr(model, attribute(step))
    return model


@dataclass(frozen=True)
class Kept:
    """Where a straying value must be: ``owner[key]`` is ``value``, its attribute UNSET.

    ``owner`` is the path from the model read (page or Query Run) to the owning model;
    ``missing`` means the value was absent and must not appear in additional_properties.
    """

    owner: tuple[str | int, ...]
    key: str
    value: Any = None
    missing: bool = False


def assert_kept(model: Any, kept: tuple[Kept, ...]) -> None:
    for place in kept:
        owner = owner_at(model, place.owner)
        assert getattr(owner, attribute(place.key), UNSET) is UNSET, place
        if place.missing:
            assert place.key not in owner.additional_properties, place
        else:
            assert place.key in owner.additional_properties, place
            assert owner.additional_properties[place.key] == place.value, place


# --- 1. what the spec now accepts: no warning, exact values, strict succeeds -------------


@dataclass(frozen=True)
class Accepted:
    body: dict[str, Any]
    tokens: list[str]


ACCEPTED_PAGES = {
    "pagination_total_count_null": Accepted(
        page(
            [query_run("1a2b3c4d5e6f"), query_run("3f4e5d6c7b8a")],
            pagination={"page": 1, "per_page": 100, "count": 2, "total_count": None},
        ),
        ["1a2b3c4d5e6f", "3f4e5d6c7b8a"],
    ),
    "relation_array_of_links": Accepted(
        page([query_run(_links=links(TOKEN, notifications=NOTIFICATIONS))]), [TOKEN]
    ),
    "swagger_embedded_null": Accepted(
        {"_links": {"self": {"href": LIST}}, "_embedded": None, "pagination": SWAGGER_PAGINATION},
        [],
    ),
    "swagger_embedded_absent": Accepted(
        {"_links": {"self": {"href": LIST}}, "pagination": SWAGGER_PAGINATION}, []
    ),
}
ACCEPTED_RUNS = {
    "relation_array_of_links": query_run(_links=links(TOKEN, notifications=NOTIFICATIONS)),
    "swagger_every_field_a_string": SWAGGER_RUN,
}


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """One server for the tables of cases: each case is Report Run ``ok-<name>`` (accepted)
    or ``<name>`` (strays), its Query Run ``TOKEN``; every test opens its own clients."""
    interactions = [
        *(recorded(listing_path(f"ok-{n}"), c.body) for n, c in ACCEPTED_PAGES.items()),
        *(recorded(query_run_path(f"ok-{n}"), body) for n, body in ACCEPTED_RUNS.items()),
        *(recorded(case.path(name), case.body) for name, case in STRAYS.items()),
    ]
    directory = tmp_path_factory.mktemp("cases")
    dump_cassette(interactions, directory / "cases.yaml")
    with MockServer(directory) as server:
        yield server


@pytest.mark.parametrize("name", ACCEPTED_PAGES)
def test_accepted_page_lists_without_warning(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case, run, server = ACCEPTED_PAGES[name], f"ok-{name}", cases
    with recording() as caught, client_of(server) as mode:
        runs = list(mode.list_query_runs(REPORT, run))
        read = mode.follow(listing_path(run))
    assert [run.token for run in runs] == case.tokens
    assert [to_wire(run) for run in runs] == (case.body.get("_embedded") or {}).get(
        "query_runs", []
    )
    assert isinstance(read, QueryRunCollection)
    assert to_wire(read) == case.body
    assert drift(caught) == []
    assert drift_logs(caplog) == []
    with recording() as caught, client_of(server, strict=True) as strict:
        assert [run.token for run in strict.list_query_runs(REPORT, run)] == case.tokens
    assert drift(caught) == []


@pytest.mark.parametrize("name", ACCEPTED_RUNS)
def test_accepted_query_run_gets_without_warning(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case = ACCEPTED_RUNS[name]
    with recording() as caught, client_of(cases) as mode:
        run = mode.get_query_run(REPORT, f"ok-{name}", TOKEN)
    with recording() as strict_caught, client_of(cases, strict=True) as strict:
        strict_run = strict.get_query_run(REPORT, f"ok-{name}", TOKEN)
    assert to_wire(run) == case
    assert to_wire(strict_run) == case
    assert run.additional_properties == {}
    assert drift(caught) == drift(strict_caught) == []
    assert drift_logs(caplog) == []


def test_null_pagination_figures_are_read_as_none(serve: Serve) -> None:
    server, _ = serve(recorded(LIST, ACCEPTED_PAGES["pagination_total_count_null"].body))
    with recording() as caught, client_of(server) as mode:
        read = mode.follow(LIST)
    assert isinstance(read, QueryRunCollection)
    figures = read.pagination
    assert isinstance(figures, Pagination)
    assert (figures.page, figures.per_page, figures.count, figures.total_count) == (1, 100, 2, None)
    assert (figures.total_pages, figures.first_page, figures.last_page) == (UNSET, UNSET, UNSET)
    assert figures.additional_properties == {}
    assert drift(caught) == []


def test_a_relation_that_is_an_array_of_links_is_typed(serve: Serve) -> None:
    _, mode = serve(recorded(ONE, ACCEPTED_RUNS["relation_array_of_links"]))
    with recording() as caught:
        run = mode.get_query_run(REPORT, RUN, TOKEN)
    assert isinstance(run.field_links, QueryRunLinks)
    assert run.field_links.additional_properties == {
        "notifications": [Link.from_dict(link) for link in NOTIFICATIONS]
    }
    assert relation_link(run, "self") == Link.from_dict({"href": ONE})
    with pytest.raises(ResponseParseError) as caught_error:
        relation_link(run, "notifications")
    assert str(caught_error.value) == (
        "the notifications relation of the response is an array of 2 links, not one"
    )
    assert drift(caught) == []


def test_swagger_shaped_server_gives_string_fields_and_an_empty_page(serve: Serve) -> None:
    _, mode = serve(
        recorded(LIST, ACCEPTED_PAGES["swagger_embedded_null"].body), recorded(ONE, SWAGGER_RUN)
    )
    with recording() as caught:
        read = mode.follow(LIST)
        run = mode.get_query_run(REPORT, RUN, TOKEN)
    assert isinstance(read, QueryRunCollection)
    assert read.field_embedded is None
    assert query_runs_of(read) == []
    figures = read.pagination
    assert isinstance(figures, Pagination)
    assert (figures.first_page, figures.last_page, figures.total_pages, figures.total_count) == (
        "1",
        "3",
        0,
        0,
    )
    assert (run.id, run.data_source_id, run.max_result_bytes, run.limit, run.parameters) == (
        "90205",
        "42",
        "104857600",
        "true",
        "{}",
    )
    assert run.dbt_metric_id == "7"
    assert run.additional_properties == {}
    assert drift(caught) == []


@pytest.mark.anyio
@pytest.mark.parametrize("name", ACCEPTED_PAGES)
async def test_async_accepted_page_lists_without_warning(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case, report_run = ACCEPTED_PAGES[name], f"ok-{name}"
    with recording() as caught:
        async with async_client_of(cases) as mode:
            runs = [run async for run in mode.list_query_runs(REPORT, report_run)]
            read = await mode.follow(listing_path(report_run))
        async with async_client_of(cases, strict=True) as strict:
            strict_runs = [run async for run in strict.list_query_runs(REPORT, report_run)]
    assert [run.token for run in runs] == [run.token for run in strict_runs] == case.tokens
    assert to_wire(read) == case.body
    assert drift(caught) == []
    assert drift_logs(caplog) == []


@pytest.mark.anyio
@pytest.mark.parametrize("name", ACCEPTED_RUNS)
async def test_async_accepted_query_run_gets_without_warning(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case = ACCEPTED_RUNS[name]
    with recording() as caught:
        async with async_client_of(cases) as mode:
            run = await mode.get_query_run(REPORT, f"ok-{name}", TOKEN)
        async with async_client_of(cases, strict=True) as strict:
            strict_run = await strict.get_query_run(REPORT, f"ok-{name}", TOKEN)
    assert to_wire(run) == to_wire(strict_run) == case
    assert drift(caught) == []
    assert drift_logs(caplog) == []


@pytest.mark.parametrize("name", ACCEPTED_PAGES)
def test_cli_list_json_of_accepted_page(cases: MockServer, name: str) -> None:
    case = ACCEPTED_PAGES[name]
    command = ("list", REPORT, f"ok-{name}", "--json")
    tolerant, strict = cli_at_once(cases, command, ("--strict", *command))
    runs = (case.body.get("_embedded") or {}).get("query_runs", [])
    for result in (tolerant, strict):
        assert (result.returncode, result.stderr) == (0, "")
        assert json.loads(result.stdout) == runs


@pytest.mark.parametrize("name", ACCEPTED_RUNS)
def test_cli_get_json_of_accepted_query_run(cases: MockServer, name: str) -> None:
    command = ("get", REPORT, f"ok-{name}", TOKEN, "--json")
    tolerant, strict = cli_at_once(cases, command, ("--strict", *command))
    for result in (tolerant, strict):
        assert (result.returncode, result.stderr) == (0, "")
        assert json.loads(result.stdout) == ACCEPTED_RUNS[name]


# --- 2. bodies that stray: kept, reported once, strict refuses ---------------------------


@dataclass(frozen=True)
class Stray:
    """A body that strays, what a tolerant read reports and keeps, what strict says."""

    body: Any
    warnings: list[str]
    strict: str
    kept: tuple[Kept, ...]
    tokens: list[Any] | None = None  # a listing's tokens (a get: None)

    @property
    def operation(self) -> str:
        return GET_OP if self.tokens is None else LIST_OP

    def path(self, run: str) -> str:
        """Where the body is served when its Report Run is ``run``."""
        return query_run_path(run) if self.tokens is None else listing_path(run)

    @property
    def runs(self) -> Any:
        """What ``list --json`` writes: the served runs (none when they are not an array)."""
        embedded = self.body.get("_embedded")
        found = embedded.get("query_runs") if isinstance(embedded, dict) else None
        return found if isinstance(found, list) else []


STRAY_PAGES: dict[str, Stray] = {
    "token_7_in_one_of_three_runs": Stray(
        page([query_run("1a2b3c4d5e6f"), query_run(7), query_run("c0d1e2f3a4b5")]),
        [
            f"{LIST_OP}: $._embedded.query_runs[1].token: the spec expects string,"
            f" found integer{KEPT}"
        ],
        "$._embedded.query_runs[1].token: the spec expects string, found integer",
        (Kept(("_embedded", "query_runs", 1), "token", 7),),
        ["1a2b3c4d5e6f", UNSET, "c0d1e2f3a4b5"],
    ),
    "pagination_a_string": Stray(
        page([query_run()], pagination="x"),
        [f"{LIST_OP}: $.pagination: the spec expects object, found string{KEPT}"],
        "$.pagination: the spec expects object, found string",
        (Kept((), "pagination", "x"),),
        [TOKEN],
    ),
    "a_run_with_links_null": Stray(
        page([query_run(), query_run("b4c5d6e7f8a9", _links=None)]),
        [f"{LIST_OP}: $._embedded.query_runs[1]._links: the spec expects object, found null{KEPT}"],
        "$._embedded.query_runs[1]._links: the spec expects object, found null",
        (Kept(("_embedded", "query_runs", 1), "_links", None),),
        [TOKEN, "b4c5d6e7f8a9"],
    ),
    "relation_notifications_5": Stray(
        page([query_run(_links=links(TOKEN, notifications=5))]),
        [
            f"{LIST_OP}: $._embedded.query_runs[0]._links.notifications: the spec expects"
            f" object or array, found integer{KEPT}"
        ],
        "$._embedded.query_runs[0]._links.notifications: the spec expects object or array,"
        " found integer",
        (Kept(("_embedded", "query_runs", 0, "_links"), "notifications", 5),),
        [TOKEN],
    ),
    "completed_at_5": Stray(
        page([query_run(completed_at=5)]),
        [
            f"{LIST_OP}: $._embedded.query_runs[0].completed_at: the spec expects string or"
            f" null, found integer{KEPT}"
        ],
        "$._embedded.query_runs[0].completed_at: the spec expects string or null, found integer",
        (Kept(("_embedded", "query_runs", 0), "completed_at", 5),),
        [TOKEN],
    ),
    "query_runs_null": Stray(
        {"_links": {"self": {"href": LIST}}, "_embedded": {"query_runs": None}},
        [f"{LIST_OP}: $._embedded.query_runs: the spec expects array, found null{KEPT}"],
        "$._embedded.query_runs: the spec expects array, found null",
        (Kept(("_embedded",), "query_runs", None),),
        [],
    ),
    "embedded_a_string": Stray(
        {"_links": {"self": {"href": LIST}}, "_embedded": "x"},
        [f"{LIST_OP}: $._embedded: the spec expects object or null, found string{KEPT}"],
        "$._embedded: the spec expects object or null, found string",
        (Kept((), "_embedded", "x"),),
        [],
    ),
    "page_self_missing": Stray(
        {"_links": {}, "_embedded": {"query_runs": [query_run()]}},
        [f"{LIST_OP}: $._links.self: the spec expects present, found missing"],
        "$._links.self: the spec expects present, found missing",
        (Kept(("_links",), "self", missing=True),),
        [TOKEN],
    ),
    "five_problems_at_once": Stray(
        page(
            [
                query_run("1a2b3c4d5e6f"),
                query_run(7),
                query_run(
                    "c0d1e2f3a4b5",
                    completed_at=5,
                    _links=links("c0d1e2f3a4b5", notifications=5),
                ),
                query_run("d4e5f6a7b8c9", _links=None),
            ],
            pagination="x",
        ),
        [
            f"{LIST_OP}: $._embedded.query_runs[1].token: the spec expects string,"
            f" found integer{KEPT}",
            f"{LIST_OP}: $._embedded.query_runs[2]._links.notifications: the spec expects"
            f" object or array, found integer{KEPT}",
            f"{LIST_OP}: $._embedded.query_runs[2].completed_at: the spec expects string or"
            f" null, found integer{KEPT}",
            f"{LIST_OP}: $._embedded.query_runs[3]._links: the spec expects object,"
            f" found null{KEPT}",
            f"{LIST_OP}: $.pagination: the spec expects object, found string{KEPT}",
        ],
        "$._embedded.query_runs[1].token: the spec expects string, found integer (and 4 more)",
        (
            Kept(("_embedded", "query_runs", 1), "token", 7),
            Kept(("_embedded", "query_runs", 2, "_links"), "notifications", 5),
            Kept(("_embedded", "query_runs", 2), "completed_at", 5),
            Kept(("_embedded", "query_runs", 3), "_links", None),
            Kept((), "pagination", "x"),
        ),
        ["1a2b3c4d5e6f", UNSET, "c0d1e2f3a4b5", "d4e5f6a7b8c9"],
    ),
}

STRAY_RUNS: dict[str, Stray] = {
    "token_7": Stray(
        query_run(7),
        [f"{GET_OP}: $.token: the spec expects string, found integer{KEPT}"],
        "$.token: the spec expects string, found integer",
        (Kept((), "token", 7),),
    ),
    "links_null": Stray(
        query_run(_links=None),
        [f"{GET_OP}: $._links: the spec expects object, found null{KEPT}"],
        "$._links: the spec expects object, found null",
        (Kept((), "_links", None),),
    ),
    "relation_notifications_5": Stray(
        query_run(_links=links(TOKEN, notifications=5)),
        [
            f"{GET_OP}: $._links.notifications: the spec expects object or array,"
            f" found integer{KEPT}"
        ],
        "$._links.notifications: the spec expects object or array, found integer",
        (Kept(("_links",), "notifications", 5),),
    ),
    "completed_at_5": Stray(
        query_run(completed_at=5),
        [f"{GET_OP}: $.completed_at: the spec expects string or null, found integer{KEPT}"],
        "$.completed_at: the spec expects string or null, found integer",
        (Kept((), "completed_at", 5),),
    ),
    "self_href_7": Stray(
        query_run(_links={"self": {"href": 7}}),
        [f"{GET_OP}: $._links.self.href: the spec expects string, found integer{KEPT}"],
        "$._links.self.href: the spec expects string, found integer",
        (Kept(("_links", "self"), "href", 7),),
    ),
    "self_missing": Stray(
        query_run(_links={"result": {"href": f"{ONE}/results"}}),
        [f"{GET_OP}: $._links.self: the spec expects present, found missing"],
        "$._links.self: the spec expects present, found missing",
        (Kept(("_links",), "self", missing=True),),
    ),
    "four_problems_at_once": Stray(
        query_run(7, id=None, completed_at=5, _links=links("7", notifications=5)),
        [
            f"{GET_OP}: $._links.notifications: the spec expects object or array,"
            f" found integer{KEPT}",
            f"{GET_OP}: $.completed_at: the spec expects string or null, found integer{KEPT}",
            f"{GET_OP}: $.id: the spec expects integer or string, found null{KEPT}",
            f"{GET_OP}: $.token: the spec expects string, found integer{KEPT}",
        ],
        "$._links.notifications: the spec expects object or array, found integer (and 3 more)",
        (
            Kept(("_links",), "notifications", 5),
            Kept((), "completed_at", 5),
            Kept((), "id", None),
            Kept((), "token", 7),
        ),
    ),
}
STRAYS = {**{f"list-{k}": v for k, v in STRAY_PAGES.items()}, **STRAY_RUNS}
"""Every case by the Report Run it is served as (``list-<name>`` for a page)."""


def strict_message(case: Stray, server: MockServer, run: str) -> str:
    """What a strict client says of the case served as Report Run ``run``."""
    return (
        f"HTTP 200 response does not match the spec's {case.operation} schema: {case.strict}"
        f" (GET {server.url}{case.path(run)})"
    )


@pytest.mark.parametrize("name", STRAY_PAGES)
def test_stray_page_is_listed_kept_and_reported_once(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case, run = STRAY_PAGES[name], f"list-{name}"
    with recording() as caught, client_of(cases) as mode:
        runs = list(mode.list_query_runs(REPORT, run))
        read = mode.follow(listing_path(run))  # the same page again: nothing new to report
        again = list(mode.list_query_runs(REPORT, run))
    assert [run.token for run in runs] == case.tokens
    assert [to_wire(run) for run in runs] == [to_wire(run) for run in again] == case.runs
    assert isinstance(read, QueryRunCollection)
    assert to_wire(read) == case.body
    assert_kept(read, case.kept)
    assert drift(caught) == case.warnings
    assert drift_logs(caplog) == logged(case.warnings)


@pytest.mark.parametrize("name", STRAY_RUNS)
def test_stray_query_run_is_kept_and_reported_once(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case = STRAY_RUNS[name]
    with recording() as caught, client_of(cases) as mode:
        run = mode.get_query_run(REPORT, name, TOKEN)
        again = mode.follow(query_run_path(name))
    assert isinstance(again, QueryRun)
    assert to_wire(run) == to_wire(again) == case.body
    assert_kept(run, case.kept)
    assert drift(caught) == case.warnings
    assert drift_logs(caplog) == logged(case.warnings)


@pytest.mark.parametrize("name", STRAYS)
def test_strict_client_refuses_a_stray_body_naming_the_first_path(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case = STRAYS[name]
    with client_of(cases, strict=True) as mode:
        assert mode.strict is True
        with recording() as caught, pytest.raises(ResponseParseError) as error:
            if case.tokens is None:
                mode.get_query_run(REPORT, name, TOKEN)
            else:
                list(mode.list_query_runs(REPORT, name))
    assert str(error.value) == strict_message(case, cases, name)
    assert (error.value.status, error.value.method, error.value.url) == (
        200,
        "GET",
        f"{cases.url}{case.path(name)}",
    )
    assert drift(caught) == []
    assert drift_logs(caplog) == []


def test_straying_token_run_is_still_listed_with_its_value_kept(serve: Serve) -> None:
    case = STRAY_PAGES["token_7_in_one_of_three_runs"]
    _, mode = serve(recorded(LIST, case.body))
    with recording():
        runs = list(mode.list_query_runs(REPORT, RUN))
    assert len(runs) == 3
    assert isinstance(runs[1].token, Unset)
    assert runs[1]["token"] == 7
    assert runs[1].additional_properties == {"token": 7}
    assert (runs[1].id, runs[1].state, runs[1].limit) == (90205, "succeeded", True)
    assert relation_link(runs[1], "self") == Link.from_dict({"href": f"{LIST}/7"})


def test_query_run_with_links_null_keeps_null_and_has_no_relations(serve: Serve) -> None:
    _, mode = serve(recorded(ONE, STRAY_RUNS["links_null"].body))
    with recording():
        run = mode.get_query_run(REPORT, RUN, TOKEN)
    assert isinstance(run.field_links, Unset)
    assert run.additional_properties == {"_links": None}
    assert relation_link(run, "self") is None
    assert run.token == TOKEN


def test_from_env_strict_refuses_and_default_keeps(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = STRAY_RUNS["completed_at_5"]
    server, _ = serve(recorded(ONE, case.body))
    monkeypatch.setenv("MODE_API_TOKEN", server.token)
    monkeypatch.setenv("MODE_API_SECRET", server.secret)
    monkeypatch.setenv("MODE_ACCOUNT", "acme")
    monkeypatch.setenv("MODE_BASE_URL", server.base_url)
    with ModeClient.from_env(strict=True) as strict, pytest.raises(ResponseParseError) as error:
        strict.get_query_run(REPORT, RUN, TOKEN)
    assert str(error.value) == strict_message(case, server, RUN)
    with recording() as caught, ModeClient.from_env() as mode:
        assert mode.strict is False
        assert mode.get_query_run(REPORT, RUN, TOKEN)["completed_at"] == 5
    assert drift(caught) == case.warnings


@pytest.mark.anyio
@pytest.mark.parametrize("name", STRAY_PAGES)
async def test_async_stray_page_is_listed_kept_and_reported_once(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case, report_run = STRAY_PAGES[name], f"list-{name}"
    with recording() as caught:
        async with async_client_of(cases) as mode:
            runs = [run async for run in mode.list_query_runs(REPORT, report_run)]
            read = await mode.follow(listing_path(report_run))
    assert [run.token for run in runs] == case.tokens
    assert [to_wire(run) for run in runs] == case.runs
    assert to_wire(read) == case.body
    assert_kept(read, case.kept)
    assert drift(caught) == case.warnings
    assert drift_logs(caplog) == logged(case.warnings)


@pytest.mark.anyio
@pytest.mark.parametrize("name", STRAY_RUNS)
async def test_async_stray_query_run_is_kept_and_reported_once(
    cases: MockServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case = STRAY_RUNS[name]
    with recording() as caught:
        async with async_client_of(cases) as mode:
            run = await mode.get_query_run(REPORT, name, TOKEN)
            again = await mode.get_query_run(REPORT, name, TOKEN)
    assert to_wire(run) == to_wire(again) == case.body
    assert_kept(run, case.kept)
    assert drift(caught) == case.warnings
    assert drift_logs(caplog) == logged(case.warnings)


@pytest.mark.anyio
@pytest.mark.parametrize("name", STRAYS)
async def test_async_strict_client_refuses_a_stray_body(cases: MockServer, name: str) -> None:
    case = STRAYS[name]
    with recording() as caught, pytest.raises(ResponseParseError) as error:
        async with async_client_of(cases, strict=True) as mode:
            assert mode.strict is True
            if case.tokens is None:
                await mode.get_query_run(REPORT, name, TOKEN)
            else:
                [run async for run in mode.list_query_runs(REPORT, name)]
    assert str(error.value) == strict_message(case, cases, name)
    assert drift(caught) == []


@pytest.mark.parametrize("name", STRAYS)
def test_cli_keeps_a_stray_body_and_strict_refuses_it(cases: MockServer, name: str) -> None:
    case = STRAYS[name]
    if case.tokens is None:
        command: tuple[str, ...] = ("get", REPORT, name, TOKEN, "--json")
        expected = case.body
    else:
        command = ("list", REPORT, name, "--json")
        expected = case.runs
    tolerant, strict = cli_at_once(cases, command, ("--strict", *command))
    assert tolerant.returncode == 0, tolerant.stderr
    assert json.loads(tolerant.stdout) == expected
    assert tolerant.stderr == drift_lines(case.warnings)
    assert (strict.returncode, strict.stdout) == (1, "")
    assert strict.stderr == f"mode-query-runs: error: {strict_message(case, cases, name)}\n"


def test_cli_table_of_a_stray_page_shows_the_kept_values(serve: Serve) -> None:
    server, _ = serve(recorded(LIST, STRAY_PAGES["token_7_in_one_of_three_runs"].body))
    result = cli("list", REPORT, RUN, server=server)
    assert result.returncode == 0, result.stderr
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [
        ["TOKEN", "STATE"],
        ["1a2b3c4d5e6f", "succeeded"],
        ["7", "succeeded"],
        ["c0d1e2f3a4b5", "succeeded"],
    ]
    assert result.stderr == drift_lines(STRAY_PAGES["token_7_in_one_of_three_runs"].warnings)


# --- 3. once per client ------------------------------------------------------------------

MANY = 1000
HALF_BYTES = (
    f"{LIST_OP}: $._embedded.query_runs[0].max_result_bytes: the spec expects integer or"
    f" string, found number{KEPT}"
)


def many_runs(prefix: str) -> list[dict[str, Any]]:
    return [query_run(f"{prefix}{n:05d}", max_result_bytes=1.5) for n in range(MANY)]


def test_a_thousand_runs_straying_alike_warn_once_per_client(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    body = page(many_runs("r"))
    server, _ = serve(recorded(LIST, body))
    with recording() as first_caught, client_of(server) as first:
        runs = list(first.list_query_runs(REPORT, RUN))
        list(first.list_query_runs(REPORT, RUN))
    assert len(runs) == MANY
    assert all(run.max_result_bytes is UNSET and run["max_result_bytes"] == 1.5 for run in runs)
    assert [to_wire(run) for run in runs] == body["_embedded"]["query_runs"]
    assert drift(first_caught) == [HALF_BYTES]
    assert drift_logs(caplog) == logged([HALF_BYTES])
    caplog.clear()
    with recording() as second_caught, client_of(server) as second:
        assert len(list(second.list_query_runs(REPORT, RUN))) == MANY
    assert drift(second_caught) == [HALF_BYTES]
    assert drift_logs(caplog) == logged([HALF_BYTES])
    with client_of(server, strict=True) as strict, pytest.raises(ResponseParseError) as error:
        list(strict.list_query_runs(REPORT, RUN))
    assert str(error.value) == (
        f"HTTP 200 response does not match the spec's {LIST_OP} schema:"
        " $._embedded.query_runs[0].max_result_bytes: the spec expects integer or string,"
        f" found number (and {MANY - 1} more) (GET {server.url}{LIST})"
    )


def test_two_pages_of_one_listing_straying_alike_warn_once(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    second_href = f"{LIST}?page=2"
    first_page = page(many_runs("a"))
    first_page["_links"]["next_page"] = {"href": second_href}
    second_page = page(many_runs("b"), self_href=second_href)
    server, mode = serve(recorded(LIST, first_page), recorded(second_href, second_page))
    with recording() as caught:
        runs = list(mode.list_query_runs(REPORT, RUN))
    assert [run["max_result_bytes"] for run in runs] == [1.5] * (2 * MANY)
    assert [to_wire(run) for run in runs] == (
        first_page["_embedded"]["query_runs"] + second_page["_embedded"]["query_runs"]
    )
    assert server.requests == [("GET", LIST), ("GET", second_href)]
    assert drift(caught) == [HALF_BYTES]
    assert drift_logs(caplog) == logged([HALF_BYTES])


def test_strict_listing_fails_at_the_straying_second_page(serve: Serve) -> None:
    second_href = f"{LIST}?page=2"
    first_page = page([query_run("1a2b3c4d5e6f")])
    first_page["_links"]["next_page"] = {"href": second_href}
    second_page = page([query_run(7)], self_href=second_href)
    server, mode = serve(
        recorded(LIST, first_page), recorded(second_href, second_page), strict=True
    )
    runs = mode.list_query_runs(REPORT, RUN)
    assert next(runs).token == "1a2b3c4d5e6f"
    with pytest.raises(ResponseParseError) as error:
        next(runs)
    assert str(error.value) == (
        f"HTTP 200 response does not match the spec's {LIST_OP} schema:"
        " $._embedded.query_runs[0].token: the spec expects string, found integer"
        f" (GET {server.url}{second_href})"
    )


@pytest.mark.anyio
async def test_async_clients_warn_once_each(serve: Serve) -> None:
    server, _ = serve(recorded(LIST, page(many_runs("r"))))
    with recording() as caught:
        async with async_client_of(server) as first:
            for _ in range(2):
                assert len([run async for run in first.list_query_runs(REPORT, RUN)]) == MANY
        async with async_client_of(server) as second:
            assert len([run async for run in second.list_query_runs(REPORT, RUN)]) == MANY
    assert drift(caught) == [HALF_BYTES, HALF_BYTES]


def test_the_same_stray_in_two_operations_is_reported_for_each(serve: Serve) -> None:
    _, mode = serve(
        recorded(LIST, page([query_run(completed_at=5)])), recorded(ONE, query_run(completed_at=5))
    )
    with recording() as caught:
        list(mode.list_query_runs(REPORT, RUN))
        mode.get_query_run(REPORT, RUN, TOKEN)
        list(mode.list_query_runs(REPORT, RUN))
        mode.get_query_run(REPORT, RUN, TOKEN)
    assert drift(caught) == [
        STRAY_PAGES["completed_at_5"].warnings[0],
        STRAY_RUNS["completed_at_5"].warnings[0],
    ]


def test_the_first_straying_run_in_document_order_is_named(serve: Serve) -> None:
    runs = [
        query_run(f"r{n}", **({"max_result_bytes": 1.5} if n in (2, 10) else {})) for n in range(12)
    ]
    server, mode = serve(recorded(LIST, page(runs)))
    first = "$._embedded.query_runs[2].max_result_bytes"
    with recording() as caught:
        list(mode.list_query_runs(REPORT, RUN))
    with client_of(server, strict=True) as strict, pytest.raises(ResponseParseError) as error:
        list(strict.list_query_runs(REPORT, RUN))
    assert (drift(caught), error.value.message.split(": ")[1]) == (
        [HALF_BYTES.replace("$._embedded.query_runs[0].max_result_bytes", first)],
        first,
    )


# --- 4. what no reader can read, tolerant or not -----------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "content_type", "problem"),
    [
        (ONE, "Service temporarily unavailable", "text/plain", None),
        (LIST, '{"_links": {"self"', "application/hal+json", None),
        (ONE, [query_run()], "application/hal+json", "$: the spec expects object, found array"),
        (LIST, [page([])], "application/hal+json", "$: the spec expects object, found array"),
        (ONE, "null", "application/hal+json", "$: the spec expects object, found null"),
        (
            LIST,
            page({"0": query_run()}),
            "application/hal+json",
            "$._embedded.query_runs: the spec expects array, found object",
        ),
        (
            LIST,
            page("runs"),
            "application/hal+json",
            "$._embedded.query_runs: the spec expects array, found string",
        ),
        (
            LIST,
            page([query_run(), "1a2b3c4d5e6f"]),
            "application/hal+json",
            "$._embedded.query_runs[1]: the spec expects object, found string",
        ),
        (
            LIST,
            page([None, query_run(), ["x"]], pagination="x"),
            "application/hal+json",
            "$._embedded.query_runs[0]: the spec expects object, found null (and 1 more)",
        ),
    ],
    ids=[
        "not_json",
        "truncated_json",
        "run_array",
        "page_array",
        "run_null",
        "query_runs_object",
        "query_runs_string",
        "query_run_a_string",
        "query_runs_null_and_array_items",
    ],
)
@pytest.mark.parametrize("strict", [False, True], ids=["tolerant", "strict"])
def test_unreadable_body_fails_in_both_modes(
    serve: Serve,
    caplog: pytest.LogCaptureFixture,
    path: str,
    body: Any,
    content_type: str,
    problem: str | None,
    strict: bool,
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    server, mode = serve(recorded(path, body, content_type=content_type), strict=strict)
    with recording() as caught, pytest.raises(ResponseParseError) as error:
        if path == ONE:
            mode.get_query_run(REPORT, RUN, TOKEN)
        else:
            list(mode.list_query_runs(REPORT, RUN))
    operation = GET_OP if path == ONE else LIST_OP
    if problem is None:
        text = body if isinstance(body, str) else json.dumps(body)
        detail = f"response is not JSON ({content_type}); body starts {text!r}"
    else:
        detail = f"response does not match the spec's {operation} schema: {problem}"
    assert str(error.value) == f"HTTP 200 {detail} (GET {server.url}{path})"
    assert drift(caught) == []
    assert drift_logs(caplog) == []


@pytest.mark.anyio
async def test_async_unreadable_item_fails_tolerant(serve: Serve) -> None:
    server, _ = serve(recorded(LIST, page([query_run(), 7])))
    with recording() as caught, pytest.raises(ResponseParseError) as error:
        async with async_client_of(server) as mode:
            [run async for run in mode.list_query_runs(REPORT, RUN)]
    assert str(error.value) == (
        f"HTTP 200 response does not match the spec's {LIST_OP} schema:"
        f" $._embedded.query_runs[1]: the spec expects object, found integer"
        f" (GET {server.url}{LIST})"
    )
    assert drift(caught) == []


TWO_NEXT_PAGES = page(
    [query_run("1a2b3c4d5e6f"), query_run("3f4e5d6c7b8a")],
    _links={
        "self": {"href": LIST},
        "next_page": [{"href": f"{LIST}?page=2"}, {"href": f"{LIST}?page=3"}],
    },
)
TWO_NEXT_PAGES_ERROR = "the next_page relation of the response is an array of 2 links, not one"


def test_next_page_of_two_links_fails_after_the_first_page(serve: Serve) -> None:
    server, mode = serve(recorded(LIST, TWO_NEXT_PAGES))
    with recording() as caught:
        runs = mode.list_query_runs(REPORT, RUN)
        assert [next(runs).token, next(runs).token] == ["1a2b3c4d5e6f", "3f4e5d6c7b8a"]
        with pytest.raises(ResponseParseError) as error:
            next(runs)
    assert str(error.value) == TWO_NEXT_PAGES_ERROR
    assert server.requests == [("GET", LIST)]
    assert drift(caught) == []


@pytest.mark.anyio
async def test_async_next_page_of_two_links_fails_after_the_first_page(serve: Serve) -> None:
    server, _ = serve(recorded(LIST, TWO_NEXT_PAGES))
    tokens: list[Any] = []
    with recording() as caught, pytest.raises(ResponseParseError) as error:
        async with async_client_of(server) as mode:
            async for run in mode.list_query_runs(REPORT, RUN):
                tokens.append(run.token)
    assert tokens == ["1a2b3c4d5e6f", "3f4e5d6c7b8a"]
    assert str(error.value) == TWO_NEXT_PAGES_ERROR
    assert drift(caught) == []


@pytest.mark.parametrize(
    ("next_page", "found"),
    [
        (5, ": the spec expects object or array, found integer"),
        # [null] was read as "no next_page" (found by the contract run's Hypothesis search)
        ([None], "[0]: the spec expects object, found null"),
    ],
    ids=["an_integer", "an_array_of_one_null"],
)
def test_next_page_that_is_not_a_link_is_reported_then_fails(
    serve: Serve, next_page: Any, found: str
) -> None:
    body = page([query_run()], _links={"self": {"href": LIST}, "next_page": next_page})
    _, mode = serve(recorded(LIST, body))
    with recording() as caught:
        runs = mode.list_query_runs(REPORT, RUN)
        assert next(runs).token == TOKEN
        with pytest.raises(ResponseParseError) as error:
            next(runs)
    assert str(error.value) == (
        "the next_page relation of the response is not a link with a string href"
    )
    assert drift(caught) == [f"{LIST_OP}: $._links.next_page{found}{KEPT}"]


def test_cli_list_with_two_next_pages_fails_in_one_line(serve: Serve) -> None:
    server, _ = serve(recorded(LIST, TWO_NEXT_PAGES))
    result = cli("list", REPORT, RUN, "--json", server=server)
    assert result.returncode == 1
    # list writes each page as it arrives: the first page's runs, in an array left open.
    written = json.loads(result.stdout + "\n]")
    assert [run["token"] for run in written] == ["1a2b3c4d5e6f", "3f4e5d6c7b8a"]
    assert result.stderr == f"mode-query-runs: error: {TWO_NEXT_PAGES_ERROR}\n"


BROKEN_SELF = {
    "self_an_integer": (
        {"self": 5},
        "the self relation of the response is not a link with a string href",
        [f"{GET_OP}: $._links.self: the spec expects object or array, found integer{KEPT}"],
    ),
    "self_href_an_integer": (
        {"self": {"href": 7}},
        "the self relation of the response is not a link with a string href",
        [f"{GET_OP}: $._links.self.href: the spec expects string, found integer{KEPT}"],
    ),
    "self_two_links": (
        {"self": [{"href": ONE}, {"href": f"{ONE}?again"}]},
        "the self relation of the response is an array of 2 links, not one",
        [],
    ),
    "self_missing": (
        {"result": {"href": f"{ONE}/results"}},
        "the Query Run has no self link to poll",
        [f"{GET_OP}: $._links.self: the spec expects present, found missing"],
    ),
    "links_null": (
        None,
        "the Query Run has no self link to poll",
        [f"{GET_OP}: $._links: the spec expects object, found null{KEPT}"],
    ),
}


@pytest.mark.parametrize(
    ("run_links", "message", "reported"), BROKEN_SELF.values(), ids=BROKEN_SELF.keys()
)
def test_waiting_on_a_run_without_one_self_link_fails(
    serve: Serve, run_links: Any, message: str, reported: list[str]
) -> None:
    body = query_run(state="running", completed_at=None, _links=run_links)
    server, mode = serve(recorded(ONE, body))
    with recording() as caught:
        run = mode.get_query_run(REPORT, RUN, TOKEN)
        assert to_wire(run) == body
        with pytest.raises(ResponseParseError) as error:
            mode.wait_for_completion(run, timeout=5, poll_interval=0.01)
    assert str(error.value) == message
    assert server.requests == [("GET", ONE)]
    assert drift(caught) == reported


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("run_links", "message", "reported"), BROKEN_SELF.values(), ids=BROKEN_SELF.keys()
)
async def test_async_waiting_on_a_run_without_one_self_link_fails(
    serve: Serve, run_links: Any, message: str, reported: list[str]
) -> None:
    body = query_run(state="running", completed_at=None, _links=run_links)
    server, _ = serve(recorded(ONE, body))
    with recording() as caught, pytest.raises(ResponseParseError) as error:
        async with async_client_of(server) as mode:
            run = await mode.get_query_run(REPORT, RUN, TOKEN)
            await mode.wait_for_completion(run, timeout=5, poll_interval=0.01)
    assert str(error.value) == message
    assert server.requests == [("GET", ONE)]
    assert drift(caught) == reported


TWO_RESULTS = query_run(
    _links={
        "self": {"href": ONE},
        "result": [{"href": f"{ONE}/results"}, {"href": f"{ONE}/results-again"}],
    }
)
TWO_RESULTS_ERROR = "the result relation of the response is an array of 2 links, not one"


def test_download_of_a_run_with_two_result_links_fails(serve: Serve, tmp_path: Path) -> None:
    server, mode = serve(recorded(ONE, TWO_RESULTS))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    target = downloads / "result.csv"
    with recording() as caught:
        run = mode.get_query_run(REPORT, RUN, TOKEN)
        with pytest.raises(ResponseParseError) as error:
            mode.download_result(run, target)
        with pytest.raises(ResponseParseError) as rows_error:
            mode.iter_result_rows(run)
    assert str(error.value) == str(rows_error.value) == TWO_RESULTS_ERROR
    assert server.requests == [("GET", ONE)]
    assert list(downloads.iterdir()) == []
    assert drift(caught) == []


@pytest.mark.anyio
async def test_async_download_of_a_run_with_two_result_links_fails(
    serve: Serve, tmp_path: Path
) -> None:
    server, _ = serve(recorded(ONE, TWO_RESULTS))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with pytest.raises(ResponseParseError) as error:
        async with async_client_of(server) as mode:
            run = await mode.get_query_run(REPORT, RUN, TOKEN)
            await mode.download_result(run, downloads / "result.json", format="json")
    assert str(error.value) == TWO_RESULTS_ERROR
    assert server.requests == [("GET", ONE)]
    assert list(downloads.iterdir()) == []


# --- 5. SpecDriftWarning as an error -----------------------------------------------------


def test_error_filter_turns_drift_into_a_raised_warning(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="mode_query_runs")
    case = STRAY_RUNS["token_7"]
    _, mode = serve(recorded(ONE, case.body))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SpecDriftWarning)
        with pytest.raises(SpecDriftWarning) as error:
            mode.get_query_run(REPORT, RUN, TOKEN)
    assert type(error.value) is SpecDriftWarning
    assert str(error.value) == case.warnings[0]
    assert drift_logs(caplog) == logged(case.warnings)


@pytest.mark.anyio
async def test_async_error_filter_turns_drift_into_a_raised_warning(serve: Serve) -> None:
    case = STRAY_PAGES["pagination_a_string"]
    server, _ = serve(recorded(LIST, case.body))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SpecDriftWarning)
        with pytest.raises(SpecDriftWarning) as error:
            async with async_client_of(server) as mode:
                [run async for run in mode.list_query_runs(REPORT, RUN)]
    assert str(error.value) == case.warnings[0]


def test_error_filter_fails_every_straying_response(serve: Serve) -> None:
    case = STRAY_RUNS["token_7"]
    _, mode = serve(recorded(ONE, case.body))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SpecDriftWarning)
        with pytest.raises(SpecDriftWarning):
            mode.get_query_run(REPORT, RUN, TOKEN)
        with pytest.raises(SpecDriftWarning):  # the same body again
            mode.get_query_run(REPORT, RUN, TOKEN)


GET_ONE_SCRIPT = f"""
from mode_query_runs import ModeClient

def test_get():
    with ModeClient.from_env() as mode:
        mode.get_query_run({REPORT!r}, {RUN!r}, {TOKEN!r})
"""


def test_pytest_dash_w_error_option_makes_drift_fatal(serve: Serve, tmp_path: Path) -> None:
    """As the README says: under pytest, ``-W error::mode_query_runs.SpecDriftWarning``."""
    server, _ = serve(recorded(ONE, STRAY_RUNS["token_7"].body))
    (tmp_path / "test_drift.py").write_text(GET_ONE_SCRIPT)

    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=native"]
    [result] = at_once(
        [*command, "-W", "error::mode_query_runs.SpecDriftWarning", "test_drift.py"],
        env=cli_env(server),
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout
    assert (
        f"mode_query_runs.drift.SpecDriftWarning: {STRAY_RUNS['token_7'].warnings[0]}"
        in result.stdout.splitlines()
    )


def test_the_warning_points_at_the_callers_line(serve: Serve) -> None:
    _server, mode = serve(recorded(ONE, STRAY_RUNS["token_7"].body))
    with recording() as caught:
        mode.get_query_run(REPORT, RUN, TOKEN)
    assert [(Path(w.filename).name, w.category) for w in caught] == [
        ("test_tolerant_reader.py", SpecDriftWarning)
    ]
