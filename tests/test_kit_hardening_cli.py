"""Text from the server printed by the CLI cannot drive the terminal (issue 14, item 16):
control characters are shown as escapes in tables, detail views, error and log lines, and
left to the JSON encoder in ``--json`` output."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import Any

from mode_query_runs.cli.display import PrintableFormatter, format_table, printable
from mode_query_runs.client import ModeClient
from scripted import Scripted, ScriptedServer
from support import REPORT, spec_typed

ACCOUNT = "acme"
RUN = "f9e8d7c6b5a4"
QUERY_RUN = "aa11bb22cc33"
RETITLE = "\x1b]0;pwned\x07"


def run_path() -> str:
    return f"/api/{ACCOUNT}/reports/{REPORT}/runs/{RUN}"


def query_run(**fields: Any) -> dict[str, Any]:
    base = {
        "id": 500,
        "token": QUERY_RUN,
        "state": "failed",
        "created_at": "2026-10-02T08:00:01.250Z",
        "completed_at": "2026-10-02T08:00:03.500Z",
        "data_source_id": 7,
        "limit": True,
        "query_token": "f0e1d2c3b4a5",
        "query_name": f"Orders{RETITLE}",
        "parameters": {},
        "raw_source": "SELECT 1",
        "rendered_source": None,
        "error_message": "bad\u202eevil\r\x9bJ",
        "statement_annotation": None,
        "_links": {"self": {"href": f"{run_path()}/query_runs/{QUERY_RUN}"}},
        "_embedded": {},
    }
    return {**spec_typed(base), **fields}


def mode_cli(*args: str, base_url: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    environment |= {
        "MODE_API_TOKEN": "tok-1234",
        "MODE_API_SECRET": "sec-5678",
        "MODE_ACCOUNT": ACCOUNT,
        "MODE_BASE_URL": base_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def test_printable_escapes_every_control_character_and_nothing_else() -> None:
    assert printable(f"a{RETITLE}b\u202ec\n\t\x7f\x85 é ✓ \u200d") == (
        "a\\x1b]0;pwned\\x07b\\u202ec\\n\\t\\x7f\\x85 é ✓ \u200d"
    )


def test_the_table_shows_a_query_name_with_its_escapes_neutralised() -> None:
    page = {"_links": {"self": {"href": f"{run_path()}/query_runs"}}}
    body = json.dumps({**page, "_embedded": {"query_runs": [query_run()]}}).encode()
    with ScriptedServer(Scripted(200, body)) as upstream:
        with ModeClient(ACCOUNT, "tok-1234", "sec-5678", base_url=f"{upstream.url}/api") as mode:
            runs = list(mode.list_query_runs(REPORT, RUN))
    assert format_table(runs) == (
        "TOKEN         STATE      CREATED_AT                COMPLETED_AT"
        "              QUERY_NAME              ERROR\n"
        "aa11bb22cc33  failed     2026-10-02T08:00:01.250Z  2026-10-02T08:00:03.500Z"
        "  Orders\\x1b]0;pwned\\x07  bad\\u202eevil"
    )


def test_the_detail_view_neutralises_values_keys_and_relations_but_json_keeps_them() -> None:
    run = query_run(**{"x\x1b[2J": "y"})
    run["_links"]["r\x07"] = {"href": f"{run_path()}/a\x1bb"}
    body = json.dumps(run).encode()
    with ScriptedServer(Scripted(200, body), Scripted(200, body)) as upstream:
        base_url = f"{upstream.url}/api"
        shown = mode_cli("get", REPORT, RUN, QUERY_RUN, base_url=base_url)
        as_json = mode_cli("get", REPORT, RUN, QUERY_RUN, "--json", base_url=base_url)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "query_name            Orders\\x1b]0;pwned\\x07" in lines
    assert "error_message         bad\\u202eevil\\r\\x9bJ" in lines
    assert "x\\x1b[2J              y" in lines
    assert f"  r\\x07: {run_path()}/a\\x1bb" in lines
    assert [c for c in shown.stdout if c != "\n" and (ord(c) < 32 or 0x7F <= ord(c) < 0xA0)] == []
    assert json.loads(as_json.stdout)["query_name"] == f"Orders{RETITLE}"
    assert "Orders\\u001b]0;pwned\\u0007" in as_json.stdout


def test_an_error_message_from_the_server_is_printed_neutralised() -> None:
    error = json.dumps({"id": "not_found", "message": f"gone{RETITLE}\u202e!"}).encode()
    with ScriptedServer(Scripted(404, error)) as upstream:
        base_url = f"{upstream.url}/api"
        result = mode_cli("get", REPORT, RUN, QUERY_RUN, base_url=base_url)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "mode-query-runs: error: HTTP 404 [not_found] gone\\x1b]0;pwned\\x07\\u202e!"
        f" (GET {base_url}/{ACCOUNT}/reports/{REPORT}/runs/{RUN}/query_runs/{QUERY_RUN})\n"
    )


def test_log_lines_are_printed_neutralised() -> None:
    record = logging.LogRecord(
        "mode", logging.WARNING, __file__, 1, "spec drift: %s", ("$.a\x1bb",), None
    )
    assert PrintableFormatter("mode-query-runs: %(message)s").format(record) == (
        "mode-query-runs: spec drift: $.a\\x1bb"
    )
