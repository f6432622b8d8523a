"""The contract run's replay (issue 23): the SDK and the CLI give back every recording."""

from __future__ import annotations

import json
import runpy
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from contract.replay_recordings import (
    ADDED_FIELD,
    PARTS,
    STRAYING_DIRECTORY,
    reach,
    replay,
    with_additions,
)
from mode_query_runs.testing.cassette import (
    Interaction,
    bundled_directory,
    dump_cassette,
    load_directory,
)
from mode_query_runs.testing.server import MockServer

LIST = "/api/acme/reports/a1b2c3d4e5f6/runs/5c4b3a291807/query_runs"
GET = f"{LIST}/2d6e0c4f9a1b"


def test_every_recording_is_given_back_and_reached() -> None:
    with MockServer() as server:
        assert reach(server, lambda: list(server.requests)) == (0, 53)
        assert replay(server) == []
        assert reach(server, lambda: list(server.requests)) == (53, 53)


def test_a_client_that_gives_back_other_than_recorded_is_caught(tmp_path: Path) -> None:
    """The server answers the bundled recordings; the replay expects a changed one."""
    changed = []
    for interaction in load_directory(bundled_directory()):
        if interaction.key == ("GET", GET):
            body = json.loads(interaction.body)
            body["state"] = "failed"
            interaction = replace(interaction, body=json.dumps(body))
        changed.append(interaction)
    dump_cassette(changed, tmp_path / "changed.yaml")
    with MockServer() as server:
        server.cassettes = tmp_path
        problems = replay(server)
    ways = [
        "ModeClient.follow(self)",
        "AsyncModeClient.follow(self)",
        "ModeClient.follow",  # the self Link, and an array of one
        "AsyncModeClient.follow",
        "ModeClient.get_query_run",
        "AsyncModeClient.get_query_run",
        "get --json",
    ]
    assert [problem.split(": got ")[0] for problem in problems] == [
        f"changed.yaml#2 ({way})" for way in ways
    ]


@pytest.fixture
def deep_stack() -> Iterator[None]:
    """The recursion limit raised to 5000 meanwhile: mutmut calls each function of a
    mutated module through a trampoline (three frames a call), so reading the recordings
    nested ``MAX_DEPTH`` deep would exceed Python's default of 1000 frames under mutmut."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5000))
    yield
    sys.setrecursionlimit(limit)


@pytest.mark.parametrize("part", PARTS)
def test_the_sdk_gives_back_every_recording(part: str, deep_stack: None) -> None:
    """The SDK's part alone (no CLI), one part of the replay each, stopping at its first
    problem: the entry point of ``nox -s mutation`` (mutmut runs the quickest parts first
    and stops at the first that fails)."""
    with MockServer() as server:
        assert replay(server, cli=False, first_only=True, parts=(part,)) == []


def test_a_recording_that_strays_from_the_spec_is_caught(tmp_path: Path) -> None:
    """A Query Run on listing page 2 without its required ``state``: the tolerant reader
    gives it back as recorded, and warns; the warning is the replay's problem."""
    changed = []
    for interaction in load_directory(bundled_directory()):
        if interaction.key[1].endswith("/8f3e2d1c0b9a/query_runs?page=2"):
            body = json.loads(interaction.body)
            del body["_embedded"]["query_runs"][2]["state"]
            interaction = replace(interaction, body=json.dumps(body))
        changed.append(interaction)
    dump_cassette(changed, tmp_path / "changed.yaml")
    with MockServer(tmp_path) as server:
        problems = replay(server, cli=False)
    drift = (
        "a recording strays from the spec: listQueryRunsForReportRun:"
        " $._embedded.query_runs[2].state: the spec expects present, found missing"
    )
    assert problems == [drift] * 6  # the SDK's reads of page 2 (listings, follow), as warned


def test_additions_are_in_every_object_but_links() -> None:
    body = {
        "_links": {"self": {"href": "/a"}, "next_page": [{"href": "/b"}]},
        "_embedded": {"query_runs": [{"token": "t", "parameters": {}}]},
        "pagination": None,
    }
    uri = f"https://app.mode.com{LIST}"
    interaction = Interaction("GET", uri, 200, "OK", {}, json.dumps(body), "c.yaml#0")
    [(name, [added])] = with_additions([interaction]).items()
    kept = {"kept": [1, None, "text"]}
    assert (name, json.loads(added.body)) == (
        "c.yaml",
        {
            "_links": {"self": {"href": "/a"}, "next_page": [{"href": "/b"}]},
            "_embedded": {
                "query_runs": [
                    {"token": "t", "parameters": {ADDED_FIELD: kept}, ADDED_FIELD: kept}
                ],
                ADDED_FIELD: kept,
            },
            "pagination": None,
            ADDED_FIELD: kept,
        },
    )


def test_the_straying_recordings_are_what_the_build_script_writes(tmp_path: Path) -> None:
    """``tests/data/straying`` holds what ``scripts/build_demo_cassettes.py`` gives: 22
    recordings of six Report Runs (the replay serves them from a mock server of their own)."""
    build = runpy.run_path(str(Path(__file__).parents[2] / "scripts" / "build_demo_cassettes.py"))
    built = build["straying_listings"]()
    assert sorted(built) == sorted(p.name for p in STRAYING_DIRECTORY.glob("*.yaml"))
    for name, interactions in built.items():
        dump_cassette(interactions, tmp_path / name)
        assert (tmp_path / name).read_bytes() == (STRAYING_DIRECTORY / name).read_bytes(), name
    assert sum(len(found) for found in built.values()) == 22
