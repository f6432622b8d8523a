"""``drift``: recorded responses checked against the spec, each deviation once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import echo, os_problem
from .display import counted

__all__ = ["drift_command"]


@click.command("drift")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def drift_command(paths: tuple[Path, ...]) -> None:
    """Check recorded responses (cassette files or directories) against the spec.

    Prints each distinct deviation once: operation, JSON path, what the spec expects,
    what was found, how many times, and where it first occurs. Exit status 0 when there
    is none, 1 when there is any, 2 when an input cannot be read.
    """
    from ..testing.drift_report import cassette_files, drift_of

    try:
        found = drift_of(cassette_files(paths))
    except (ValueError, OSError) as exc:
        message = os_problem(exc) if isinstance(exc, OSError) else str(exc)
        click.echo(f"mode-query-runs: error: {message}", err=True)
        sys.exit(2)
    for drift in found:
        echo(str(drift))
    if found:
        click.echo(
            f"mode-query-runs: {counted(len(found), 'deviation')} from the spec;"
            " see README 'When Mode changes'",
            err=True,
        )
        sys.exit(1)
    echo("no deviations from the spec")
