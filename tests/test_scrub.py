"""Scrubbing: what a recording may not keep, and what it must keep intact."""

from __future__ import annotations

import json

import pytest

from mode_query_runs.testing.cassette import Interaction
from mode_query_runs.testing.scrub import SQL_PLACEHOLDER, Scrubber


def interaction(uri: str, body: str, **headers: list[str]) -> Interaction:
    return Interaction(
        method="GET",
        uri=uri,
        status=200,
        reason="OK",
        headers={"content-type": ["application/hal+json"], **headers},
        body=body,
        request_headers={
            "Accept": ["application/hal+json"],
            "Authorization": ["Basic ZGVtby10b2tlbjpkZW1vLXNlY3JldA=="],
            "User-Agent": ["mode-query-runs/0.1.0 httpx/0.28.1 python/3.11.9"],
        },
    )


def test_the_account_is_replaced_as_a_whole_word_only() -> None:
    scrubber = Scrubber("acme", "demo")
    text = (
        "/api/acme/reports/r1 https://app.mode.com/acme/reports/r1 acme acme_events acmeish"
        " ACME. Acme-corp xacme 'Acme' acme.events"
    )
    assert scrubber.text(text) == (
        "/api/demo/reports/r1 https://app.mode.com/demo/reports/r1 demo acme_events acmeish"
        " demo. Acme-corp xacme 'demo' demo.events"
    )


def test_an_account_that_is_part_of_a_token_leaves_the_token_alone() -> None:
    scrubber = Scrubber("a1b2", "demo")
    assert scrubber.text("/api/a1b2/reports/a1b2c3d4/runs/f0a1b2") == (
        "/api/demo/reports/a1b2c3d4/runs/f0a1b2"
    )


def test_email_addresses_get_stable_numbered_placeholders() -> None:
    scrubber = Scrubber("acme", "demo")
    assert scrubber.text(
        "to jane.doe@acme.example, bob+x@mail.acme.co and JANE.DOE@ACME.EXAMPLE"
    ) == ("to email-1@example.invalid, email-2@example.invalid and email-1@example.invalid")
    assert scrubber.text("cc bob+x@mail.acme.co") == "cc email-2@example.invalid"


def test_user_names_from_users_links_are_replaced_everywhere_in_order_of_appearance() -> None:
    page = {
        "note": "ran by kim_lee for jdoe",
        "_links": {
            "self": {"href": "/api/acme/reports/r1"},
            "executed_by": {"href": "/api/acme/users/jdoe"},
            "creator": {"href": "/api/acme/users/kim_lee"},
            "owner": {"href": "/api/acme/users/acme"},
        },
    }
    later = {"_links": {"executed_by": {"href": "/api/acme/users/jdoe?x=1"}}, "who": "jdoe2"}
    scrubbed = Scrubber("acme", "demo").interactions(
        [
            interaction("https://app.mode.com/api/acme/reports/r1", json.dumps(page)),
            interaction("https://app.mode.com/api/acme/users/kim_lee", json.dumps(later)),
        ]
    )
    assert json.loads(scrubbed[0].body) == {
        "note": "ran by user-2 for user-1",
        "_links": {
            "self": {"href": "/api/demo/reports/r1"},
            "executed_by": {"href": "/api/demo/users/user-1"},
            "creator": {"href": "/api/demo/users/user-2"},
            "owner": {"href": "/api/demo/users/demo"},
        },
    }
    assert scrubbed[1].uri == "https://app.mode.com/api/demo/users/user-2"
    assert json.loads(scrubbed[1].body) == {
        "_links": {"executed_by": {"href": "/api/demo/users/user-1?x=1"}},
        "who": "jdoe2",
    }


def test_username_fields_are_user_names() -> None:
    body = json.dumps({"_embedded": {"creator": {"username": "pat", "email": "pat@acme.example"}}})
    (scrubbed,) = Scrubber("acme", "demo").interactions([interaction("https://h/api/x", body)])
    assert json.loads(scrubbed.body) == {
        "_embedded": {"creator": {"username": "user-1", "email": "email-1@example.invalid"}}
    }


def test_redact_sql_replaces_only_sql_strings() -> None:
    run = {
        "raw_source": "SELECT * FROM acme.orders",
        "rendered_source": None,
        "query_name": "SELECT-ish name",
        "parameters": {"raw_source": 3},
    }
    assert Scrubber("acme", "demo", redact_sql=True).json(run) == {
        "raw_source": SQL_PLACEHOLDER,
        "rendered_source": None,
        "query_name": "SELECT-ish name",
        "parameters": {"raw_source": 3},
    }
    assert Scrubber("acme", "demo").json(run)["raw_source"] == "SELECT * FROM demo.orders"


def test_secrets_are_replaced_wherever_they_appear() -> None:
    scrubber = Scrubber("acme", "demo", secrets=["s3cr3t-value", "tok123", ""])
    assert scrubber.text("xs3cr3t-valuey tok123 tok1234") == "xREDACTEDy REDACTED REDACTED4"


def test_credential_cookie_and_per_request_headers_are_dropped() -> None:
    recorded = interaction(
        "https://app.mode.com/api/acme/reports/r1",
        "{}",
        **{
            "set-cookie": ["_mode_session=abc; path=/"],
            "Date": ["Sun, 29 Nov 2026 10:00:00 GMT"],
            "x-request-id": ["f00"],
            "content-length": ["2"],
            "content-encoding": ["gzip"],
            "link": ["</api/acme/reports/r1?page=2>; rel=next"],
            "etag": ['W/"abc"'],
        },
    )
    scrubbed = Scrubber("acme", "demo").interaction(recorded)
    assert scrubbed.headers == {
        "Content-Type": ["application/hal+json"],
        "Link": ["</api/demo/reports/r1?page=2>; rel=next"],
        "Etag": ['W/"abc"'],
    }
    assert scrubbed.request_headers == {"Accept": ["application/hal+json"]}


def test_json_bodies_keep_their_layout_and_unchanged_ones_their_bytes() -> None:
    scrubber = Scrubber("acme", "demo")
    assert scrubber.body('{"href":"/api/acme/x","n":[1,2.5,null]}') == (
        '{"href":"/api/demo/x","n":[1,2.5,null]}'
    )
    assert scrubber.body('{\n    "href": "/api/acme/x",\n    "é": true\n}\n') == (
        '{\n  "href": "/api/demo/x",\n  "é": true\n}\n'
    )
    untouched = '{ "href" :  "/api/other/x" }'
    assert scrubber.body(untouched) == untouched


def test_bodies_that_are_not_json_are_scrubbed_as_text() -> None:
    assert Scrubber("acme", "demo").body("<p>acme: ann@acme.example</p>") == (
        "<p>demo: email-1@example.invalid</p>"
    )


def test_scrubbing_the_same_interactions_again_gives_the_same_result() -> None:
    recorded = [
        interaction(
            "https://app.mode.com/api/acme/reports/r1",
            json.dumps({"a": "x@y.example", "b": {"href": "/api/acme/users/ann"}}),
        )
    ]
    assert Scrubber("acme", "demo").interactions(recorded) == Scrubber("acme", "demo").interactions(
        recorded
    )


@pytest.mark.parametrize(("account", "as_account"), [("", "demo"), ("acme", "")])
def test_an_empty_account_or_placeholder_is_refused(account: str, as_account: str) -> None:
    with pytest.raises(
        ValueError, match=r"^the account and the placeholder account must not be empty$"
    ):
        Scrubber(account, as_account)


def test_keys_are_scrubbed_as_values_are() -> None:
    """Issue 21, item 7: a secret, an email address or the account used as a JSON key."""
    scrubber = Scrubber("acme", "demo", secrets=["s3cr3t-token"])
    body = json.dumps(
        {
            "acme": {"ana@corp.example": 1, "s3cr3t-token": "s3cr3t-token"},
            "by_account": {"acme": "acme"},
            "x s3cr3t-token": 2,
            "REDACTED": 3,
            "s3cr3t-token": 4,
        }
    )
    assert json.loads(scrubber.body(body)) == {
        "demo": {"email-1@example.invalid": 1, "REDACTED": "REDACTED"},
        "by_account": {"demo": "demo"},
        "x REDACTED": 2,
        "REDACTED": 3,
        "REDACTED-2": 4,
    }
    scrubbed = scrubber.interactions([interaction("https://app.mode.com/api/acme/x", body)])
    assert "acme" not in scrubbed[0].body
    assert "ana@corp.example" not in scrubbed[0].body
    assert "s3cr3t-token" not in scrubbed[0].body
