"""Recording: record from a loopback upstream, scrub, replay, and get the same Query Runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mode_query_runs.cli.record import DEFAULT_AS_ACCOUNT
from mode_query_runs.engine import Session
from mode_query_runs.retries import RetryPolicy
from mode_query_runs.spec import match_operation
from mode_query_runs.testing.cassette import Interaction, dump_cassette, load_cassette
from mode_query_runs.testing.recorder import fetch_report_run, record_report_run
from mode_query_runs.testing.schema_check import schema_problems
from mode_query_runs.testing.scrub import SQL_PLACEHOLDER, Scrubber
from mode_query_runs.testing.server import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN, MockServer
from scripted import Scripted, ScriptedServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT, spec_typed

# The upstream's known data: a real-looking account with people in it.
ACCOUNT = "northwind-labs"
RUN = "f9e8d7c6b5a4"
TOKENS = ["aa11bb22cc33", "dd44ee55ff66", "0a9b8c7d6e5f"]
SECRETS_AND_NAMES = [
    ACCOUNT,
    "jane.doe@northwind.example",
    "bob.smith@northwind.example",
    "northwind.example",
    "jane_doe",
    "bsmith",
    DEMO_SECRET,
    DEMO_TOKEN,
    "_mode_session",
    "x-request-id",
    "authorization",
    "cookie",
    "date:",
]


def run_path(account: str = ACCOUNT) -> str:
    return f"/api/{account}/reports/{REPORT}/runs/{RUN}"


def query_run(token: str, user: str, **fields: Any) -> dict[str, Any]:
    self_path = f"{run_path()}/query_runs/{token}"
    body = {
        "id": 500 + TOKENS.index(token),
        "token": token,
        "state": fields.pop("state", "succeeded"),
        "created_at": "2026-10-02T08:00:01.250Z",
        "completed_at": "2026-10-02T08:00:03.500Z",
        "data_source_id": 7,
        "limit": True,
        "query_token": "f0e1d2c3b4a5",
        "query_name": fields.pop("query_name", "Orders"),
        "parameters": fields.pop("parameters", {}),
        "raw_source": fields.pop("raw_source", "SELECT 1"),
        "rendered_source": fields.pop("rendered_source", None),
        "error_message": fields.pop("error_message", None),
        "statement_annotation": fields.pop("statement_annotation", None),
        "_links": {
            "self": {"href": self_path, "templated": False},
            "report_run": {"href": run_path(), "templated": False},
            "report_run_web": {
                "href": f"https://app.mode.com/{ACCOUNT}/reports/{REPORT}/runs/{RUN}",
                "templated": False,
            },
            "executed_by": {"href": f"/api/{ACCOUNT}/users/{user}", "templated": False},
        },
        "_embedded": {},
    }
    return spec_typed(body)


RUNS = [
    query_run(
        TOKENS[0],
        "jane_doe",
        parameters={"owner": "jane.doe@northwind.example"},
        raw_source="-- Northwind-Labs orders\nSELECT * FROM northwind_labs.orders",
        rendered_source="-- Northwind-Labs orders\nSELECT * FROM northwind_labs.orders",
    ),
    query_run(TOKENS[1], "bsmith", statement_annotation=f"token {DEMO_TOKEN}"),
    query_run(
        TOKENS[2],
        "jane_doe",
        state="failed",
        error_message=f"permission denied for bob.smith@northwind.example ({DEMO_SECRET})",
    ),
]


def page(runs: list[dict[str, Any]], query: str, next_query: str | None) -> dict[str, Any]:
    links: dict[str, Any] = {"self": {"href": f"{run_path()}/query_runs{query}"}}
    if next_query is not None:
        links["next_page"] = {"href": f"{run_path()}/query_runs{next_query}"}
    return {"_links": links, "_embedded": {"query_runs": runs}}


def upstream_interaction(path: str, body: Any) -> Interaction:
    return Interaction(
        method="GET",
        uri=f"https://app.mode.com{path}",
        status=200,
        reason="OK",
        headers={
            "Content-Type": ["application/hal+json; charset=utf-8"],
            "Set-Cookie": [f"_mode_session={ACCOUNT}-1f2e; path=/; HttpOnly"],
            "X-Request-Id": ["7c0ffee0"],
            "Cache-Control": ["max-age=0, private, must-revalidate"],
        },
        body=json.dumps(body, separators=(",", ":")),
    )


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """A loopback 'Mode' with the known data: two pages of Query Runs and each run."""
    directory = tmp_path_factory.mktemp("upstream")
    base = f"{run_path()}/query_runs"
    dump_cassette(
        [
            upstream_interaction(base, page(RUNS[:2], "", "?page=2")),
            upstream_interaction(f"{base}?page=2", page(RUNS[2:], "?page=2", None)),
            *(upstream_interaction(f"{base}/{run['token']}", run) for run in RUNS),
        ],
        directory / "upstream.yaml",
    )
    with MockServer(directory) as server:
        yield server


def mode_cli(
    *args: str, account: str, base_url: str, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    environment |= {
        "MODE_API_TOKEN": DEMO_TOKEN,
        "MODE_API_SECRET": DEMO_SECRET,
        "MODE_ACCOUNT": account,
        "MODE_BASE_URL": base_url,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def record(server: MockServer, cassette: Path, account: str = ACCOUNT, **options: Any) -> None:
    session = Session(server.base_url, DEMO_TOKEN, DEMO_SECRET, timeout=10)
    try:
        record_report_run(
            session,
            account,
            REPORT,
            options.pop("run", RUN),
            cassette,
            Scrubber(
                account,
                options.pop("as_account", "demo"),
                secrets=[DEMO_TOKEN, DEMO_SECRET],
                redact_sql=options.pop("redact_sql", False),
            ),
            options.pop("query_runs", ()),
        )
    finally:
        session.close()
    assert not options


def test_record_then_replay_lists_the_same_query_runs_modulo_scrubbing(
    upstream: MockServer, tmp_path: Path
) -> None:
    cassette = tmp_path / "cassettes" / "northwind.yaml"
    recorded = mode_cli(
        "record", REPORT, RUN, "--cassette", str(cassette), "--as-account", "demo",
        account=ACCOUNT, base_url=upstream.base_url,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout == (
        f"Recorded 5 interactions (2 pages, 3 Query Runs) to {cassette} as account demo\n"
        "No deviations from the spec in this recording.\n"
    )
    original = mode_cli("list", REPORT, RUN, "--json", account=ACCOUNT, base_url=upstream.base_url)
    assert original.returncode == 0, original.stderr
    with MockServer(cassette.parent) as replay:
        replayed = mode_cli("list", REPORT, RUN, "--json", account="demo", base_url=replay.base_url)
        assert replayed.returncode == 0, replayed.stderr
        assert replay.requests == [
            ("GET", f"{run_path('demo')}/query_runs"),
            ("GET", f"{run_path('demo')}/query_runs?page=2"),
        ]
    expected = original.stdout
    for real, placeholder in [
        (ACCOUNT, "demo"),
        ("Northwind-Labs", "demo"),
        ("jane.doe@northwind.example", "email-1@example.invalid"),
        ("bob.smith@northwind.example", "email-2@example.invalid"),
        ("users/jane_doe", "users/user-1"),
        ("users/bsmith", "users/user-2"),
        (DEMO_TOKEN, "REDACTED"),
        (DEMO_SECRET, "REDACTED"),
    ]:
        assert real in expected
        expected = expected.replace(real, placeholder)
    assert json.loads(replayed.stdout) == json.loads(expected)
    assert [run["token"] for run in json.loads(replayed.stdout)] == TOKENS


def test_the_cassette_holds_no_secret_account_name_or_person(
    upstream: MockServer, tmp_path: Path
) -> None:
    cassette = tmp_path / "northwind.yaml"
    record(upstream, cassette)
    text = cassette.read_text("utf-8").lower()
    assert [word for word in SECRETS_AND_NAMES if word.lower() in text] == []
    assert "northwind_labs.orders" in text  # another word that merely contains it is kept
    interactions = load_cassette(cassette)
    assert [i.headers for i in interactions] == [
        {
            "Cache-Control": ["max-age=0, private, must-revalidate"],
            "Content-Type": ["application/hal+json; charset=utf-8"],
        }
    ] * 5
    assert [i.request_headers for i in interactions] == [{"Accept": ["application/hal+json"]}] * 5


def test_every_recorded_body_still_fits_the_spec(upstream: MockServer, tmp_path: Path) -> None:
    cassette = tmp_path / "northwind.yaml"
    record(upstream, cassette, redact_sql=True)
    interactions = load_cassette(cassette)
    assert [i.key for i in interactions] == [
        ("GET", f"{run_path('demo')}/query_runs"),
        ("GET", f"{run_path('demo')}/query_runs?page=2"),
        *(("GET", f"{run_path('demo')}/query_runs/{token}") for token in TOKENS),
    ]
    for interaction in interactions:
        operation = match_operation("GET", interaction.key[1].split("?")[0].removeprefix("/api"))
        assert operation is not None, interaction.source
        body = json.loads(interaction.body)
        assert schema_problems(operation, 200, body) == [], interaction.source
    first = json.loads(interactions[2].body)
    assert (first["raw_source"], first["rendered_source"]) == (SQL_PLACEHOLDER, SQL_PLACEHOLDER)
    assert json.loads(interactions[3].body)["rendered_source"] is None
    assert "select" not in cassette.read_text("utf-8").lower()


def test_recording_twice_gives_byte_identical_files(upstream: MockServer, tmp_path: Path) -> None:
    record(upstream, tmp_path / "one.yaml")
    record(upstream, tmp_path / "two.yaml")
    assert (tmp_path / "one.yaml").read_bytes() == (tmp_path / "two.yaml").read_bytes()


def test_query_run_option_gets_only_those_runs_in_the_order_given(
    upstream: MockServer, tmp_path: Path
) -> None:
    cassette = tmp_path / "two.yaml"
    result = mode_cli(
        "record", REPORT, RUN, "--query-run", TOKENS[2], "--query-run", TOKENS[0],
        "--query-run", TOKENS[2], "--cassette", str(cassette),
        account=ACCOUNT, base_url=upstream.base_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [i.key[1] for i in load_cassette(cassette)] == [
        f"{run_path(DEMO_ACCOUNT)}/query_runs",
        f"{run_path(DEMO_ACCOUNT)}/query_runs?page=2",
        f"{run_path(DEMO_ACCOUNT)}/query_runs/{TOKENS[2]}",
        f"{run_path(DEMO_ACCOUNT)}/query_runs/{TOKENS[0]}",
    ]


def test_the_bundled_recordings_round_trip(mock_server: MockServer, tmp_path: Path) -> None:
    cassette = tmp_path / "bundled" / "paged.yaml"
    record(mock_server, cassette, account=DEMO_ACCOUNT, as_account=DEMO_ACCOUNT, run=PAGED_RUN)
    base = mock_server.base_url
    args = ["get", REPORT, PAGED_RUN, PAGED_TOKENS[2], "--json"]
    original = [
        mode_cli(*a, account="acme", base_url=base)
        for a in (["list", REPORT, PAGED_RUN, "--json"], args)
    ]
    with MockServer(cassette.parent) as replay:
        replayed = [
            mode_cli(*a, account="acme", base_url=replay.base_url)
            for a in (["list", REPORT, PAGED_RUN, "--json"], args)
        ]
    for before, after in zip(original, replayed, strict=True):
        assert before.returncode == after.returncode == 0, before.stderr + after.stderr
        assert "/api/acme/users/demo_analyst" in before.stdout
        assert after.stdout == before.stdout.replace(
            "/api/acme/users/demo_analyst", "/api/acme/users/user-1"
        )
    assert [run["token"] for run in json.loads(replayed[0].stdout)] == PAGED_TOKENS


def test_a_failed_fetch_writes_nothing_and_says_why(upstream: MockServer, tmp_path: Path) -> None:
    cassette = tmp_path / "missing.yaml"
    result = mode_cli(
        "record", REPORT, "000000000000", "--cassette", str(cassette),
        account=ACCOUNT, base_url=upstream.base_url,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "mode-query-runs: error: HTTP 404 [not_found] Not found (GET "
        f"{upstream.base_url}/{ACCOUNT}/reports/{REPORT}/runs/000000000000/query_runs)\n"
    )
    assert not cassette.exists()


def test_a_wrong_secret_is_401_and_never_printed(upstream: MockServer, tmp_path: Path) -> None:
    cassette = tmp_path / "denied.yaml"
    result = mode_cli(
        "record", REPORT, RUN, "--cassette", str(cassette),
        account=ACCOUNT, base_url=upstream.base_url, MODE_API_SECRET="wrong-s3cret",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("mode-query-runs: error: HTTP 401 [unauthorized] Unauthorized")
    assert "wrong-s3cret" not in result.stderr + result.stdout
    assert not cassette.exists()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MODE_API_SECRET": ""}, "set MODE_API_SECRET in the environment"),
        ({"MODE_ACCOUNT": ""}, "give --account or set MODE_ACCOUNT"),
    ],
)
def test_missing_settings_are_named(env: dict[str, str], expected: str, tmp_path: Path) -> None:
    result = mode_cli(
        "record", REPORT, RUN, "--cassette", str(tmp_path / "x.yaml"),
        account=ACCOUNT, base_url="http://127.0.0.1:9/api", **env,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"mode-query-runs: error: {expected}\n"


def test_an_empty_page_with_next_page_ends_the_recording(serve: Any) -> None:
    base = f"{run_path()}/query_runs"
    server, _ = serve(
        upstream_interaction(base, page([], "", "?page=2")),
        upstream_interaction(f"{base}?page=2", page([], "?page=2", "")),
    )
    session = Session(server.base_url, DEMO_TOKEN, DEMO_SECRET, 5)
    recorded = fetch_report_run(session, ACCOUNT, REPORT, RUN)
    session.close()
    assert [interaction.uri for interaction in recorded] == [
        f"{server.base_url}{base.removeprefix('/api')}"
    ]


def test_a_busy_upstream_is_retried_and_only_the_final_response_recorded() -> None:
    one = {**RUNS[1], "_links": {"self": {"href": f"{run_path()}/query_runs/{TOKENS[1]}"}}}
    listing = page([one], "", None)
    with ScriptedServer(
        Scripted(503, b'{"id":"unavailable","message":"Try again"}'),
        Scripted(200, json.dumps(listing).encode()),
        Scripted(429, b'{"id":"rate_limited","message":"Slow down"}', {"Retry-After": "0"}),
        Scripted(200, json.dumps(one).encode()),
    ) as upstream:
        session = Session(f"{upstream.url}/api", DEMO_TOKEN, DEMO_SECRET, 5)
        fetched = fetch_report_run(
            session, ACCOUNT, REPORT, RUN, retry_policy=RetryPolicy(0, 0, 0, 30)
        )
        session.close()
    assert [seen.path for seen in upstream.seen] == [f"{run_path()}/query_runs"] * 2 + [
        f"{run_path()}/query_runs/{TOKENS[1]}"
    ] * 2
    assert [(i.status, json.loads(i.body)) for i in fetched] == [(200, listing), (200, one)]


def test_the_default_placeholder_is_the_mock_servers_account() -> None:
    assert DEFAULT_AS_ACCOUNT == DEMO_ACCOUNT
