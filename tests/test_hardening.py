"""Hostile and broken servers (issue 14, SDK side): credentials in every form and in URLs,
URLs built from server data, endless pages, Retry-After on 503, zone-less timestamps,
an overall deadline, downloads that are not results, and CSV as the csv module reads it."""

from __future__ import annotations

import base64
import datetime
import json
import logging
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from test_body_limit import raw_server
from test_cli import run_cli

from mode_api_client.models import QueryRun
from mode_query_runs import (
    APITimeoutError,
    AsyncModeClient,
    AuthenticationError,
    ModeAPIError,
    ModeClient,
    NotFoundError,
    ResponseParseError,
    RetryPolicy,
    ServerError,
)
from mode_query_runs.errors import Redactor, credential_forms, shown_url_text
from mode_query_runs.pagination import DEFAULT_PAGE_LIMIT
from mode_query_runs.results import CsvRows
from mode_query_runs.wire import format_timestamp, to_wire
from scripted import Scripted, ScriptedServer
from support import spec_typed

LIST = "/api/acme/reports/r1/runs/u1/query_runs"
ONE = f"{LIST}/q1"
RESULT = f"{ONE}/results"
FAST = RetryPolicy(backoff_initial=0.01, backoff_max=0.02, jitter=0.0, total_timeout=10)
TOKEN = "demo-token"
SECRET = "s3cret>?~value"  # its base64 pair holds "+" and "/", and ends in "="


def run_body(state: str = "succeeded", **changes: Any) -> dict[str, Any]:
    """A Query Run as Mode sends it, at ``ONE``."""
    body: dict[str, Any] = {
        "id": 90215,
        "token": "q1",
        "state": state,
        "created_at": "2026-11-02T08:15:04.112Z",
        "completed_at": "2026-11-02T08:15:09.845Z",
        "_links": {
            "self": {"href": ONE, "templated": False},
            "result": {"href": RESULT, "templated": False},
        },
        "data_source_id": 42,
        "limit": True,
        "max_result_bytes": 104857600,
        "query_token": "b8c0d2e4f6a9",
        "query_name": "Weekly signups",
        "query_created_at": "2025-03-18T14:02:51.000Z",
        "parameters": {},
        "raw_source": "SELECT 1",
        "rendered_source": "SELECT 1",
        "_embedded": {},
    }
    body = spec_typed(body)
    body.update(changes)
    return body


def run_with_links(**links: str) -> QueryRun:
    """A Query Run whose ``self`` is ``ONE`` unless ``links`` says otherwise."""
    hrefs = {"self": ONE, **links}
    return QueryRun.from_dict(
        run_body(_links={name: {"href": href} for name, href in hrefs.items()})
    )


def page_body(next_href: str | None, self_href: str = LIST, token: str = "q1") -> bytes:
    links: dict[str, Any] = {"self": {"href": self_href}}
    if next_href is not None:
        links["next_page"] = {"href": next_href}
    runs = [run_body(token=token)]
    return json.dumps({"_links": links, "_embedded": {"query_runs": runs}}).encode()


def client(server: ScriptedServer, **options: Any) -> ModeClient:
    options = {"retry_policy": FAST, "max_retries": 0, **options}
    return ModeClient("acme", TOKEN, SECRET, base_url=f"{server.url}/api", **options)


def async_client(server: ScriptedServer, **options: Any) -> AsyncModeClient:
    options = {"retry_policy": FAST, "max_retries": 0, **options}
    return AsyncModeClient("acme", TOKEN, SECRET, base_url=f"{server.url}/api", **options)


# --- item 4: credentials are redacted before an excerpt is cut ---------------------------

PAIR = f"{TOKEN}:{SECRET}".encode()
ECHOED = {
    "plain secret": SECRET,
    "basic": "Basic " + base64.b64encode(PAIR).decode(),
    "basic without padding": "Basic " + base64.b64encode(PAIR).decode().rstrip("="),
    "url-safe basic": "Basic " + base64.urlsafe_b64encode(PAIR).decode(),
    "url-safe basic without padding": "Basic "
    + base64.urlsafe_b64encode(PAIR).decode().rstrip("="),
    "percent-encoded secret": urllib.parse.quote(SECRET, safe=""),
    "form-encoded secret": urllib.parse.quote_plus(SECRET),
}


def test_the_pair_has_the_forms_the_test_needs() -> None:
    standard = base64.b64encode(PAIR).decode()
    assert standard.endswith("=") and ("+" in standard or "/" in standard)
    assert standard != base64.urlsafe_b64encode(PAIR).decode()


def test_credential_forms_are_every_form_a_server_may_echo() -> None:
    assert credential_forms("tok", "a b/c") == (
        "tok",
        "a b/c",
        "a%20b%2Fc",
        "a+b%2Fc",
        "dG9rOmEgYi9j",
    )
    assert credential_forms("t", "s") == ("t", "s", "dDpz")


@pytest.mark.parametrize("form", ECHOED, ids=list(ECHOED))
def test_an_echoed_credential_after_100_characters_is_redacted_then_cut(form: str) -> None:
    echoed = ECHOED[form]
    body = ("x" * 100 + " " + echoed).encode()
    answer = Scripted(401, body, {"Content-Type": "text/plain"})
    with ScriptedServer(answer) as server, client(server) as mode:
        with pytest.raises(AuthenticationError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    prefix = "Basic " if echoed.startswith("Basic ") else ""
    assert str(caught.value) == (
        f"HTTP 401 Unauthorized; body starts '{'x' * 100} {prefix}[REDACTED]'"
        f" (GET {server.url}{ONE})"
    )


@pytest.mark.parametrize("form", ["plain secret", "basic"])
def test_a_2xx_body_that_is_not_json_is_redacted_then_cut(form: str) -> None:
    body = ("x" * 100 + " " + ECHOED[form] + " " + "y" * 50).encode()
    answer = Scripted(200, body, {"Content-Type": "text/plain"})
    with ScriptedServer(answer) as server, client(server) as mode:
        with pytest.raises(ResponseParseError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    prefix = "Basic " if form == "basic" else ""
    shown = f"{'x' * 100} {prefix}[REDACTED] {'y' * 50}"[:120]
    assert caught.value.message == f"response is not JSON (text/plain); body starts '{shown}…'"


def test_a_long_echo_is_cut_after_redaction() -> None:
    echoed = "Basic " + base64.b64encode(PAIR).decode()
    body = ("x" * 100 + " " + echoed + " " + "y" * 50).encode()
    answer = Scripted(401, body, {"Content-Type": "text/plain"})
    with ScriptedServer(answer) as server, client(server) as mode:
        with pytest.raises(AuthenticationError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    assert caught.value.message == (
        f"Unauthorized; body starts '{'x' * 100} Basic [REDACTED] {'y' * 2}…'"
    )


# --- item 5: URLs built from server data -------------------------------------------------

NUL_HREF = "/api/acme/\u0000x"
NUL_PROBLEM = "Invalid non-printable ASCII character in URL, '\\x00' at position 10."


def test_a_next_page_href_with_a_nul_is_a_response_parse_error() -> None:
    with ScriptedServer(Scripted(200, page_body(NUL_HREF))) as server, client(server) as mode:
        runs = mode.list_query_runs("r1", "u1")
        assert next(runs).token == "q1"
        with pytest.raises(ResponseParseError) as caught:
            next(runs)
    assert str(caught.value) == (
        f"the next_page href of the response is not a valid URL: '/api/acme/\\x00x' ({NUL_PROBLEM})"
    )


@pytest.mark.anyio
async def test_async_a_next_page_href_with_a_nul_is_a_response_parse_error() -> None:
    with ScriptedServer(Scripted(200, page_body(NUL_HREF))) as server:
        async with async_client(server) as mode:
            with pytest.raises(ResponseParseError, match=r"^the next_page href of the response"):
                async for _ in mode.list_query_runs("r1", "u1"):
                    pass


def test_the_cli_shows_a_next_page_href_with_a_nul_on_one_line() -> None:
    with ScriptedServer(Scripted(200, page_body(NUL_HREF))) as server:
        result = run_cli("list", "r1", "u1", base_url=f"{server.url}/api")
    assert result.returncode == 1
    assert result.stderr == (
        "mode-query-runs: error: the next_page href of the response is not a valid URL:"
        f" '/api/acme/\\x00x' ({NUL_PROBLEM})\n"
    )


def test_self_and_result_hrefs_that_are_not_urls_are_response_parse_errors(
    tmp_path: Path,
) -> None:
    run = run_with_links(self="/api/acme/\u0000self", result="/api/acme/\u0001result")
    running = QueryRun.from_dict({**run.to_dict(), "state": "running"})
    with ScriptedServer() as server, client(server) as mode:
        with pytest.raises(ResponseParseError, match=r"^the self href of the response is not"):
            mode.wait_for_completion(running, timeout=5, poll_interval=0.01)
        with pytest.raises(ResponseParseError, match=r"^the result href of the response is not"):
            mode.download_result(run, tmp_path / "out.csv")
        with pytest.raises(ResponseParseError, match=r"^the result href of the response is not"):
            list(mode.iter_result_rows(run))
    assert server.seen == []
    assert list(tmp_path.iterdir()) == []


def test_an_href_of_the_caller_that_is_not_a_url_is_a_value_error() -> None:
    with ScriptedServer() as server, client(server) as mode:
        with pytest.raises(ValueError) as caught:
            mode.follow(NUL_HREF)
    assert str(caught.value) == f"not a valid URL: '/api/acme/\\x00x' ({NUL_PROBLEM})"
    assert not isinstance(caught.value, httpx.InvalidURL)


def test_a_location_that_is_not_a_url_is_an_error_and_not_retried(tmp_path: Path) -> None:
    bad = Scripted(302, b"", {"Location": "http://h:abc/x"})
    with ScriptedServer(bad, bad) as server, client(server, max_retries=2) as mode:
        with pytest.raises(ModeAPIError) as caught:
            mode.download_result(run_with_links(result=RESULT), tmp_path / "out.csv")
        assert str(caught.value) == (
            "HTTP 302 redirect to an invalid URL: 'http://h:abc/x' (Invalid port: 'abc')"
            f" (GET {server.url}{RESULT}/content.csv)"
        )
        with pytest.raises(
            ModeAPIError, match=r"^HTTP 302 redirect to an invalid URL: 'http://h:abc/x'"
        ):
            mode.get_query_run("r1", "u1", "q1")
    assert len(server.seen) == 2
    assert list(tmp_path.iterdir()) == []


# --- item 8: a page limit -----------------------------------------------------------------


def endless_pages(count: int) -> list[Scripted]:
    return [
        Scripted(
            200,
            page_body(f"{LIST}?page={n + 2}", self_href=f"{LIST}?page={n + 1}", token=f"q{n + 1}"),
        )
        for n in range(count)
    ]


def test_an_endless_chain_of_next_pages_stops_at_the_page_limit() -> None:
    with ScriptedServer(*endless_pages(5)) as server, client(server, page_limit=3) as mode:
        runs = mode.list_query_runs("r1", "u1")
        assert [next(runs).token for _ in range(3)] == ["q1", "q2", "q3"]
        with pytest.raises(ModeAPIError) as caught:
            next(runs)
    assert str(caught.value) == (
        "the listing has more than 3 pages (page_limit): next_page links may never end"
    )
    assert len(server.seen) == 3


def test_max_pages_still_stops_quietly_within_the_page_limit() -> None:
    with ScriptedServer(*endless_pages(5)) as server, client(server, page_limit=3) as mode:
        assert len(list(mode.list_query_runs("r1", "u1", max_pages=3))) == 3


@pytest.mark.anyio
async def test_async_an_endless_chain_of_next_pages_stops_at_the_page_limit() -> None:
    with ScriptedServer(*endless_pages(5)) as server:
        async with async_client(server, page_limit=2) as mode:
            seen = []
            with pytest.raises(ModeAPIError, match=r"^the listing has more than 2 pages "):
                async for run in mode.list_query_runs("r1", "u1"):
                    seen.append(run.token)
    assert seen == ["q1", "q2"]


def test_the_default_page_limit_and_bad_ones() -> None:
    assert DEFAULT_PAGE_LIMIT == 10_000
    with ModeClient("acme", "t", "s") as mode:
        assert mode.page_limit == 10_000
    with pytest.raises(ValueError, match=r"^page_limit must be at least 1, not 0$"):
        ModeClient("acme", "t", "s", page_limit=0)
    with pytest.raises(TypeError, match=r"^page_limit must be an int, not str$"):
        ModeClient("acme", "t", "s", page_limit="3")  # type: ignore[arg-type]


# --- item 17: Retry-After of a 503 ---------------------------------------------------------


def test_a_503_with_retry_after_waits_as_asked(caplog: pytest.LogCaptureFixture) -> None:
    unavailable = Scripted(503, b"down", {"Content-Type": "text/plain", "Retry-After": "1"})
    ok = Scripted(200, json.dumps(run_body()).encode())
    caplog.set_level(logging.INFO, logger="mode_query_runs")
    with ScriptedServer(unavailable, ok) as server, client(server, max_retries=1) as mode:
        assert mode.get_query_run("r1", "u1", "q1").token == "q1"
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retry")]
    assert retries == [
        "retry 1 in 1.00 s after: HTTP 503 Service Unavailable; body starts 'down'"
        f" (GET {server.url}{ONE})"
    ]


def test_a_503_keeps_retry_after_and_a_502_has_none() -> None:
    unavailable = Scripted(503, b"", {"Retry-After": "7"})
    bad_gateway = Scripted(502, b"", {"Retry-After": "7"})
    with ScriptedServer(unavailable, bad_gateway) as server, client(server) as mode:
        with pytest.raises(ServerError) as first:
            mode.get_query_run("r1", "u1", "q1")
        with pytest.raises(ServerError) as second:
            mode.get_query_run("r1", "u1", "q1")
    assert (first.value.retry_after, first.value.retry_after_seconds) == ("7", 7.0)
    assert (second.value.retry_after, second.value.retry_after_seconds) == (None, None)
    policy = RetryPolicy(backoff_initial=0.5, jitter=0)
    assert policy.delay(1, first.value) == 7.0
    assert policy.delay(1, second.value) == 0.5


# --- item 18: timestamps without a zone ------------------------------------------------------

UTC = datetime.UTC


def test_a_timestamp_without_a_zone_is_utc_and_keeps_its_text() -> None:
    body = run_body(created_at="2026-11-01 09:30:02", completed_at="2026-11-01T09:30:02.118")
    with ScriptedServer(Scripted(200, json.dumps(body).encode())) as server, client(server) as m:
        run = m.get_query_run("r1", "u1", "q1")
    assert run.created_at == datetime.datetime(2026, 11, 1, 9, 30, 2, tzinfo=UTC)
    assert run.completed_at == datetime.datetime(2026, 11, 1, 9, 30, 2, 118000, tzinfo=UTC)
    assert isinstance(run.created_at, datetime.datetime)
    assert run.created_at.tzinfo is UTC
    assert run.created_at < datetime.datetime(2026, 11, 2, tzinfo=UTC)  # no TypeError
    wire = to_wire(run)
    assert (wire["created_at"], wire["completed_at"]) == (
        "2026-11-01 09:30:02",
        "2026-11-01T09:30:02.118",
    )
    assert wire["query_created_at"] == "2025-03-18T14:02:51.000Z"


def test_timestamps_without_a_zone_in_a_page_and_a_date_alone() -> None:
    page = json.loads(page_body(None))
    page["_embedded"]["query_runs"][0]["created_at"] = "2026-11-01"
    with ScriptedServer(Scripted(200, json.dumps(page).encode())) as server, client(server) as m:
        (run,) = m.list_query_runs("r1", "u1")
    assert run.created_at == datetime.datetime(2026, 11, 1, tzinfo=UTC)
    assert to_wire(run)["created_at"] == "2026-11-01"


def test_a_zoneless_timestamp_survives_copies_and_arithmetic_is_plain() -> None:
    import copy
    import pickle

    body = run_body(created_at="2026-11-01 09:30:02")
    with ScriptedServer(Scripted(200, json.dumps(body).encode())) as server, client(server) as m:
        run = m.get_query_run("r1", "u1", "q1")
    assert to_wire(pickle.loads(pickle.dumps(run)))["created_at"] == "2026-11-01 09:30:02"
    assert to_wire(copy.deepcopy(run))["created_at"] == "2026-11-01 09:30:02"
    assert isinstance(run.created_at, datetime.datetime)
    later = run.created_at + datetime.timedelta(days=1)
    assert format_timestamp(later) == "2026-11-02T09:30:02.000Z"


# --- item 6: an overall deadline for JSON API calls ----------------------------------------


def trickle(conn: socket.socket) -> None:
    """A Query Run's headers, then its body one byte every 50 ms (about 1 s per 20 bytes)."""
    body = json.dumps(run_body()).encode()
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/hal+json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    for byte in body:
        conn.sendall(bytes([byte]))
        time.sleep(0.05)


def test_a_trickled_body_ends_at_the_timeout() -> None:
    with raw_server(trickle) as base_url:
        with ModeClient("acme", "t", "s", base_url=base_url, timeout=0.5, max_retries=0) as mode:
            with pytest.raises(APITimeoutError) as caught:
                mode.get_query_run("r1", "u1", "q1")
    assert str(caught.value) == (
        f"timed out: no complete response within 0.5 s (timeout) (GET {base_url[:-4]}{ONE})"
    )


@pytest.mark.anyio
async def test_async_a_trickled_body_ends_at_the_timeout() -> None:
    with raw_server(trickle) as base_url:
        async with AsyncModeClient(
            "acme", "t", "s", base_url=base_url, timeout=0.5, max_retries=0
        ) as mode:
            with pytest.raises(APITimeoutError, match=r"^timed out: no complete response within"):
                await mode.get_query_run("r1", "u1", "q1")


def test_a_trickled_download_is_not_bound_by_the_overall_deadline(tmp_path: Path) -> None:
    content = b"a,b\n" + b"1,2\n" * 4

    def slow_result(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n"
            b"Content-Length: " + str(len(content)).encode() + b"\r\n\r\n"
        )
        for byte in content:
            conn.sendall(bytes([byte]))
            time.sleep(0.05)

    with raw_server(slow_result) as base_url:
        with ModeClient("acme", "t", "s", base_url=base_url, timeout=0.5, max_retries=0) as mode:
            written = mode.download_result(run_with_links(result=RESULT), tmp_path / "out.csv")
    assert (written, (tmp_path / "out.csv").read_bytes()) == (len(content), content)


# --- items 10 and 11: downloads that are not results ---------------------------------------

NOT_RESULTS = {
    "304": (
        Scripted(304, b""),
        "unexpected response (Not Modified): not content, nor a redirect to follow",
    ),
    "206": (
        Scripted(206, b"a,b\n", {"Content-Type": "text/csv", "Content-Range": "bytes 0-3/9"}),
        "expected the whole result content, got 206 Partial Content",
    ),
    "300 without Location": (
        Scripted(300, b"a,b\n"),
        "unexpected response (Multiple Choices): not content, nor a redirect to follow",
    ),
}


@pytest.mark.parametrize("case", NOT_RESULTS, ids=list(NOT_RESULTS))
def test_a_download_that_is_not_a_complete_2xx_leaves_the_file_alone(
    case: str, tmp_path: Path
) -> None:
    answer, message = NOT_RESULTS[case]
    target = tmp_path / "out.csv"
    target.write_bytes(b"old,content\n")
    with ScriptedServer(answer, answer) as server, client(server) as mode:
        with pytest.raises(ModeAPIError) as caught:
            mode.download_result(run_with_links(result=RESULT), target)
        assert str(caught.value) == (
            f"HTTP {answer.status} {message} (GET {server.url}{RESULT}/content.csv)"
        )
        with pytest.raises(ModeAPIError, match=f"^HTTP {answer.status} "):
            list(mode.iter_result_rows(run_with_links(result=RESULT)))
    assert target.read_bytes() == b"old,content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_304_after_a_redirect_leaves_the_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    with ScriptedServer(Scripted(304, b""), host="127.0.0.2") as storage:
        moved = Scripted(302, b"", {"Location": f"{storage.url}/bucket/r.csv?X-Sig=abc123"})
        with ScriptedServer(moved) as server, client(server) as mode:
            with pytest.raises(ModeAPIError) as caught:
                mode.download_result(run_with_links(result=RESULT), target)
    assert str(caught.value) == (
        "HTTP 304 unexpected response (Not Modified): not content, nor a redirect to follow"
        f" (GET {storage.url}/bucket/r.csv?…)"
    )
    assert target.read_bytes() == b"old\n"


def test_a_web_page_from_storage_hides_the_signed_query(tmp_path: Path) -> None:
    page = Scripted(200, b"<html>login</html>", {"Content-Type": "text/html"})
    with ScriptedServer(page, host="127.0.0.2") as storage:
        moved = Scripted(302, b"", {"Location": f"{storage.url}/bucket/r.csv?X-Sig=abc123"})
        with ScriptedServer(moved) as server, client(server) as mode:
            with pytest.raises(ResponseParseError) as caught:
                mode.download_result(run_with_links(result=RESULT), tmp_path / "out.csv")
    assert str(caught.value) == (
        "HTTP 200 expected result content, got a web page (text/html)"
        f" (GET {storage.url}/bucket/r.csv?…)"
    )


def test_csv_with_a_quote_inside_an_unquoted_field_reads_as_the_csv_module_does() -> None:
    content = b'name,size\nTV,5" wide\n"Radio, small",3\n'
    answer = Scripted(200, content, {"Content-Type": "text/csv"})
    with ScriptedServer(answer) as server, client(server) as mode:
        rows = list(mode.iter_result_rows(run_with_links(result=RESULT)))
    assert rows == [{"name": "TV", "size": '5" wide'}, {"name": "Radio, small", "size": "3"}]


def test_a_bare_quote_does_not_hold_back_the_rows_after_it() -> None:
    rows = CsvRows()
    assert rows.feed('name,size\nTV,5" wide\n') == [{"name": "TV", "size": '5" wide'}]
    assert rows.feed('Radio,3"\nLamp,') == [{"name": "Radio", "size": '3"'}]
    assert rows.feed('"1\n2"\n"a""b"c,d\n') == [
        {"name": "Lamp", "size": "1\n2"},
        {"name": 'a"bc', "size": "d"},
    ]
    assert rows.close() == []


# --- item 15: an unexpected redirect hides a storage URL's signed query ---------------------


def test_an_unexpected_redirect_shows_a_storage_url_without_its_query() -> None:
    moved = Scripted(302, b"", {"Location": "http://127.0.0.2:9/bucket/r.csv?X-Sig=abc123"})
    with ScriptedServer(moved) as server, client(server) as mode:
        with pytest.raises(ModeAPIError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    assert str(caught.value) == (
        f"HTTP 302 unexpected redirect to http://127.0.0.2:9/bucket/r.csv?… (GET {server.url}{ONE})"
    )


# --- item 1: no URL carries user-info -----------------------------------------------------------


def test_waiting_with_user_info_in_the_base_url_never_shows_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    running = [Scripted(200, json.dumps(run_body("running")).encode()) for _ in range(40)]
    caplog.set_level(logging.DEBUG, logger="mode_query_runs")
    with ScriptedServer(*running) as server:
        base_url = f"http://proxyuser:PROXYPASS@127.0.0.1:{server.port}/api"
        with ModeClient("acme", TOKEN, SECRET, base_url=base_url, max_retries=0) as mode:
            run = mode.get_query_run("r1", "u1", "q1")
            with pytest.raises(APITimeoutError) as caught:
                mode.wait_for_completion(run, timeout=0.2, poll_interval=0.05)
    assert str(caught.value) == (
        "Query Run q1 is still 'running' after waiting 0.2 s"
        f" (GET http://127.0.0.1:{server.port}{ONE})"
    )
    shown = [str(caught.value), repr(caught.value), *(r.getMessage() for r in caplog.records)]
    assert not [line for line in shown if "proxyuser" in line or "PROXYPASS" in line]


def test_an_error_never_shows_user_info() -> None:
    error = ModeAPIError("x", method="GET", url="http://user:pass@host/api/x")
    assert error.url == "http://host/api/x"
    assert shown_url_text("not a url \u0000") == "not a url \u0000"


def test_user_info_echoed_by_a_server_is_redacted() -> None:
    answer = Scripted(401, b"proxyuser:PROXYPASS denied", {"Content-Type": "text/plain"})
    with ScriptedServer(answer) as server:
        base_url = f"http://proxyuser:PROXYPASS@127.0.0.1:{server.port}/api"
        with ModeClient("acme", TOKEN, SECRET, base_url=base_url, max_retries=0) as mode:
            with pytest.raises(AuthenticationError) as caught:
                mode.get_query_run("r1", "u1", "q1")
    assert caught.value.message == "Unauthorized; body starts '[REDACTED] denied'"


@contextmanager
def echoing_server() -> Iterator[str]:
    """A loopback server refusing every request with 401 and a text body that repeats the
    ``Authorization`` header it got and the credentials in it; yields the base URL."""

    class Echo(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            header = self.headers.get("Authorization", "")
            pair = base64.b64decode(header.removeprefix("Basic ")).decode()
            body = f"denied {header} for {pair}".encode()
            self.send_response(401)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


ECHO_REDACTED = "Unauthorized; body starts 'denied Basic [REDACTED] for [REDACTED]:[REDACTED]'"


def test_two_clients_in_one_process_each_redact_their_own_credentials() -> None:
    with echoing_server() as base_url:
        alpha = ModeClient("acme", "alpha-token", "alpha-s3cret", base_url=base_url, max_retries=0)

        def alpha_error() -> str:
            with pytest.raises(AuthenticationError) as caught:
                alpha.get_query_run("r1", "u1", "q1")
            return caught.value.message

        async def beta_errors(times: int) -> list[str]:
            messages = []
            async with AsyncModeClient(
                "acme", "beta-token", "beta+s3cret", base_url=base_url, max_retries=0
            ) as beta:
                for _ in range(times):
                    with pytest.raises(AuthenticationError) as caught:
                        await beta.get_query_run("r1", "u1", "q1")
                    messages.append(caught.value.message)
            return messages

        with ThreadPoolExecutor(4) as threads:  # both clients at once, alpha in 3 threads
            alphas = [threads.submit(alpha_error) for _ in range(12)]
            betas = threads.submit(anyio.run, beta_errors, 12)
            assert [future.result() for future in alphas] == [ECHO_REDACTED] * 12
            assert betas.result() == [ECHO_REDACTED] * 12
        assert alpha_error() == ECHO_REDACTED  # beta is closed: alpha still redacts its own
        alpha.close()
        with ModeClient("acme", "gamma-token", "gamma-s3cret", base_url=base_url) as gamma:
            with pytest.raises(AuthenticationError) as caught:
                gamma.get_query_run("r1", "u1", "q1")
    assert caught.value.message == ECHO_REDACTED  # after alpha closed, a new client too


def test_two_clients_over_one_http_client_each_redact_their_own_credentials() -> None:
    with echoing_server() as base_url, httpx.Client() as shared:
        options: dict[str, Any] = {"base_url": base_url, "max_retries": 0, "http_client": shared}
        messages = []
        with ModeClient("acme", "delta-token", "delta-s3cret", **options) as delta:
            with ModeClient("acme", "omega-token", "omega/s3cret", **options) as omega:
                for mode in (delta, omega, delta):
                    with pytest.raises(AuthenticationError) as caught:
                        mode.get_query_run("r1", "u1", "q1")
                    messages.append(caught.value.message)
            with pytest.raises(AuthenticationError) as caught:  # omega closed
                delta.get_query_run("r1", "u1", "q1")
            messages.append(caught.value.message)
    assert messages == [ECHO_REDACTED] * 4


def test_redaction_belongs_to_a_redactor_not_to_the_process() -> None:
    with ModeClient("acme", "alpha-token", "alpha-s3cret"):
        assert ModeAPIError("alpha-s3cret").message == "alpha-s3cret"  # nothing per process
    alpha = Redactor(credential_forms("alpha-token", "alpha-s3cret"))
    assert repr(alpha) == "Redactor(3 forms)"
    text = "alpha-s3cret beta-s3cret YWxwaGEtdG9rZW46YWxwaGEtczNjcmV0"
    assert ModeAPIError(text, redactor=alpha).message == "[REDACTED] beta-s3cret [REDACTED]"
    with alpha.scope():  # for errors built by code given no redactor (the reader)
        assert ModeAPIError("x alpha-token").message == "x [REDACTED]"
        with Redactor(["beta-s3cret"]).scope():
            assert ModeAPIError(text).message == (
                "alpha-s3cret [REDACTED] YWxwaGEtdG9rZW46YWxwaGEtczNjcmV0"
            )
    assert ModeAPIError("x alpha-token").message == "x alpha-token"


# --- item 7: error bodies are read at most 64 KiB on every try --------------------------------


def test_each_retry_reads_at_most_64_kib_of_an_error_body() -> None:
    sent: list[int] = []
    lock = threading.Lock()

    def huge_error(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n")
        conn.settimeout(2)
        chunk = b"z" * 65536
        for _ in range(400):  # 25 MiB if it were all read
            conn.sendall(chunk)
            with lock:
                sent.append(len(chunk))

    policy = RetryPolicy(backoff_initial=0.01, backoff_max=0.01, jitter=0, total_timeout=10)
    with raw_server(huge_error) as base_url:
        with ModeClient(
            "acme", "t", "s", base_url=base_url, max_retries=2, retry_policy=policy, timeout=5
        ) as mode:
            with pytest.raises(ServerError) as caught:
                mode.get_query_run("r1", "u1", "q1")
    assert caught.value.message == f"Service Unavailable; body starts '{'z' * 120}…'"
    assert sum(sent) < 3 * 16 * 1024 * 1024  # socket buffers aside, far from 3 x 25 MiB


def test_the_cli_page_limit_option() -> None:
    with ScriptedServer(*endless_pages(5)) as server:
        result = run_cli("--page-limit", "2", "list", "r1", "u1", base_url=f"{server.url}/api")
    assert result.returncode == 1
    assert result.stderr == (
        "mode-query-runs: error: the listing has more than 2 pages (page_limit):"
        " next_page links may never end\n"
    )
    assert len(server.seen) == 2


# --- issue 15, item 14: a 404 from a base URL without /api ------------------------------------


def test_a_404_from_a_base_url_without_api_hints_at_it() -> None:
    missing = Scripted(404, b'{"id": "not_found", "message": "Not found"}')
    with ScriptedServer(missing, missing) as server:
        with ModeClient("acme", TOKEN, SECRET, base_url=server.url, max_retries=0) as mode:
            with pytest.raises(NotFoundError) as caught:
                mode.get_query_run("r1", "u1", "q1")
        with ModeClient("acme", TOKEN, SECRET, base_url=f"{server.url}/api") as mode:
            with pytest.raises(NotFoundError) as plain:
                mode.get_query_run("r1", "u1", "q1")
    assert str(caught.value) == (
        f"HTTP 404 [not_found] Not found (is /api missing from the base URL {server.url}?)"
        f" (GET {server.url}/acme/reports/r1/runs/u1/query_runs/q1)"
    )
    assert plain.value.message == "Not found"


def test_a_download_answered_101_leaves_the_file_alone(tmp_path: Path) -> None:
    def switching(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        )

    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    with raw_server(switching) as base_url:
        with ModeClient("acme", "t", "s", base_url=base_url, max_retries=0) as mode:
            with pytest.raises(ModeAPIError) as caught:
                mode.download_result(run_with_links(result=RESULT), target)
    assert (
        str(caught.value)
        == (  # h11 refuses a 101 nobody asked for
            "connection failed: Received server _SWITCH_UPGRADE event without a pending proposal"
            f" (GET {base_url[:-4]}{RESULT}/content.csv)"
        )
    )
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_httpx_logs_no_user_info_of_the_base_url(caplog: pytest.LogCaptureFixture) -> None:
    ok = Scripted(200, json.dumps(run_body()).encode())
    caplog.set_level(logging.DEBUG)
    with ScriptedServer(ok) as server:
        base_url = f"http://proxyuser:PROXYPASS@127.0.0.1:{server.port}/api"
        with ModeClient("acme", TOKEN, SECRET, base_url=base_url, max_retries=0) as mode:
            assert mode.get_query_run("r1", "u1", "q1").token == "q1"
    logged = [record.getMessage() for record in caplog.records]
    assert f'HTTP Request: GET http://127.0.0.1:{server.port}{ONE} "HTTP/1.1 200 OK"' in logged
    assert not [line for line in logged if "proxyuser" in line or "PROXYPASS" in line]


def test_a_credential_a_server_echoes_into_a_redirect_is_in_no_log_line_nor_error(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """A storage URL holding the secret and the Basic value in its path is logged with
    them hidden; a host holding the secret is shown lower-cased by httpx, and hidden all
    the same (the redactor ignores case)."""
    basic = base64.b64encode(f"{TOKEN}:{SECRET}".encode()).decode()
    echoed = f"/bucket/{urllib.parse.quote(SECRET, safe='')}/{basic}/x.csv"
    redirect = Scripted(302, b"", {"Location": echoed})
    result = Scripted(200, b"a,b\n1,2\n", {"Content-Type": "text/csv"})
    caplog.set_level(logging.DEBUG, logger="mode_query_runs")
    with ScriptedServer(redirect, result) as server:
        base_url = f"http://127.0.0.1:{server.port}/api"
        with ModeClient("acme", TOKEN, SECRET, base_url=base_url, max_retries=0) as mode:
            assert mode.download_result(run_with_links(result=RESULT), tmp_path / "r.csv") == 8
    logged = [r.getMessage() for r in caplog.records if r.name == "mode_query_runs"]
    storage = f"GET http://127.0.0.1:{server.port}/bucket/[REDACTED]/[REDACTED]/x.csv -> 200"
    assert [line for line in logged if line.startswith(storage)] != []
    assert not [line for line in logged if SECRET in line or basic in line]
    redactor = Redactor(credential_forms("Tok-Value", "Sec-SECRET"))
    assert redactor.redact("GET http://sec-secret:9/x (tok-value)") == (
        "GET http://[REDACTED]:9/x ([REDACTED])"
    )


def test_httpx_logs_each_request_of_the_sdks_own_pool_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The SDK's own pool is a transport under its one httpx client: one ``HTTP Request``
    line per request (a caller's ``http_client`` logs its own as well)."""
    ok = Scripted(200, json.dumps(run_body()).encode())
    caplog.set_level(logging.INFO, logger="httpx")
    with ScriptedServer(ok, ok) as server:
        with ModeClient("acme", TOKEN, SECRET, base_url=f"{server.url}/api") as mode:
            mode.get_query_run("r1", "u1", "q1")
        with (
            httpx.Client() as own,
            ModeClient(
                "acme", TOKEN, SECRET, base_url=f"{server.url}/api", http_client=own
            ) as mode,
        ):
            mode.get_query_run("r1", "u1", "q1")
    logged = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    line = f'HTTP Request: GET {server.url}{ONE} "HTTP/1.1 200 OK"'
    assert logged == [line, line, line]
