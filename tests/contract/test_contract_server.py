"""The schemathesis contract run: its counting per operation, and what it found in the mock."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import httpx

from contract.run_schemathesis import (
    config_text,
    count_cases,
    generated_differences,
    operations_without_200,
    summary,
    tree_differences,
)
from mode_query_runs.spec import operations
from mode_query_runs.testing.server import MockServer

LIST = "GET /{account}/reports/{report}/runs/{run}/query_runs"
GET = "GET /{account}/reports/{report}/runs/{run}/query_runs/{query_run}"
EVERY_OPERATION = [f"{operation.method} {operation.path}" for operation in operations()]


def _scenario(*cases: tuple[str, str, int | None]) -> str:
    """One NDJSON ``ScenarioFinished`` line with ``(method, path, status)`` cases."""
    recorder = {
        "label": "Stateful tests",
        "cases": {
            f"c{i}": {"value": {"method": method, "path": path}}
            for i, (method, path, _) in enumerate(cases)
        },
        "interactions": {
            f"c{i}": {"response": None if status is None else {"status_code": status}}
            for i, (_, _, status) in enumerate(cases)
        },
    }
    return json.dumps({"ScenarioFinished": {"phase": "stateful", "recorder": recorder}})


def test_cases_are_counted_per_operation_by_status() -> None:
    list_path = LIST.removeprefix("GET ")
    get_path = GET.removeprefix("GET ")
    lines = [
        json.dumps({"Initialize": {"seed": 1}}),
        _scenario(("GET", list_path, 200), ("GET", get_path, 404), ("DELETE", get_path, 405)),
        _scenario(("GET", get_path, 200), ("GET", get_path, 401), ("GET", get_path, None)),
        json.dumps({"ScenarioFinished": {"phase": "stateful", "recorder": {"label": "skip"}}}),
    ]
    counts = count_cases(lines)
    assert counts == {
        LIST: {200: 1},
        GET: {200: 1, 401: 1, 404: 1, 405: 1, None: 1},
    }
    table = summary(counts)
    assert [line.split() for line in table] == [
        ["operation", "cases", "200", "401", "404", "405", "other"],
        [*LIST.split(), "1", "1", "0", "0", "0", "0"],
        [*GET.split(), "5", "1", "1", "1", "1", "1"],
    ]
    assert len({len(line) for line in table}) == 1  # columns are aligned
    assert operations_without_200(counts) == [
        label for label in EVERY_OPERATION if label not in (LIST, GET)
    ]


def test_an_operation_without_a_200_is_named() -> None:
    counts = count_cases([_scenario(("GET", LIST.removeprefix("GET "), 200))])
    assert operations_without_200(counts) == [label for label in EVERY_OPERATION if label != LIST]
    assert operations_without_200({}) == EVERY_OPERATION
    assert EVERY_OPERATION[:2] == [LIST, GET]


def test_a_path_with_a_newline_gets_modes_404_body(mock_server: MockServer) -> None:
    """Found by schemathesis (ST105): Starlette answered ``text/plain`` ``Not Found``."""
    url = f"{mock_server.base_url}/%C3%8F%0A/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a/query_runs"
    answered = httpx.get(url, auth=(mock_server.token, mock_server.secret))
    assert answered.status_code == 404
    assert answered.headers["content-type"] == "application/hal+json"
    assert answered.json() == {"id": "not_found", "message": "Not found"}
    refused = httpx.get(url)
    assert refused.status_code == 401
    assert refused.json() == {"id": "unauthorized", "message": "Unauthorized"}


def test_the_mock_run_sends_credentials_from_the_environment_only() -> None:
    assert config_text(None, {"MODE_ACCOUNT": "acme"}) == (
        '[auth.basic]\nusername = "${MODE_API_TOKEN}"\npassword = "${MODE_API_SECRET}"\n'
    )


def test_a_run_against_a_url_is_read_only_and_pins_the_given_tokens() -> None:
    text = config_text("https://app.mode.com/api", {"MODE_ACCOUNT": "acme", "MODE_RUN": "r1"})
    assert text == (
        '[auth.basic]\nusername = "${MODE_API_TOKEN}"\npassword = "${MODE_API_SECRET}"\n'
        "\n[phases.coverage]\nunexpected-methods = []\n"
        '\n[parameters]\n"path.account" = "${MODE_ACCOUNT}"\n"path.run" = "${MODE_RUN}"\n'
    )
    assert tomllib.loads(text)["parameters"] == {
        "path.account": "${MODE_ACCOUNT}",
        "path.run": "${MODE_RUN}",
    }


def test_generated_is_what_the_spec_gives() -> None:
    """The contract run regenerates the client and compares (issue 23: generated/ edited
    by hand is caught by the contract run too)."""
    assert generated_differences() == []


def test_a_hand_edit_of_generated_is_named(tmp_path: Path) -> None:
    fresh, kept = tmp_path / "fresh", tmp_path / "kept"
    for tree in (fresh, kept):
        (tree / "models" / "__pycache__").mkdir(parents=True)
        (tree / "models" / "__pycache__" / "x.pyc").write_bytes(bytes([len(tree.name)]))
        (tree / "models" / "link.py").write_text("same\n", "utf-8")
    (fresh / "types.py").write_text("generated\n", "utf-8")
    (kept / "types.py").write_text("edited\n", "utf-8")
    (fresh / "client.py").write_text("", "utf-8")
    (kept / "extra.py").write_text("", "utf-8")
    assert tree_differences(fresh, kept) == [
        "missing: generated/mode_api_client/client.py",
        "not generated: generated/mode_api_client/extra.py",
        "differs: generated/mode_api_client/types.py",
    ]
