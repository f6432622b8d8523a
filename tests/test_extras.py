"""The package's shape: the SDK alone, and the ``cli`` and ``testing`` extras.

``pip install mode-query-runs`` installs what the SDK needs; the command line (click, rich)
and the testing kit's server (Starlette, uvicorn) are extras. An environment without an
extra is made here by a ``sitecustomize`` module on ``PYTHONPATH`` whose import hook makes
``import click`` (or any other name in ``BLOCKED_PACKAGES``) fail as for a package that is
not installed; the command, the pytest plugin and the SDK then run in that process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from mode_query_runs import ModeClient
from mode_query_runs.testing import MockServer

ROOT = Path(__file__).parent.parent
COMMAND = Path(sys.executable).parent / "mode-query-runs"
LISTED = ("a1b2c3d4e5f6", "8f3e2d1c0b9a")
"""A bundled Report Run: its Query Runs span pages."""
EXTRAS_PACKAGES = ("click", "pygments", "rich", "starlette", "uvicorn")
"""What the extras bring (pygments comes with rich) and the SDK must not load."""

BLOCKER = '''\
import os
import sys

BLOCKED = set(os.environ["BLOCKED_PACKAGES"].split(","))


class NotInstalled:
    """Finds the blocked packages as an environment without them would: nowhere."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
'''

CLI_MISSING = (
    "mode-query-runs: error: the command line needs {}, which is not installed:"
    ' pip install "mode-query-runs[cli]"\n'
)
SERVER_MISSING = (
    'the mock server needs {}, which is not installed: pip install "mode-query-runs[testing]"'
)


Without = Callable[..., dict[str, str]]


@pytest.fixture
def without(tmp_path: Path) -> Without:
    """``without(*packages)``: environment variables for a process where those packages
    are not installed."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(BLOCKER, "utf-8")

    def env(*packages: str) -> dict[str, str]:
        blocked = ",".join(packages)
        # COLUMNS: pytest's report is as wide as the assertions below expect.
        return {
            **os.environ,
            "PYTHONPATH": str(hooks),
            "BLOCKED_PACKAGES": blocked,
            "COLUMNS": "80",
        }

    return env


def run(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[int, str, str]:
    result = subprocess.run(
        argv, env=env, cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )
    return result.returncode, result.stdout, result.stderr


def test_the_blocker_makes_a_package_not_installed(without: Without) -> None:
    status, _, stderr = run([sys.executable, "-c", "import click"], without("click"))
    assert status == 1
    assert stderr.splitlines()[-1] == "ModuleNotFoundError: No module named 'click'"


def test_import_loads_none_of_the_extras_beyond_what_httpx_loads() -> None:
    # httpx imports its own command line (click, rich, pygments) when they are installed,
    # as they are here; what the SDK adds to that must hold none of the extras, nor PyYAML.
    code = (
        "import sys\n"
        "import httpx\n"
        "before = set(sys.modules)\n"
        "import mode_query_runs\n"
        "added = {name.partition('.')[0] for name in set(sys.modules) - before}\n"
        f"print(sorted(added & {{*{EXTRAS_PACKAGES!r}, 'yaml'}}))\n"
    )
    assert run([sys.executable, "-c", code], dict(os.environ)) == (0, "[]\n", "")


def test_the_pytest_plugin_loads_neither_pyyaml_nor_the_server() -> None:
    # Every pytest run where the package is installed loads the plugin.
    code = (
        "import sys\n"
        "import httpx, pytest\n"
        "before = set(sys.modules)\n"
        "import mode_query_runs.testing.pytest_plugin\n"
        "added = {name.partition('.')[0] for name in set(sys.modules) - before}\n"
        f"print(sorted(added & {{*{EXTRAS_PACKAGES!r}, 'yaml'}}))\n"
    )
    assert run([sys.executable, "-c", code], dict(os.environ)) == (0, "[]\n", "")


def test_the_sdk_alone_imports_and_lists_query_runs_without_the_extras(without: Without) -> None:
    env = without(*EXTRAS_PACKAGES, "yaml")
    code = (
        "import sys\n"
        "from mode_query_runs import ModeClient\n"
        f"extras = {EXTRAS_PACKAGES!r}\n"
        "print(sorted(name for name in (*extras, 'yaml') if name in sys.modules))\n"
        "account, token, secret, base_url = sys.argv[1:]\n"
        "with ModeClient(account, token, secret, base_url=base_url) as mode:\n"
        f"    runs = mode.list_query_runs(*{LISTED!r})\n"
        "    print(' '.join(run.token for run in runs))\n"
        "print(sorted(name for name in extras if name in sys.modules))\n"
    )
    with MockServer() as server:
        credentials = [server.account, server.token, server.secret, server.base_url]
        found = run([sys.executable, "-c", code, *credentials], env)
        with ModeClient(*credentials[:3], base_url=server.base_url) as mode:
            tokens = " ".join(run.token for run in mode.list_query_runs(*LISTED))
    assert len(tokens.split()) == 7
    assert found == (0, f"[]\n{tokens}\n[]\n", "")


@pytest.mark.parametrize("missing", ["click", "rich"])
@pytest.mark.parametrize(
    "argv",
    [[str(COMMAND), "--help"], [str(COMMAND), "list", "r", "u"]],
    ids=["help", "list"],
)
def test_the_command_without_the_cli_extra_names_it(
    without: Without, missing: str, argv: list[str]
) -> None:
    env = without(missing)
    assert run(argv, env) == (1, "", CLI_MISSING.format(missing))


def test_python_dash_m_without_the_cli_extra_names_it(without: Without) -> None:
    env = without("click", "rich", "pygments")
    argv = [sys.executable, "-m", "mode_query_runs", "--help"]
    assert run(argv, env) == (1, "", CLI_MISSING.format("click"))


@pytest.mark.parametrize(
    ("argv", "missing"),
    [(["demo"], ("starlette",)), (["mock", "serve", "--port", "0"], ("uvicorn", "starlette"))],
    ids=["demo", "mock-serve"],
)
def test_the_serving_commands_without_the_testing_extra_name_it(
    without: Without, argv: list[str], missing: tuple[str, ...]
) -> None:
    env = without(*missing)
    expected = f"mode-query-runs: error: {SERVER_MISSING.format(missing[0])}\n"
    assert run([str(COMMAND), *argv], env) == (1, "", expected)


def test_the_other_commands_run_without_the_testing_extra(without: Without) -> None:
    env = without("starlette", "uvicorn")
    status, stdout, stderr = run([str(COMMAND), "drift", "--help"], env)
    assert (status, stderr) == (0, "")
    assert stdout.startswith("Usage: mode-query-runs drift ")


def test_the_testing_kit_without_its_extra_names_it_for_the_server_only(without: Without) -> None:
    env = without("starlette", "uvicorn")
    code = (
        "from mode_query_runs.testing import DEMO_ACCOUNT, bundled_directory, load_cassette\n"
        "print(DEMO_ACCOUNT, sorted(p.name for p in bundled_directory().glob('*.yaml'))[:1])\n"
        "try:\n"
        "    from mode_query_runs.testing import MockServer\n"
        "except ModuleNotFoundError as missing:\n"
        "    print(missing.name, '|', missing)\n"
    )
    status, stdout, stderr = run([sys.executable, "-c", code], env)
    assert (status, stderr) == (0, "")
    first = sorted(path.name for path in Path(MockServer().cassettes).glob("*.yaml"))[0]
    assert stdout == f"acme [{first!r}]\nuvicorn | {SERVER_MISSING.format('uvicorn')}\n"


PLAIN_TEST = "def test_plain():\n    assert 1 + 1 == 2\n"
FIXTURE_TEST = "def test_uses_the_mock(mode_mock_server):\n    assert mode_mock_server.base_url\n"


def test_the_pytest_plugin_loads_without_the_testing_extra(
    without: Without, tmp_path: Path
) -> None:
    env = without("starlette", "uvicorn")
    (tmp_path / "test_plain.py").write_text(PLAIN_TEST, "utf-8")
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"]
    status, stdout, stderr = run(argv, env, cwd=tmp_path)
    assert (status, stderr) == (0, "")
    assert stdout.splitlines()[-1].startswith("1 passed in ")
    status, stdout, _ = run([*argv, "--fixtures"], env, cwd=tmp_path)
    assert status == 0
    assert "mode_mock_server [module scope]" in stdout


def test_the_fixture_without_the_testing_extra_fails_naming_it(
    without: Without, tmp_path: Path
) -> None:
    env = without("starlette", "uvicorn")
    (tmp_path / "test_plain.py").write_text(PLAIN_TEST, "utf-8")
    (tmp_path / "test_mock.py").write_text(FIXTURE_TEST, "utf-8")
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rE"]
    status, stdout, stderr = run(argv, env, cwd=tmp_path)
    message = f"mode_mock_server: {SERVER_MISSING.format('uvicorn')}"
    lines = stdout.splitlines()
    assert (status, stderr) == (1, "")
    # The error section is the message alone: no traceback, no chained exceptions.
    start = lines.index(" ERROR at setup of test_uses_the_mock ".center(80, "_"))
    assert lines[start + 1 : start + 3] == [message, " short test summary info ".center(80, "=")]
    assert lines[-1].startswith("1 passed, 1 error in ")


def _names(requirements: list[str]) -> list[str]:
    return [re.split(r"[~=<>\[ ]", requirement, maxsplit=1)[0] for requirement in requirements]


def test_the_sdk_depends_on_what_it_needs_and_the_rest_are_extras() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert _names(project["dependencies"]) == [
        "httpx",
        "attrs",
        "anyio",
        "tenacity",
        "pyrate-limiter",
        "sniffio",
        "uritemplate",
        "orjson",
    ]
    assert _names(extras["cli"]) == ["click", "rich", "jsonschema-rs", "pyyaml"]
    assert _names(extras["testing"]) == ["starlette", "uvicorn", "jsonschema-rs", "pyyaml"]
    assert extras["dev"][0] == "mode-query-runs[cli,testing,pandas,docs]"
    assert project["scripts"] == {"mode-query-runs": "mode_query_runs.__main__:main"}


def test_the_readme_quotes_the_messages_of_a_missing_extra() -> None:
    readme = " ".join((ROOT / "README.md").read_text("utf-8").split())
    assert f"`{CLI_MISSING.format('click').strip()}`" in readme
    assert f"`mode_mock_server: {SERVER_MISSING.format('uvicorn')}`" in readme
