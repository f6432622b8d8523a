"""Where a listing ends (issue 18): each Query Run once, a handful of requests.

Mode emits ``next_page`` past the end of a collection and some collections answer every
page number with the whole collection (``mode-api-facts.md``, "What clients of the live API
report"). Each case is a real server on loopback answering by page number; the tests
count the requests it got and compare the runs given by the sync and async listings, the
CLI's ``list --json`` and ``list-many --json``, and the recorder.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from mode_query_runs import AsyncModeClient, ModeAPIError, ModeClient
from mode_query_runs.engine import Session
from mode_query_runs.testing.recorder import fetch_report_run

ACCOUNT, REPORT, RUN = "acme", "r1", "u1"
LIST = f"/api/{ACCOUNT}/reports/{REPORT}/runs/{RUN}/query_runs"

Page = Callable[[int], dict[str, Any]]


def query_run(token: str) -> dict[str, Any]:
    return {
        "id": 90215,
        "token": token,
        "state": "succeeded",
        "created_at": "2026-11-02T08:15:04.112Z",
        "_links": {"self": {"href": f"{LIST}/{token}"}},
    }


def page(
    tokens: list[str],
    *,
    next_page: str | None = None,
    self_href: str | None = None,
    pagination: dict[str, Any] | None = None,
) -> dict[str, Any]:
    links: dict[str, Any] = {}
    if self_href is not None:
        links["self"] = {"href": self_href}
    if next_page is not None:
        links["next_page"] = {"href": next_page}
    body: dict[str, Any] = {
        "_links": links,
        "_embedded": {"query_runs": [query_run(t) for t in tokens]},
    }
    if pagination is not None:
        body["pagination"] = pagination
    return body


def numbered(n: int) -> str:
    return f"{LIST}?page={n}"


class PagingServer:
    """Answers GET ``LIST/TOKEN`` with that Query Run, any other path with ``answer(N)`` for
    its ``?page=N`` (no ``page``: 1); keeps every path requested."""

    def __init__(self, answer: Page) -> None:
        self.paths: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner.paths.append(self.path)
                url = urlsplit(self.path)
                number = int(parse_qs(url.query).get("page", ["1"])[0])
                if url.path.startswith(f"{LIST}/"):  # one Query Run, as the recorder gets each
                    found: dict[str, Any] = query_run(url.path.removeprefix(f"{LIST}/"))
                else:  # a page; any other path too, as a mock of Swagger's example answers
                    found = answer(number)
                body = json.dumps(found).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/hal+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/api"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass(frozen=True)
class Case:
    answer: Page
    tokens: list[str]
    requests: int


def two_pages_then_empty(n: int) -> dict[str, Any]:
    tokens = {1: ["a", "b", "c"], 2: ["d", "e", "f"]}.get(n, [])
    return page(tokens, next_page=numbered(n + 1), self_href=numbered(n))


def whole_collection_on_every_page(n: int) -> dict[str, Any]:
    return page(["a", "b", "c", "d", "e"], next_page=numbered(n + 1), self_href=numbered(n))


def swagger_example(n: int) -> dict[str, Any]:
    # Mode's published Swagger example: every href is the placeholder "string".
    return page(["a"], next_page="string", self_href="string")


def self_names_the_next_page(n: int) -> dict[str, Any]:
    # A server bug: self is not to be trusted to name the page it is on.
    return page(["abc"[n - 1]], next_page=numbered(n + 1) if n < 3 else None,
                self_href=numbered(n + 1))  # fmt: skip


def nonsense_counters(n: int) -> dict[str, Any]:
    counters: list[dict[str, Any]] = [
        {"page": 0, "total_pages": 0},
        {"page": -1, "total_pages": -1},
        {"page": "9" * 5000, "total_pages": "1"},
        {},
    ]
    return page([f"{'abcd'[n - 1]}"] if n < 4 else [], next_page=numbered(n + 1),
                pagination=counters[n - 1])  # fmt: skip


def counters_say_last(n: int) -> dict[str, Any]:
    tokens = {1: ["a", "b"], 2: ["c"]}.get(n, ["x"])
    counters = {"page": n, "total_pages": 2, "per_page": 2, "total_count": 3}
    return page(tokens, next_page=numbered(n + 1), pagination=counters)


def counters_as_strings(n: int) -> dict[str, Any]:
    tokens = {1: ["a", "b"], 2: ["c"]}.get(n, ["x"])
    return page(tokens, next_page=numbered(n + 1), pagination={"page": str(n), "total_pages": "2"})


def back_to_the_first_page_without_self(n: int) -> dict[str, Any]:
    # No page has a self link: the URL fetched (no ?page) is the first page's identity.
    return page(["a", "b"], next_page=numbered(2)) if n == 1 else page(["c"], next_page=LIST)


def next_page_to_itself(n: int) -> dict[str, Any]:
    return page(["a", "b"], next_page=numbered(n) if n > 1 else numbered(2))


def a_run_on_two_pages(n: int) -> dict[str, Any]:
    tokens = {1: ["a", "b"], 2: ["b", "c"], 3: ["d"]}[n]
    return page(tokens, next_page=numbered(n + 1) if n < 3 else None)


CASES = {
    "two pages, then empty pages with next_page": Case(two_pages_then_empty, list("abcdef"), 3),
    "every page number answers the whole collection": Case(
        whole_collection_on_every_page, list("abcde"), 2
    ),
    "Mode's Swagger example (next_page equals self)": Case(swagger_example, ["a"], 2),
    "each page's self names the next page": Case(self_names_the_next_page, list("abc"), 3),
    "counters of 0, negative or too long are ignored": Case(nonsense_counters, list("abc"), 4),
    "pagination counters say last": Case(counters_say_last, list("abc"), 2),
    "pagination counters as integer strings": Case(counters_as_strings, list("abc"), 2),
    "next_page back to the first page, no self links": Case(
        back_to_the_first_page_without_self, list("abc"), 2
    ),
    "next_page to the page itself": Case(next_page_to_itself, list("ab"), 2),
    "a run on two pages is given once": Case(a_run_on_two_pages, list("abcd"), 3),
}


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request: pytest.FixtureRequest) -> Iterator[tuple[Case, PagingServer]]:
    chosen = CASES[request.param]
    server = PagingServer(chosen.answer)
    yield chosen, server
    server.close()


def tokens_listed(base_url: str) -> list[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the integer strings are spec drift, reported
        with ModeClient(ACCOUNT, "t", "s", base_url=base_url, max_retries=0) as mode:
            return [run.token for run in mode.list_query_runs(REPORT, RUN)]


def test_sync_listing_ends_by_itself(case: tuple[Case, PagingServer]) -> None:
    chosen, server = case
    assert tokens_listed(server.base_url) == chosen.tokens
    assert len(server.paths) == chosen.requests


@pytest.mark.anyio
async def test_async_listing_ends_by_itself(case: tuple[Case, PagingServer]) -> None:
    chosen, server = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        async with AsyncModeClient(
            ACCOUNT, "t", "s", base_url=server.base_url, max_retries=0
        ) as mode:
            tokens = [run.token async for run in mode.list_query_runs(REPORT, RUN)]
    assert tokens == chosen.tokens
    assert len(server.paths) == chosen.requests


def test_list_query_runs_many_ends_each_listing(case: tuple[Case, PagingServer]) -> None:
    chosen, server = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ModeClient(ACCOUNT, "t", "s", base_url=server.base_url, max_retries=0) as mode:
            (result,) = mode.list_query_runs_many([(REPORT, RUN)])
    assert result.error is None
    assert [run.token for run in result.query_runs] == chosen.tokens
    assert len(server.paths) == chosen.requests


def listing_requests(server: PagingServer) -> int:
    return sum(not urlsplit(path).path.startswith(f"{LIST}/") for path in server.paths)


def cli(*args: str, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        "MODE_API_TOKEN": "t",
        "MODE_API_SECRET": "s",
        "MODE_ACCOUNT": ACCOUNT,
        "MODE_BASE_URL": base_url,
        "PYTHONWARNINGS": "ignore",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_list_json_gives_what_the_python_listing_gives(
    case: tuple[Case, PagingServer],
) -> None:
    chosen, server = case
    result = cli("list", REPORT, RUN, "--json", base_url=server.base_url)
    assert result.returncode == 0, result.stderr
    assert [run["token"] for run in json.loads(result.stdout)] == chosen.tokens
    assert len(server.paths) == chosen.requests


def test_the_recorder_records_each_page_once(case: tuple[Case, PagingServer]) -> None:
    chosen, server = case
    session = Session(server.base_url, "t", "s", 5)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            recorded = fetch_report_run(session, ACCOUNT, REPORT, RUN)
    finally:
        session.close()
    pages = chosen.requests
    listed = [i.uri for i in recorded[pages:]]
    assert len(recorded) == pages + len(chosen.tokens)
    assert listing_requests(server) == pages
    assert listed == [f"{server.base_url}/{ACCOUNT}/reports/{REPORT}/runs/{RUN}/query_runs/{t}"
                      for t in chosen.tokens]  # fmt: skip


def test_a_loop_is_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    server = PagingServer(back_to_the_first_page_without_self)
    try:
        with caplog.at_level(logging.INFO, logger="mode_query_runs"):
            assert tokens_listed(server.base_url) == ["a", "b", "c"]
    finally:
        server.close()
    ends = [r for r in caplog.records if r.getMessage().startswith("listing ends")]
    assert [(r.levelname, r.getMessage()) for r in ends] == [
        (
            "INFO",
            f"listing ends at page 2 ({server.base_url}/{ACCOUNT}/reports/{REPORT}/runs/{RUN}"
            "/query_runs?page=2): next_page leads to a page already fetched",
        )
    ]


def test_distinct_new_pages_without_end_still_stop_at_the_page_limit() -> None:
    server = PagingServer(
        lambda n: page([f"q{n}"], next_page=numbered(n + 1), self_href=numbered(n))
    )
    try:
        with ModeClient(
            ACCOUNT, "t", "s", base_url=server.base_url, max_retries=0, page_limit=4
        ) as mode:
            runs = mode.list_query_runs(REPORT, RUN)
            assert [next(runs).token for _ in range(4)] == ["q1", "q2", "q3", "q4"]
            with pytest.raises(ModeAPIError) as caught:
                next(runs)
    finally:
        server.close()
    assert str(caught.value) == (
        "the listing has more than 4 pages (page_limit): next_page links may never end"
    )
    assert len(server.paths) == 4
