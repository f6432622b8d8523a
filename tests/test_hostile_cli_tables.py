"""The tables the command prints: ``demo`` and ``wait`` print the very table ``list`` prints."""

from __future__ import annotations

from test_cli import run_cli

from mode_query_runs.testing.server import MockServer
from support import PAGED_RUN, REPORT


def test_the_demo_prints_the_table_list_prints(mock_server: MockServer) -> None:
    listed = run_cli("list", REPORT, PAGED_RUN, base_url=mock_server.base_url)
    demo = run_cli("demo")
    assert listed.returncode == demo.returncode == 0, (listed.stderr, demo.stderr)
    table = listed.stdout.splitlines()
    assert table[0].split() == [
        "TOKEN",
        "STATE",
        "CREATED_AT",
        "COMPLETED_AT",
        "QUERY_NAME",
        "ERROR",
    ]
    lines = demo.stdout.splitlines()
    start = lines.index(table[0])
    assert lines[start : start + len(table)] == table
    assert lines[start + len(table)] == ""
