"""The pytest plugin, run the way a user's test suite runs it (pytester, in process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mode_query_runs.testing.cassette import dump_cassette
from support import PAGED_TOKENS, recorded

pytest_plugins = ["pytester"]

README = Path(__file__).parent.parent / "README.md"

OWN_RUN = "/api/demo/reports/r0000000000a/runs/u0000000000b/query_runs"
OWN_PAGE = {
    "_links": {"self": {"href": OWN_RUN}},
    "_embedded": {
        "query_runs": [
            {
                "id": 1,
                "token": "q0000000000c",
                "state": "succeeded",
                "created_at": "2026-10-02T08:00:01.250Z",
                "_links": {"self": {"href": f"{OWN_RUN}/q0000000000c"}},
            }
        ]
    },
}

# What a user writes: their own code, and a test of it against the fixture.
USER_TEST = """
from mode_query_runs import ModeClient


def count_runs(mode, report, run):  # "the user's own code"
    return sum(1 for _ in mode.list_query_runs(report, run))


def test_counts_runs(mode_mock_server, monkeypatch):
    for name, value in mode_mock_server.env.items():
        monkeypatch.setenv(name, value)
    with ModeClient.from_env() as mode:
        assert count_runs(mode, {report!r}, {run!r}) == {count}
    assert mode_mock_server.account == {account!r}
    assert (mode_mock_server.token, mode_mock_server.secret) == ("demo-token", "demo-secret")
    assert mode_mock_server.base_url.startswith("http://127.0.0.1:")
    assert mode_mock_server.base_url.endswith("/api")
    assert mode_mock_server.server.requests[0] == ("GET", {first!r})
"""


def user_test(report: str, run: str, count: int, account: str) -> str:
    first = f"/api/{account}/reports/{report}/runs/{run}/query_runs"
    return USER_TEST.format(report=report, run=run, count=count, account=account, first=first)


BUNDLED_TEST = user_test("a1b2c3d4e5f6", "8f3e2d1c0b9a", len(PAGED_TOKENS), "acme")
OWN_TEST = user_test("r0000000000a", "u0000000000b", 1, "demo")


def own_cassettes(directory: Path) -> Path:
    directory.mkdir()
    dump_cassette([recorded(OWN_RUN, OWN_PAGE)], directory / "own.yaml")
    return directory


def test_the_fixture_serves_the_bundled_recordings_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(BUNDLED_TEST)
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_ini_option_points_it_at_your_own_cassettes(pytester: pytest.Pytester) -> None:
    own_cassettes(pytester.path / "recordings")
    pytester.makeini("[pytest]\nmode_cassettes = recordings\nmode_account = demo\n")
    pytester.makepyfile(OWN_TEST)
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_command_line_option_overrides_the_ini(pytester: pytest.Pytester) -> None:
    own_cassettes(pytester.path / "recordings")
    pytester.makeini("[pytest]\nmode_cassettes = elsewhere\nmode_account = demo\n")
    pytester.makepyfile(OWN_TEST)
    pytester.runpytest("--mode-cassettes", "recordings").assert_outcomes(passed=1)


def test_overriding_the_mode_cassettes_fixture_works_too(pytester: pytest.Pytester) -> None:
    own_cassettes(pytester.path / "recordings")
    pytester.makeini("[pytest]\nmode_account = demo\n")
    pytester.makeconftest(
        "import pathlib, pytest\n\n"
        "@pytest.fixture(scope='module')\n"
        "def mode_cassettes():\n"
        "    return pathlib.Path(__file__).parent / 'recordings'\n"
    )
    pytester.makepyfile(OWN_TEST)
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_directory_without_cassettes_is_a_setup_error_naming_it(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "empty").mkdir()
    pytester.makepyfile(BUNDLED_TEST)
    result = pytester.runpytest("--mode-cassettes", "empty")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["E *ValueError: empty: no cassettes (*.yaml) found"])


def test_the_plugin_is_registered_through_the_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["mode_mock_server [[]module scope[]] -- *pytest_plugin.py:*"])


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    section = README.read_text("utf-8").split("## Testing your code against the mock (pytest)")[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(example.splitlines()) <= 10
    pytester.makepyfile(example)
    pytester.runpytest().assert_outcomes(passed=1)
