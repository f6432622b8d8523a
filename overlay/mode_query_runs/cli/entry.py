"""The ``mode-query-runs`` group with every command registered on it, and ``main``."""

from __future__ import annotations

import signal
from collections.abc import Sequence
from types import FrameType

import click

from .app import accept_group_options, cli
from .common import TERMINATED, StdoutError, drop_stdout, fail, stop_quietly
from .demo import demo_command
from .drift import drift_command
from .list_many import list_many_command
from .mock import mock_group
from .query_runs import get_command, list_command, results_command
from .record import record_command
from .wait import wait_command

__all__ = ["cli", "main"]

for _command in (
    list_command,
    list_many_command,
    get_command,
    results_command,
    mock_group,
    demo_command,
    drift_command,
    record_command,
    wait_command,
):
    cli.add_command(_command)
    accept_group_options(_command)


def _terminated(signum: int, frame: FrameType | None) -> None:
    click.echo("mode-query-runs: terminated", err=True)
    raise SystemExit(TERMINATED)


def main(argv: Sequence[str] | None = None) -> None:
    """The ``mode-query-runs`` command (the console script runs it through
    ``mode_query_runs.__main__.main`` and ``launch``, which first checks the ``cli`` extra).

    SIGTERM raises ``SystemExit(143)`` in the main thread, so a download in progress
    removes its temporary file as on any other failure. A stdout that cannot be written
    outside a command's own error handling (``--help > /dev/full``) is one line too:
    ``mode-query-runs: error: cannot write to stdout: <reason>``, exit status 1.
    """
    signal.signal(signal.SIGTERM, _terminated)
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="mode-query-runs")
    except StdoutError as exc:
        fail(str(exc))
    except BrokenPipeError:
        stop_quietly()
    except OSError as exc:
        if exc.filename is not None:
            raise
        # Only click's own output (help, version) is written outside a command.
        drop_stdout()
        fail(str(StdoutError.of(exc)))
