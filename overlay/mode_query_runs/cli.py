"""``mode-query-runs``: the command-line tool.

Credentials come only from the environment (``MODE_API_TOKEN``, ``MODE_API_SECRET``) and
are never printed. Every failure exits with status 1 and one line on stderr naming the
HTTP status (or the kind of failure) and Mode's message; usage errors exit with 2; Ctrl-C
(SIGINT) exits with 130 and SIGTERM with 143, after the same clean-up as a failure. When the
reader of stdout goes away (``... | head``) the command stops quietly with 141.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn, ParamSpec, TypeVar

import click

from .client import ModeClient
from .core import DEFAULT_MAX_RETRIES
from .display import counted, format_query_run, format_table
from .drift import SpecDriftWarning
from .errors import ModeAPIError
from .record_command import record_command
from .results import CHUNK_BYTES, Progress
from .session import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, LOGGER
from .wire import to_wire

__all__ = ["main"]

P = ParamSpec("P")
R = TypeVar("R")


INTERRUPTED = 130
"""Exit status after Ctrl-C (SIGINT): 128 + the signal number, as shells report it."""
TERMINATED = 143
"""Exit status after SIGTERM: 128 + 15."""
CLOSED_PIPE = 141
"""Exit status when the reader of stdout went away (``| head``): 128 + SIGPIPE (13), what a
shell reports for a command that SIGPIPE ended."""


def _fail(message: str) -> NoReturn:
    click.echo(f"mode-query-runs: error: {message}", err=True)
    sys.exit(1)


def _stop_quietly() -> NoReturn:
    """Exit with :data:`CLOSED_PIPE` and no message: stdout's reader is gone.

    Python would flush what is still buffered for stdout at exit, fail again and print
    ``Exception ignored ... BrokenPipeError``; stdout's descriptor is pointed at the null
    device first, so that flush goes nowhere.
    """
    with contextlib.suppress(OSError, ValueError):  # a stdout without a descriptor
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    sys.exit(CLOSED_PIPE)


def _os_problem(exc: OSError) -> str:
    """``<file>: <reason>`` of a file-system error, on one line."""
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename is not None else reason


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn SDK, configuration and file-system errors into one line on stderr and exit
    status 1; Ctrl-C into one line and exit status 130; a closed stdout (``| head``) into
    exit status 141 without a message."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (ModeAPIError, ValueError) as exc:
            _fail(str(exc))
        except BrokenPipeError:  # only stdout is a pipe written to (--output is a file)
            _stop_quietly()
        except OSError as exc:
            _fail(_os_problem(exc))
        except KeyboardInterrupt:
            click.echo("mode-query-runs: interrupted", err=True)
            sys.exit(INTERRUPTED)

    return wrapper


def _cannot_write(output: str, exc: OSError) -> ValueError:
    return ValueError(f"cannot write {output or repr(output)}: {exc.strerror or exc}")


def _check_writable(output: str) -> None:
    """Refuse an output path that cannot be written, before anything is downloaded.

    Raises:
        ValueError: ``cannot write <output>: <reason>`` (an empty name, a missing
            directory, a directory, no permission, a read-only file system).
    """
    if not output:
        raise ValueError("cannot write '': no file name given")
    path = Path(output)
    try:
        if path.is_dir():
            raise IsADirectoryError(21, os.strerror(21))
        # The same test a download makes: can a file be created beside the target?
        with tempfile.TemporaryFile(dir=path.parent):
            pass
        if path.exists() and not os.access(path, os.W_OK):
            raise PermissionError(13, os.strerror(13))
    except OSError as exc:
        raise _cannot_write(output, exc) from None


def credentials(ctx: click.Context) -> tuple[str, str, str]:
    """``(account, token, secret)``: ``--account`` / ``MODE_ACCOUNT``, ``MODE_API_TOKEN``
    and ``MODE_API_SECRET``.

    Raises:
        ValueError: one is unset or empty (named, never shown).
    """
    token, secret = os.environ.get("MODE_API_TOKEN"), os.environ.get("MODE_API_SECRET")
    missing = [n for n, v in (("MODE_API_TOKEN", token), ("MODE_API_SECRET", secret)) if not v]
    if missing:
        raise ValueError(f"set {' and '.join(missing)} in the environment")
    if not ctx.obj["account"]:
        raise ValueError("give --account or set MODE_ACCOUNT")
    return ctx.obj["account"], token or "", secret or ""


def _client(ctx: click.Context) -> ModeClient:
    account, token, secret = credentials(ctx)
    return ModeClient(
        account,
        token,
        secret,
        base_url=ctx.obj["base_url"],
        timeout=ctx.obj["timeout"],
        max_retries=ctx.obj.get("max_retries", DEFAULT_MAX_RETRIES),
        strict=ctx.obj.get("strict", False),
    )


def _write_out(data: bytes) -> None:
    """Write all of ``data`` to stdout and flush it.

    Under ``python -u`` or ``PYTHONUNBUFFERED`` stdout's binary stream is unbuffered, and a
    write the reader went away in the middle of takes part of ``data`` without an error; the
    rest is written again, so a closed pipe always ends in ``BrokenPipeError`` and never in
    output dropped silently.

    Raises:
        BrokenPipeError: the reader of stdout went away.
    """
    sys.stdout.flush()
    stream = sys.stdout.buffer
    view = memoryview(data)
    while view:
        view = view[stream.write(view) or 0 :]
    stream.flush()


def _echo(text: str) -> None:
    """Print ``text`` and a newline on stdout, in its encoding (see :func:`_write_out`)."""
    _write_out(f"{text}\n".encode(sys.stdout.encoding, sys.stdout.errors or "strict"))


def _dump(value: Any) -> None:
    _echo(json.dumps(value, indent=2, ensure_ascii=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--base-url",
    envvar="MODE_BASE_URL",
    default=DEFAULT_BASE_URL,
    show_default=True,
    help="API base URL (env MODE_BASE_URL).",
)
@click.option(
    "--account", envvar="MODE_ACCOUNT", help="Workspace or User username (env MODE_ACCOUNT)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Connect and read timeout.",
)
@click.option(
    "--max-retries",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_RETRIES,
    show_default=True,
    help="Retries of a GET answered 429, 502, 503, 504 or not at all (0: none).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on a response that strays from the spec (default: warn and keep its data).",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Log each request and retry on stderr (no credentials)."
)
@click.version_option(package_name="mode-query-runs")
@click.pass_context
def cli(
    ctx: click.Context,
    base_url: str,
    account: str | None,
    timeout: float,
    max_retries: int,
    strict: bool,
    verbose: bool,
) -> None:
    """Query Runs of Mode Report Runs. Credentials: MODE_API_TOKEN and MODE_API_SECRET."""
    ctx.obj = {
        "base_url": base_url,
        "account": account,
        "timeout": timeout,
        "max_retries": max_retries,
        "strict": strict,
    }
    # Spec drift is shown once, as a log line; the warning would repeat it.
    warnings.simplefilter("ignore", SpecDriftWarning)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mode-query-runs: %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.DEBUG if verbose else logging.WARNING)


@cli.command("list")
@click.argument("report")
@click.argument("run")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of every page's runs.")
@click.pass_context
@reports_errors
def list_command(ctx: click.Context, report: str, run: str, as_json: bool) -> None:
    """List every Query Run of Report Run RUN of Report REPORT."""
    with _client(ctx) as client:
        runs = list(client.list_query_runs(report, run))
    if as_json:
        _dump([to_wire(r) for r in runs])
    else:
        _echo(format_table(runs))


@cli.command("get")
@click.argument("report")
@click.argument("run")
@click.argument("query_run")
@click.option("--json", "as_json", is_flag=True, help="The Query Run as a JSON object.")
@click.option("--wait", is_flag=True, help="Poll until the run's state is final, then show it.")
@click.option(
    "--wait-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="With --wait: give up (exit 1) after this long.",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    metavar="SECONDS",
    help="With --wait: first interval between polls (then growing, up to 10 s).",
)
@click.pass_context
@reports_errors
def get_command(
    ctx: click.Context,
    report: str,
    run: str,
    query_run: str,
    as_json: bool,
    wait: bool,
    wait_timeout: float,
    poll_interval: float,
) -> None:
    """Show Query Run QUERY_RUN of Report Run RUN of Report REPORT."""
    with _client(ctx) as client:
        found = client.get_query_run(report, run, query_run)
        if wait:
            found = client.wait_for_completion(
                found, timeout=wait_timeout, poll_interval=poll_interval
            )
    if as_json:
        _dump(to_wire(found))
    else:
        _echo(format_query_run(found))


@cli.command("results")
@click.argument("report")
@click.argument("run")
@click.argument("query_run")
@click.option(
    "--format",
    "form",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="Result format (content.csv or content.json).",
)
@click.option(
    "--output",
    "-o",
    metavar="PATH",
    help="File to write, replaced only once complete (default or '-': stdout).",
)
@click.pass_context
@reports_errors
def results_command(
    ctx: click.Context, report: str, run: str, query_run: str, form: str, output: str | None
) -> None:
    """Download the result of Query Run QUERY_RUN of Report Run RUN of Report REPORT.

    A progress bar is drawn on stderr when it is a terminal and the result does not go to
    that terminal too (it is written to --output PATH, or stdout is not a terminal).
    """
    from .progress import terminal_progress

    to_file = output is not None and output != "-"
    if output is not None and to_file:
        _check_writable(output)
    bar: contextlib.AbstractContextManager[Progress | None] = contextlib.nullcontext(None)
    if to_file or not sys.stdout.isatty():
        bar = terminal_progress(sys.stderr, query_run)
    with _client(ctx) as client, bar as progress:
        found = client.get_query_run(report, run, query_run)
        if output is not None and to_file:
            try:
                client.download_result(found, output, format=form, progress=progress)
            except OSError as exc:
                raise _cannot_write(output, exc) from None
            return
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"result.{form}"
            client.download_result(found, path, format=form, progress=progress)
            with path.open("rb") as result:
                while chunk := result.read(CHUNK_BYTES):
                    _write_out(chunk)


@cli.group("mock")
def mock_group() -> None:
    """The recorded mock server."""


@mock_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True)
@click.option(
    "--cassettes",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of VCR.py cassettes to replay instead of the bundled ones.",
)
@click.option(
    "--latency",
    type=click.FloatRange(min=0),
    default=0.0,
    metavar="SECONDS",
    help="Wait this long before answering each request (simulates a network).",
)
@reports_errors
def mock_serve(host: str, port: int, cassettes: Path | None, latency: float) -> None:
    """Serve recorded interactions until interrupted (Ctrl-C or SIGTERM)."""
    from .mock.server import MockServer

    try:
        server = MockServer(cassettes, host=host, port=port, latency=latency)
        server.start()
    except RuntimeError as exc:
        _fail(str(exc))
    try:
        click.echo(f"Serving {server.cassettes} at {server.base_url}")
        click.echo(
            f"Demo credentials: MODE_API_TOKEN={server.token} MODE_API_SECRET={server.secret}"
            f" MODE_ACCOUNT={server.account} MODE_BASE_URL={server.base_url}"
        )
        server.wait()
    finally:
        server.stop()


@cli.command("demo")
@reports_errors
def demo_command() -> None:
    """Run a short tour against the bundled mock server on a free loopback port."""
    from .demo import run_demo

    run_demo(click.echo)


@cli.command("drift")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def drift_command(paths: tuple[Path, ...]) -> None:
    """Check recorded responses (cassette files or directories) against the spec.

    Prints each distinct deviation once: operation, JSON path, what the spec expects,
    what was found, how many times, and where it first occurs. Exit status 0 when there
    is none, 1 when there is any, 2 when an input cannot be read.
    """
    from .mock.drift_report import cassette_files, drift_of

    try:
        found = drift_of(cassette_files(paths))
    except (ValueError, OSError) as exc:
        message = _os_problem(exc) if isinstance(exc, OSError) else str(exc)
        click.echo(f"mode-query-runs: error: {message}", err=True)
        sys.exit(2)
    for drift in found:
        _echo(str(drift))
    if found:
        click.echo(
            f"mode-query-runs: {counted(len(found), 'deviation')} from the spec;"
            " see README 'When Mode changes'",
            err=True,
        )
        sys.exit(1)
    _echo("no deviations from the spec")


cli.add_command(record_command)


def _terminated(signum: int, frame: FrameType | None) -> None:
    click.echo("mode-query-runs: terminated", err=True)
    raise SystemExit(TERMINATED)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``mode-query-runs`` console script.

    SIGTERM raises ``SystemExit(143)`` in the main thread, so a download in progress
    removes its temporary file as on any other failure.
    """
    signal.signal(signal.SIGTERM, _terminated)
    cli.main(args=list(argv) if argv is not None else None, prog_name="mode-query-runs")
