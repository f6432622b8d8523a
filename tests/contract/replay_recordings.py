"""The SDK and the CLI against every recording: each gives back exactly what was recorded.

For the contract run (``run_schemathesis.py``, issue 23): schemathesis holds the mock
server to the spec; this holds the client to the recordings. Against a running mock
server of the bundled cassettes it

- lists every recorded Report Run (every page, following ``next_page``) with
  ``ModeClient``, ``AsyncModeClient`` and ``mode-query-runs list --json``: the Query Runs
  written back (``to_wire``) are the recorded ones, each once, in page order;
- gets every recorded Query Run the same three ways (``get --json``): its recorded body;
- follows the ``self`` link of every recorded page and Query Run with both clients'
  ``follow``: the recorded body (``QueryRunCollection`` / ``QueryRun`` written back);
  ``web_links`` of each Query Run (got, and its ``self`` Link followed) are its recorded
  ``*_web`` hrefs;
- downloads every recorded result (``content.csv`` / ``content.json``, through the
  storage redirect where one is recorded) with both clients: the recorded bytes;
- reads every recording without a ``SpecDriftWarning`` (a recording that strays from the
  spec, such as a Query Run without its required ``state``, is a problem here even though
  the tolerant reader gives it back as sent);
- lists and gets every recording once more from a second mock server whose recordings
  carry a field the spec does not name in each of their JSON objects (what Mode adds
  between two spec versions): the clients must give it back too (:func:`with_additions`);

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
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mode_query_runs import AsyncModeClient, ModeClient, SpecDriftWarning, web_links
from mode_query_runs.testing.cassette import Interaction, dump_cassette, load_directory
from mode_query_runs.testing.server import MockServer
from mode_query_runs.wire import to_wire

__all__ = ["ADDED_FIELD", "reach", "replay", "with_additions"]

_PATH_PARTS = 8  # /api/ACCOUNT/reports/REPORT/runs/RUN/query_runs[/QUERY_RUN]
ADDED_FIELD = "contract_added_field"
"""The key :func:`with_additions` adds to every JSON object of a recorded API body."""


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


def replay(server: MockServer, *, cli: bool = True) -> list[str]:
    """Drive the SDK (sync, async) and the CLI (``cli=False``: not it) through every
    recording, then the SDK through every recording with additions; the problems found.

    Each problem names the recording (``cassette#index``) and the way it was read; each
    ``SpecDriftWarning`` the SDK warned is one too (the additions are the spec's: its
    objects take properties it does not name).
    """
    with warnings.catch_warnings(record=True) as drifted:
        warnings.simplefilter("always", SpecDriftWarning)
        problems = _replay(server, cli=cli)
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            for name, changed in with_additions(load_directory(server.cassettes)).items():
                dump_cassette(changed, directory / name)
            with MockServer(directory) as added:
                problems += [
                    f"with {ADDED_FIELD}: {p}" for p in _replay(added, cli=False, downloads=False)
                ]
    return problems + [
        f"a recording strays from the spec: {warning.message}"
        for warning in drifted
        if issubclass(warning.category, SpecDriftWarning)
    ]


def with_additions(interactions: list[Interaction]) -> dict[str, list[Interaction]]:
    """The recordings by cassette file name, with ``ADDED_FIELD`` in every JSON object of
    each HAL+JSON body (page, Query Run, ``_links``, ``_embedded``, ``pagination``, ...)
    but those whose keys are relations' (a ``Link`` names ``href`` and ``templated``
    only, and a relation of that name would be one more link)."""
    by_file: dict[str, list[Interaction]] = {}
    for interaction in interactions:
        name = interaction.source.partition("#")[0]
        parts = _parts(interaction)
        if interaction.status == 200 and not parts[-1].startswith("content."):
            body = _added(json.loads(interaction.body))
            interaction = replace(interaction, body=json.dumps(body, indent=2))
        by_file.setdefault(name, []).append(interaction)
    return by_file


def _added(value: Any, key: str = "") -> Any:
    if isinstance(value, list):
        return [_added(item, key) for item in value]
    if not isinstance(value, dict):
        return value
    changed = {k: _added(v, k) for k, v in value.items()}
    if key != "_links" and "href" not in value:
        changed[ADDED_FIELD] = {"kept": [1, None, "text"]}
    return changed


def _replay(server: MockServer, *, cli: bool, downloads: bool = True) -> list[str]:
    interactions = load_directory(server.cassettes)
    by_key = {interaction.key: interaction for interaction in interactions}
    problems: list[str] = []

    def check(
        what: str, interaction: Interaction, expected: Any, call: Callable[..., Any], *args: Any
    ) -> None:
        """``call(*args)`` must give ``expected``; an exception it raises is a problem too."""
        try:
            found = call(*args)
        except Exception as error:  # whatever the client raised: the replay goes on
            problems.append(f"{interaction.source} ({what}): raised {error!r:.300}")
            return
        if found != expected:
            problems.append(f"{interaction.source} ({what}): got {found!r:.300}")

    sync = ModeClient(server.account, server.token, server.secret, base_url=server.base_url)
    with sync:
        for interaction in interactions:
            parts = _parts(interaction)
            if interaction.status != 200 or parts[-1].startswith("content."):
                continue
            report, run, query_run = parts[4], parts[6], parts[-1]
            body = json.loads(interaction.body)
            self_href = body["_links"]["self"]["href"]
            check("ModeClient.follow(self)", interaction, body, _sync_follow, sync, self_href)
            check(
                "AsyncModeClient.follow(self)",
                interaction,
                body,
                asyncio.run,
                _async_follow(server, self_href),
            )
            if len(parts) == _PATH_PARTS and "?" not in interaction.key[1]:
                expected = _listing_runs(by_key, interaction)
                check(
                    "ModeClient.list_query_runs",
                    interaction,
                    expected,
                    _sync_list,
                    sync,
                    report,
                    run,
                )
                check(
                    "AsyncModeClient.list_query_runs",
                    interaction,
                    expected,
                    asyncio.run,
                    _async_list(server, report, run),
                )
                if cli:
                    check("list --json", interaction, expected, _cli, server, "list", report, run)
            elif len(parts) == _PATH_PARTS + 1:
                expected = json.loads(interaction.body)
                check(
                    "ModeClient.get_query_run",
                    interaction,
                    expected,
                    _sync_get,
                    sync,
                    report,
                    run,
                    query_run,
                )
                check(
                    "AsyncModeClient.get_query_run",
                    interaction,
                    expected,
                    asyncio.run,
                    _async_get(server, report, run, query_run),
                )
                web = {k: v["href"] for k, v in body["_links"].items() if k.endswith("_web")}
                check("web_links", interaction, web, _web_links, sync, report, run, query_run)
                if cli:
                    got = ("get", report, run, query_run)  # the command's arguments
                    check("get --json", interaction, expected, _cli, server, *got)
        for interaction in interactions if downloads else []:
            parts = _parts(interaction)
            if not parts[-1].startswith("content.") or "?" in interaction.key[1]:
                continue
            form = parts[-1].removeprefix("content.")
            try:
                expected_bytes = _final_body(by_key, interaction).encode("utf-8")
            except KeyError as missing:
                problems.append(
                    f"{interaction.source}: its redirect leads to no recording {missing}"
                )
                continue
            check(
                "ModeClient.download_result",
                interaction,
                expected_bytes,
                _sync_download,
                sync,
                parts,
                form,
            )
            check(
                "AsyncModeClient.download_result",
                interaction,
                expected_bytes,
                asyncio.run,
                _async_download(server, parts, form),
            )
    return problems


def _sync_list(sync: ModeClient, report: str, run: str) -> list[Any]:
    return [to_wire(query_run) for query_run in sync.list_query_runs(report, run)]


def _sync_get(sync: ModeClient, report: str, run: str, query_run: str) -> Any:
    return to_wire(sync.get_query_run(report, run, query_run))


def _sync_follow(sync: ModeClient, href: str) -> Any:
    """The model ``follow`` gives for ``href``, written back."""
    return to_wire(sync.follow(href))


def _web_links(sync: ModeClient, report: str, run: str, query_run: str) -> dict[str, str]:
    """``web_links`` of the Query Run as got, and of its ``self`` Link followed."""
    got = sync.get_query_run(report, run, query_run)
    followed = sync.follow(got.field_links.self_)
    found = web_links(got)
    return found if web_links(followed) == found else {"followed": "differs"}


def _sync_download(sync: ModeClient, parts: list[str], form: str) -> bytes:
    finished = sync.get_query_run(parts[4], parts[6], parts[-3])
    written = io.BytesIO()
    sync.download_result(finished, written, format=form)
    return written.getvalue()


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


async def _async_follow(server: MockServer, href: str) -> Any:
    async with _async_client(server) as mode:
        return to_wire(await mode.follow(href))


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
