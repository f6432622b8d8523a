"""The CI workflow files: they parse, and every ``nox -s NAME`` they run is a nox session."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NOX_SESSION = re.compile(r"\bnox\s+-s\s+(\S+)")
MATRIX_VALUE = re.compile(r"\$\{\{\s*matrix\.(\w+)\s*\}\}")


def nox_sessions() -> tuple[set[str], set[str]]:
    """Every session ``nox -l`` lists, and those the default ``nox`` runs (marked ``*``)."""
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "-l"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    every, default = set(), set()
    for line in listed.splitlines():
        if match := re.match(r"^([*-]) (\S+) ->", line):
            every.add(match[2])
            if match[1] == "*":
                default.add(match[2])
    return every, default


def workflow(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def triggers(flow: dict[Any, Any]) -> dict[str, Any]:
    """The ``on:`` mapping (YAML 1.1 reads the key ``on`` as ``True``)."""
    found: Any = flow["on"] if "on" in flow else flow[True]
    return found if isinstance(found, dict) else dict.fromkeys(found)


def matrix_value(bound: dict[str, Any], match: re.Match[str]) -> str:
    return str(bound[match[1]])


def called_sessions(flow: dict[Any, Any]) -> list[str]:
    """Each ``nox -s NAME`` of every step, once per combination of its job's matrix."""
    called = []
    for job in flow["jobs"].values():
        matrix = job.get("strategy", {}).get("matrix", {})
        names = sorted(matrix)
        for values in itertools.product(*(matrix[name] for name in names)):
            bound = dict(zip(names, values, strict=True))
            for step in job["steps"]:
                command = MATRIX_VALUE.sub(partial(matrix_value, bound), step.get("run", ""))
                called += NOX_SESSION.findall(command)
    return called


@pytest.fixture(scope="module")
def sessions() -> tuple[set[str], set[str]]:
    return nox_sessions()


def test_ci_runs_exactly_the_default_nox_sessions(sessions: tuple[set[str], set[str]]) -> None:
    every, default = sessions
    flow = workflow("ci.yml")
    called = called_sessions(flow)
    assert set(called) <= every
    assert sorted(called) == sorted(default)
    assert sorted(default) == [
        "check_generated",
        "contract",
        "docs",
        "lint",
        "tests-3.11",
        "tests-3.12",
        "tests-3.13",
        "typecheck",
    ]
    assert set(triggers(flow)) == {"push", "pull_request"}


def test_contract_live_runs_against_mode_then_checks_drift(
    sessions: tuple[set[str], set[str]],
) -> None:
    every, _ = sessions
    flow = workflow("contract-live.yml")
    assert set(called_sessions(flow)) == {"contract"} <= every
    assert set(triggers(flow)) == {"schedule", "workflow_dispatch"}
    (job,) = flow["jobs"].values()
    assert job["env"] == {
        name: "${{ secrets.%s }}" % name  # noqa: UP031 - the workflow's own syntax
        for name in (
            "MODE_API_TOKEN",
            "MODE_API_SECRET",
            "MODE_ACCOUNT",
            "MODE_REPORT",
            "MODE_RUN",
            "MODE_QUERY_RUN",
        )
    }
    commands = [step["run"] for step in job["steps"] if "run" in step]
    assert "nox -s contract -- --url https://app.mode.com/api" in commands
    # record and drift are the command line: the `cli` extra.
    assert 'python -m pip install nox==2026.10.20 ".[cli]"' in commands
    record = next(c for c in commands if "mode-query-runs record" in c)
    assert "--cassette recording/live.yaml" in record
    assert commands[-1] == "mode-query-runs drift recording/live.yaml"


def test_every_supported_python_is_a_classifier_and_a_tests_session(
    sessions: tuple[set[str], set[str]],
) -> None:
    every, _ = sessions
    text = (ROOT / "pyproject.toml").read_text()
    classified = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)
    assert classified == ["3.11", "3.12", "3.13"]
    assert {f"tests-{version}" for version in classified} == {
        name for name in every if name.startswith("tests-")
    }


def test_noxfile_puts_the_newest_pyenv_install_of_each_python_on_path(tmp_path: Path) -> None:
    for version in ("3.11.7", "3.12.1", "3.12.10", "3.13.0", "3.13.0t", "3.10.13"):
        (tmp_path / "versions" / version / "bin").mkdir(parents=True)
    shown = subprocess.run(
        [sys.executable, "-c", "import os, noxfile; print(os.environ['PATH'])"],
        cwd=ROOT,
        env={"PYENV_ROOT": str(tmp_path), "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    versions = tmp_path / "versions"
    assert shown.split(":") == [
        str(versions / "3.11.7" / "bin"),
        str(versions / "3.12.10" / "bin"),
        str(versions / "3.13.0" / "bin"),
        "/usr/bin",
    ]


def test_a_missing_python_fails_the_run(tmp_path: Path) -> None:
    # Another supported version than this one (nox uses its own interpreter for its own
    # version), with no pyenv and an empty PATH: nothing to find it by.
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    missing = next(version for version in ("3.11", "3.12", "3.13") if version != running)
    (tmp_path / "bin").mkdir()
    result = subprocess.run(
        # A fresh --envdir: an existing virtualenv of the session would be reused.
        [sys.executable, "-m", "nox", "-s", f"tests-{missing}", "--envdir", str(tmp_path / "envs")],
        cwd=ROOT,
        env={"PYENV_ROOT": str(tmp_path), "PATH": str(tmp_path / "bin"), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"nox > Session tests-{missing} failed: Python interpreter {missing} not found." in (
        result.stderr.splitlines()
    )
