"""``list``, ``get`` and ``results``: the Query Runs of a Report Run and their results."""

from __future__ import annotations

import contextlib
import sys

import click
from click.core import ParameterSource

from mode_api_client.models import QueryRun

from ..results import Progress
from ..wire import to_wire
from .common import (
    cannot_write,
    check_writable,
    client_for,
    dump_json,
    echo,
    fail,
    reports_errors,
    wait_options,
    write_out,
    writing_stdout,
)
from .display import (
    JsonArrayWriter,
    JsonLinesWriter,
    TableWriter,
    ended_without_results,
    format_query_run,
    not_finished_line,
    printable,
    state_text,
)
from .targets import query_run_target, report_run_target

__all__ = ["get_command", "list_command", "results_command"]


def _states(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> frozenset[str]:
    """``--state`` values as matched: surrounding whitespace removed, case folded
    (``" Failed"`` matches ``failed``); an empty one is a usage error."""
    states = {value.strip().casefold() for value in values}
    if "" in states:
        raise click.BadParameter("a state cannot be empty", ctx, param)
    return frozenset(states)


def _state_key(query_run: QueryRun) -> str | None:
    """The run's state as ``--state`` values are matched (stripped, case folded); ``None``
    for a state that is not text (missing, or of another JSON type)."""
    state = query_run.state
    return state.strip().casefold() if isinstance(state, str) else None


def _no_match_hint(states: frozenset[str], seen: dict[str, None]) -> str:
    """The line on stderr when no Query Run is in any ``--state`` given: the states asked
    for and those the listing had, each as ``printable`` shows it."""
    asked = " or ".join(printable(state) for state in sorted(states))
    had = f"the states seen: {', '.join(seen)}" if seen else "the Report Run has no Query Runs"
    return f"mode-query-runs: no Query Run is in state {asked}; {had}"


@click.command("list")
@click.argument("report", metavar="REPORT|URL")
@click.argument("run", required=False)
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON array of the runs, written page by page."
)
@click.option(
    "--jsonl",
    "as_jsonl",
    is_flag=True,
    help="JSON Lines: one Query Run a line, written page by page.",
)
@click.option(
    "--state",
    "states",
    multiple=True,
    metavar="STATE",
    callback=_states,
    help=(
        "Only Query Runs in this state (repeatable; any case): enqueued, running,"
        " succeeded, failed, cancelled, completed, or any other Mode sends. When none is,"
        " a line on stderr names the states seen."
    ),
)
@click.pass_context
@reports_errors
def list_command(
    ctx: click.Context,
    report: str,
    run: str | None,
    as_json: bool,
    as_jsonl: bool,
    states: frozenset[str],
) -> None:
    """List every Query Run of Report Run RUN of Report REPORT.

    URL: a Mode URL of the Report Run (or of one of its Query Runs) instead of REPORT RUN,
    e.g. https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN; its ACCOUNT is used unless
    --account is given.

    The table's ERROR column shows, for a run that failed, its error_code and the start
    of its error_message. Rows are written as each page arrives, so Ctrl-C keeps what was
    printed.
    """
    if as_json and as_jsonl:
        raise click.UsageError("--json and --jsonl cannot be used together", ctx)
    report, run = report_run_target(ctx, report, run)
    writer: TableWriter | JsonArrayWriter | JsonLinesWriter = (
        JsonArrayWriter() if as_json else JsonLinesWriter() if as_jsonl else TableWriter()
    )
    seen: dict[str, None] = {}  # the states listed, in order, as state_text shows them
    matched = False
    with client_for(ctx) as client:
        for page in client.list_query_run_pages(report, run):
            shown = [
                query_run for query_run in page if not states or _state_key(query_run) in states
            ]
            if states:
                seen.update(dict.fromkeys(state_text(query_run) for query_run in page))
                matched = matched or bool(shown)
            if shown:
                _write(writer.page(shown) + ("\n" if isinstance(writer, TableWriter) else ""))
    ending = writer.end()
    if ending:
        _write(ending + ("\n" if isinstance(writer, TableWriter) else ""))
    if states and not matched:
        click.echo(_no_match_hint(states, seen), err=True)


def _write(text: str) -> None:
    """``text`` on stdout, in its encoding, flushed (see ``write_out``)."""
    write_out(text.encode(sys.stdout.encoding, sys.stdout.errors or "strict"))


@click.command("get")
@click.argument("report", metavar="REPORT|URL")
@click.argument("run", required=False)
@click.argument("query_run", required=False)
@click.option("--json", "as_json", is_flag=True, help="The Query Run as a JSON object.")
@click.option(
    "--wait",
    is_flag=True,
    help=(
        "Poll until the run's state is final, then show it; exit 1 if it ended without"
        " results (failed, cancelled)."
    ),
)
@wait_options("With --wait: ")
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

    With --wait, a run that ended without results (failed, cancelled) is shown, then one
    line on stderr names its state and error (error_code: start of error_message), and
    the exit status is 1, so `get --wait ... && results ...` stops there.
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
    if wait and ended_without_results(found):
        fail(not_finished_line(found))


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
