"""``list`` for people asking why a run failed (issue 22, items 1 and 3): ``--state``, the
ERROR column, and output written as pages arrive (``--json``, ``--jsonl``, the table)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from mode_query_runs.testing.cassette import dump_cassette
from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, MockServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT, recorded

HEADER = "TOKEN         STATE      CREATED_AT                COMPLETED_AT              QUERY_NAME"


def run_cli(*args: str, base_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=cli_env(base_url),
        timeout=60,
        check=False,
    )


def cli_env(base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    return env | {
        "MODE_API_TOKEN": DEMO_TOKEN,
        "MODE_API_SECRET": DEMO_SECRET,
        "MODE_ACCOUNT": "acme",
        "MODE_BASE_URL": base_url,
        "PYTHONUNBUFFERED": "1",
    }


def test_state_failed_shows_the_failed_run_and_its_error(mock_server: MockServer) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, "--state", "failed", base_url=mock_server.base_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{HEADER}     ERROR",
        "6c3d9e2f1a7b  failed     2026-11-01T09:30:12.407Z  2026-11-01T09:30:13.022Z"
        '  Churn by plan  42P01: relation "analytics.churn" does not exist',
    ]


def test_state_is_repeatable_and_filters_json_too(mock_server: MockServer) -> None:
    args = ["list", REPORT, PAGED_RUN, "--state", "cancelled", "--state", " failed "]
    table = run_cli(*args, base_url=mock_server.base_url)
    assert [line.split()[0] for line in table.stdout.splitlines()[1:]] == [
        "6c3d9e2f1a7b",
        "b4c5d6e7f8a9",
    ]
    as_json = run_cli(*args, "--json", base_url=mock_server.base_url)
    assert [(r["token"], r["state"]) for r in json.loads(as_json.stdout)] == [
        ("6c3d9e2f1a7b", "failed"),
        ("b4c5d6e7f8a9", "cancelled"),
    ]
    none = run_cli("list", REPORT, PAGED_RUN, "--state", "nope", base_url=mock_server.base_url)
    assert (none.returncode, none.stdout) == (0, f"{HEADER}  ERROR\n")
    empty = run_cli(
        "list", REPORT, PAGED_RUN, "--state", "nope", "--json", base_url=mock_server.base_url
    )
    assert (empty.returncode, empty.stdout) == (0, "[]\n")


def test_an_empty_state_is_a_usage_error(mock_server: MockServer) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, "--state", " ", base_url=mock_server.base_url)
    assert result.returncode == 2
    assert (
        result.stderr.splitlines()[-1]
        == "Error: Invalid value for '--state': a state cannot be empty"
    )


LIVE_RUN = f"/api/acme/reports/{REPORT}/runs/f0f0f0f0f0f0/query_runs"


def failed_run(token: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": "101",
        "token": token,
        "state": "failed",
        "created_at": "2026-11-02T10:00:00.000Z",
        "completed_at": "2026-11-02T10:00:01.000Z",
        "query_name": "Q",
        "error_type": "generic",
        "_links": {"self": {"href": f"{LIVE_RUN}/{token}"}},
        **fields,
    }


def test_the_error_column_shows_error_code_and_the_start_of_the_message(tmp_path: Path) -> None:
    long = "Column 'plan_tier' does not exist in table analytics.accounts; did you mean 'plan'?"
    runs = [
        failed_run(
            "aaaaaaaaaaa1", error_code="SqlUnknownColumn", error_message=f"{long}\nLINE 3: ..."
        ),
        failed_run("aaaaaaaaaaa2", error_code="ResourceFailure", error_message=None),
        failed_run("aaaaaaaaaaa3", error_code=None, error_message="Timed out\x1b[2J"),
        failed_run("aaaaaaaaaaa4"),
        {**failed_run("aaaaaaaaaaa5", error_code="X", error_message="y"), "state": "succeeded"},
    ]
    body = {"_links": {"self": {"href": LIVE_RUN}}, "_embedded": {"query_runs": runs}}
    (tmp_path / "c").mkdir()
    dump_cassette([recorded(LIVE_RUN, body)], tmp_path / "c" / "live.yaml")
    with MockServer(tmp_path / "c") as server:
        result = run_cli("list", REPORT, "f0f0f0f0f0f0", base_url=server.base_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = lines[0].index("ERROR")
    assert all(line[at - 2 : at] == "  " for line in lines)
    errors = [line[at:] for line in lines[1:]]
    assert errors == [
        f"SqlUnknownColumn: {long[:60]}…",
        "ResourceFailure",
        "Timed out\\x1b[2J",
        "-",
        "-",
    ]


# A server whose second page waits for the test: what is on stdout before it is released
# was written as the first page arrived.
PAGED = f"/api/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs"


def page(tokens: list[str], next_query: str | None) -> bytes:
    links: dict[str, Any] = {"self": {"href": PAGED}}
    if next_query:
        links["next_page"] = {"href": f"{PAGED}{next_query}"}
    runs = [
        {
            "id": index,
            "token": token,
            "state": "succeeded",
            "created_at": "2026-11-02T10:00:00.000Z",
            "_links": {"self": {"href": f"{PAGED}/{token}"}},
        }
        for index, token in enumerate(tokens)
    ]
    return json.dumps({"_links": links, "_embedded": {"query_runs": runs}}).encode()


class GatedServer:
    """Page 1 at once; page 2 (``?page=2``) only once ``gate`` is set."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        gate = self.gate

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path.endswith("?page=2"):
                    gate.wait(30)
                    body = page(PAGED_TOKENS[2:3], None)
                else:
                    body = page(PAGED_TOKENS[:2], "?page=2")
                self.send_response(200)
                self.send_header("Content-Type", "application/hal+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/api"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> GatedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.gate.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def gated() -> Iterator[GatedServer]:
    with GatedServer() as server:
        yield server


def start(gated: GatedServer, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mode_query_runs", "list", REPORT, PAGED_RUN, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(gated.base_url),
    )


def test_jsonl_writes_each_page_as_it_arrives(gated: GatedServer) -> None:
    process = start(gated, "--jsonl")
    assert process.stdout is not None
    first = [json.loads(process.stdout.readline()) for _ in range(2)]
    assert not gated.gate.is_set()  # page 2 has not been sent yet
    assert [r["token"] for r in first] == PAGED_TOKENS[:2]
    gated.gate.set()
    rest, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors
    assert [json.loads(line)["token"] for line in rest.splitlines()] == [PAGED_TOKENS[2]]
    assert all(line.isascii() for line in rest.splitlines())


def test_ctrl_c_keeps_the_rows_printed(gated: GatedServer) -> None:
    process = start(gated)
    assert process.stdout is not None
    printed = [process.stdout.readline() for _ in range(3)]  # the header, page 1
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate(timeout=60)
    assert process.returncode == 130
    assert errors == "mode-query-runs: interrupted\n"
    assert [line.split()[0] for line in printed] == ["TOKEN", *PAGED_TOKENS[:2]]
    assert rest == ""


def test_json_is_streamed_and_once_complete_the_array_json_dumps_gives(gated: GatedServer) -> None:
    gated.gate.set()
    process = start(gated, "--json")
    out, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors
    runs = json.loads(out)
    assert [r["token"] for r in runs] == PAGED_TOKENS[:3]
    assert out == json.dumps(runs, indent=2, ensure_ascii=False) + "\n"


def test_json_and_jsonl_together_are_a_usage_error(mock_server: MockServer) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, "--json", "--jsonl", base_url=mock_server.base_url)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "Error: --json and --jsonl cannot be used together"


def test_the_json_array_of_the_bundled_recordings_is_unchanged(mock_server: MockServer) -> None:
    # The streamed array is byte for byte what the whole list gave before: json.dumps.
    result = run_cli("list", REPORT, PAGED_RUN, "--json", base_url=mock_server.base_url)
    lines = run_cli("list", REPORT, PAGED_RUN, "--jsonl", base_url=mock_server.base_url)
    runs = [json.loads(line) for line in lines.stdout.splitlines()]
    assert result.stdout == json.dumps(runs, indent=2, ensure_ascii=False) + "\n"
    assert [r["token"] for r in runs] == PAGED_TOKENS


def test_both_clients_list_page_by_page(mock_server: MockServer) -> None:
    import asyncio

    from mode_query_runs import AsyncModeClient, ModeClient

    base = mock_server.base_url
    with ModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base) as mode:
        pages = [[r.token for r in p] for p in mode.list_query_run_pages(REPORT, PAGED_RUN)]
    assert len(pages) == 3
    assert [token for p in pages for token in p] == PAGED_TOKENS

    async def listed() -> list[list[Any]]:
        async with AsyncModeClient("acme", DEMO_TOKEN, DEMO_SECRET, base_url=base) as mode:
            return [
                [r.token for r in p] async for p in mode.list_query_run_pages(REPORT, PAGED_RUN)
            ]

    assert asyncio.run(listed()) == pages
