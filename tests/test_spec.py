"""The spec, the generated models and the bundled recordings agree with each other."""

from __future__ import annotations

import datetime
import json
import runpy
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from mode_api_client.models import QueryRun, QueryRunCollection
from mode_query_runs.spec import match_operation, operation_by_id
from mode_query_runs.testing.cassette import bundled_directory, load_directory
from mode_query_runs.testing.schema_check import load_spec, schema_problems
from mode_query_runs.wire import to_wire
from support import SEED_PAGE, spec_value

ROOT = Path(__file__).parent.parent
GET = operation_by_id("getQueryRunForReportRun")


def test_spec_is_valid_openapi_3_1() -> None:
    spec = load_spec()
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_packaged_spec_is_the_repository_spec() -> None:
    assert load_spec() == json.loads(json.dumps(_yaml(ROOT / "openapi" / "mode.yaml")))


def _yaml(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text())


def test_reference_page_example_validates_and_parses() -> None:
    body = json.loads(SEED_PAGE.read_text())
    assert schema_problems(GET, 200, body) == []
    run = QueryRun.from_dict(body)
    assert (run.id, run.data_source_id, run.limit, run.parameters) == (
        1312,
        spec_value("data_source_id", 42),
        "ad labore do voluptate est",
        "sed",
    )
    assert run.created_at == "YYYY-MM-DDTHH:MM:SS.msZ"
    assert run.field_links.executed_by.href == "voluptate consequat cupidatat dolore in"  # type: ignore[union-attr]
    assert to_wire(run) == body


def test_iso_timestamps_parse_as_timezone_aware_datetimes() -> None:
    body = json.loads(SEED_PAGE.read_text())
    body["created_at"] = "2020-05-04T20:17:55.387Z"
    run = QueryRun.from_dict(body)
    assert run.created_at == datetime.datetime(2020, 5, 4, 20, 17, 55, 387000, tzinfo=datetime.UTC)
    assert to_wire(run)["created_at"] == "2020-05-04T20:17:55.387Z"


def test_operations_are_matched_by_path() -> None:
    assert match_operation("GET", "/acme/reports/r/runs/x/query_runs") == operation_by_id(
        "listQueryRunsForReportRun"
    )
    assert match_operation("GET", "/acme/reports/r/runs/x/query_runs/q") == GET
    assert match_operation("GET", "/acme/reports/r/runs/x") is None
    assert match_operation("POST", "/acme/reports/r/runs/x/query_runs/q") is None


def test_every_bundled_recording_fits_the_spec_and_round_trips() -> None:
    interactions = load_directory(bundled_directory())
    # pages and runs of three Report Runs; then CSV and JSON results of five runs, one of
    # them through a redirect to the storage host (a 302 and the storage answer each); then
    # the pages and runs of the eight Report Runs whose listings end otherwise (issue 23).
    odd_listings = (2 + 3) + (1 + 2) + (3 + 3) + (2 + 1) + (2 + 2) + 3 * (1 + 1)
    assert len(interactions) == 3 + 7 + 1 + 2 + 1 + 5 * 2 + 2 + odd_listings
    for interaction in interactions:
        path = interaction.key[1].split("?")[0].removeprefix("/api")
        operation = match_operation(interaction.method, path)
        assert operation is not None, interaction.source
        if not (interaction.content_type() or "").startswith("application/hal+json"):
            continue  # result content and redirect pages: see tests/test_results.py
        body = json.loads(interaction.body)
        assert schema_problems(operation, interaction.status, body) == [], interaction.source
        model = QueryRun if operation == GET else QueryRunCollection
        if model is QueryRun:
            assert to_wire(QueryRun.from_dict(body)) == body, interaction.source


def test_bundled_cassettes_are_what_the_build_script_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["build", str(tmp_path)])
    runpy.run_path(str(ROOT / "scripts" / "build_demo_cassettes.py"), run_name="__main__")
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in bundled_directory().glob("*.yaml"))
    for name in written:
        assert (tmp_path / name).read_bytes() == (bundled_directory() / name).read_bytes(), (
            f"{name} is not what the spec's demo data gives: run python"
            " scripts/build_demo_cassettes.py"
        )


def test_console_script_is_installed() -> None:
    assert shutil.which("mode-query-runs", path=str(Path(sys.executable).parent)) is not None
