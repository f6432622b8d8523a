"""The pytest fixture as a new user sets it up: cassettes named by a ``str`` (or any
``os.PathLike``), and the account of the cassettes used without being told."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_plugin import OWN_TEST, own_cassettes, user_test

from mode_query_runs import ModeClient
from mode_query_runs.testing import MockServer

pytest_plugins = ["pytester"]


class Recordings(os.PathLike[str]):
    """A path-like object that is neither a ``str`` nor a ``pathlib.Path``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return self.path


@pytest.mark.parametrize("given", [str, Recordings], ids=["str", "PathLike"])
def test_mock_server_takes_a_str_or_any_pathlike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: type[str] | type[Recordings]
) -> None:
    own_cassettes(tmp_path / "recordings")
    monkeypatch.chdir(tmp_path)
    with (
        MockServer(given("recordings")) as server,
        ModeClient(server.account, server.token, server.secret, base_url=server.base_url) as mode,
    ):
        assert server.cassettes == Path("recordings")
        runs = list(mode.list_query_runs("r0000000000a", "u0000000000b"))
    assert [run.token for run in runs] == ["q0000000000c"]


@pytest.mark.parametrize(
    "returned",
    ["'recordings'", "Recordings('recordings')"],
    ids=["str", "PathLike"],
)
def test_a_mode_cassettes_fixture_may_return_a_str_or_a_pathlike(
    pytester: pytest.Pytester, returned: str
) -> None:
    own_cassettes(pytester.path / "recordings")
    pytester.makeconftest(
        "import os, pytest\n\n"
        "class Recordings(os.PathLike):\n"
        "    def __init__(self, path):\n"
        "        self.path = path\n\n"
        "    def __fspath__(self):\n"
        "        return self.path\n\n"
        "@pytest.fixture(scope='module')\n"
        "def mode_cassettes():\n"
        f"    return {returned}\n"
    )
    pytester.makepyfile(OWN_TEST)  # recorded as account "demo"; no mode_account set
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_fixture_uses_the_account_of_the_cassettes(pytester: pytest.Pytester) -> None:
    own_cassettes(pytester.path / "rec")
    pytester.makepyfile(OWN_TEST)
    pytester.runpytest("--mode-cassettes", "rec").assert_outcomes(passed=1)


def test_the_mode_account_ini_option_still_wins(pytester: pytest.Pytester) -> None:
    own_cassettes(pytester.path / "rec")
    pytester.makeini("[pytest]\nmode_account = elsewhere\n")
    pytester.makepyfile(
        "def test_account(mode_mock_server):\n"
        "    assert mode_mock_server.account == 'elsewhere'\n"
        "    assert mode_mock_server.env['MODE_ACCOUNT'] == 'elsewhere'\n"
        "    assert mode_mock_server.server.account == 'demo'\n"
    )
    pytester.runpytest("--mode-cassettes", "rec").assert_outcomes(passed=1)


def test_the_bundled_recordings_still_give_acme(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(user_test("a1b2c3d4e5f6", "8f3e2d1c0b9a", 7, "acme"))
    pytester.runpytest().assert_outcomes(passed=1)
