"""Cookies (issue 21, item 8): the SDK authenticates by token and keeps no cookies, so a
``Set-Cookie`` from the API reaches neither the API again nor a storage host."""

from __future__ import annotations

import json
from pathlib import Path

from test_hardening import RESULT, client, run_body, run_with_links

from scripted import Scripted, ScriptedServer

COOKIE = {"Set-Cookie": "mode_session=abc123; Path=/"}


def test_a_cookie_from_the_api_is_never_sent_back() -> None:
    answer = Scripted(200, json.dumps(run_body()).encode(), COOKIE)
    with ScriptedServer(answer, answer) as server, client(server) as mode:
        mode.get_query_run("r1", "u1", "q1")
        mode.get_query_run("r1", "u1", "q1")
    assert ["Cookie" in seen.headers for seen in server.seen] == [False, False]


def test_a_cookie_from_the_api_does_not_follow_a_result_redirect(tmp_path: Path) -> None:
    # Storage on the API's host, another port: another origin, but cookies ignore ports.
    with ScriptedServer(Scripted(200, b"a,b\n1,2\n")) as storage:
        moved = Scripted(302, b"", {"Location": f"{storage.url}/bucket/r.csv", **COOKIE})
        with ScriptedServer(moved) as server, client(server) as mode:
            written = mode.download_result(run_with_links(result=RESULT), tmp_path / "r.csv")
    assert written == 8
    assert [sorted(seen.headers) for seen in storage.seen] == [
        ["Accept", "Accept-Encoding", "Connection", "Host", "User-Agent"]
    ]
