"""Issue 21, item 1: limits count decoded bytes, and no read decodes past the room left.

A few kilobytes of ``Content-Encoding: gzip, gzip`` decode to tens of megabytes; each case
serves such a body on loopback and measures the client's peak memory (``tracemalloc``)
while it reads it: a JSON body (refused at ``max_body_bytes``), an error body (cut at its
excerpt) and a result download (written in 64 KiB pieces) alike.
"""

from __future__ import annotations

import gzip
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from test_results import scripted_client, scripted_run

from mode_query_runs import ModeAPIError, NotFoundError, ResponseParseError, ServerError
from scripted import Scripted, ScriptedServer

DECODED = 40 * 1024 * 1024
BOMB = gzip.compress(gzip.compress(b"\0" * DECODED, 9), 9)
BOUND = 8 * 1024 * 1024
"""The most the client may hold at once while reading a body decoding to 40 MiB."""
DOUBLE = {"Content-Encoding": "gzip, gzip"}
GZIP = {"Content-Encoding": "gzip"}


@contextmanager
def peak() -> Iterator[list[int]]:
    found: list[int] = []
    tracemalloc.start()
    try:
        yield found
    finally:
        found.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()


def served(status: int, headers: dict[str, str], body: bytes = BOMB) -> ScriptedServer:
    return ScriptedServer(Scripted(status, body, headers))


def test_a_json_body_is_refused_at_its_decoded_limit_in_bounded_memory() -> None:
    assert len(BOMB) < 100_000
    with served(200, DOUBLE) as server, scripted_client(server, max_body_bytes=1_000_000) as mode:
        with peak() as held, pytest.raises(ResponseParseError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    assert str(caught.value).startswith(
        "HTTP 200 response body read so far is over the limit of 1000000 bytes (max_body_bytes)"
    )
    assert held[0] < BOUND


def test_an_error_body_is_cut_at_its_excerpt_in_bounded_memory() -> None:
    with served(500, DOUBLE) as server, scripted_client(server, max_retries=0) as mode:
        with peak() as held, pytest.raises(ServerError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    assert str(caught.value).startswith("HTTP 500 Internal Server Error; body starts '\\x00")
    assert held[0] < BOUND


def test_a_download_is_written_in_pieces_in_bounded_memory(tmp_path: Path) -> None:
    seen: list[int] = []
    headers = {**DOUBLE, "Content-Type": "text/csv"}
    with served(200, headers) as server, scripted_client(server) as mode:
        with peak() as held:
            written = mode.download_result(
                scripted_run(), tmp_path / "r.csv", progress=lambda done, _: seen.append(done)
            )
    assert written == DECODED == (tmp_path / "r.csv").stat().st_size
    assert seen[:3] == [0, 65536, 131072]
    assert held[0] < BOUND


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip, compress"])
def test_a_coding_not_asked_for_is_refused(coding: str, tmp_path: Path) -> None:
    calls: list[Callable[[Any], Any]] = [
        lambda mode: mode.get_query_run("r1", "u1", "q1"),
        lambda mode: mode.download_result(scripted_run(), tmp_path / "r.csv"),
        lambda mode: list(mode.iter_result_rows(scripted_run())),
    ]
    for call in calls:
        headers = {"Content-Encoding": coding, "Content-Type": "text/csv"}
        with served(200, headers, b"whatever") as server, scripted_client(server) as mode:
            with pytest.raises(ResponseParseError) as caught:
                call(mode)
        named = coding.split(", ")[-1]
        assert f"Content-Encoding {named} was not asked for (only gzip, deflate)" in str(
            caught.value
        )
    assert list(tmp_path.iterdir()) == []


def test_the_sdk_asks_for_gzip_and_deflate_only() -> None:
    body = b'{"id": 1, "token": "q1", "state": "succeeded", "created_at": "2026-11-02T08:15:04Z",'
    body += b' "_links": {"self": {"href": "/api/acme/reports/r1/runs/u1/query_runs/q1"}}}'
    with served(200, {"Content-Encoding": "gzip"}, gzip.compress(body)) as server:
        with scripted_client(server) as mode:
            assert mode.get_query_run("r1", "u1", "q1").token == "q1"
    assert server.seen[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_a_redirects_body_is_read_within_the_error_excerpt_in_bounded_memory(
    tmp_path: Path,
) -> None:
    """httpx reads a redirect's body whole (decoded by its own decoders) before following
    it; the SDK reads it first, bounded: a gzip bomb, and 30 MB of plain bytes."""
    plain = b"x" * (30 * 1024 * 1024)
    for headers, body in [(DOUBLE, BOMB), ({}, plain)]:
        redirect = Scripted(302, body, {"Location": "/storage/r.csv", **headers})
        result = Scripted(200, b"a,b\n1,2\n", {"Content-Type": "text/csv"})
        with ScriptedServer(redirect, result) as server, scripted_client(server) as mode:
            with peak() as held:
                written = mode.download_result(scripted_run(), tmp_path / "r.csv")
            assert [seen.path for seen in server.seen][-1] == "/storage/r.csv"
        assert (written, (tmp_path / "r.csv").read_bytes()) == (8, b"a,b\n1,2\n")
        assert held[0] < BOUND


def test_a_truncated_gzip_result_is_an_error_and_leaves_no_file(tmp_path: Path) -> None:
    """The HTTP framing is whole (``Content-Length`` matches) but the gzip stream is cut."""
    coded = gzip.compress(b"a,b\n" + b"1,2\n" * 200_000)
    cut = Scripted(200, coded[: len(coded) * 3 // 4], {"Content-Type": "text/csv", **GZIP})
    with ScriptedServer(cut, cut) as server, scripted_client(server) as mode:
        with pytest.raises(ResponseParseError) as caught:
            mode.download_result(scripted_run(), tmp_path / "r.csv")
        with pytest.raises(ResponseParseError) as caught_rows:
            list(mode.iter_result_rows(scripted_run()))
    run = "/api/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a/query_runs/q1"
    url = f"{server.url}{run}/results/content.csv"
    message = (
        f"HTTP 200 body is not valid gzip: the body ends before its coded stream does (GET {url})"
    )
    assert str(caught.value) == str(caught_rows.value) == message
    assert list(tmp_path.iterdir()) == []


def test_a_gzip_result_of_several_members_is_read_whole() -> None:
    """RFC 1952: a gzip file is a series of members; each is read, in order."""
    first, second = b"a,b\n" + b"1,2\n" * 10, b"3,4\n" * 10
    coded = gzip.compress(first) + gzip.compress(second)
    answer = Scripted(200, coded, {"Content-Type": "text/csv", **GZIP})
    with ScriptedServer(answer) as server, scripted_client(server) as mode:
        rows = list(mode.iter_result_rows(scripted_run()))
    assert rows == [{"a": "1", "b": "2"}] * 10 + [{"a": "3", "b": "4"}] * 10


def test_an_error_body_in_a_coding_not_asked_for_is_shown_as_it_came() -> None:
    answer = Scripted(404, b"no such report here", {"Content-Encoding": "br"})
    with ScriptedServer(answer) as server, scripted_client(server, max_retries=0) as mode:
        with pytest.raises(NotFoundError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    assert "body starts 'no such report here'" in str(caught.value)


def test_a_status_the_spec_gives_no_model_for_names_the_request() -> None:
    with ScriptedServer(Scripted(204)) as server, scripted_client(server) as mode:
        with pytest.raises(ModeAPIError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    url = f"{server.url}/api/acme/reports/r1/runs/u1/query_runs/q1"
    assert str(caught.value) == (
        f"HTTP 204 unexpected response: no QueryRun for this status in the spec (GET {url})"
    )
