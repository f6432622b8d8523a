"""Issue 21, item 3: no exception escapes untyped.

Every exception httpx can raise (each subclass of ``httpx.HTTPError``, ``httpx.InvalidURL``,
``httpx.CookieConflict``, each ``httpx.StreamError``), a URL httpx refuses (a ``data:``
redirect, a 70,000-character token), a pool the environment's proxies cannot make, a
result ``charset`` naming a codec that is not a text encoding (or one that cannot decode),
and a cassette nested too deeply become a ``ModeAPIError`` subclass, and one line on the
command line.
"""

from __future__ import annotations

import codecs
import encodings
import encodings.aliases
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from test_cli import cli_env
from test_hardening import RESULT, run_body, run_with_links

from mode_query_runs import (
    APIConnectionError,
    APITimeoutError,
    AsyncModeClient,
    ModeAPIError,
    ModeClient,
    ResponseParseError,
)
from scripted import Scripted, ScriptedServer

BASE = "http://127.0.0.1:9/api"
ONE_URL = f"{BASE}/acme/reports/r1/runs/u1/query_runs/q1"
CSV = b"a,b\n1,2\n"
ROWS = [{"a": "1", "b": "2"}]


def subclasses(cls: type[Exception]) -> Iterator[type[Exception]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from subclasses(sub)


HTTPX_ERRORS = [
    cls
    for base in (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict, httpx.StreamError)
    for cls in subclasses(base)
]


def test_the_walk_covers_every_exception_httpx_defines() -> None:
    defined = {
        value
        for value in vars(httpx).values()
        if isinstance(value, type) and issubclass(value, Exception)
    }
    assert defined == set(HTTPX_ERRORS)
    assert len(HTTPX_ERRORS) == 28


def make(cls: type[Exception], request: httpx.Request) -> Exception:
    """An instance of ``cls`` as httpx raises it while sending ``request``."""
    if issubclass(cls, httpx.StreamError) and cls is not httpx.StreamError:
        return cls()  # type: ignore[call-arg]  # its subclasses make their own message
    if cls is httpx.HTTPStatusError:
        return cls("boom", request=request, response=httpx.Response(500, request=request))
    if issubclass(cls, httpx.RequestError):
        return cls("boom", request=request)
    return cls("boom")


def expected(cls: type[Exception]) -> tuple[type[ModeAPIError], str]:
    """The error a ``make(cls)`` raised by the pool becomes, and its text."""
    shown = f" (GET {ONE_URL})"
    if issubclass(cls, httpx.TimeoutException):
        return APITimeoutError, "timed out: boom" + shown
    if issubclass(cls, httpx.TransportError):
        return APIConnectionError, "connection failed: boom" + shown
    if cls in (httpx.TooManyRedirects, httpx.DecodingError):
        return ModeAPIError, "boom" + shown
    if cls is httpx.InvalidURL:
        return ModeAPIError, "invalid URL (boom)"
    if cls in (httpx.RequestError, httpx.HTTPStatusError):
        return ModeAPIError, f"boom ({cls.__name__})" + shown
    if issubclass(cls, httpx.StreamError) and cls is not httpx.StreamError:
        text = " ".join(str(cls()).split())  # type: ignore[call-arg]
        return ModeAPIError, f"{text} ({cls.__name__})"[:500] + ("…" if len(text) > 480 else "")
    return ModeAPIError, f"boom ({cls.__name__})"  # HTTPError, CookieConflict, StreamError


class Raising(httpx.BaseTransport):
    def __init__(self, cls: type[Exception]) -> None:
        self.cls = cls

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise make(self.cls, request)


class AsyncRaising(httpx.AsyncBaseTransport):
    def __init__(self, cls: type[Exception]) -> None:
        self.cls = cls

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise make(self.cls, request)


@pytest.mark.parametrize("cls", HTTPX_ERRORS, ids=[cls.__name__ for cls in HTTPX_ERRORS])
def test_every_httpx_exception_from_the_pool_is_a_mode_api_error(cls: type[Exception]) -> None:
    pool = httpx.Client(transport=Raising(cls))
    with ModeClient("acme", "t", "s", base_url=BASE, max_retries=0, http_client=pool) as mode:
        with pytest.raises(ModeAPIError) as caught:
            mode.get_query_run("r1", "u1", "q1")
    kind, text = expected(cls)
    assert (type(caught.value), str(caught.value)) == (kind, text)
    assert "\n" not in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize("cls", HTTPX_ERRORS, ids=[cls.__name__ for cls in HTTPX_ERRORS])
async def test_async_every_httpx_exception_from_the_pool_is_a_mode_api_error(
    cls: type[Exception],
) -> None:
    pool = httpx.AsyncClient(transport=AsyncRaising(cls))
    async with AsyncModeClient(
        "acme", "t", "s", base_url=BASE, max_retries=0, http_client=pool
    ) as mode:
        with pytest.raises(ModeAPIError) as caught:
            await mode.get_query_run("r1", "u1", "q1")
    kind, text = expected(cls)
    assert (type(caught.value), str(caught.value)) == (kind, text)


# --- URLs httpx refuses above the transport ------------------------------------------------

DATA_REDIRECT = Scripted(302, headers={"Location": "data:text/csv,a,b%0A1,2"})
DATA_MESSAGE = "invalid URL (For absolute URLs, path must be empty or begin with '/')"


def test_a_redirect_to_a_data_url_is_a_mode_api_error(tmp_path: Path) -> None:
    with ScriptedServer(DATA_REDIRECT, DATA_REDIRECT) as server:
        with ModeClient("acme", "t", "s", base_url=f"{server.url}/api", max_retries=0) as mode:
            with pytest.raises(ModeAPIError) as rows:
                list(mode.iter_result_rows(run_with_links(result=RESULT)))
            with pytest.raises(ModeAPIError) as download:
                mode.download_result(run_with_links(result=RESULT), tmp_path / "out.csv")
    assert str(rows.value) == str(download.value) == DATA_MESSAGE
    assert list(tmp_path.iterdir()) == []


@pytest.mark.anyio
async def test_async_a_redirect_to_a_data_url_is_a_mode_api_error() -> None:
    with ScriptedServer(DATA_REDIRECT) as server:
        async with AsyncModeClient(
            "acme", "t", "s", base_url=f"{server.url}/api", max_retries=0
        ) as mode:
            with pytest.raises(ModeAPIError) as caught:
                _ = [row async for row in mode.iter_result_rows(run_with_links(result=RESULT))]
    assert str(caught.value) == DATA_MESSAGE


def test_a_70000_character_token_is_a_mode_api_error() -> None:
    with ModeClient("acme", "t", "s", base_url=BASE, max_retries=0) as mode:
        with pytest.raises(ModeAPIError) as caught:
            mode.get_query_run("r" * 70_000, "u1", "q1")
    assert (type(caught.value), str(caught.value)) == (ModeAPIError, "invalid URL (URL too long)")


@pytest.mark.anyio
async def test_async_a_70000_character_token_is_a_mode_api_error() -> None:
    async with AsyncModeClient("acme", "t", "s", base_url=BASE, max_retries=0) as mode:
        with pytest.raises(ModeAPIError, match=r"^invalid URL \(URL too long\)$"):
            await mode.get_query_run("r1", "u1", "q" * 70_000)


# --- proxies and certificates from the environment ----------------------------------------

ENVIRONMENTS = {
    "socks proxy without socksio": (
        {"ALL_PROXY": "socks5://127.0.0.1:1"},
        "cannot make a connection pool with the environment's ALL_PROXY: Using SOCKS proxy,"
        " but the 'socksio' package is not installed. Make sure to install httpx using"
        " `pip install httpx[socks]`.",
    ),
    "proxy URL with a bad port": (
        {"HTTPS_PROXY": "http://[::1"},
        "cannot make a connection pool with the environment's HTTPS_PROXY: Invalid port: ':1'",
    ),
    "proxy of another scheme": (
        {"HTTP_PROXY": "ftp://proxy.example"},
        "cannot make a connection pool with the environment's HTTP_PROXY: Unknown scheme for"
        " proxy URL URL('ftp://proxy.example')",
    ),
    "missing CA bundle": (
        {"SSL_CERT_FILE": "/nonexistent/ca.pem"},
        "cannot make a connection pool with the environment's SSL_CERT_FILE:"
        " [Errno 2] No such file or directory",
    ),
}
_NAMES = ("ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "NO_PROXY")


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.parametrize("case", ENVIRONMENTS, ids=list(ENVIRONMENTS))
@pytest.mark.parametrize("kind", [ModeClient, AsyncModeClient], ids=["sync", "async"])
def test_a_pool_the_environment_breaks_is_a_mode_api_error(
    case: str, kind: type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    variables, message = ENVIRONMENTS[case]
    clean_environment(monkeypatch)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ModeAPIError) as caught:
        kind("acme", "t", "s")
    assert (type(caught.value), str(caught.value)) == (ModeAPIError, message)


def test_a_callers_own_http_client_is_not_made_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clean_environment(monkeypatch)
    pool = httpx.Client()
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1")
    with ModeClient("acme", "t", "s", http_client=pool) as mode:
        assert mode.base_url == "https://app.mode.com/api"
    pool.close()


def run_command(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_cli_shows_each_on_one_line() -> None:
    env = {k: v for k, v in cli_env(BASE).items() if k.upper() not in _NAMES}
    socks = run_command("get", "r1", "u1", "q1", env={**env, "ALL_PROXY": "socks5://127.0.0.1:1"})
    assert (socks.returncode, socks.stdout, socks.stderr) == (
        1,
        "",
        "mode-query-runs: error: " + ENVIRONMENTS["socks proxy without socksio"][1] + "\n",
    )
    long = run_command("--max-retries", "0", "get", "r1", "u1", "q" * 70_000, env=env)
    assert (long.returncode, long.stdout, long.stderr) == (
        1,
        "",
        "mode-query-runs: error: invalid URL (URL too long)\n",
    )


# --- a result's charset -------------------------------------------------------------------


def stdlib_codecs() -> list[str]:
    """Every codec name of the standard library's ``encodings`` package (and its aliases)."""
    names = {name for _, name, _ in pkgutil.iter_modules(encodings.__path__)}
    names |= set(encodings.aliases.aliases)
    return sorted(names - {"aliases", "mbcs", "oem", "cp65001"})


CODECS = stdlib_codecs()


def codec_refusal(name: str) -> str:
    """What this Python's codec ``name`` says when asked to decode ``CSV`` (its wording
    changes between CPython versions: idna's on 3.13 is ``unsupported error handling:
    {errors}``)."""
    try:
        codecs.getincrementaldecoder(name)(errors="replace").decode(CSV, final=True)
    except (UnicodeError, ValueError, LookupError) as exc:
        return f"the result cannot be decoded as text: {exc}"
    raise AssertionError(f"{name} decodes {CSV!r}")


UNDECODABLE = {name: codec_refusal(name) for name in ("idna", "undefined", "utf_32")}


def answers() -> list[Scripted]:
    return [Scripted(200, CSV, {"Content-Type": f"text/csv; charset={name}"}) for name in CODECS]


def test_every_stdlib_codec_named_as_a_charset_gives_rows_or_a_parse_error() -> None:
    outcomes: dict[str, Any] = {}
    with ScriptedServer(*answers()) as server:
        with ModeClient("acme", "t", "s", base_url=f"{server.url}/api", max_retries=0) as mode:
            for name in CODECS:
                try:
                    outcomes[name] = list(mode.iter_result_rows(run_with_links(result=RESULT)))
                except ResponseParseError as exc:
                    outcomes[name] = exc.message
    assert len(CODECS) > 300
    for name in ("base64", "base64_codec", "rot13", "zlib", "bz2", "hex", "quopri", "uu"):
        assert outcomes[name] == ROWS, name  # not a text encoding: read as UTF-8
    for name, message in UNDECODABLE.items():
        assert outcomes[name] == message, name
    assert outcomes["latin_1"] == outcomes["utf_8"] == outcomes["ascii"] == ROWS


@pytest.mark.anyio
async def test_async_every_stdlib_codec_named_as_a_charset_gives_rows_or_a_parse_error() -> None:
    outcomes: dict[str, Any] = {}
    with ScriptedServer(*answers()) as server:
        async with AsyncModeClient(
            "acme", "t", "s", base_url=f"{server.url}/api", max_retries=0
        ) as mode:
            for name in CODECS:
                try:
                    run = run_with_links(result=RESULT)
                    outcomes[name] = [row async for row in mode.iter_result_rows(run)]
                except ResponseParseError as exc:
                    outcomes[name] = exc.message
    for name in ("base64", "rot13", "zlib"):
        assert outcomes[name] == ROWS, name
    for name, message in UNDECODABLE.items():
        assert outcomes[name] == message, name


@pytest.mark.parametrize("charset", ["base64", "rot13", "zlib", "idna", "utf_32"])
def test_a_dataframe_of_a_result_with_any_charset_is_read_as_utf_8(charset: str) -> None:
    pytest.importorskip("pandas")
    answer = Scripted(200, CSV, {"Content-Type": f"text/csv; charset={charset}"})
    with ScriptedServer(answer) as server:
        with ModeClient("acme", "t", "s", base_url=f"{server.url}/api", max_retries=0) as mode:
            frame = mode.result_dataframe(run_with_links(result=RESULT))
    assert frame.to_dict("records") == [{"a": 1, "b": 2}]


# --- cassettes nested too deeply (the drift command) --------------------------------------


def cassette_with_body(body: str) -> dict[str, Any]:
    return {
        "version": 1,
        "interactions": [
            {
                "request": {
                    "method": "GET",
                    "uri": "https://app.mode.com/api/acme/reports/r1/runs/u1/query_runs/q1",
                    "body": None,
                    "headers": {},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Type": ["application/hal+json"]},
                    "body": {"string": body},
                },
            }
        ],
    }


def test_the_drift_command_reads_a_body_nested_too_deeply_as_a_deviation(tmp_path: Path) -> None:
    cassette = tmp_path / "deep.yaml"
    cassette.write_text(yaml.safe_dump(cassette_with_body("[" * 100_000 + "]" * 100_000)))
    done = run_command("drift", str(cassette), env=cli_env())
    assert (done.returncode, done.stdout) == (
        1,
        "getQueryRunForReportRun $: the spec expects a body nested at most 255 levels deep,"
        " found one nested deeper (1 time; first in deep.yaml#0)\n",
    )
    assert done.stderr == (
        "mode-query-runs: 1 deviation from the spec; see README 'When Mode changes'\n"
    )


def test_the_drift_command_refuses_yaml_nested_too_deeply_in_one_line(tmp_path: Path) -> None:
    cassette = tmp_path / "deep.yaml"
    cassette.write_text("version: 1\ninteractions: " + "[" * 100_000 + "]" * 100_000 + "\n")
    done = run_command("drift", str(cassette), env=cli_env())
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"mode-query-runs: error: {cassette}: YAML nested too deeply to read\n",
    )


def test_a_body_deviating_fine_still_reads(tmp_path: Path) -> None:
    cassette = tmp_path / "fine.yaml"
    cassette.write_text(yaml.safe_dump(cassette_with_body(json.dumps(run_body()))))
    done = run_command("drift", str(cassette), env=cli_env())
    assert (done.returncode, done.stdout) == (0, "no deviations from the spec\n")
    assert os.path.exists(cassette)
