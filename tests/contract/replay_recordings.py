"""The SDK and the CLI against every recording: each gives back exactly what was recorded.

For the contract run (``run_schemathesis.py``, issue 23): schemathesis holds the mock
server to the spec; this holds the client to the recordings. Against a running mock
server of the bundled cassettes it

- lists every recorded Report Run (every page, following ``next_page``) with
  ``ModeClient``, ``AsyncModeClient`` and ``mode-query-runs list --json``: the Query Runs
  written back (``to_wire``) are the recorded ones, each once, in page order;
- gets every recorded Query Run the same three ways (``get --json``): its recorded body;
- downloads every recorded result (``content.csv`` / ``content.json``, through the
  storage redirect where one is recorded) with both clients: the recorded bytes;

and then counts which recorded interactions the server was asked for
(:func:`reach`), so the run can say how many of them it reached.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from mode_query_runs import AsyncModeClient, ModeClient
from mode_query_runs.testing.cassette import Interaction, load_directory
from mode_query_runs.testing.server import MockServer
from mode_query_runs.wire import to_wire

__all__ = ["reach", "replay"]

_PATH_PARTS = 8  # /api/ACCOUNT/reports/REPORT/runs/RUN/query_runs[/QUERY_RUN]


def _parts(interaction: Interaction) -> list[str]:
    return urlsplit(interaction.uri).path.split("/")


def _listing_runs(by_key: dict[tuple[str, str], Interaction], first: Interaction) -> list[Any]:
    """The Query Runs a listing from ``first`` gives: each page's, once by token."""
    runs: list[Any] = []
    seen: set[str] = set()
    page: Interaction | None = first
    fetched: set[str] = set()
    while page is not None and page.key[1] not in fetched:
        fetched.add(page.key[1])
        body = json.loads(page.body)
        for run in (body.get("_embedded") or {}).get("query_runs") or []:
            if run.get("token") not in seen:
                seen.add(run.get("token"))
                runs.append(run)
        href = ((body.get("_links") or {}).get("next_page") or {}).get("href")
        page = by_key.get(("GET", href)) if isinstance(href, str) else None
    return runs


def _cli(server: MockServer, *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {
        "MODE_API_TOKEN": server.token,
        "MODE_API_SECRET": server.secret,
        "MODE_ACCOUNT": server.account,
        "MODE_BASE_URL": server.base_url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        return f"exit {result.returncode}: {result.stderr.strip()}"
    return json.loads(result.stdout)


def replay(server: MockServer) -> list[str]:
    """Drive the SDK (sync, async) and the CLI through every recording; the problems found.

    Each problem names the recording (``cassette#index``) and the way it was read.
    """
    interactions = load_directory(server.cassettes)
    by_key = {interaction.key: interaction for interaction in interactions}
    problems: list[str] = []

    def check(what: str, interaction: Interaction, got: Any, expected: Any) -> None:
        if got != expected:
            problems.append(f"{interaction.source} ({what}): got {got!r:.300}")

    sync = ModeClient(server.account, server.token, server.secret, base_url=server.base_url)
    with sync:
        for interaction in interactions:
            parts = _parts(interaction)
            if interaction.status != 200 or parts[-1].startswith("content."):
                continue
            report, run = parts[4], parts[6]
            if len(parts) == _PATH_PARTS and "?" not in interaction.key[1]:
                expected = _listing_runs(by_key, interaction)
                check(
                    "ModeClient.list_query_runs",
                    interaction,
                    [to_wire(r) for r in sync.list_query_runs(report, run)],
                    expected,
                )
                check(
                    "AsyncModeClient.list_query_runs",
                    interaction,
                    asyncio.run(_async_list(server, report, run)),
                    expected,
                )
                check("list --json", interaction, _cli(server, "list", report, run), expected)
            elif len(parts) == _PATH_PARTS + 1:
                expected = json.loads(interaction.body)
                query_run = parts[-1]
                check(
                    "ModeClient.get_query_run",
                    interaction,
                    to_wire(sync.get_query_run(report, run, query_run)),
                    expected,
                )
                check(
                    "AsyncModeClient.get_query_run",
                    interaction,
                    asyncio.run(_async_get(server, report, run, query_run)),
                    expected,
                )
                check(
                    "get --json", interaction, _cli(server, "get", report, run, query_run), expected
                )
        for interaction in interactions:
            parts = _parts(interaction)
            if not parts[-1].startswith("content.") or "?" in interaction.key[1]:
                continue
            expected_bytes = _final_body(by_key, interaction).encode("utf-8")
            form = parts[-1].removeprefix("content.")
            finished = sync.get_query_run(parts[4], parts[6], parts[-3])
            written = io.BytesIO()
            sync.download_result(finished, written, format=form)
            check("ModeClient.download_result", interaction, written.getvalue(), expected_bytes)
            check(
                "AsyncModeClient.download_result",
                interaction,
                asyncio.run(_async_download(server, parts, form)),
                expected_bytes,
            )
    return problems


def _final_body(by_key: dict[tuple[str, str], Interaction], interaction: Interaction) -> str:
    """The body at the end of a recorded redirect (the interaction's own without one)."""
    location = interaction.headers.get("Location") or interaction.headers.get("location")
    if interaction.status in (301, 302, 303, 307, 308) and location:
        target = urlsplit(location[0])
        return by_key[("GET", f"{target.path}?{target.query}")].body
    return interaction.body


def _async_client(server: MockServer) -> AsyncModeClient:
    return AsyncModeClient(server.account, server.token, server.secret, base_url=server.base_url)


async def _async_list(server: MockServer, report: str, run: str) -> list[Any]:
    async with _async_client(server) as mode:
        return [to_wire(query_run) async for query_run in mode.list_query_runs(report, run)]


async def _async_get(server: MockServer, report: str, run: str, query_run: str) -> Any:
    async with _async_client(server) as mode:
        return to_wire(await mode.get_query_run(report, run, query_run))


async def _async_download(server: MockServer, parts: list[str], form: str) -> bytes:
    async with _async_client(server) as mode:
        query_run = await mode.get_query_run(parts[4], parts[6], parts[-3])
        written = io.BytesIO()
        await mode.download_result(query_run, written, format=form)
        return written.getvalue()


def reach(server: MockServer, asked: Callable[[], list[tuple[str, str]]]) -> tuple[int, int]:
    """How many recorded interactions the server was asked for, of how many there are.

    ``asked()`` gives the ``(method, path?query)`` of every request the server received
    (storage requests carry the storage origin first, which is dropped here).
    """
    recorded = {interaction.key for interaction in load_directory(server.cassettes)}
    received = set()
    for method, target in asked():
        split = urlsplit(target)
        received.add((method, f"{split.path}?{split.query}" if split.query else split.path))
    return len(recorded & received), len(recorded)
