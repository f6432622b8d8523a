"""The README's Python examples (first use, async use, errors and retries, links, results
and waiting) run as written against the recorded mock server."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from pathlib import Path

import pytest

from mode_query_runs.testing.server import MockServer

README = Path(__file__).parent.parent / "README.md"


def example(heading: str) -> str:
    section = re.split(f"^#+ {re.escape(heading)}\n", README.read_text("utf-8"), flags=re.M)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, heading
    return found.group(1)


def run(
    heading: str, server: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> list[str]:
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "MODE_API_TOKEN": server.token,
        "MODE_API_SECRET": server.secret,
        "MODE_ACCOUNT": server.account,
        "MODE_BASE_URL": server.base_url,
    }.items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    logger = logging.getLogger("mode_query_runs")
    level = logger.level
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(example(heading), f"README {heading}", "exec"), {"__name__": "readme"})
    finally:
        logger.setLevel(level)  # the logging example turns DEBUG on
    return out.getvalue().splitlines()


def test_python_example(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lines = run("Python", mock_server, monkeypatch, tmp_path)
    assert [line.split()[:2] for line in lines[:7]] == [
        ["1a2b3c4d5e6f", "succeeded"],
        ["3f4e5d6c7b8a", "succeeded"],
        ["6c3d9e2f1a7b", "failed"],
        ["7d8e9f0a1b2c", "running"],
        ["9e0f1a2b3c4d", "succeeded"],
        ["b4c5d6e7f8a9", "cancelled"],
        ["c0d1e2f3a4b5", "enqueued"],
    ]
    assert lines[3] == "7d8e9f0a1b2c running 2026-11-01 09:30:13.581000+00:00 None"
    assert lines[7:] == ['failed QueryError relation "analytics.churn" does not exist', "True"]


def test_async_example(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lines = run("Async", mock_server, monkeypatch, tmp_path)
    assert lines[0] == "1a2b3c4d5e6f succeeded"
    assert len(lines) == 7
    assert (tmp_path / "dau.csv").read_text().splitlines()[0] == "day,dau"


def test_errors_example(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert run("Errors, retries and logging", mock_server, monkeypatch, tmp_path) == [
        "404 not_found Not found"
    ]


def test_links_results_and_waiting_example(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lines = run("Links, results and waiting", mock_server, monkeypatch, tmp_path)
    web = "https://app.mode.com/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a"
    assert lines == [
        f"{web}/query_runs/3f4e5d6c7b8a/results",
        "0 149",
        "149 149",
        "2026-08 182340.5",
        "2026-09 190112.25",
        "2026-10 201877.0",
    ]
    assert (tmp_path / "revenue.csv").read_text().startswith("month,region,sum,note\n")


def test_generated_client_example(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lines = run("The generated client", mock_server, monkeypatch, tmp_path)
    assert lines == ["200 6c3d9e2f1a7b failed", "()"]
