"""Retries of GETs, logging and the User-Agent, against scripted loopback servers."""

from __future__ import annotations

import datetime
import email.utils
import json
import logging
import math
import re
import time
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_cli import run_cli

from mode_query_runs import (
    APIConnectionError,
    AsyncModeClient,
    ModeClient,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from mode_query_runs.retries import retry_after_seconds
from scripted import Scripted, ScriptedServer
from support import REPORT, SEED_PAGE

RUN = "8f3e2d1c0b9a"
PATH = f"/api/acme/reports/{REPORT}/runs/{RUN}/query_runs/f23owhgklkj"
FAST = RetryPolicy(backoff_initial=0.01, backoff_max=0.02, jitter=0.0, total_timeout=10)
OK = Scripted(200, SEED_PAGE.read_bytes())
SECRET = "s3cret-value"


def limited(retry_after: str | None = None) -> Scripted:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Scripted(429, b'{"id": "rate_limited", "message": "Too many requests"}', headers)


def status(code: int) -> Scripted:
    return Scripted(code, b"<html>gateway</html>", {"Content-Type": "text/html"})


def client(server: ScriptedServer, **options: Any) -> ModeClient:
    return ModeClient(
        "acme", "demo-token", SECRET, base_url=f"{server.url}/api", retry_policy=FAST, **options
    )


def get(mode: ModeClient) -> str:
    return mode.get_query_run(REPORT, RUN, "f23owhgklkj").token


def test_429_then_200_is_retried_and_succeeds() -> None:
    with ScriptedServer(limited("0"), OK) as server, client(server) as mode:
        assert get(mode) == "f23owhgklkj"
    assert [seen.path for seen in server.seen] == [PATH, PATH]


@pytest.mark.anyio
async def test_async_429_then_200_is_retried_and_succeeds() -> None:
    with ScriptedServer(limited("0"), OK) as server:
        base = f"{server.url}/api"
        async with AsyncModeClient("acme", "t", "s", base_url=base, retry_policy=FAST) as mode:
            run = await mode.get_query_run(REPORT, RUN, "f23owhgklkj")
    assert run.token == "f23owhgklkj"
    assert len(server.seen) == 2


@pytest.mark.parametrize("code", [502, 503, 504])
def test_gateway_statuses_are_retried(code: int) -> None:
    with ScriptedServer(status(code), status(code), OK) as server, client(server) as mode:
        assert get(mode) == "f23owhgklkj"
    assert len(server.seen) == 3


def test_retries_stop_after_max_retries_with_the_last_error() -> None:
    script = [status(503)] * 4
    with ScriptedServer(*script) as server, client(server, max_retries=2) as mode:
        with pytest.raises(ServerError, match=r"^HTTP 503 Service Unavailable; body starts"):
            get(mode)
    assert len(server.seen) == 3


def test_max_retries_zero_sends_one_request() -> None:
    with ScriptedServer(limited("0"), OK) as server, client(server, max_retries=0) as mode:
        with pytest.raises(RateLimitError):
            get(mode)
    assert len(server.seen) == 1


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (status(500), ServerError),
        (Scripted(404, b'{"id":"not_found","message":"x"}'), NotFoundError),
    ],
)
def test_other_failures_are_not_retried(answer: Scripted, error: type[Exception]) -> None:
    with ScriptedServer(answer, OK) as server, client(server) as mode:
        with pytest.raises(error):
            get(mode)
    assert len(server.seen) == 1


def test_retry_after_as_a_past_http_date_retries_at_once() -> None:
    with ScriptedServer(limited("Wed, 21 Oct 2015 07:28:00 GMT"), OK) as server:
        with client(server) as mode:
            assert get(mode) == "f23owhgklkj"
    assert len(server.seen) == 2


def test_retry_after_beyond_the_total_cap_gives_up_at_once() -> None:
    with ScriptedServer(limited("3600"), OK) as server, client(server) as mode:
        with pytest.raises(RateLimitError) as caught:
            get(mode)
    assert (caught.value.status, caught.value.retry_after) == (429, "3600")
    assert len(server.seen) == 1


def test_refused_connections_are_retried(
    closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mode_query_runs")
    url = f"http://127.0.0.1:{closed_port}/api"
    with ModeClient("acme", "t", "s", base_url=url, retry_policy=FAST) as mode:
        with pytest.raises(APIConnectionError, match=r"^connection failed"):
            get(mode)
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retry ")]
    assert [line.split(" in ")[0] for line in retries] == ["retry 1", "retry 2"]


def test_every_request_is_logged_at_debug_without_credentials(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="mode_query_runs")
    with ScriptedServer(limited("0"), OK) as server, client(server) as mode:
        get(mode)
    lines = [r.getMessage() for r in caplog.records if r.name == "mode_query_runs"]
    pattern = rf"GET {re.escape(server.url + PATH)} -> (\d+) \(\d+\.\d{{3}} s\)"
    statuses = [m.group(1) for line in lines if (m := re.fullmatch(pattern, line))]
    assert statuses == ["429", "200"]
    assert any(line.startswith("retry 1 in 0.00 s after: HTTP 429") for line in lines)
    text = caplog.text + "".join(repr(r.__dict__) for r in caplog.records)
    for secret in (SECRET, "Authorization", "Basic ", "ZGVtby10b2tlbjpzM2NyZXQtdmFsdWU="):
        assert secret not in text


def test_user_agent_and_accept_headers_are_sent() -> None:
    with ScriptedServer(OK) as server, client(server) as mode:
        get(mode)
    headers = server.seen[0].headers
    assert re.fullmatch(r"mode-query-runs/\S+ httpx/\S+ python/\S+", headers["User-Agent"])
    assert headers["Accept"] == "application/hal+json"


def test_retry_after_seconds_reads_seconds_and_http_dates() -> None:
    now = datetime.datetime(2015, 10, 21, 7, 27, 0, tzinfo=datetime.UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 7 ") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 60.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:26:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    for unreadable in ("-3", "1.5", "+7", "", "\u00b2", "\u0663", "9" * 400):
        assert retry_after_seconds(unreadable) is None, unreadable


@given(st.text())
def test_retry_after_seconds_of_any_text_is_none_or_a_wait(text: str) -> None:
    seconds = retry_after_seconds(text)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


def test_backoff_doubles_up_to_the_maximum_plus_jitter() -> None:
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=3.0, jitter=0.25)
    for retry, base in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (9, 3.0)]:
        waits = [policy.delay(retry) for _ in range(50)]
        assert all(base <= wait <= base + 0.25 for wait in waits), (retry, waits)
    exact = RetryPolicy(backoff_initial=0.5, jitter=0)
    assert [exact.delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    asked = RateLimitError("x", status=429, method="GET", retry_after="5")
    assert exact.delay(1, asked) == 5.0
    unreadable = RateLimitError("x", status=429, method="GET", retry_after="soon")
    assert exact.delay(2, unreadable) == 1.0


def test_bad_retry_settings_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^max_retries must not be negative, not -1$"):
        ModeClient("acme", "t", "s", max_retries=-1)
    with pytest.raises(ValueError, match=r"^jitter must not be negative, not -1$"):
        RetryPolicy(jitter=-1)


def test_repr_and_errors_never_hold_the_secret() -> None:
    body = json.dumps({"id": "unauthorized", "message": "Unauthorized"}).encode()
    with ScriptedServer(Scripted(401, body)) as server, client(server) as mode:
        with pytest.raises(Exception) as caught:
            get(mode)
        texts = [str(caught.value), repr(caught.value), repr(mode), repr(mode._session)]
    assert all(SECRET not in text and "demo-token" not in text for text in texts)


def test_cli_max_retries_and_verbose_log_lines() -> None:
    script = [limited("0"), OK]
    with ScriptedServer(*script) as server:
        args = ("-v", "--max-retries", "0", "get", REPORT, RUN, "f23owhgklkj")
        result = run_cli(*args, base_url=f"{server.url}/api", secret=SECRET)
    assert_one_line_error_after_log(result.stderr, "HTTP 429 [rate_limited] Too many requests")
    assert result.stderr.startswith(f"mode-query-runs: GET {server.url}{PATH} -> 429 (")
    assert SECRET not in result.stderr
    assert len(server.seen) == 1
    with ScriptedServer(*script) as server:
        result = run_cli("-v", "get", REPORT, RUN, "f23owhgklkj", base_url=f"{server.url}/api")
    assert result.returncode == 0, result.stderr
    lines = [line.split(" (")[0] for line in result.stderr.splitlines()]
    assert lines == [
        f"mode-query-runs: GET {server.url}{PATH} -> 429",
        "mode-query-runs: retry 1 in 0.00 s after: HTTP 429 [rate_limited] Too many requests",
        f"mode-query-runs: GET {server.url}{PATH} -> 200",
    ]


def assert_one_line_error_after_log(stderr: str, expected: str) -> None:
    *log, last = stderr.splitlines()
    assert all(line.startswith("mode-query-runs: GET ") for line in log)
    assert last.startswith(f"mode-query-runs: error: {expected}")


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("0", 0.0), ("-3", None), ("1.5", None), ("soon", None), (None, None)],
)
def test_rate_limit_error_says_how_long_to_wait(header: str | None, seconds: float | None) -> None:
    with ScriptedServer(limited(header)) as server, client(server, max_retries=0) as mode:
        with pytest.raises(RateLimitError) as caught:
            get(mode)
    assert (caught.value.retry_after, caught.value.retry_after_seconds) == (header, seconds)
    assert len(server.seen) == 1


def test_rate_limit_error_reads_an_http_date_as_seconds_from_now() -> None:
    ahead = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=90)
    header = email.utils.format_datetime(ahead, usegmt=True)  # whole seconds: up to 1 s less
    with ScriptedServer(limited(header)) as server, client(server, max_retries=0) as mode:
        with pytest.raises(RateLimitError) as caught:
            get(mode)
    assert caught.value.retry_after == header
    assert caught.value.retry_after_seconds is not None
    assert 60 < caught.value.retry_after_seconds <= 90  # a band: the clock moves meanwhile


@pytest.mark.anyio
async def test_async_rate_limit_error_says_how_long_to_wait() -> None:
    with ScriptedServer(limited("7")) as server:
        base = f"{server.url}/api"
        async with AsyncModeClient("acme", "t", "s", base_url=base, max_retries=0) as mode:
            with pytest.raises(RateLimitError) as caught:
                await mode.get_query_run(REPORT, RUN, "f23owhgklkj")
    assert (caught.value.retry_after, caught.value.retry_after_seconds) == ("7", 7.0)


class _SlowFirstTry(httpx.BaseTransport):
    """httpx's transport, its first request held ``seconds`` before it is sent."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.sent, self._pool = seconds, 0, httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        if self.sent == 1:
            time.sleep(self.seconds)
        return self._pool.handle_request(request)

    def close(self) -> None:
        self._pool.close()


def test_the_first_tries_time_counts_against_the_total_cap() -> None:
    """The first try runs before tenacity's loop takes over: the loop's cap is what is
    left of ``total_timeout`` (a first 503 after 0.3 s of a 0.2 s cap is not retried)."""
    policy = RetryPolicy(backoff_initial=0.01, backoff_max=0.01, jitter=0.0, total_timeout=0.2)
    with (
        ScriptedServer(status(503), OK) as server,
        httpx.Client(transport=_SlowFirstTry(0.3)) as pool,
    ):
        base = f"{server.url}/api"
        with ModeClient(
            "acme", "t", "s", base_url=base, retry_policy=policy, http_client=pool
        ) as mode:
            with pytest.raises(ServerError):
                get(mode)
    assert len(server.seen) == 1
