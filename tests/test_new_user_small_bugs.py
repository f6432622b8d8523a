"""Small bugs a new user ran into (issue 22, items 10-15): the 404 hint of a base URL that
ends in the account, empty tokens and an empty --account as usage errors, wrong keywords
naming the public client classes, Ctrl-C while the command starts, and the group's options
after the command. The command runs as a real subprocess against loopback servers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_cli import assert_one_line_error, run_cli
from test_new_user_settings import bare_env, run_with, usage_error

from mode_query_runs import AsyncModeClient, ModeClient
from mode_query_runs.origin import Origin
from mode_query_runs.testing.server import MockServer
from support import PAGED_RUN, PAGED_TOKENS, REPORT

# --- item 10: a 404 from a base URL that ends in the account -------------------------------


def test_a_base_url_ending_in_the_account_is_named_in_the_404(mock_server: MockServer) -> None:
    base = mock_server.base_url  # http://127.0.0.1:PORT/api
    result = run_cli("list", REPORT, PAGED_RUN, base_url=f"{base}/acme")
    assert_one_line_error(
        result,
        f"HTTP 404 [not_found] Not found (the base URL {base}/acme ends in the account"
        f" 'acme', which every path adds: use {base})"
        f" (GET {base}/acme/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs)",
    )


def test_a_base_url_going_on_after_api_is_named_in_the_404(mock_server: MockServer) -> None:
    base = mock_server.base_url
    result = run_cli("get", REPORT, PAGED_RUN, PAGED_TOKENS[0], base_url=f"{base}/v1")
    assert_one_line_error(
        result,
        f"HTTP 404 [not_found] Not found (the base URL {base}/v1 goes on after /api: Mode's"
        f" paths follow /api, as in {base})"
        f" (GET {base}/v1/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs/{PAGED_TOKENS[0]})",
    )


@pytest.mark.parametrize(
    ("base_url", "path", "hint"),
    [
        ("https://h/api", "/api/acme/reports/r", None),
        ("https://h/api/", "/api/acme/reports/r", None),
        (
            "https://user:pw@h/mode/api/acme/",
            "/mode/api/acme/acme/reports/r",
            "the base URL https://h/mode/api/acme ends in the account 'acme', which every path"
            " adds: use https://h/mode/api",
        ),
        (
            "https://h/api/v2/x",
            "/api/v2/x/acme/reports/r",
            "the base URL https://h/api/v2/x goes on after /api: Mode's paths follow /api, as in"
            " https://h/api",
        ),
        ("https://h", "/acme/reports/r", "is /api missing from the base URL https://h?"),
        ("https://h/mode", "/mode/acme/reports/r", "is /api missing from the base URL https://h/mode?"),
    ],
)  # fmt: skip
def test_the_not_found_hint(base_url: str, path: str, hint: str | None) -> None:
    origin = Origin(base_url)
    assert origin.not_found_hint(httpx.URL(f"https://h{path}")) == hint
    assert origin.not_found_hint(httpx.URL(f"https://elsewhere{path}")) is None


# --- item 11: an invalid token is a usage error -----------------------------------------------


@pytest.mark.parametrize(
    ("args", "named", "value"),
    [
        (["list", "", PAGED_RUN], "REPORT", "''"),
        (["list", REPORT, ".."], "RUN", "'..'"),
        (["get", ".", PAGED_RUN, PAGED_TOKENS[0]], "REPORT", "'.'"),
        (["get", REPORT, "", PAGED_TOKENS[0]], "RUN", "''"),
        (["get", REPORT, PAGED_RUN, ""], "QUERY_RUN", "''"),
        (["results", "", PAGED_RUN, PAGED_TOKENS[0]], "REPORT", "''"),
        (["results", REPORT, PAGED_RUN, ".."], "QUERY_RUN", "'..'"),
        (["record", "", PAGED_RUN, "--cassette", "c.yaml"], "REPORT", "''"),
        (["record", REPORT, ".", "--cassette", "c.yaml"], "RUN", "'.'"),
        (["wait", "", PAGED_RUN], "REPORT", "''"),
        (["wait", REPORT, ".."], "RUN", "'..'"),
        (["record", REPORT, PAGED_RUN, "--query-run", "", "--cassette", "c.yaml"],
         "--query-run", "''"),
    ],
)  # fmt: skip
def test_an_invalid_token_is_a_usage_error(
    mock_server: MockServer, tmp_path: Path, args: list[str], named: str, value: str
) -> None:
    result = run_cli(*args, base_url=mock_server.base_url, cwd=tmp_path)
    assert usage_error(result) == (
        2,
        "",
        f"Error: Invalid value for '{named}': {value} is not a valid token.",
    )
    assert list(tmp_path.iterdir()) == []  # record wrote no cassette


def test_every_command_taking_tokens_is_in_the_usage_error_cases() -> None:
    """The commands taking ``REPORT RUN [QUERY_RUN]`` (or a Mode URL) are the ones the
    cases above refuse an invalid token of: a new one must join them."""
    from mode_query_runs.cli import cli

    def leaves(group: Any) -> list[Any]:
        found = []
        for command in group.commands.values():
            found += leaves(command) if hasattr(command, "commands") else [command]
        return found

    taking = sorted(
        command.name for command in leaves(cli) if any(p.name == "report" for p in command.params)
    )
    assert taking == ["get", "list", "record", "results", "wait"]


# --- item 12: an empty --account --------------------------------------------------------------

EMPTY_ACCOUNT = (
    "Error: Invalid value for '--account': {!r} is not an account: give a Workspace or User"
    " username (or leave --account out to use MODE_ACCOUNT)."
)


@pytest.mark.parametrize("value", ["", "  "])
@pytest.mark.parametrize("after", [False, True])
def test_an_empty_account_option_is_a_usage_error_naming_it(
    mock_server: MockServer, value: str, after: bool
) -> None:
    args = ["list", REPORT, PAGED_RUN, "--account", value]
    if not after:
        args = ["--account", value, "list", REPORT, PAGED_RUN]
    result = run_cli(*args, base_url=mock_server.base_url)  # MODE_ACCOUNT=acme is set
    assert usage_error(result) == (2, "", EMPTY_ACCOUNT.format(value))


def test_a_blank_mode_account_is_named_with_the_other_settings(mock_server: MockServer) -> None:
    env = bare_env(
        MODE_API_TOKEN="demo-token",
        MODE_API_SECRET="demo-secret",
        MODE_ACCOUNT=" ",
        MODE_BASE_URL=mock_server.base_url,
    )
    assert_one_line_error(
        run_with(env, "list", REPORT, PAGED_RUN), "give --account or set MODE_ACCOUNT"
    )


# --- item 13: a wrong keyword names the public class ------------------------------------------


def without_suggestion(error: BaseException) -> str:
    """The message of a keyword ``TypeError`` without the ``. Did you mean 'x'?`` that
    Python 3.13 adds."""
    return str(error).split(". Did you mean ")[0]


@pytest.mark.parametrize("client_class", [ModeClient, AsyncModeClient])
def test_a_wrong_keyword_names_the_public_class(
    client_class: type[ModeClient] | type[AsyncModeClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = client_class.__name__
    with pytest.raises(TypeError) as init:
        client_class("acme", "t", "s", timout=5)  # type: ignore[call-arg]
    assert without_suggestion(init.value) == (
        f"{name}.__init__() got an unexpected keyword argument 'timout'"
    )
    with pytest.raises(TypeError) as missing:
        client_class("acme", "t")  # type: ignore[call-arg]
    assert (
        str(missing.value) == f"{name}.__init__() missing 1 required positional argument: 'secret'"
    )
    monkeypatch.setenv("MODE_API_TOKEN", "t")
    monkeypatch.setenv("MODE_API_SECRET", "s")
    monkeypatch.setenv("MODE_ACCOUNT", "acme")
    with pytest.raises(TypeError) as from_env:
        client_class.from_env(timout=5)  # type: ignore[call-arg]
    assert without_suggestion(from_env.value) == (
        f"{name}.from_env() got an unexpected keyword argument 'timout'"
    )
    client = client_class.from_env(timeout=5)
    assert (type(client), client.timeout, client.account) == (client_class, 5.0, "acme")
    with pytest.raises(TypeError) as with_options:
        client.with_options(timout=5)  # type: ignore[call-arg]
    assert without_suggestion(with_options.value) == (
        f"{name}.with_options() got an unexpected keyword argument 'timout'"
    )
    copy = client.with_options(max_retries=0)
    assert (type(copy), copy.max_retries, copy.timeout) == (client_class, 0, 5.0)
    assert [
        getattr(client_class, attr).__qualname__
        for attr in ("__init__", "from_env", "with_options")
    ] == [f"{name}.__init__", f"{name}.from_env", f"{name}.with_options"]


def test_a_subclass_of_the_client_keeps_its_own_methods() -> None:
    class Mine(ModeClient):
        def with_options(self, **options: Any) -> Mine:
            return self

    with pytest.raises(TypeError) as caught:
        Mine("acme", "t", "s", timout=5)  # type: ignore[call-arg]
    assert without_suggestion(caught.value) == (
        "ModeClient.__init__() got an unexpected keyword argument 'timout'"
    )
    with Mine("acme", "t", "s") as mine:
        assert mine.with_options(anything=1) is mine


# --- item 14: Ctrl-C while the command starts -------------------------------------------------

INTERRUPT_AT_IMPORT = """\
import os, signal, sys

def _interrupt(event, args):
    if event == "import" and args[0] == os.environ["INTERRUPT_AT_IMPORT"]:
        os.kill(os.getpid(), signal.SIGINT)

sys.addaudithook(_interrupt)
"""


@pytest.mark.parametrize(
    "module",
    [
        "httpx",
        "mode_api_client.models",
        "mode_query_runs.client",
        "mode_query_runs.cli",
        "mode_query_runs.cli.query_runs",
    ],
)
@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_ctrl_c_while_the_command_line_loads_exits_130_quietly(
    tmp_path: Path, mock_server: MockServer, module: str, how: str
) -> None:
    # A real SIGINT, sent by the process to itself (an audit hook of a sitecustomize) as
    # the SDK or the command line is being imported, before click parses.
    (tmp_path / "sitecustomize.py").write_text(INTERRUPT_AT_IMPORT)
    script = Path(sys.executable).parent / "mode-query-runs"
    command = (
        [str(script)] if how == "console script" else [sys.executable, "-m", "mode_query_runs"]
    )
    env = bare_env(
        MODE_API_TOKEN="demo-token",
        MODE_API_SECRET="demo-secret",
        MODE_ACCOUNT="acme",
        MODE_BASE_URL=mock_server.base_url,
        INTERRUPT_AT_IMPORT=module,
        PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]),
    )
    result = subprocess.run(
        [*command, "list", REPORT, PAGED_RUN],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        130,
        "",
        "mode-query-runs: interrupted\n",
    )


def test_importing_the_package_alone_loads_no_httpx() -> None:
    code = (
        "import sys, mode_query_runs.__main__;"
        " print(sorted({'httpx', 'mode_api_client', 'click'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_ctrl_c_during_a_command_still_exits_130(silent_port: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mode_query_runs", "--max-retries", "0", "list", "r", "u"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=bare_env(
            MODE_API_TOKEN="t",
            MODE_API_SECRET="s",
            MODE_ACCOUNT="acme",
            MODE_BASE_URL=f"http://127.0.0.1:{silent_port}/api",
        ),
    )
    try:
        time.sleep(3)  # the request waits for an answer that never comes
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, stdout, stderr) == (130, "", "mode-query-runs: interrupted\n")


# --- item 15: the group's options after the command -------------------------------------------

LOG_LINE = re.compile(r"^mode-query-runs: GET (\S+) -> 200 \(\d+\.\d{3} s\)$")


def test_verbose_after_the_command(mock_server: MockServer) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, "--json", "-v", base_url=mock_server.base_url)
    assert result.returncode == 0, result.stderr
    urls = [LOG_LINE.fullmatch(line)[1] for line in result.stderr.splitlines()]  # type: ignore[index]
    listing = f"{mock_server.base_url}/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs"
    assert urls == [listing, f"{listing}?page=2", f"{listing}?page=3"]


def test_account_base_url_and_limits_after_the_command(mock_server: MockServer) -> None:
    env = bare_env(
        MODE_API_TOKEN="demo-token",
        MODE_API_SECRET="demo-secret",
        MODE_ACCOUNT="nobody",
        MODE_BASE_URL="http://127.0.0.1:9/api",
    )
    result = run_with(
        env,
        "get",
        REPORT,
        PAGED_RUN,
        PAGED_TOKENS[0],
        "--account",
        "acme",
        "--base-url",
        mock_server.base_url,
        "--timeout",
        "5",
        "--max-retries",
        "0",
        "--strict",
        "--verbose",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert [LOG_LINE.fullmatch(line)[1] for line in result.stderr.splitlines()] == [  # type: ignore[index]
        f"{mock_server.base_url}/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs/{PAGED_TOKENS[0]}"
    ]


def test_an_option_after_the_command_wins_over_the_one_before(mock_server: MockServer) -> None:
    result = run_cli(
        "--account", "nobody", "list", REPORT, PAGED_RUN, "--account", "acme",
        base_url=mock_server.base_url,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == PAGED_TOKENS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "0"], "Error: Invalid value for '--timeout': 0.0 is not in the range x>0."),
        (["--max-retries", "-1"],
         "Error: Invalid value for '--max-retries': -1 is not in the range x>=0."),
        (["--page-limit", "x"],
         "Error: Invalid value for '--page-limit': 'x' is not a valid integer range."),
    ],
)  # fmt: skip
def test_group_options_after_the_command_are_checked_as_before_it(
    args: list[str], message: str
) -> None:
    assert usage_error(run_cli("list", REPORT, PAGED_RUN, *args)) == (2, "", message)
    assert usage_error(run_cli(*args, "list", REPORT, PAGED_RUN)) == (2, "", message)


def test_the_help_says_where_the_group_options_go() -> None:
    group = run_cli("--help")
    assert "The options below go before the command or after it" in " ".join(group.stdout.split())
    listing = run_cli("list", "--help")
    assert (listing.returncode, "--verbose" in listing.stdout) == (0, False)  # hidden there


# --- item 9: the quickstart and proxies, as the README tells them ----------------------------

README = Path(__file__).parent.parent / "README.md"


def readme_section(heading: str) -> str:
    text = README.read_text("utf-8")
    return re.split(f"^#+ {re.escape(heading)}\n", text, flags=re.M)[1].split("\n#")[0]


def test_the_quickstart_dataframe_example_runs(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    section = readme_section("Quickstart with your Mode workspace")
    assert "*Workspace Settings → Features → API Keys*" in section
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None
    for name, value in {
        "MODE_API_TOKEN": mock_server.token,
        "MODE_API_SECRET": mock_server.secret,
        "MODE_ACCOUNT": mock_server.account,
        "MODE_BASE_URL": mock_server.base_url,
    }.items():
        monkeypatch.setenv(name, value)
    exec(compile(textwrap.dedent(found[1]), "README quickstart", "exec"), {})
    assert capsys.readouterr().out.splitlines() == [
        "     month region        sum",
        "0  2026-08   emea  182340.50",
        "1  2026-09   emea  190112.25",
        "2  2026-10   emea  201877.00",
    ]


def test_the_quickstart_list_prints_what_the_readme_says(mock_server: MockServer) -> None:
    result = run_cli("list", REPORT, PAGED_RUN, base_url=mock_server.base_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == [
        "TOKEN", "STATE", "CREATED_AT", "COMPLETED_AT", "QUERY_NAME", "ERROR",
    ]  # fmt: skip
    assert result.stdout.splitlines()[2].split()[:3] == [
        "3f4e5d6c7b8a", "succeeded", "2026-11-01T09:30:05.042Z",
    ]  # fmt: skip


def proxied(
    mock_server: MockServer, scheme: str, **proxies: str
) -> subprocess.CompletedProcess[str]:
    port = mock_server.base_url.split(":")[2].split("/")[0]
    env = bare_env(
        MODE_API_TOKEN="demo-token",
        MODE_API_SECRET="demo-secret",
        MODE_ACCOUNT="acme",
        MODE_BASE_URL=f"{scheme}://127.0.0.1:{port}/api",
        **proxies,
    )
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        if name not in proxies:
            env.pop(name, None)
            env.pop(name.lower(), None)
    return run_with(env, "list", REPORT, PAGED_RUN, "--max-retries", "0")


def test_a_dead_https_proxy_gives_the_error_the_readme_quotes(
    mock_server: MockServer, closed_port: int
) -> None:
    result = proxied(mock_server, "https", HTTPS_PROXY=f"http://127.0.0.1:{closed_port}")
    port = mock_server.base_url.split(":")[2].split("/")[0]
    listing = f"https://127.0.0.1:{port}/api/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs"
    expected = f"connection failed: [Errno 111] Connection refused (GET {listing})"
    assert_one_line_error(result, expected)
    quoted = f"mode-query-runs: error: {expected}".replace(f"127.0.0.1:{port}", "127.0.0.1:8799")
    assert quoted in readme_section("Proxies").splitlines()


def test_no_proxy_bypasses_a_dead_proxy(mock_server: MockServer, closed_port: int) -> None:
    dead = f"http://127.0.0.1:{closed_port}"
    refused = proxied(mock_server, "http", HTTP_PROXY=dead)
    assert (refused.returncode, "[Errno 111] Connection refused" in refused.stderr) == (1, True)
    direct = proxied(mock_server, "http", HTTP_PROXY=dead, NO_PROXY="127.0.0.1")
    assert (direct.returncode, direct.stderr) == (0, "")
    assert [line.split()[0] for line in direct.stdout.splitlines()[1:]] == PAGED_TOKENS
    # HTTPS_PROXY is for https:// URLs only.
    other = proxied(mock_server, "http", HTTPS_PROXY=dead)
    assert (other.returncode, other.stderr) == (0, "")
