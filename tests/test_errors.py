"""Bad input gets a clear, typed error: statuses, bodies the spec forbids, no response."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mode_query_runs import (
    APIConnectionError,
    APITimeoutError,
    ModeAPIError,
    ModeClient,
    PermissionDeniedError,
    RateLimitError,
    ResponseParseError,
    ServerError,
)
from mode_query_runs.testing.server import MockServer
from support import REPORT, SEED_PAGE, recorded

Serve = Callable[..., tuple[MockServer, ModeClient]]
RUN = "feedfacecafe"
LIST = f"/api/acme/reports/{REPORT}/runs/{RUN}/query_runs"
ONE = f"{LIST}/abc123"


def seed_run(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(SEED_PAGE.read_text())
    body.update(changes)
    return body


def page(runs: list[Any], **links: str) -> dict[str, Any]:
    return {
        "_links": {"self": {"href": LIST}, **{k: {"href": v} for k, v in links.items()}},
        "_embedded": {"query_runs": runs},
    }


def test_proxy_html_502_is_server_error_naming_status_and_body(serve: Serve) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    _, mode = serve(recorded(ONE, html, status=502, content_type="text/html", reason="Bad Gateway"))
    with pytest.raises(ServerError) as caught:
        mode.get_query_run(REPORT, RUN, "abc123")
    assert caught.value.status == 502
    assert caught.value.error_id is None
    assert caught.value.message == (
        "Bad Gateway; body starts '<html><body><h1>502 Bad Gateway</h1></body></html>'"
    )
    assert str(caught.value).startswith("HTTP 502 Bad Gateway; body starts")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "error_class", "error_id"),
    [
        (403, PermissionDeniedError, "forbidden"),
        (429, RateLimitError, "rate_limited"),
        (500, ServerError, "internal"),
    ],
)
def test_status_maps_to_error_class_with_modes_body(
    serve: Serve, status: int, error_class: type[ModeAPIError], error_id: str
) -> None:
    body = {"id": error_id, "message": f"message {status}"}
    _, mode = serve(recorded(ONE, body, status=status))
    with pytest.raises(error_class) as caught:
        mode.get_query_run(REPORT, RUN, "abc123")
    assert (caught.value.status, caught.value.error_id, caught.value.message) == (
        status,
        error_id,
        f"message {status}",
    )


def test_non_json_200_is_parse_error(serve: Serve) -> None:
    _, mode = serve(recorded(ONE, "Service temporarily unavailable", content_type="text/plain"))
    with pytest.raises(ResponseParseError) as caught:
        mode.get_query_run(REPORT, RUN, "abc123")
    assert caught.value.status == 200
    assert caught.value.message == (
        "response is not JSON (text/plain); body starts 'Service temporarily unavailable'"
    )


def test_truncated_page_is_parse_error(serve: Serve) -> None:
    text = json.dumps(page([seed_run()]))
    _, mode = serve(recorded(LIST, text[: len(text) // 2]))
    with pytest.raises(ResponseParseError, match=r"^HTTP 200 response is not JSON"):
        list(mode.list_query_runs(REPORT, RUN))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (seed_run(token=None), "$.token: the spec expects string, found null"),
        (
            {k: v for k, v in seed_run().items() if k != "token"},
            "$.token: the spec expects present, found missing",
        ),
        (seed_run(id=[1]), "$.id: the spec expects integer or string, found array"),
        (
            seed_run(_links={"query": {"href": "/x"}}),
            "$._links.self: the spec expects present, found missing",
        ),
        (
            seed_run(_links={"self": {"href": 7}}),
            "$._links.self.href: the spec expects string, found integer",
        ),
        ([seed_run()], "$: the spec expects object, found array"),
    ],
)
def test_body_the_spec_forbids_is_parse_error_naming_json_path_when_strict(
    serve: Serve, body: Any, problem: str
) -> None:
    _, mode = serve(recorded(ONE, body), strict=True)
    with pytest.raises(ResponseParseError) as caught:
        mode.get_query_run(REPORT, RUN, "abc123")
    assert caught.value.message.startswith(
        "response does not match the spec's getQueryRunForReportRun schema: " + problem
    )


def test_query_runs_not_an_array_is_parse_error(serve: Serve) -> None:
    body = page([])
    body["_embedded"]["query_runs"] = {"0": seed_run()}
    _, mode = serve(recorded(LIST, body))
    with pytest.raises(
        ResponseParseError,
        match=r"\$\._embedded\.query_runs: the spec expects array, found object \(GET ",
    ):
        list(mode.list_query_runs(REPORT, RUN))


def test_bad_second_page_fails_after_first_page_is_delivered(serve: Serve) -> None:
    second = f"{LIST}?page=2"
    _, mode = serve(
        recorded(LIST, page([seed_run(token="first")], next_page=second)),
        recorded(
            second,
            "<html>gateway</html>",
            status=504,
            content_type="text/html",
            reason="Gateway Timeout",
        ),
    )
    runs = mode.list_query_runs(REPORT, RUN)
    assert next(runs).token == "first"
    with pytest.raises(ServerError, match=r"^HTTP 504 Gateway Timeout"):
        next(runs)


def test_next_page_back_to_the_first_page_ends_the_listing(serve: Serve) -> None:
    second = f"{LIST}?page=2"
    first_page = page([seed_run(token="one")], next_page=second)
    second_page = page([seed_run(token="two")], next_page=LIST)
    second_page["_links"]["self"] = {"href": second}
    _, mode = serve(recorded(LIST, first_page), recorded(second, second_page))
    runs = mode.list_query_runs(REPORT, RUN)
    assert [run.token for run in runs] == ["one", "two"]


def test_next_page_on_another_origin_is_refused(serve: Serve) -> None:
    _, mode = serve(recorded(LIST, page([seed_run()], next_page="https://evil.example/api/x")))
    runs = mode.list_query_runs(REPORT, RUN)
    next(runs)
    with pytest.raises(
        ValueError, match=r"refusing to send Mode credentials to https://evil\.example"
    ):
        next(runs)


def test_server_that_never_answers_times_out(silent_port: int) -> None:
    url = f"http://127.0.0.1:{silent_port}/api"
    with ModeClient("acme", "t", "s", base_url=url, timeout=0.3) as mode:
        with pytest.raises(APITimeoutError) as caught:
            mode.get_query_run(REPORT, RUN, "abc123")
    assert caught.value.status is None
    assert caught.value.url == f"{url}/acme/reports/{REPORT}/runs/{RUN}/query_runs/abc123"
    assert str(caught.value).startswith("timed out")


def test_refused_connection_is_connection_error(closed_port: int) -> None:
    with ModeClient("acme", "t", "s", base_url=f"http://127.0.0.1:{closed_port}/api") as mode:
        with pytest.raises(APIConnectionError) as caught:
            list(mode.list_query_runs(REPORT, RUN))
    assert not isinstance(caught.value, APITimeoutError)
    assert str(caught.value).startswith("connection failed")


def test_reference_page_example_is_served_and_parsed(serve: Serve) -> None:
    _, mode = serve(recorded(ONE, SEED_PAGE.read_text()))
    run = mode.get_query_run(REPORT, RUN, "abc123")
    assert (run.id, run.token, run.limit, run.parameters) == (
        1312,
        "f23owhgklkj",
        "ad labore do voluptate est",
        "sed",
    )
    assert run.created_at == "YYYY-MM-DDTHH:MM:SS.msZ"


def test_cassette_file_that_is_not_a_cassette_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("just: text\n")
    with pytest.raises(ValueError, match=r"bad\.yaml: not a version 1 VCR\.py cassette"):
        MockServer(tmp_path)


def test_userinfo_in_the_base_url_never_reaches_an_error(closed_port: int) -> None:
    url = f"http://someone:pa55word@127.0.0.1:{closed_port}/api"
    with ModeClient("acme", "t", "s", base_url=url, max_retries=0) as mode:
        with pytest.raises(APIConnectionError) as caught:
            mode.get_query_run(REPORT, RUN, "abc123")
    assert caught.value.url == (
        f"http://127.0.0.1:{closed_port}/api/acme/reports/{REPORT}/runs/{RUN}/query_runs/abc123"
    )
    assert "pa55word" not in str(caught.value)
    assert "pa55word" not in repr(caught.value)


@pytest.mark.parametrize(
    "echoed",
    [
        "user demo-token:demo-secret may not do this",
        "Bad credentials: Basic ZGVtby10b2tlbjpkZW1vLXNlY3JldA==",
    ],
)
def test_credentials_a_server_repeats_are_redacted(serve: Serve, echoed: str) -> None:
    body = {"id": "forbidden demo-secret", "message": echoed}
    _, mode = serve(recorded(ONE, body, status=403))
    with pytest.raises(PermissionDeniedError) as caught:
        mode.get_query_run(REPORT, RUN, "abc123")
    error = caught.value
    for text in (str(error), repr(error), error.message, error.error_id or ""):
        assert "demo-secret" not in text
        assert "demo-token" not in text
        assert "ZGVtby10b2tlbjpkZW1vLXNlY3JldA==" not in text
    assert error.error_id == "forbidden [REDACTED]"
    assert "[REDACTED]" in error.message


def test_a_long_multi_line_message_is_one_line_in_str(serve: Serve) -> None:
    body = {"id": "internal", "message": "first line\nsecond line " + "x" * 5000}
    _, mode = serve(recorded(ONE, body, status=500))
    with pytest.raises(ServerError) as caught:
        mode.get_query_run(REPORT, RUN, "abc123")
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith("HTTP 500 [internal] first line second line xxx")
    assert len(text) < 700
    assert caught.value.message == body["message"]
