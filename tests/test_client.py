"""ModeClient against the recorded mock server on loopback."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import re

import pytest

from mode_api_client.models import Link, QueryRun, QueryRunParametersType0
from mode_query_runs import (
    AsyncModeClient,
    AuthenticationError,
    ModeAPIError,
    ModeClient,
    NotFoundError,
)
from mode_query_runs.links import relation_href
from mode_query_runs.testing.server import MockServer
from support import (
    EMPTY_RUN,
    PAGED_RUN,
    PAGED_TOKENS,
    REPORT,
    SINGLE_RUN,
    SINGLE_TOKENS,
    spec_value,
)

BASE = f"/api/acme/reports/{REPORT}/runs"


def test_list_follows_next_page_across_three_pages(client: ModeClient) -> None:
    runs = list(client.list_query_runs(REPORT, PAGED_RUN))
    assert [run.token for run in runs] == PAGED_TOKENS


def test_list_fetches_each_page_only_when_the_previous_is_consumed(
    client: ModeClient, mock_server: MockServer
) -> None:
    pages = [
        ("GET", f"{BASE}/{PAGED_RUN}/query_runs"),
        ("GET", f"{BASE}/{PAGED_RUN}/query_runs?page=2"),
        ("GET", f"{BASE}/{PAGED_RUN}/query_runs?page=3"),
    ]
    runs = client.list_query_runs(REPORT, PAGED_RUN)
    assert mock_server.requests == []
    assert [next(runs).token for _ in range(3)] == PAGED_TOKENS[:3]
    assert mock_server.requests == pages[:1]
    assert next(runs).token == PAGED_TOKENS[3]
    assert mock_server.requests == pages[:2]
    assert [run.token for run in runs] == PAGED_TOKENS[4:]
    assert mock_server.requests == pages


def test_max_pages_stops_early(client: ModeClient) -> None:
    runs = list(client.list_query_runs(REPORT, PAGED_RUN, max_pages=2))
    assert [run.token for run in runs] == PAGED_TOKENS[:6]


def test_list_single_page_without_pagination_object(client: ModeClient) -> None:
    assert [run.token for run in client.list_query_runs(REPORT, SINGLE_RUN)] == SINGLE_TOKENS


def test_list_report_run_without_query_runs(client: ModeClient) -> None:
    assert list(client.list_query_runs(REPORT, EMPTY_RUN)) == []


def test_get_failed_query_run_has_types_mode_sends(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, "6c3d9e2f1a7b")
    assert run.id == 90205
    assert run.state == "failed"
    assert run.limit is False
    assert run.data_source_id == spec_value("data_source_id", 42)
    assert run.max_result_bytes == 104857600
    assert run.created_at == datetime.datetime(2026, 11, 1, 9, 30, 12, 407000, tzinfo=datetime.UTC)
    assert isinstance(run.parameters, QueryRunParametersType0)
    assert run.parameters.additional_properties == {"plan": "enterprise"}
    assert run.error_code == "42P01"
    assert run.error_type == "QueryError"
    assert run.error_message == 'relation "analytics.churn" does not exist'
    assert relation_href(run, "self") == f"{BASE}/{PAGED_RUN}/query_runs/6c3d9e2f1a7b"


def test_get_running_query_run_has_null_completed_at(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, "7d8e9f0a1b2c")
    assert run.state == "running"
    assert run.completed_at is None
    assert run.error_message is None


def test_unknown_fields_and_relations_are_kept(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, "9e0f1a2b3c4d")
    assert run.additional_properties == {"runtime_ms": 2642}
    assert run.field_links.additional_properties == {
        "report": Link(href=f"/api/acme/reports/{REPORT}", templated=False)
    }
    assert run.to_dict()["_links"]["report"] == {
        "href": f"/api/acme/reports/{REPORT}",
        "templated": False,
    }


def test_follow_self_link_returns_the_typed_query_run(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, SINGLE_RUN, "2d6e0c4f9a1b")
    followed = client.follow(run.field_links.self_)
    assert isinstance(followed, QueryRun)
    assert (followed.token, followed.state, followed.id) == ("2d6e0c4f9a1b", "succeeded", 90215)


def test_follow_resolves_href_against_origin_not_base_path(
    client: ModeClient, mock_server: MockServer
) -> None:
    client.follow(f"{BASE}/{SINGLE_RUN}/query_runs")
    assert mock_server.requests == [("GET", f"{BASE}/{SINGLE_RUN}/query_runs")]


def test_follow_refuses_another_origin(client: ModeClient, mock_server: MockServer) -> None:
    with pytest.raises(
        ValueError, match=r"refusing to send Mode credentials to https://app\.mode\.com"
    ):
        client.follow("https://app.mode.com/acme/reports/x/runs/y")
    assert mock_server.requests == []


def test_unknown_query_run_is_not_found_with_modes_error(client: ModeClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.get_query_run(REPORT, PAGED_RUN, "ffffffffffff")
    error = caught.value
    assert (error.status, error.error_id, error.message, error.method) == (
        404,
        "not_found",
        "Not found",
        "GET",
    )
    assert error.url is not None
    assert error.url.endswith(f"{BASE}/{PAGED_RUN}/query_runs/ffffffffffff")


def test_wrong_secret_is_authentication_error_without_credentials(mock_server: MockServer) -> None:
    with ModeClient("acme", "demo-token", "s3cret-value", base_url=mock_server.base_url) as mode:
        with pytest.raises(AuthenticationError) as caught:
            mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
    error = caught.value
    assert (error.status, error.error_id, error.message) == (401, "unauthorized", "Unauthorized")
    for text in (str(error), repr(error), repr(mode)):
        assert "s3cret-value" not in text
        assert "demo-token" not in text


@pytest.mark.parametrize("token", ["a/b", "a?b=1", "a#b", "../../x", "%2e%2e"])
def test_tokens_are_percent_encoded_into_one_segment(
    client: ModeClient, mock_server: MockServer, token: str
) -> None:
    with pytest.raises(NotFoundError):
        client.get_query_run(REPORT, PAGED_RUN, token)
    ((method, target),) = mock_server.requests
    prefix = f"{BASE}/{PAGED_RUN}/query_runs/"
    assert method == "GET"
    assert target.startswith(prefix)
    assert "/" not in target[len(prefix) :]
    assert "?" not in target


@pytest.mark.parametrize("token", ["", ".", ".."])
def test_tokens_that_are_path_navigation_are_refused(client: ModeClient, token: str) -> None:
    with pytest.raises(ValueError, match="is not a valid token"):
        client.get_query_run(REPORT, PAGED_RUN, token)
    with pytest.raises(ValueError, match="is not a valid token"):
        client.list_query_runs(REPORT, token)


def test_base_url_with_path_and_trailing_slash(mock_server: MockServer) -> None:
    with ModeClient("acme", "demo-token", "demo-secret", base_url=mock_server.base_url + "/") as m:
        assert m.base_url == mock_server.base_url
        assert m.get_query_run(REPORT, SINGLE_RUN, SINGLE_TOKENS[1]).state == "completed"


def test_from_env_reads_the_four_variables(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODE_API_TOKEN", "demo-token")
    monkeypatch.setenv("MODE_API_SECRET", "demo-secret")
    monkeypatch.setenv("MODE_ACCOUNT", "acme")
    monkeypatch.setenv("MODE_BASE_URL", mock_server.base_url)
    with ModeClient.from_env() as mode:
        assert mode.account == "acme"
        assert mode.base_url == mock_server.base_url
        assert [r.token for r in mode.list_query_runs(REPORT, SINGLE_RUN)] == SINGLE_TOKENS


def test_from_env_defaults_base_url_and_names_missing_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("MODE_API_TOKEN", "MODE_API_SECRET", "MODE_ACCOUNT", "MODE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MODE_API_SECRET", "hush")
    with pytest.raises(ValueError) as caught:
        ModeClient.from_env()
    assert str(caught.value) == "environment variable(s) not set: MODE_API_TOKEN, MODE_ACCOUNT"
    monkeypatch.setenv("MODE_API_TOKEN", "t")
    monkeypatch.setenv("MODE_ACCOUNT", "acme")
    with ModeClient.from_env() as mode:
        assert mode.base_url == "https://app.mode.com/api"
    assert "hush" not in os.environ.get("MODE_BASE_URL", "")


def test_one_connection_pool_is_reused(client: ModeClient, mock_server: MockServer) -> None:
    list(client.list_query_runs(REPORT, PAGED_RUN))
    client.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[0])
    pool = client._session.pool._pool  # type: ignore[union-attr]
    assert len(pool.connections) == 1


def test_closed_client_refuses_requests(mock_server: MockServer) -> None:
    mode = ModeClient("acme", "demo-token", "demo-secret", base_url=mock_server.base_url)
    mode.close()
    with pytest.raises((ModeAPIError, RuntimeError)):
        mode.get_query_run(REPORT, SINGLE_RUN, SINGLE_TOKENS[0])


@pytest.mark.parametrize("timeout", [0, -5, float("nan"), float("inf"), 1e308])
def test_timeouts_that_are_not_finite_seconds_are_refused(timeout: float) -> None:
    with pytest.raises(ValueError, match=r"^timeout must be a number of seconds above 0"):
        ModeClient("acme", "t", "s", timeout=timeout)


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("http://127.0.0.1:8787/api?x=1", "base URL must have no query or fragment"),
        ("http://127.0.0.1:8787/api#top", "base URL must have no query or fragment"),
        # An empty query or fragment is still one: the URL would not be the API's base.
        (
            "http://127.0.0.1:8787/api?",
            "base URL must have no query or fragment, not 'http://127.0.0.1:8787/api?'",
        ),
        (
            "http://127.0.0.1:8787/api#",
            "base URL must have no query or fragment, not 'http://127.0.0.1:8787/api#'",
        ),
        ("http://127.0.0.1:8787/api?#", "base URL must have no query or fragment"),
        ("127.0.0.1:8787/api", "base URL must be an http(s) URL"),
        (
            "http://127.0.0.1:8787/api ",
            "base URL contains whitespace or an invisible character (U+0020)",
        ),
        (
            "http://127.0.0.1:8787/api\u3000",
            "base URL contains whitespace or an invisible character (U+3000)",
        ),
        (
            "http://127.0.0.1:8787/api\u200b",
            "base URL contains whitespace or an invisible character (U+200B)",
        ),
        (
            "http://127.0.0.1:8787/api%zz",
            "base URL has a '%' that does not start a percent-escape (%XX)",
        ),
        (
            "http://127.0.0.1:8787/api/%",
            "base URL has a '%' that does not start a percent-escape (%XX)",
        ),
        ("http://127.0.0.1:99999/api", "base URL is not a valid URL"),
    ],
)
def test_base_urls_that_cannot_work_are_refused(base_url: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        ModeClient("acme", "t", "s", base_url=base_url)


@pytest.mark.parametrize(
    "base_url",
    [
        "http://token:4821#9173@127.0.0.1:9/api",
        "http://token:s3cr#et@127.0.0.1:9/api",
        "http://token:4821/9173@127.0.0.1:9/api",
        "http://token:48?21@127.0.0.1:9/api",
    ],
)
def test_a_password_that_ends_the_host_early_is_refused_without_showing_it(base_url: str) -> None:
    with pytest.raises(ValueError) as caught:
        ModeClient("acme", "t", "s", base_url=base_url)
    assert str(caught.value) == (
        "base URL has an '@' after its host: percent-encode '#', '?' and '/' in a password"
        " (%23, %3F, %2F)"
    )


def test_repr_hides_userinfo_of_the_base_url() -> None:
    with ModeClient("acme", "t", "s", base_url="http://alice:s3cr3tpw@127.0.0.1:8787/api") as m:
        assert repr(m) == "ModeClient(account='acme', base_url='http://127.0.0.1:8787/api')"
        assert m.base_url == "http://127.0.0.1:8787/api"


def test_version_is_the_installed_distribution_version() -> None:
    import mode_query_runs

    assert mode_query_runs.__version__ == importlib.metadata.version("mode-query-runs")
    assert mode_query_runs.__version__ != "0+unknown"


def test_text_utf8_cannot_encode_is_refused_naming_the_argument_not_its_value(
    client: ModeClient,
) -> None:
    """A lone surrogate (bytes decoded with ``surrogateescape``, e.g. from ``os.environ``)
    in a credential or a token is a ``ValueError`` before any request, for both clients;
    a credential's value is never shown."""
    url = "http://127.0.0.1:9/api"
    for arguments, name in [(("t\udc80k", "s"), "token"), (("t", "se\udcffcret"), "secret")]:
        for kind in (ModeClient, AsyncModeClient):
            with pytest.raises(ValueError) as caught:
                kind("acme", *arguments, base_url=url)
            position = 2 if name == "token" else 3
            assert str(caught.value) == (
                f"{name} cannot be encoded as UTF-8: character {position} is a lone surrogate"
            )
    with pytest.raises(ValueError) as caught:
        client.get_query_run("r\udc801", "u1", "q1")
    assert str(caught.value) == "report cannot be encoded as UTF-8: character 2 is a lone surrogate"
