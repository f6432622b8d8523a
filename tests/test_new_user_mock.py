"""``mock serve`` as a new user starts it: a banner line to paste into a shell, a URL a
client on this machine can use when listening on every interface, the requests recorded
twice, and help text for every option."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from test_cli import cli_env, run_cli

from mode_query_runs.cli.mock import recorded_twice
from mode_query_runs.testing.cassette import bundled_directory, load_directory
from support import REPORT, SINGLE_RUN, SINGLE_TOKENS

LISTING = f"/api/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs"


@contextmanager
def serving(*args: str, lines: int) -> Iterator[list[str]]:
    """``mock serve --port 0 ARGS`` running; its first ``lines`` lines of stdout."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mode_query_runs", "mock", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    try:
        assert process.stdout is not None
        yield [process.stdout.readline() for _ in range(lines)]
    finally:
        process.terminate()
        process.communicate(timeout=20)


def pasted(line: str) -> dict[str, str]:
    """The ``MODE_*`` variables a shell has after running ``line``."""
    shown = subprocess.run(
        ["bash", "-c", f"{line}\nenv -0"], capture_output=True, text=True, check=True, env={}
    ).stdout
    return dict(e.split("=", 1) for e in shown.split("\0") if e.startswith("MODE_"))


def test_the_banner_prints_a_line_to_paste_into_a_shell() -> None:
    with serving(lines=2) as (first, second):
        base_url = first.split(" at ", 1)[1].split(";", 1)[0]
        assert first == f"Serving {bundled_directory()} at {base_url}; in a shell:\n"
        assert second.startswith("export ")
        settings = pasted(second)
        assert settings == {
            "MODE_API_TOKEN": "demo-token",
            "MODE_API_SECRET": "demo-secret",
            "MODE_ACCOUNT": "acme",
            "MODE_BASE_URL": base_url,
        }
        response = httpx.get(f"{base_url}/acme/reports/{REPORT}/runs/{SINGLE_RUN}/query_runs",
                             auth=("demo-token", "demo-secret"))  # fmt: skip
        assert response.status_code == 200


def test_listening_on_every_interface_shows_a_url_a_local_client_can_use() -> None:
    with serving("--host", "0.0.0.0", lines=2) as (first, second):
        url = pasted(second)["MODE_BASE_URL"]
        port = url.removeprefix("http://127.0.0.1:").removesuffix("/api")
        assert url == f"http://127.0.0.1:{port}/api"
        assert first == (
            f"Serving {bundled_directory()} at {url} (listening on 0.0.0.0:{port}); in a shell:\n"
        )
        response = httpx.get(f"{url}/acme{LISTING.removeprefix('/api/acme')}",
                             auth=("demo-token", "demo-secret"))  # fmt: skip
        assert [r["token"] for r in response.json()["_embedded"]["query_runs"]] == SINGLE_TOKENS


def test_requests_recorded_twice_are_named_with_the_recording_served(tmp_path: Path) -> None:
    source = bundled_directory() / f"report_run_{SINGLE_RUN}.yaml"
    shutil.copy(source, tmp_path / "b-later.yaml")
    shutil.copy(source, tmp_path / "a-first.yaml")
    with serving("--cassettes", str(tmp_path), lines=5) as lines:
        assert lines[2:] == [
            f"GET {LISTING} is recorded 2 times; serving a-first.yaml#0, then b-later.yaml#0"
            " (the last repeating)\n",
            f"GET {LISTING}/{SINGLE_TOKENS[0]} is recorded 2 times;"
            " serving a-first.yaml#1, then b-later.yaml#1 (the last repeating)\n",
            f"GET {LISTING}/{SINGLE_TOKENS[1]} is recorded 2 times;"
            " serving a-first.yaml#2, then b-later.yaml#2 (the last repeating)\n",
        ]


def test_the_bundled_recordings_record_each_request_once() -> None:
    assert recorded_twice(load_directory(bundled_directory())) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["mock", "serve"], ["--host TEXT", "0.0.0.0", "--port INTEGER RANGE", "free one",
                             "--latency SECONDS", "--cassettes DIRECTORY"]),
        ([], ["--account TEXT", "MODE_ACCOUNT", "--timeout SECONDS"]),
        (["get"], ["--wait-timeout SECONDS", "--poll-interval SECONDS", "With --wait"]),
        (["results"], ["--output PATH", "streamed", "FIFO"]),
    ],
)  # fmt: skip
def test_every_option_has_help_text(args: list[str], expected: list[str]) -> None:
    result = run_cli(*args, "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for words in expected:
        assert words in text, words
