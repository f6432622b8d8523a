"""Issue 21, item 2: the overall deadline covers the whole exchange.

A status line and headers trickled byte by byte, or ``102 Processing`` answers sent one
after another, restart a per-read timeout with every byte; the request's ``timeout`` is
the deadline of the whole exchange all the same: ``AsyncModeClient`` runs the exchange
in ``anyio.fail_after``; ``ModeClient``'s own pool gives each socket operation what is
left of the deadline (``engine.py``).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from test_body_limit import raw_server
from test_hardening import run_with_links

from mode_query_runs import APITimeoutError, AsyncModeClient, ModeClient

TIMEOUT = 1.0
SERVED = 5.0
"""How long each hostile answer goes on (a client without the deadline waits this long)."""
CAP = TIMEOUT + 0.8
"""The most a call may take: the timeout, and slack for a shared machine."""


def trickled_head(conn: socket.socket) -> None:
    """A status line and headers, one byte every 20 ms, for ``SERVED`` seconds."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/hal+json\r\nX-Pad: " + b"a" * 10_000
    end = time.monotonic() + SERVED
    for byte in head:
        if time.monotonic() > end:
            return
        conn.sendall(bytes([byte]))
        time.sleep(0.02)


def endless_processing(conn: socket.socket) -> None:
    """``102 Processing`` every 20 ms for ``SERVED`` seconds, never a final answer."""
    end = time.monotonic() + SERVED
    while time.monotonic() < end:
        conn.sendall(b"HTTP/1.1 102 Processing\r\n\r\n")
        time.sleep(0.02)


def trickled_status_line(conn: socket.socket) -> None:
    """The status line alone, one byte every 200 ms (each well within the read timeout)."""
    end = time.monotonic() + SERVED
    for byte in b"HTTP/1.1 200 OK" * 10:
        if time.monotonic() > end:
            return
        conn.sendall(bytes([byte]))
        time.sleep(0.2)


def trickled_redirect_body(conn: socket.socket) -> None:
    """A ``302`` to storage whose body (httpx reads it before following) comes a byte
    every 50 ms."""
    conn.sendall(
        b"HTTP/1.1 302 Found\r\nLocation: /storage/r.csv\r\nContent-Length: 100000\r\n\r\n"
    )
    end = time.monotonic() + SERVED
    while time.monotonic() < end:
        conn.sendall(b"x")
        time.sleep(0.05)


HOSTILE: dict[str, Callable[[socket.socket], None]] = {
    "trickled head": trickled_head,
    "endless 102": endless_processing,
    "trickled status line": trickled_status_line,
    "trickled redirect body": trickled_redirect_body,
}


def ok_answer(conn: socket.socket) -> None:
    """A timely ``200`` with the JSON body ``{"ok": true}``; ``Connection: close``, as the
    server then closes it (a client must not race the close to reuse it)."""
    body = b'{"ok": true}'
    head = (
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}"
    )
    conn.sendall(head.encode() + b"\r\n\r\n" + body)


def message(base_url: str) -> str:
    url = f"{base_url}/acme/reports/r1/runs/u1/query_runs/q1"
    return f"timed out: no complete response within 1 s (timeout) (GET {url})"


@pytest.mark.anyio
@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
async def test_async_the_deadline_covers_the_status_line_headers_and_1xx(case: str) -> None:
    with raw_server(HOSTILE[case]) as base_url:
        async with AsyncModeClient(
            "acme", "t", "s", base_url=base_url, timeout=TIMEOUT, max_retries=0
        ) as mode:
            started = time.perf_counter()
            with pytest.raises(APITimeoutError) as caught:
                await mode.get_query_run("r1", "u1", "q1")
            took = time.perf_counter() - started
    assert str(caught.value) == message(base_url)
    assert TIMEOUT <= took < CAP


@pytest.mark.parametrize(
    ("case", "retries", "no_proxy"),
    [(case, 0, False) for case in HOSTILE]
    + [("endless 102", 1, False), ("trickled head", 0, True)],
    ids=[*HOSTILE, "endless 102, one retry", "trickled head, NO_PROXY set"],
)
def test_the_deadline_covers_the_status_line_headers_and_1xx(
    case: str, retries: int, no_proxy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each attempt has a deadline of its own: a retry after one that timed out gets the
    whole ``timeout`` again (its backoff is at most 1.5 s here). ``NO_PROXY`` names no
    proxy (``urllib.request.getproxies`` gives it as ``no``): the SDK's own pool, and its
    deadline, stay."""
    if no_proxy:
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    with raw_server(HOSTILE[case]) as base_url:
        with ModeClient(
            "acme", "t", "s", base_url=base_url, timeout=TIMEOUT, max_retries=retries
        ) as mode:
            started = time.perf_counter()
            with pytest.raises(APITimeoutError) as caught:
                mode.get_query_run("r1", "u1", "q1")
            took = time.perf_counter() - started
    assert str(caught.value) == message(base_url)
    attempts = retries + 1
    assert attempts * TIMEOUT <= took < attempts * CAP + 1.5 * retries


def test_a_proxy_the_environment_names_is_still_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline-bound pool serves only unproxied clients: with ``HTTP_PROXY`` set, the
    request goes to the proxy (httpx's own pool), as it did before."""
    seen: list[bytes] = []

    def proxy(conn: socket.socket) -> None:
        seen.append(b"answered")
        ok_answer(conn)

    with raw_server(proxy) as proxy_url:
        monkeypatch.setenv("HTTP_PROXY", proxy_url.removesuffix("/api"))
        with ModeClient("acme", "t", "s", base_url="http://mode.test/api", max_retries=0) as mode:
            assert mode.follow("http://mode.test/api/other") == {"ok": True}
    assert seen == [b"answered"]


@pytest.mark.anyio
async def test_async_the_deadline_holds_over_a_callers_own_http_client() -> None:
    with raw_server(endless_processing) as base_url:
        async with httpx.AsyncClient() as pool:
            async with AsyncModeClient(
                "acme",
                "t",
                "s",
                base_url=base_url,
                timeout=TIMEOUT,
                max_retries=0,
                http_client=pool,
            ) as mode:
                with anyio.fail_after(CAP):
                    with pytest.raises(APITimeoutError) as caught:
                        await mode.get_query_run("r1", "u1", "q1")
    assert str(caught.value) == message(base_url)


def test_a_timely_answer_after_a_slow_one_on_the_same_client_is_read() -> None:
    """The deadline is the request's own: the next request on the client starts afresh."""

    def answer(conn: socket.socket) -> None:
        time.sleep(0.6)
        ok_answer(conn)

    with raw_server(answer) as base_url:
        with ModeClient(
            "acme", "t", "s", base_url=base_url, timeout=TIMEOUT, max_retries=0
        ) as mode:
            assert mode.follow(f"{base_url}/other") == {"ok": True}
            assert mode.follow(f"{base_url}/other") == {"ok": True}


@pytest.mark.anyio
async def test_a_result_redirects_trickled_body_ends_at_the_deadline(tmp_path: Path) -> None:
    """The redirect to storage is an exchange of the download's, held to its deadline (sync
    and async); only the result's own body has the per-read timeout."""
    with raw_server(trickled_redirect_body) as base_url:
        run = run_with_links(result=f"{base_url}/acme/reports/r1/runs/u1/query_runs/q1/results")
        url = f"{base_url}/acme/reports/r1/runs/u1/query_runs/q1/results/content.csv"
        expected = f"timed out: no complete response within 1 s (timeout) (GET {url})"
        options: dict[str, Any] = {"base_url": base_url, "timeout": TIMEOUT, "max_retries": 0}
        with ModeClient("acme", "t", "s", **options) as mode:
            started = time.perf_counter()
            with pytest.raises(APITimeoutError) as caught:
                mode.download_result(run, tmp_path / "r.csv")
            assert (str(caught.value), time.perf_counter() - started < CAP) == (expected, True)
        async with AsyncModeClient("acme", "t", "s", **options) as amode:
            started = time.perf_counter()
            with pytest.raises(APITimeoutError) as caught:
                await amode.download_result(run, tmp_path / "r.csv")
            assert (str(caught.value), time.perf_counter() - started < CAP) == (expected, True)
    assert list(tmp_path.iterdir()) == []
