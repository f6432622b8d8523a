"""``mode-query-runs drift``: recorded responses checked against the spec, each deviation once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_cli import run_cli

from mode_query_runs.testing.cassette import bundled_directory, dump_cassette
from mode_query_runs.testing.server import MockServer
from support import recorded

LIST = "/api/acme/reports/r1/runs/u1/query_runs"


def _run(token: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": 1,
        "token": token,
        "state": "succeeded",
        "created_at": "2026-11-01T09:30:02.118Z",
        "_links": {"self": {"href": f"{LIST}/{token}"}},
    }
    return {**body, **changes}


def _drifting_cassette(path: Path) -> None:
    page = {
        "_links": {"self": {"href": LIST}},
        "_embedded": {
            "query_runs": [
                _run("a", max_result_bytes=1.5),
                _run("b", max_result_bytes=2.5),
                {**_run("c"), "token": 7},
            ]
        },
    }
    dump_cassette(
        [
            recorded(LIST, page),
            recorded(f"{LIST}/a", "busy", content_type="text/plain"),
            recorded(f"{LIST}/b", _run("b"), status=200),
            recorded(f"{LIST}/zz", {"id": "not_found", "message": "gone"}, status=404),
        ],
        path,
    )


def test_the_bundled_recordings_have_no_drift() -> None:
    result = run_cli("drift", str(bundled_directory()))
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "no deviations from the spec\n",
        "",
    )


def test_each_distinct_deviation_is_named_once_with_its_count_and_first_place(
    tmp_path: Path,
) -> None:
    _drifting_cassette(tmp_path / "night.yaml")
    result = run_cli("drift", str(tmp_path / "night.yaml"), str(bundled_directory()))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "listQueryRunsForReportRun $._embedded.query_runs[*].max_result_bytes: the spec"
        " expects integer or string, found number (2 times; first in night.yaml#0)",
        "listQueryRunsForReportRun $._embedded.query_runs[*].token: the spec expects string,"
        " found integer (1 time; first in night.yaml#0)",
        "getQueryRunForReportRun $: the spec expects a JSON body, found text"
        " (1 time; first in night.yaml#1)",
    ]
    assert result.stderr == (
        "mode-query-runs: 3 deviations from the spec; see README 'When Mode changes'\n"
    )


def test_unreadable_input_exits_2_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("interactions: [\n")
    result = run_cli("drift", str(broken))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"mode-query-runs: error: {broken}: not valid YAML: expected the node content, but"
        " found '<stream end>' (line 2, column 1)\n"
    )
    missing = run_cli("drift", str(tmp_path / "nope"))
    assert (missing.returncode, missing.stderr) == (
        2,
        f"mode-query-runs: error: {tmp_path / 'nope'}: no such file or directory\n",
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run_cli("drift", str(empty))
    assert (nothing.returncode, nothing.stderr) == (
        2,
        f"mode-query-runs: error: {empty}: no cassettes (*.yaml) found\n",
    )


def test_record_says_how_many_deviations_it_recorded_and_how_to_see_them(
    tmp_path: Path,
) -> None:
    upstream_dir = tmp_path / "upstream"
    upstream_dir.mkdir()
    _drifting_cassette(upstream_dir / "night.yaml")
    out = tmp_path / "out.yaml"
    with MockServer(upstream_dir) as upstream:
        result = run_cli(
            "record", "r1", "u1", "--query-run", "b", "--cassette", str(out),
            base_url=upstream.base_url,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Recorded 2 interactions (1 page, 1 Query Run) to {out} as account acme\n"
        f"2 deviations from the spec in this recording; see them with:"
        f" mode-query-runs drift {out}\n"
    )
    again = run_cli("drift", str(out))
    assert again.returncode == 1
    assert len(again.stdout.splitlines()) == 2
