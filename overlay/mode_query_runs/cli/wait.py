"""``wait``: wait until every Query Run of a Report Run is final."""

from __future__ import annotations

import sys

import click

from ..wire import to_wire
from .common import client_for, dump_json, echo, reports_errors, wait_options
from .display import ended_without_results, format_table, not_finished_line, printable
from .targets import report_run_target

__all__ = ["wait_command"]


@click.command("wait")
@click.argument("report", metavar="REPORT|URL")
@click.argument("run", required=False)
@click.option("--json", "as_json", is_flag=True, help="The final Query Runs as a JSON array.")
@wait_options()
@click.pass_context
@reports_errors
def wait_command(
    ctx: click.Context,
    report: str,
    run: str | None,
    as_json: bool,
    wait_timeout: float,
    poll_interval: float,
) -> None:
    """Wait until every Query Run of Report Run RUN of Report REPORT is final.

    Lists the Query Runs until each is succeeded, completed, failed or cancelled, then
    prints them (the list table, or --json). Exits 0 when none ended without results;
    else 1, with one line on stderr for each that failed or was cancelled, naming its
    state and error (error_code: start of error_message). URL: a Mode URL of the Report
    Run instead of REPORT RUN, as for list.
    """
    report, run = report_run_target(ctx, report, run)
    with client_for(ctx) as client:
        query_runs = client.wait_for_report_run(
            report, run, timeout=wait_timeout, poll_interval=poll_interval
        )
    if as_json:
        dump_json([to_wire(query_run) for query_run in query_runs])
    else:
        echo(format_table(query_runs))
    ended = [query_run for query_run in query_runs if ended_without_results(query_run)]
    for query_run in ended:
        click.echo(f"mode-query-runs: error: {printable(not_finished_line(query_run))}", err=True)
    if ended:
        sys.exit(1)
