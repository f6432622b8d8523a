"""The contract run's replay (issue 23): the SDK and the CLI give back every recording."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from contract.replay_recordings import reach, replay
from mode_query_runs.testing.cassette import bundled_directory, dump_cassette, load_directory
from mode_query_runs.testing.server import MockServer

GET = "/api/acme/reports/a1b2c3d4e5f6/runs/5c4b3a291807/query_runs/2d6e0c4f9a1b"


def test_every_recording_is_given_back_and_reached() -> None:
    with MockServer() as server:
        assert reach(server, lambda: list(server.requests)) == (0, 26)
        assert replay(server) == []
        assert reach(server, lambda: list(server.requests)) == (26, 26)


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
    ways = ["ModeClient.get_query_run", "AsyncModeClient.get_query_run", "get --json"]
    assert [problem.split(": got ")[0] for problem in problems] == [
        f"changed.yaml#2 ({way})" for way in ways
    ]
