"""``http_client=`` (your own httpx client) and ``with_options`` (other limits, same pool).

Against a real server on loopback that keeps connections alive and records the client
port of each request, so sharing a connection pool is seen, not assumed.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from mode_api_client.models import QueryRun
from mode_query_runs import (
    APITimeoutError,
    AsyncModeClient,
    ModeClient,
    NotFoundError,
    ResponseParseError,
)

LIST = "/api/acme/reports/r1/runs/u1/query_runs"


def query_run(token: str) -> bytes:
    body = {
        "id": 1,
        "token": token,
        "state": "succeeded",
        "created_at": "2026-11-02T08:15:04.112Z",
        "_links": {"self": {"href": f"{LIST}/{token}"}},
    }
    return json.dumps(body).encode()


class Server:
    """``LIST/TOKEN`` answers that Query Run (``slow``: one byte each 50 ms; ``missing``:
    404); any other path 404."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, str | None]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                auth = self.headers.get("Authorization")
                owner.seen.append((self.path, self.client_address[1], auth))
                if not self.path.startswith(f"{LIST}/") or self.path.endswith("/missing"):
                    self.send_response(404)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"no")
                    return
                token = self.path.rsplit("/", 1)[1]
                body = query_run(token)
                self.send_response(200)
                self.send_header("Content-Type", "application/hal+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if token != "slow":
                    self.wfile.write(body)
                    return
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    started = Server()
    yield started
    started.close()


def test_your_own_httpx_client_sends_the_sdks_requests(server: Server) -> None:
    sent: list[str] = []
    own = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.url.path)]})
    mode = ModeClient("acme", "tok", "sec", base_url=f"{server.url}/api", http_client=own)
    assert mode.get_query_run("r1", "u1", "q1").token == "q1"
    with pytest.raises(NotFoundError, match=r"^HTTP 404 Not Found"):
        mode.get_query_run("r1", "u1", "missing")
    # The SDK's rules hold for its requests only: yours through the same client are yours.
    assert own.get(f"{server.url}/elsewhere").status_code == 404
    mode.close()
    assert not own.is_closed
    assert own.get(f"{server.url}{LIST}/q3").json()["token"] == "q3"
    own.close()
    assert sent == [f"{LIST}/q1", f"{LIST}/missing", "/elsewhere", f"{LIST}/q3"]
    basic = "Basic " + __import__("base64").b64encode(b"tok:sec").decode()
    assert [auth for _, _, auth in server.seen] == [basic, basic, None, None]
    assert [len(hooks) for hooks in own.event_hooks.values()] == [1, 0]


@pytest.mark.anyio
async def test_your_own_httpx_async_client(server: Server) -> None:
    async with httpx.AsyncClient() as own:
        async with AsyncModeClient(
            "acme", "tok", "sec", base_url=f"{server.url}/api", http_client=own
        ) as mode:
            assert (await mode.get_query_run("r1", "u1", "q1")).token == "q1"
        assert not own.is_closed
        assert (await own.get(f"{server.url}/elsewhere")).status_code == 404


def test_a_client_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(TypeError, match=r"^http_client must be an httpx\.Client, not AsyncClient$"):
        ModeClient("acme", "t", "s", http_client=httpx.AsyncClient())
    with pytest.raises(TypeError, match=r"^http_client must be an httpx\.AsyncClient, not Client$"):
        AsyncModeClient("acme", "t", "s", http_client=httpx.Client())


def test_with_options_changes_the_limits_of_the_copy_only(server: Server) -> None:
    with ModeClient("acme", "t", "s", base_url=f"{server.url}/api", max_retries=0) as mode:
        hurried = mode.with_options(timeout=0.5, max_retries=0)
        assert (mode.timeout, hurried.timeout, hurried.max_retries) == (30.0, 0.5, 0)
        with pytest.raises(APITimeoutError) as caught:
            hurried.get_query_run("r1", "u1", "slow")
        assert str(caught.value).startswith(
            "timed out: no complete response within 0.5 s (timeout)"
        )
        assert mode.get_query_run("r1", "u1", "slow").token == "slow"  # about 6 s, in time
        assert mode.with_options(max_retries=5).timeout == 30.0


def test_with_options_shares_the_connection_pool(server: Server) -> None:
    with ModeClient("acme", "t", "s", base_url=f"{server.url}/api") as mode:
        mode.get_query_run("r1", "u1", "a")
        mode.with_options(timeout=9).get_query_run("r1", "u1", "b")
        mode.with_options(max_retries=1).get_query_run("r1", "u1", "c")
    ports = {port for _, port, _ in server.seen}
    assert len(server.seen) == 3
    assert len(ports) == 1  # one kept-alive connection for all three


def test_with_options_refuses_bad_limits() -> None:
    with ModeClient("acme", "t", "s") as mode:
        with pytest.raises(ValueError, match=r"^timeout must be"):
            mode.with_options(timeout=0)
        with pytest.raises(ValueError, match=r"^max_retries must not be negative, not -1$"):
            mode.with_options(max_retries=-1)


def mock_transport_answer(request: httpx.Request) -> httpx.Response:
    """What a user's ``httpx.MockTransport`` answers: responses built from bytes, whose
    bodies httpx has read before the SDK sees them."""
    token = request.url.path.rsplit("/", 1)[1]
    if token == "content.csv":  # a result, gzipped: httpx decoded it as it read it
        coded = gzip.compress(b"a,b\n1,2\n")
        headers = {"Content-Type": "text/csv", "Content-Encoding": "gzip"}
        return httpx.Response(200, content=coded, headers=headers)
    if token == "missing":
        return httpx.Response(404, json={"id": "not_found", "message": "no such Query Run"})
    if token in ("large", "unsized"):
        large = httpx.Response(200, content=b" " * 2048)
        if token == "unsized":
            del large.headers["Content-Length"]
        return large
    return httpx.Response(200, content=query_run(token))


def test_your_own_client_over_a_mock_transport_reads_its_read_bodies() -> None:
    transport = httpx.MockTransport(mock_transport_answer)
    own = httpx.Client(transport=transport)
    with ModeClient(
        "acme", "t", "s", base_url="http://mode.test/api", http_client=own, max_body_bytes=1024
    ) as mode:
        assert mode.get_query_run("r1", "u1", "q1").token == "q1"
        with pytest.raises(NotFoundError) as missing:
            mode.get_query_run("r1", "u1", "missing")
        assert str(missing.value) == (
            f"HTTP 404 [not_found] no such Query Run (GET http://mode.test{LIST}/missing)"
        )
        with pytest.raises(ResponseParseError) as large:
            mode.get_query_run("r1", "u1", "large")
        assert str(large.value) == (
            "HTTP 200 response body of 2048 bytes (Content-Length) is over the limit of 1024"
            f" bytes (max_body_bytes) (GET http://mode.test{LIST}/large)"
        )
        with pytest.raises(ResponseParseError) as unsized:
            mode.get_query_run("r1", "u1", "unsized")
        assert str(unsized.value) == (
            "HTTP 200 response body of 2048 bytes is over the limit of 1024 bytes"
            f" (max_body_bytes) (GET http://mode.test{LIST}/unsized)"
        )


@pytest.mark.anyio
async def test_your_own_async_client_over_a_mock_transport_reads_its_read_bodies() -> None:
    own = httpx.AsyncClient(transport=httpx.MockTransport(mock_transport_answer))
    async with AsyncModeClient(
        "acme", "t", "s", base_url="http://mode.test/api", http_client=own
    ) as mode:
        assert (await mode.get_query_run("r1", "u1", "q1")).token == "q1"
        with pytest.raises(NotFoundError, match=r"^HTTP 404 \[not_found\] no such Query Run"):
            await mode.get_query_run("r1", "u1", "missing")


def run_with_result() -> QueryRun:
    body = json.loads(query_run("q1"))
    body["_links"]["result"] = {"href": f"{LIST}/q1/results"}
    return QueryRun.from_dict(body)


def test_a_result_read_before_the_sdk_saw_it_is_downloaded(tmp_path: Path) -> None:
    own = httpx.Client(transport=httpx.MockTransport(mock_transport_answer))
    with ModeClient("acme", "t", "s", base_url="http://mode.test/api", http_client=own) as mode:
        assert mode.download_result(run_with_result(), tmp_path / "r.csv") == 8
        assert (tmp_path / "r.csv").read_bytes() == b"a,b\n1,2\n"
        assert list(mode.iter_result_rows(run_with_result())) == [{"a": "1", "b": "2"}]


@pytest.mark.anyio
async def test_a_result_read_before_the_async_sdk_saw_it_is_downloaded(tmp_path: Path) -> None:
    own = httpx.AsyncClient(transport=httpx.MockTransport(mock_transport_answer))
    async with AsyncModeClient(
        "acme", "t", "s", base_url="http://mode.test/api", http_client=own
    ) as mode:
        assert await mode.download_result(run_with_result(), tmp_path / "r.csv") == 8
        assert (tmp_path / "r.csv").read_bytes() == b"a,b\n1,2\n"
