"""The pytest plugin's rate limit (``mode_rate_limit`` / ``--mode-rate-limit``), via pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

LIMITED_TEST = """
import pytest

from mode_query_runs import ModeClient, RateLimitError


def test_the_third_request_is_rate_limited(mode_mock_server):
    m = mode_mock_server
    with ModeClient(m.account, m.token, m.secret, base_url=m.base_url, max_retries=0) as mode:
        for _ in range(2):
            mode.get_query_run("a1b2c3d4e5f6", "8f3e2d1c0b9a", "6c3d9e2f1a7b")
        with pytest.raises(RateLimitError) as caught:
            mode.get_query_run("a1b2c3d4e5f6", "8f3e2d1c0b9a", "6c3d9e2f1a7b")
    assert (caught.value.error_id, caught.value.retry_after) == ("rate_limited", "10")
"""


def test_the_ini_option_rate_limits_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nmode_rate_limit = 0.1/2\n")
    pytester.makepyfile(LIMITED_TEST)
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_command_line_option_rate_limits_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(LIMITED_TEST)
    pytester.runpytest("--mode-rate-limit", "0.1/2").assert_outcomes(passed=1)


def test_without_the_option_nothing_is_rate_limited(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(LIMITED_TEST)
    pytester.runpytest().assert_outcomes(failed=1)


def test_a_bad_rate_limit_is_a_setup_error_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(LIMITED_TEST)
    result = pytester.runpytest("--mode-rate-limit", "fast")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["E *ValueError: 'fast' is not RATE[[]/BURST[]] (requests per second, e.g. 50/10)"]
    )
