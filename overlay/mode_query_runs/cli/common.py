"""What every ``mode-query-runs`` command shares: credentials, the client, error
reporting and exit statuses, and writing to stdout.

Credentials come only from the environment (``MODE_API_TOKEN``, ``MODE_API_SECRET``) and
are never printed. Every failure exits with status 1 and one line on stderr naming the
HTTP status (or the kind of failure) and Mode's message; usage errors exit with 2; Ctrl-C
(SIGINT) exits with 130 and SIGTERM with 143, after the same clean-up as a failure. When the
reader of stdout goes away (``... | head``) the command stops quietly with 141.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click
from click.core import ParameterSource

from ..client import ModeClient
from ..core import DEFAULT_MAX_RETRIES
from ..errors import ModeAPIError
from ..pagination import DEFAULT_PAGE_LIMIT
from ..results import Download
from ..settings import check_token
from .display import json_text, printable

if TYPE_CHECKING:
    from ..testing.server import MockServer

__all__ = [
    "CLOSED_PIPE",
    "INTERRUPTED",
    "TERMINATED",
    "TOKEN",
    "Seconds",
    "StdoutError",
    "Token",
    "account_given",
    "check_writable",
    "client_for",
    "credentials",
    "dump_json",
    "echo",
    "fail",
    "mock_server_class",
    "os_problem",
    "reports_errors",
    "wait_options",
    "write_out",
    "writing_stdout",
]

P = ParamSpec("P")
R = TypeVar("R")


INTERRUPTED = 130
"""Exit status after Ctrl-C (SIGINT): 128 + the signal number, as shells report it."""
TERMINATED = 143
"""Exit status after SIGTERM: 128 + 15."""
CLOSED_PIPE = 141
"""Exit status when the reader of stdout went away (``| head``): 128 + SIGPIPE (13), what a
shell reports for a command that SIGPIPE ended."""


def fail(message: str) -> NoReturn:
    click.echo(f"mode-query-runs: error: {printable(message)}", err=True)
    sys.exit(1)


def mock_server_class() -> type[MockServer]:
    """The testing kit's ``MockServer``, imported now
    (uvicorn and Starlette load only for the commands that serve).

    Without the ``testing`` extra: one line naming it and exit status 1
    (``mode-query-runs: error: the mock server needs starlette, which is not installed: pip
    install "mode-query-runs[testing]"``).
    """
    try:
        from ..testing.server import MockServer
    except ModuleNotFoundError as missing:
        if missing.name not in {"starlette", "uvicorn"}:
            raise
        fail(str(missing))
    return MockServer


def stop_quietly() -> NoReturn:
    """Exit with ``CLOSED_PIPE`` and no message: stdout's reader is gone.

    Python would flush what is still buffered for stdout at exit, fail again and print
    ``Exception ignored ... BrokenPipeError``; stdout's descriptor is pointed at the null
    device first, so that flush goes nowhere.
    """
    drop_stdout()
    sys.exit(CLOSED_PIPE)


def drop_stdout() -> None:
    """Point stdout's descriptor at the null device: what is still buffered for it goes
    nowhere, and Python's flush at exit cannot fail."""
    with contextlib.suppress(OSError, ValueError):  # a stdout without a descriptor
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def os_problem(exc: OSError) -> str:
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
            fail(str(exc))
        except BrokenPipeError:  # only stdout is a pipe written to (--output is a file)
            stop_quietly()
        except OSError as exc:
            fail(os_problem(exc))
        except KeyboardInterrupt:
            click.echo("mode-query-runs: interrupted", err=True)
            sys.exit(INTERRUPTED)

    return wrapper


def cannot_write(output: str, exc: OSError) -> ValueError:
    return ValueError(f"cannot write {output or repr(output)}: {exc.strerror or exc}")


def check_writable(output: str) -> None:
    """Refuse an output path that cannot be written, before anything is downloaded.

    The same test a download makes (see ``Download``): a
    file created beside the regular file replaced (through a symbolic link, to its
    target), or write permission on what is written in place (a device, a FIFO).

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
        replaced = Download.replaced_file(path)
        if replaced is not None:
            with tempfile.TemporaryFile(dir=replaced.parent):
                pass
        if path.exists() and not os.access(path, os.W_OK):
            raise PermissionError(13, os.strerror(13))
    except OSError as exc:
        raise cannot_write(output, exc) from None


class Seconds(click.FloatRange):
    """A finite number of seconds, above 0 (or from 0 with ``min_open=False``).

    ``0``, ``-1``, ``abc``, ``inf`` and ``nan`` are all click usage errors (exit status
    2, with click's message), never a failure of the client later.
    """

    def __init__(self, *, min_open: bool = True) -> None:
        super().__init__(min=0, min_open=min_open)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{seconds} is not a finite number of seconds.", param, ctx)
        return seconds


class Token(click.ParamType[str, str]):
    """A Mode token (of a Report, a Report Run or a Query Run): one path segment.

    `''`, `.` and `..` are click usage errors (exit status 2) naming the argument or
    option (`Error: Invalid value for 'REPORT': '' is not a valid token.`), never a
    failure of the client later.
    """

    name = "token"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return check_token((param and param.name) or "token", value)
        except ValueError:
            self.fail(f"{value!r} is not a valid token.", param, ctx)


def account_given(ctx: click.Context) -> bool:
    """Whether ``--account`` was given on the command line, before or after the command."""
    return any(
        context.get_parameter_source("account") is ParameterSource.COMMANDLINE
        for context in (ctx, ctx.find_root())
    )


def wait_options(prefix: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--wait-timeout`` and ``--poll-interval`` options (seconds) of a command that
    polls; ``prefix`` starts their help (``"With --wait: "``)."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        interval = click.option(
            "--poll-interval",
            type=Seconds(),
            default=1.0,
            show_default=True,
            metavar="SECONDS",
            help=f"{prefix}first interval between looks (then growing, up to 10 s).",
        )
        timeout = click.option(
            "--wait-timeout",
            type=Seconds(),
            default=300.0,
            show_default=True,
            metavar="SECONDS",
            help=f"{prefix}give up (exit 1) after this long.",
        )
        return timeout(interval(command))

    return add


TOKEN = Token()
"""The type of every token argument and option of the commands."""


def listed(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


def credentials(ctx: click.Context, account: str | None = None) -> tuple[str, str, str]:
    """``(account, token, secret)``: ``account`` if given (a URL's), else ``--account`` /
    ``MODE_ACCOUNT``; ``MODE_API_TOKEN`` and ``MODE_API_SECRET``; surrounding whitespace
    stripped.

    Raises:
        ValueError: one or more are unset or empty; every missing one is named (never a
            value shown).
    """
    token = os.environ.get("MODE_API_TOKEN", "").strip()
    secret = os.environ.get("MODE_API_SECRET", "").strip()
    account = (account if account is not None else ctx.obj["account"] or "").strip()
    missing = [n for n, v in (("MODE_API_TOKEN", token), ("MODE_API_SECRET", secret)) if not v]
    if not account and not missing:
        raise ValueError("give --account or set MODE_ACCOUNT")
    if not account:
        raise ValueError(
            f"set {listed([*missing, 'MODE_ACCOUNT'])} in the environment (or give --account)"
        )
    if missing:
        raise ValueError(f"set {listed(missing)} in the environment")
    return account, token, secret


def client_for(ctx: click.Context, account: str | None = None) -> ModeClient:
    """A client with the command's settings, of ``account`` if given (a URL's), else of
    ``--account`` / ``MODE_ACCOUNT``.

    Raises:
        ValueError: a credential or the account is missing (see ``credentials``).
    """
    account, token, secret = credentials(ctx, account)
    return ModeClient(
        account,
        token,
        secret,
        base_url=ctx.obj["base_url"],
        timeout=ctx.obj["timeout"],
        max_retries=ctx.obj.get("max_retries", DEFAULT_MAX_RETRIES),
        page_limit=ctx.obj.get("page_limit", DEFAULT_PAGE_LIMIT),
        strict=ctx.obj.get("strict", False),
        rate_limit=ctx.obj.get("rate_limit"),
    )


def write_out(data: bytes) -> None:
    """Write all of ``data`` to stdout and flush it (see
    ``write_all``: a closed pipe always ends in
    ``BrokenPipeError``, never in output dropped silently).

    Raises:
        BrokenPipeError: the reader of stdout went away.
        ValueError: ``cannot write to stdout: <reason>`` (e.g. ``> /dev/full``).
    """
    with writing_stdout():
        sys.stdout.flush()
        Download.write_all(sys.stdout.buffer, data)


class StdoutError(ValueError):
    """stdout cannot be written (other than its reader going away)."""

    @classmethod
    def of(cls, exc: OSError) -> StdoutError:
        """``cannot write to stdout: <reason>``."""
        return cls(f"cannot write to stdout: {exc.strerror or exc}")


@contextlib.contextmanager
def writing_stdout() -> Iterator[None]:
    """Name stdout in a failure to write to it, other than its reader going away.

    What could not be written is dropped (stdout is pointed at the null device), so
    Python's flush at exit does not fail again.

    Raises:
        BrokenPipeError: the reader of stdout went away.
        StdoutError: ``cannot write to stdout: <reason>`` (a ``ValueError``).
    """
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        drop_stdout()
        raise StdoutError.of(exc) from None


def echo(text: str) -> None:
    """Print ``text`` and a newline on stdout, in its encoding (see ``write_out``)."""
    write_out(f"{text}\n".encode(sys.stdout.encoding, sys.stdout.errors or "strict"))


def dump_json(value: Any) -> None:
    """Print ``value`` on stdout as indented JSON (``json_text``: RFC 8259 JSON, each
    number as the server sent it) and a newline.

    Raises:
        ValueError: ``value`` holds no JSON (see ``json_text``), or stdout cannot be
            written (see ``write_out``).
    """
    echo(json_text(value, indent=2, ensure_ascii=False))
