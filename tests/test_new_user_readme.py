"""The README as a new user reads it: the two commands of a fresh machine, and what it
says of the command line and the mock server."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"


def section(heading: str) -> str:
    return re.split(f"^## {re.escape(heading)}\n", README.read_text("utf-8"), flags=re.M)[1].split(
        "\n## ", 1
    )[0]


def commands(heading: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section(heading), re.S)]


def test_each_fresh_machine_command_is_one_line_in_a_virtual_environment() -> None:
    install, checks = commands("Two commands on a fresh machine")
    # The demo is the command line (the `cli` extra) against the mock server (`testing`).
    assert install == (
        'python3 -m venv .venv && .venv/bin/python -m pip install ".[cli,testing]"'
        " && .venv/bin/mode-query-runs demo"
    )
    assert checks == "python3 -m venv .venv && .venv/bin/python -m pip install nox && .venv/bin/nox"


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, checks = commands("Two commands on a fresh machine")
    lines = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert lines[2:] == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', checks]


def test_the_virtual_environments_are_not_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text("utf-8").splitlines()
    assert ".venv/" in ignored
    assert ".nox/" in ignored


def test_the_readme_documents_what_a_new_user_ran_into() -> None:
    command_line = " ".join(section("Command line").split())
    mock = " ".join(section("The recorded mock server").split())
    for words in [
        "--account NAME",
        "MODE_ACCOUNT",
        "streams it",
        "-o /dev/null",
        "FIFO",
        "symbolic link",
        "cannot write to stdout: No space left on device",
        "ended without results",
        "Surrounding whitespace is removed",
    ]:
        assert words in command_line, words
    for words in [
        "--host ADDRESS",
        "0.0.0.0",
        "--latency SECONDS",
        "--port 0",
        "export MODE_API_TOKEN=demo-token MODE_API_SECRET=demo-secret",
        "serves `self`, `next_page` and `prev_page`",
        "`query`, `report_run`",
        "not results: after replaying one, `results` gets Mode's 404 body",
        "is answered with its recordings in order, the last one repeating",
        "recorded 2 times; serving a.yaml#0, then b.yaml#0",
    ]:
        assert words in mock, words
