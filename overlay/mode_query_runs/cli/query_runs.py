"""``list``, ``get`` and ``results``: the Query Runs of a Report Run and their results."""

from __future__ import annotations

import contextlib
import sys

import click
from click.core import ParameterSource

from ..results import Progress
from ..wire import to_wire
from .common import (
    Seconds,
    cannot_write,
    check_writable,
    client_for,
    dump_json,
    echo,
    reports_errors,
    writing_stdout,
)
from .display import format_query_run, format_table
from .targets import query_run_target, report_run_target

__all__ = ["get_command", "list_command", "results_command"]


@click.command("list")
@click.argument("report", metavar="REPORT|URL")
@click.argument("run", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of every page's runs.")
@click.pass_context
@reports_errors
def list_command(ctx: click.Context, report: str, run: str | None, as_json: bool) -> None:
    """List every Query Run of Report Run RUN of Report REPORT.

    URL: a Mode URL of the Report Run (or of one of its Query Runs) instead of REPORT RUN,
    e.g. https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN; its ACCOUNT is used unless
    --account is given.
    """
    report, run = report_run_target(ctx, report, run)
    with client_for(ctx) as client:
        runs = list(client.list_query_runs(report, run))
    if as_json:
        dump_json([to_wire(r) for r in runs])
    else:
        echo(format_table(runs))


@click.command("get")
@click.argument("report", metavar="REPORT|URL")
@click.argument("run", required=False)
@click.argument("query_run", required=False)
@click.option("--json", "as_json", is_flag=True, help="The Query Run as a JSON object.")
@click.option("--wait", is_flag=True, help="Poll until the run's state is final, then show it.")
@click.option(
    "--wait-timeout",
    type=Seconds(),
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="With --wait: give up (exit 1) after this long.",
)
@click.option(
    "--poll-interval",
    type=Seconds(),
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
    run: str | None,
    query_run: str | None,
    as_json: bool,
    wait: bool,
    wait_timeout: float,
    poll_interval: float,
) -> None:
    """Show Query Run QUERY_RUN of Report Run RUN of Report REPORT.

    URL: a Mode URL of the Query Run (.../runs/RUN/query_runs/QUERY_RUN[/results])
    instead of REPORT RUN QUERY_RUN, or of the Report Run followed by QUERY_RUN; its
    ACCOUNT is used unless --account is given.
    """
    report, run, query_run = query_run_target(ctx, report, run, query_run)
    if not wait:
        alone = [
            f"--{name.replace('_', '-')}"
            for name in ("wait_timeout", "poll_interval")
            if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT
        ]
        if alone:
            verb = "is" if len(alone) == 1 else "are"
            raise click.UsageError(f"{' and '.join(alone)} {verb} only used with --wait", ctx)
    with client_for(ctx) as client:
        found = client.get_query_run(report, run, query_run)
        if wait:
            found = client.wait_for_completion(
                found, timeout=wait_timeout, poll_interval=poll_interval
            )
    if as_json:
        dump_json(to_wire(found))
    else:
        echo(format_query_run(found))


@click.command("results")
@click.argument("report", metavar="REPORT|URL")
@click.argument("run", required=False)
@click.argument("query_run", required=False)
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
    help=(
        "File to write (default or '-': stdout, streamed). A regular file is replaced"
        " only once complete (through a symlink, its target); a device or FIFO is"
        " written as the result arrives."
    ),
)
@click.pass_context
@reports_errors
def results_command(
    ctx: click.Context,
    report: str,
    run: str | None,
    query_run: str | None,
    form: str,
    output: str | None,
) -> None:
    """Download the result of Query Run QUERY_RUN of Report Run RUN of Report REPORT.

    URL: a Mode URL of the Query Run instead of REPORT RUN QUERY_RUN, as for get.
    A progress bar is drawn on stderr when it is a terminal and the result does not go to
    that terminal too (it is written to --output PATH, or stdout is not a terminal).
    """
    report, run, query_run = query_run_target(ctx, report, run, query_run)
    from .progress import terminal_progress

    to_file = output is not None and output != "-"
    if output is not None and to_file:
        check_writable(output)
    bar: contextlib.AbstractContextManager[Progress | None] = contextlib.nullcontext(None)
    if to_file or not sys.stdout.isatty():
        bar = terminal_progress(sys.stderr, query_run)
    with client_for(ctx) as client, bar as progress:
        found = client.get_query_run(report, run, query_run)
        if output is not None and to_file:
            try:
                client.download_result(found, output, format=form, progress=progress)
            except OSError as exc:
                raise cannot_write(output, exc) from None
            return
        with writing_stdout():  # streamed: each chunk is written as it arrives
            sys.stdout.flush()
            client.download_result(found, sys.stdout.buffer, format=form, progress=progress)
