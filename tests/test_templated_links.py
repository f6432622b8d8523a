"""HAL links with ``"templated": true``: RFC 6570 expansion, then the usual link rules."""

from __future__ import annotations

import json

import pytest

from mode_api_client.models import Link
from mode_query_runs import AsyncModeClient, ModeClient, expand_link
from scripted import Scripted, ScriptedServer

HISTORY = Link(href="/api/acme/reports/r1/queries/q1/runs{?page,per_page}", templated=True)
ANSWER = json.dumps({"_links": {"self": {"href": "/api/acme/reports/r1/queries/q1/runs"}}})


def test_expand_link_gives_the_url_without_a_request() -> None:
    assert expand_link(HISTORY, {"page": 2}) == "/api/acme/reports/r1/queries/q1/runs?page=2"
    assert expand_link(HISTORY, {"page": 2, "per_page": 50}) == (
        "/api/acme/reports/r1/queries/q1/runs?page=2&per_page=50"
    )
    assert expand_link(HISTORY) == "/api/acme/reports/r1/queries/q1/runs"
    assert (
        expand_link([HISTORY], {"per_page": 5}) == "/api/acme/reports/r1/queries/q1/runs?per_page=5"
    )
    path = Link(href="/api/acme/reports/{report}/runs{/run}", templated=True)
    assert (
        expand_link(path, {"report": "a/b", "run": "c d"}) == "/api/acme/reports/a%2Fb/runs/c%20d"
    )
    assert expand_link(Link(href="/api/acme/x")) == "/api/acme/x"
    assert expand_link("/api/acme/x{?page}") == "/api/acme/x{?page}"


def test_variables_for_a_link_that_is_not_templated_are_a_value_error() -> None:
    with pytest.raises(ValueError) as caught:
        expand_link(Link(href="/api/acme/x", templated=False), {"page": 2})
    assert str(caught.value) == "link '/api/acme/x' is not templated: it takes no variables"
    with pytest.raises(ValueError, match=r"^link '/api/acme/x' is not templated"):
        expand_link("/api/acme/x", {})


def test_a_variable_the_template_lacks_is_named() -> None:
    with pytest.raises(ValueError) as caught:
        expand_link(HISTORY, {"pag": 2})
    assert str(caught.value) == (
        "URI template '/api/acme/reports/r1/queries/q1/runs{?page,per_page}' has no variable"
        " pag (it has page, per_page)"
    )


def test_follow_expands_then_requests_the_expanded_url() -> None:
    with ScriptedServer(Scripted(200, ANSWER.encode()), Scripted(200, ANSWER.encode())) as up:
        with ModeClient("acme", "t", "s", base_url=f"{up.url}/api") as mode:
            assert mode.follow(HISTORY, variables={"page": 2}) == json.loads(ANSWER)
            assert mode.follow(HISTORY) == json.loads(ANSWER)
    assert [seen.path for seen in up.seen] == [
        "/api/acme/reports/r1/queries/q1/runs?page=2",
        "/api/acme/reports/r1/queries/q1/runs",
    ]
    assert all(seen.headers["Authorization"].startswith("Basic ") for seen in up.seen)


def test_an_expanded_link_meets_the_origin_and_web_rules() -> None:
    with ModeClient("acme", "t", "s", base_url="http://127.0.0.1:9/api") as mode:
        other = Link(href="https://elsewhere.example{/path}", templated=True)
        with pytest.raises(ValueError, match=r"^refusing to send Mode credentials to https://"):
            mode.follow(other, variables={"path": "x"})
        web = Link(href="/acme/reports/{report}", templated=True)
        with pytest.raises(ValueError, match=r"is a browser URL \(a \*_web relation\)"):
            mode.follow(web, variables={"report": "r1"})
        with pytest.raises(ValueError, match=r"^link '/api/acme/x' is not templated"):
            mode.follow(Link(href="/api/acme/x"), variables={"page": 1})


@pytest.mark.anyio
async def test_async_follow_expands_templated_links() -> None:
    with ScriptedServer(Scripted(200, ANSWER.encode())) as up:
        async with AsyncModeClient("acme", "t", "s", base_url=f"{up.url}/api") as mode:
            assert await mode.follow(HISTORY, variables={"per_page": 10}) == json.loads(ANSWER)
            with pytest.raises(ValueError, match=r"has no variable size \(it has page, per_page\)"):
                await mode.follow(HISTORY, variables={"size": 1})
    assert [seen.path for seen in up.seen] == ["/api/acme/reports/r1/queries/q1/runs?per_page=10"]
