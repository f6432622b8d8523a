"""Hardening of the testing kit (issue 14): what a recording may not keep, a cassette
written atomically and checked whole at load time, and a mock server that never answers
500."""

from __future__ import annotations

import base64
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from mode_query_runs.testing.cassette import Interaction, dump_cassette, load_cassette
from mode_query_runs.testing.scrub import Scrubber
from mode_query_runs.testing.server import DEMO_SECRET, DEMO_TOKEN, MockServer
from scripted import Scripted, ScriptedServer
from support import REPORT, spec_typed

ACCOUNT = "northwind-labs"
RUN = "f9e8d7c6b5a4"
QUERY_RUN = "aa11bb22cc33"
TOKEN = "rec-token-7f3a"
SECRET = "s3cr3t/p@ss wörd+1"
PAIR = f"{TOKEN}:{SECRET}".encode()
BASIC = base64.b64encode(PAIR).decode()
URL_SAFE = base64.urlsafe_b64encode(PAIR).decode()
# Every form a server may repeat the credentials in.
CREDENTIAL_FORMS = [
    TOKEN,
    SECRET,
    BASIC,
    BASIC.rstrip("="),
    URL_SAFE,
    URL_SAFE.rstrip("="),
    quote(BASIC, safe=""),
    quote(SECRET, safe=""),
    quote(SECRET, safe="").lower(),
    quote_plus(SECRET),
    quote(TOKEN, safe=""),
]


def run_path() -> str:
    return f"/api/{ACCOUNT}/reports/{REPORT}/runs/{RUN}"


def query_run(**fields: Any) -> dict[str, Any]:
    base = {
        "id": 500,
        "token": QUERY_RUN,
        "state": "succeeded",
        "created_at": "2026-10-02T08:00:01.250Z",
        "completed_at": "2026-10-02T08:00:03.500Z",
        "data_source_id": 7,
        "limit": True,
        "query_token": "f0e1d2c3b4a5",
        "query_name": "Orders",
        "parameters": {},
        "raw_source": "SELECT 1",
        "rendered_source": None,
        "error_message": None,
        "statement_annotation": None,
        "_links": {"self": {"href": f"{run_path()}/query_runs/{QUERY_RUN}"}},
        "_embedded": {},
    }
    return {**spec_typed(base), **fields}


def listing(*runs: dict[str, Any], next_href: str | None = None) -> bytes:
    links: dict[str, Any] = {"self": {"href": f"{run_path()}/query_runs"}}
    if next_href is not None:
        links["next_page"] = {"href": next_href}
    return json.dumps({"_links": links, "_embedded": {"query_runs": list(runs)}}).encode()


def mode_cli(
    *args: str, base_url: str, token: str = TOKEN, secret: str = SECRET, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    environment |= {
        "MODE_API_TOKEN": token,
        "MODE_API_SECRET": secret,
        "MODE_ACCOUNT": ACCOUNT,
        "MODE_BASE_URL": base_url,
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


# -- item 2: no form of the credentials in a recording ------------------------------------


def test_a_server_echoing_the_credentials_in_any_form_gets_none_into_the_cassette(
    tmp_path: Path,
) -> None:
    echoed = " ".join(CREDENTIAL_FORMS)
    echo_headers = {
        "X-Echo-Auth": f"Basic {BASIC}",
        "X-Echo-Secret": quote(SECRET, safe=""),
        "X-Echo-Token": TOKEN,
        "Location": f"/api/x?auth={URL_SAFE.rstrip('=')}&s={quote_plus(SECRET)}",
        "Link": f"</api/x?b={quote(BASIC, safe='')}>; rel=next",
        "Retry-After": "3",
    }
    run = query_run(statement_annotation=echoed, error_message=f"Basic {BASIC}")
    with ScriptedServer(
        Scripted(200, listing(run), echo_headers),
        Scripted(200, json.dumps(run).encode(), echo_headers),
    ) as upstream:
        cassette = tmp_path / "echo.yaml"
        result = mode_cli(
            "record", REPORT, RUN, "--cassette", str(cassette), base_url=f"{upstream.url}/api"
        )
    assert result.returncode == 0, result.stderr
    assert [seen.headers["Authorization"] for seen in upstream.seen] == [f"Basic {BASIC}"] * 2
    text = cassette.read_text("utf-8")
    assert [form for form in CREDENTIAL_FORMS if form in text] == []
    interactions = load_cassette(cassette)
    assert [i.headers for i in interactions] == [
        {
            "Content-Type": ["application/hal+json"],
            "Link": ["</api/x?b=REDACTED>; rel=next"],
            "Location": ["/api/x?auth=REDACTED&s=REDACTED"],
            "Retry-After": ["3"],
        }
    ] * 2
    recorded = json.loads(interactions[1].body)
    assert recorded["statement_annotation"] == " ".join(["REDACTED"] * len(CREDENTIAL_FORMS))
    assert recorded["error_message"] == "Basic REDACTED"


def test_only_the_allowed_response_headers_are_recorded() -> None:
    recorded = Interaction(
        "GET", "https://h/api/acme/x", 200, "OK",
        {
            "content-type": ["text/csv"], "CONTENT-DISPOSITION": ["attachment"],
            "x-echo-auth": ["Basic abc"], "x-anything": ["acme"], "server": ["nginx"],
            "www-authenticate": ['Basic realm="Mode"'], "strict-transport-security": ["x"],
        },
        "",
    )  # fmt: skip
    assert Scrubber("acme", "demo").interaction(recorded).headers == {
        "Content-Type": ["text/csv"],
        "Content-Disposition": ["attachment"],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Basic {BASIC}", "Basic REDACTED"),
        (f"x{BASIC.rstrip('=')}y", "REDACTED"),  # a run of base64 text, wherever it starts
        (f"k={URL_SAFE}&n=1", "k=REDACTED&n=1"),
        (f"k={quote(BASIC, safe='')}&n=1", "k=REDACTED&n=1"),
        (f"/{quote(SECRET, safe='')}/", "/REDACTED/"),
        (f"/{quote(SECRET, safe='').lower()}/", "/REDACTED/"),
        (f"q={quote_plus(SECRET)}", "q=REDACTED"),
        (f"{SECRET}!", "REDACTED!"),
        ("Basic ZGVtby10b2tlbjpvdGhlcg==", "Basic ZGVtby10b2tlbjpvdGhlcg=="),  # no secret in it
    ],
)
def test_every_form_of_a_secret_is_redacted(text: str, expected: str) -> None:
    assert Scrubber("acme", "demo", secrets=[TOKEN, SECRET]).text(text) == expected


# -- item 3: encoded email addresses and user names ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/api/acme/x?owner=alice%40example-corp.io&cc=alice@example-corp.io",
            "/api/demo/x?owner=email-1%40example.invalid&cc=email-1@example.invalid",
        ),
        ("by jérôme.o'brien@acme.example.", "by email-1@example.invalid."),
        ("by j%C3%A9r%C3%B4me.o%27brien%40acme.example", "by email-1%40example.invalid"),
        ("to Ωmega@acme.example", "to email-1@example.invalid"),
        (
            "user@localhost and root@127.0.0.1",
            "email-1@example.invalid and email-2@example.invalid",
        ),
        ("WHERE owner = 'ann@acme.example'", "WHERE owner = 'email-1@example.invalid'"),
        ("<ann+tag@mail.acme.example>", "<email-1@example.invalid>"),
    ],
)
def test_email_addresses_are_replaced_whole_in_every_form(text: str, expected: str) -> None:
    assert Scrubber("acme", "demo").text(text) == expected


def test_an_encoded_and_a_plain_address_share_their_placeholder() -> None:
    scrubber = Scrubber("acme", "demo")
    assert scrubber.text("jérôme@acme.example") == "email-1@example.invalid"
    assert scrubber.text("J%C3%A9r%C3%B4me%40Acme.example") == "email-1%40example.invalid"


def test_a_next_page_href_with_an_encoded_address_is_scrubbed_in_a_recording() -> None:
    href = f"{run_path()}/query_runs?owner=alice%40example-corp.io&page=2"
    body = json.dumps({"_links": {"next_page": {"href": href}}, "note": "by alice@example-corp.io"})
    (scrubbed,) = Scrubber(ACCOUNT, "demo").interactions(
        [Interaction("GET", f"https://h{run_path()}/query_runs", 200, "OK", {}, body)]
    )
    assert json.loads(scrubbed.body) == {
        "_links": {
            "next_page": {
                "href": f"/api/demo/reports/{REPORT}/runs/{RUN}/query_runs"
                "?owner=email-1%40example.invalid&page=2"
            }
        },
        "note": "by email-1@example.invalid",
    }


def test_a_percent_encoded_user_name_is_learnt_and_replaced_in_both_forms() -> None:
    body = json.dumps(
        {"_links": {"executed_by": {"href": "/api/acme/users/j%C3%A9r%C3%B4me"}}, "who": "jérôme"}
    )
    (scrubbed,) = Scrubber("acme", "demo").interactions(
        [Interaction("GET", "https://h/api/acme/x", 200, "OK", {}, body)]
    )
    assert json.loads(scrubbed.body) == {
        "_links": {"executed_by": {"href": "/api/demo/users/user-1"}},
        "who": "user-1",
    }


# -- item 1 (recorder half): no user-info anywhere in a recording -------------------------


def test_record_writes_no_user_info_of_the_base_url(tmp_path: Path) -> None:
    with ScriptedServer(
        Scripted(200, listing(query_run())),
        Scripted(
            200,
            json.dumps(
                query_run(
                    statement_annotation="via http://proxyuser:PROXYPASS@proxy.example/x",
                    error_message="proxy refused proxyuser%3APROXYPASS (PROXYPASS)",
                )
            ).encode(),
        ),
    ) as upstream:
        cassette = tmp_path / "proxied.yaml"
        base_url = f"http://proxyuser:PROXYPASS@127.0.0.1:{upstream.port}/api"
        result = mode_cli("record", REPORT, RUN, "--cassette", str(cassette), base_url=base_url)
    assert result.returncode == 0, result.stderr
    text = cassette.read_text("utf-8")
    assert ("proxyuser" in text, "PROXYPASS" in text) == (False, False)
    assert [i.uri for i in load_cassette(cassette)] == [
        f"http://127.0.0.1:{upstream.port}/api/acme/reports/{REPORT}/runs/{RUN}/query_runs",
        f"http://127.0.0.1:{upstream.port}/api/acme/reports/{REPORT}/runs/{RUN}"
        f"/query_runs/{QUERY_RUN}",
    ]
    recorded = json.loads(load_cassette(cassette)[1].body)
    assert recorded["statement_annotation"] == "via http://proxy.example/x"
    assert recorded["error_message"] == "proxy refused REDACTED (REDACTED)"


def test_secrets_shorter_than_four_characters_are_not_replaced() -> None:
    assert Scrubber("acme", "demo", secrets=["u", "pw", "abc", "abcd"]).text("u pw abc abcd") == (
        "u pw abc REDACTED"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("via http://u:p@host/x", "via http://host/x"),
        ("HTTPS://proxyuser@b.example/", "HTTPS://b.example/"),
        ("git+ssh://me:%40pw@h.example/r", "git+ssh://h.example/r"),
        ('{"href": "http://a:b@127.0.0.1:9/api"}', '{"href": "http://127.0.0.1:9/api"}'),
    ],
)
def test_user_info_is_removed_from_every_url_in_text(text: str, expected: str) -> None:
    assert Scrubber("acme", "demo").text(text) == expected


def test_the_reason_phrase_is_scrubbed_too() -> None:
    recorded = Interaction(
        "GET", "https://h/api/acme/x", 200, f"OK {BASIC} ann@acme.example acme", {}, ""
    )
    scrubbed = Scrubber("acme", "demo", secrets=[TOKEN, SECRET]).interaction(recorded)
    assert scrubbed.reason == "OK REDACTED email-1@example.invalid demo"


# -- item 9: deep JSON ----------------------------------------------------------------------


def nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": [value]} if depth % 2 else {"a": value}
    return value


def test_the_scrubber_walks_json_of_any_depth_the_decoder_reads() -> None:
    body = json.dumps(nested(900, "ann@acme.example"), separators=(",", ":"))
    scrubbed = Scrubber("acme", "demo").body(body)
    assert scrubbed == body.replace("ann@acme.example", "email-1@example.invalid")


def test_record_takes_deep_json_that_get_takes(tmp_path: Path) -> None:
    run = query_run(extra=nested(450, "ann@acme.example"))
    script = [Scripted(200, listing(query_run())), Scripted(200, json.dumps(run).encode())]
    with ScriptedServer(*script, Scripted(200, json.dumps(run).encode())) as upstream:
        base_url = f"{upstream.url}/api"
        cassette = tmp_path / "deep.yaml"
        recorded = mode_cli("record", REPORT, RUN, "--cassette", str(cassette), base_url=base_url)
        got = mode_cli("get", REPORT, RUN, QUERY_RUN, "--json", base_url=base_url)
    assert (recorded.returncode, got.returncode) == (0, 0), recorded.stderr + got.stderr
    assert json.loads(got.stdout)["extra"] == nested(450, "ann@acme.example")
    body = json.loads(load_cassette(cassette)[1].body)
    assert body["extra"] == nested(450, "email-1@example.invalid")


def test_record_refuses_json_too_deep_for_get_as_get_does(tmp_path: Path) -> None:
    # Too deep for json on every Python: 3.13 decodes 5,000 levels, 3.11 not 1,000.
    deep = b'{"token":"' + QUERY_RUN.encode() + b'","p":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    script = [Scripted(200, listing(query_run())), Scripted(200, deep), Scripted(200, deep)]
    with ScriptedServer(*script) as upstream:
        base_url = f"{upstream.url}/api"
        cassette = tmp_path / "deep.yaml"
        recorded = mode_cli("record", REPORT, RUN, "--cassette", str(cassette), base_url=base_url)
        got = mode_cli("get", REPORT, RUN, QUERY_RUN, "--json", base_url=base_url)
    assert (recorded.returncode, got.returncode) == (1, 1)
    assert recorded.stderr == got.stderr
    assert recorded.stderr.startswith(
        "mode-query-runs: error: HTTP 200 response is not JSON (application/hal+json);"
    )
    assert recorded.stderr.endswith(
        f" (GET {base_url}/{ACCOUNT}/reports/{REPORT}/runs/{RUN}/query_runs/{QUERY_RUN})\n"
    )
    assert recorded.stderr.count("\n") == 1
    assert not cassette.exists()


def test_the_scrubber_refuses_json_too_deep_to_decode_in_one_line() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ValueError, match=r"^a response body is JSON nested too deeply to scrub$"):
        Scrubber("acme", "demo").body(deep)


# -- item 14: the cassette is replaced atomically -------------------------------------------

_LIMITED = """
import resource, runpy, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["mode-query-runs", *sys.argv[2:]]
runpy.run_module("mode_query_runs", run_name="__main__")
"""


def test_a_write_that_fails_half_way_leaves_the_old_cassette_intact(tmp_path: Path) -> None:
    cassette = tmp_path / "run.yaml"
    run = query_run(query_name="x" * 4000)
    with ScriptedServer(
        *[Scripted(200, body) for body in [listing(run), json.dumps(run).encode()] * 2]
    ) as upstream:
        first = mode_cli(
            "record", REPORT, RUN, "--cassette", str(cassette), base_url=upstream.url + "/api"
        )
        assert first.returncode == 0, first.stderr
        old = cassette.read_bytes()
        environment = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
        environment |= {
            "MODE_API_TOKEN": TOKEN,
            "MODE_API_SECRET": SECRET,
            "MODE_ACCOUNT": ACCOUNT,
            "MODE_BASE_URL": f"{upstream.url}/api",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        second = subprocess.run(
            [sys.executable, "-c", _LIMITED, str(len(old) // 2), "record", REPORT, RUN,
             "--cassette", str(cassette)],
            capture_output=True, text=True, env=environment, timeout=60, check=False,
        )  # fmt: skip
    assert (second.returncode, second.stdout) == (1, "")
    assert second.stderr == f"mode-query-runs: error: {cassette}: File too large\n"
    assert cassette.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.yaml"]


def test_dump_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    cassette = tmp_path / "run.yaml"
    cassette.write_text("old")
    cassette.chmod(0o640)
    dump_cassette([], cassette)
    assert (cassette.stat().st_mode & 0o777, cassette.read_text()) == (
        0o640,
        "interactions: []\nversion: 1\n",
    )


# -- item 13: a cassette is checked whole at load time ---------------------------------------

GOOD = {
    "request": {"method": "GET", "uri": "https://h/api/acme/x", "headers": {}, "body": None},
    "response": {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/hal+json"]},
        "body": {"string": "{}"},
    },
}


def with_value(path: str, value: Any) -> dict[str, Any]:
    interaction: dict[str, Any] = json.loads(json.dumps(GOOD))
    *parents, last = path.split(".")
    target: Any = interaction
    for name in parents:
        target = target[name]
    target[last] = value
    return interaction


@pytest.mark.parametrize(
    ("interaction", "problem"),
    [
        (with_value("response.body.string", 12345), "response.body.string must be text, not int"),
        (with_value("response.body.string", ["x"]), "response.body.string must be text, not list"),
        (with_value("response.body", "text"), "response.body must be a mapping, not str"),
        (
            with_value("response.body.string", "\ud800"),
            "response.body.string is not UTF-8 text (surrogates not allowed)",
        ),
        (
            with_value("response.status.code", "200"),
            "response.status.code must be an integer, not str",
        ),
        (
            with_value("response.status.code", True),
            "response.status.code must be an integer, not bool",
        ),
        (
            with_value("response.status.code", 700),
            "response.status.code must be from 200 to 599, not 700",
        ),
        (
            with_value("response.status.code", 101),
            "response.status.code must be from 200 to 599, not 101",
        ),
        (
            with_value("response.status.code", 204),
            "response.body.string must be empty for status 204",
        ),
        (with_value("response.status", None), "response.status must be a mapping, not null"),
        (
            with_value("response.status.message", 5),
            "response.status.message must be text, not int",
        ),
        (
            with_value("response.headers", {"Retry-After": [3]}),
            "response.headers.Retry-After must be text, not int",
        ),
        (
            with_value("response.headers", {"X-A": ["a\r\nb"]}),
            "response.headers.X-A cannot be sent in an HTTP header: 'a\\r\\nb'",
        ),
        (
            with_value("response.headers", {"X-A": ["✓"]}),
            "response.headers.X-A cannot be sent in an HTTP header: '✓'",
        ),
        (
            with_value("response.headers", {"Bad Name": ["x"]}),
            "response.headers has a name that is not an HTTP header name: 'Bad Name'",
        ),
        (with_value("response.headers", ["x"]), "response.headers must be a mapping, not list"),
        (
            with_value("response.headers", {"Location": ["http://[x/y"]}),
            "response.headers.Location is not a URL (Invalid IPv6 URL): 'http://[x/y'",
        ),
        (
            with_value("request.headers", {"Accept": [None]}),
            "request.headers.Accept must be text, not null",
        ),
        (with_value("request.method", None), "request.method must be text, not null"),
        (with_value("request.method", "GE T"), "request.method is not an HTTP method: 'GE T'"),
        (
            with_value("request.uri", "http://[x/api"),
            "request.uri is not a URL (Invalid IPv6 URL): 'http://[x/api'",
        ),
        (with_value("request.uri", 5), "request.uri must be text, not int"),
        ({"request": GOOD["request"]}, "response must be a mapping, not null"),
        ("text", "the interaction must be a mapping, not str"),
    ],
)
def test_a_value_the_server_could_not_serve_is_refused_at_load_time(
    tmp_path: Path, interaction: Any, problem: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps({"interactions": [GOOD, interaction], "version": 1}), "utf-8")
    with pytest.raises(ValueError) as raised:
        load_cassette(path)
    assert str(raised.value) == f"{path}: interaction 1: {problem}"


def test_mock_serve_refuses_a_body_that_is_not_text_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(
        "interactions:\n- request: {method: GET, uri: 'https://h/api/acme/x'}\n"
        "  response:\n    status: {code: 200, message: OK}\n    body: {string: 12345}\n"
        "version: 1\n",
        "utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs", "mock", "serve", "--port", "0",
         "--cassettes", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"mode-query-runs: error: {path}: interaction 0: response.body.string must be text,"
        " not int\n"
    )


def test_every_value_a_loaded_cassette_holds_is_served(tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    interactions = [
        with_value("response.body", None),
        with_value("response.body.string", None),
        with_value("response.body.string", "é ✓ \u0000"),
        with_value("response.headers", {"X-One": "café", "X-List": ["a", "b"]}),
        with_value("response.status.code", 599),
        with_value("response.status.code", 204),
        with_value("response.status.code", 304),
        with_value("response.status", {"code": 200}),
    ]
    for index, interaction in enumerate(interactions):
        interaction["request"]["uri"] = f"https://h/api/acme/x{index}"
        if interaction["response"]["status"]["code"] in (204, 304):
            interaction["response"]["body"] = {"string": ""}
    path.write_text(json.dumps({"interactions": interactions, "version": 1}), "utf-8")
    with MockServer(tmp_path) as server:
        auth = base64.b64encode(f"{DEMO_TOKEN}:{DEMO_SECRET}".encode()).decode()
        answers = [
            raw_request(server, f"GET /api/acme/x{index} HTTP/1.1".encode(), auth)
            for index in range(len(interactions))
        ]
    assert [answer.split(b"\r\n")[0] for answer in answers] == [
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 599 ",
        b"HTTP/1.1 204 No Content",
        b"HTTP/1.1 304 Not Modified",
        b"HTTP/1.1 200 OK",
    ]
    assert answers[2].endswith("é ✓ \u0000".encode())
    assert b"\r\nx-one: caf\xe9\r\n" in answers[3]


# -- item 12: the mock server never answers 500 ----------------------------------------------


def raw_request(
    server: MockServer, line: bytes, auth: str | None, *, storage: bool = False
) -> bytes:
    """The whole answer to one request sent as raw bytes (``Connection: close``), to the
    API origin or the storage origin."""
    address = (server.storage_host, server.storage_port) if storage else (server.host, server.port)
    with socket.create_connection(address, timeout=10) as connection:
        headers = b"Host: x\r\nConnection: close\r\n"
        if auth is not None:
            headers += f"Authorization: Basic {auth}\r\n".encode()
        connection.sendall(line + b"\r\n" + headers + b"\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


ODD_LINES = [
    b"GET //[x/api HTTP/1.1",
    b"GET //[x/api/acme/reports HTTP/1.1",
    b"GET http://[x/api HTTP/1.1",
    b"GET //x/api/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a/query_runs HTTP/1.1",
    b"GET ///[x HTTP/1.1",
    b"GET x HTTP/1.1",
    b"GET * HTTP/1.1",
    b"OPTIONS * HTTP/1.1",
    b"POST /api/acme HTTP/1.1",
    b"BREW /api/acme HTTP/1.1",
    b"GET /api/%ff%00%0a HTTP/1.1",
    b"GET /?[ HTTP/1.1",
    b"GET /api/acme/reports/%5B HTTP/1.1",
]


@pytest.mark.parametrize("line", ODD_LINES, ids=[line.decode() for line in ODD_LINES])
def test_an_odd_request_line_is_401_without_credentials_and_404_with_them(
    mock_server: MockServer, line: bytes
) -> None:
    good = base64.b64encode(f"{DEMO_TOKEN}:{DEMO_SECRET}".encode()).decode()
    answers = [raw_request(mock_server, line, auth) for auth in (None, "bad", good)]
    assert [answer.split(b"\r\n")[0] for answer in answers] == [
        b"HTTP/1.1 401 Unauthorized",
        b"HTTP/1.1 401 Unauthorized",
        b"HTTP/1.1 404 Not Found",
    ]


@pytest.mark.parametrize("line", ODD_LINES, ids=[line.decode() for line in ODD_LINES])
def test_an_odd_request_line_to_the_storage_origin_is_400_or_404(
    mock_server: MockServer, line: bytes
) -> None:
    good = base64.b64encode(f"{DEMO_TOKEN}:{DEMO_SECRET}".encode()).decode()
    answers = [raw_request(mock_server, line, auth, storage=True) for auth in (None, good)]
    assert [answer.split(b"\r\n")[0] for answer in answers] == [
        b"HTTP/1.1 404 Not Found",
        b"HTTP/1.1 400 Bad Request",  # Authorization is refused there, as by storage hosts
    ]


def test_an_authority_like_path_does_not_replay_the_path_after_it(mock_server: MockServer) -> None:
    good = base64.b64encode(f"{DEMO_TOKEN}:{DEMO_SECRET}".encode()).decode()
    path = b"/api/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a/query_runs"
    assert raw_request(mock_server, b"GET " + path + b" HTTP/1.1", good).startswith(
        b"HTTP/1.1 200 OK"
    )
    assert raw_request(mock_server, b"GET //evil" + path + b" HTTP/1.1", good).startswith(
        b"HTTP/1.1 404 Not Found"
    )


@pytest.mark.parametrize("line", [b"GET /a?\xff HTTP/1.1", b"GET /a b HTTP/1.1"])
def test_a_request_line_that_is_not_http_is_400(mock_server: MockServer, line: bytes) -> None:
    good = base64.b64encode(f"{DEMO_TOKEN}:{DEMO_SECRET}".encode()).decode()
    for auth in (None, good):
        assert raw_request(mock_server, line, auth).split(b"\r\n")[0] == (
            b"HTTP/1.1 400 Bad Request"
        )


def test_a_cassette_that_cannot_be_created_is_named_not_its_temporary_file(tmp_path: Path) -> None:
    cassette = tmp_path / "missing" / "run.yaml"
    with pytest.raises(FileNotFoundError) as raised:
        dump_cassette([], cassette)
    assert (raised.value.filename, raised.value.strerror) == (
        str(cassette),
        "No such file or directory",
    )


# -- issue 21, item 6: the recorder writes as ``results -o`` does ------------------------------

EMPTY_CASSETTE = "interactions: []\nversion: 1\n"


def test_a_cassette_through_a_symbolic_link_replaces_what_it_points_to(tmp_path: Path) -> None:
    target = tmp_path / "real.yaml"
    target.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    dump_cassette([], link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == EMPTY_CASSETTE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "real.yaml"]


def test_a_cassette_to_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_bytes()))
    reader.start()
    dump_cassette([], fifo)
    reader.join(timeout=30)
    assert read == [EMPTY_CASSETTE.encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
