"""``list-many``: the Query Runs of many Report Runs, one JSON line per Report Run."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any, TextIO

import click

from ..bulk import DEFAULT_CONCURRENCY, ReportRunQueryRuns
from ..errors import ModeAPIError
from ..mode_urls import looks_like_url
from ..results import Progress
from ..settings import check_token
from ..wire import to_wire
from .common import account_given, client_for, fail, reports_errors, write_out
from .targets import mode_url

__all__ = ["list_many_command", "read_pairs"]


def read_pairs(lines: TextIO) -> tuple[list[tuple[str, str]], set[str]]:
    """The ``REPORT RUN`` pairs of ``lines``, one a line (or a Mode URL of a Report Run or
    Query Run, see [parse_mode_url][mode_query_runs.parse_mode_url]); blank lines and
    ``#`` comments are skipped. Also the accounts the URLs name.

    Raises:
        click.UsageError: a line is not two tokens separated by white space nor one Mode
            URL alone (text after a URL, or a URL in place of a token, is refused), or a
            token is empty, ``.`` or ``..`` (the message names the line number, from 1).
    """
    pairs: list[tuple[str, str]] = []
    accounts: set[str] = set()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = text.split()
        try:
            if looks_like_url(fields[0]):
                found = mode_url(text)  # refuses text after the URL
                accounts.add(found.account)
                pairs.append(found.report_run)
                continue
            for field in fields[1:]:
                if looks_like_url(field):
                    raise ValueError(
                        f"{field!r} is a URL, not a token: give a Mode URL alone on its line"
                    )
            if len(fields) != 2:
                raise ValueError(f"expected REPORT RUN or a Mode URL, found {len(fields)} field(s)")
            pairs.append((check_token("report", fields[0]), check_token("run", fields[1])))
        except ValueError as exc:
            raise click.UsageError(f"line {number}: {exc}") from None
    return pairs, accounts


def _url_account(ctx: click.Context, accounts: set[str]) -> None:
    """The URLs' account becomes the command's, unless ``--account`` was given on the
    command line (then it must be theirs).

    Raises:
        click.UsageError: the URLs name more than one account, or another than
            ``--account`` (one client lists every Report Run).
    """
    if not accounts:
        return
    if len(accounts) > 1:
        raise click.UsageError(
            f"the URLs name more than one account: {', '.join(sorted(accounts))}"
        )
    (account,) = accounts
    if account_given(ctx):
        if ctx.obj["account"] != account:
            raise click.UsageError(
                f"the URLs name the account {account!r}, not --account {ctx.obj['account']!r}"
            )
        return
    ctx.obj["account"] = account


def result_line(result: ReportRunQueryRuns) -> dict[str, Any]:
    """The JSON object of one Report Run: its ``query_runs`` as Mode sent them, or its
    ``error`` (``status``, Mode's ``id`` and ``message``)."""
    line: dict[str, Any] = {"report": result.report, "run": result.run}
    if result.error is None:
        line["query_runs"] = [to_wire(query_run) for query_run in result.query_runs]
    elif isinstance(result.error, ModeAPIError):
        error = result.error
        line["error"] = {"status": error.status, "id": error.error_id, "message": error.message}
    else:  # not an API error (a next_page to another origin): its text
        line["error"] = {"status": None, "id": None, "message": str(result.error)}
    return line


@click.command("list-many")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-", metavar="[FILE|-]")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Report Runs fetched at a time (all at the pace Mode allows).",
)
@click.option(
    "--rate-limit",
    type=click.FloatRange(min=0, min_open=True, max=1e6),
    metavar="PER_SECOND",
    help="Your workspace's limit, in requests per second: start at that pace, never past"
    " it (default: learn it from Mode's 429 answers).",
)
@click.pass_context
@reports_errors
def list_many_command(
    ctx: click.Context, file: TextIO, concurrency: int, rate_limit: float | None
) -> None:
    """List the Query Runs of every Report Run in FILE (default or '-': stdin).

    FILE has one REPORT RUN pair a line, or a Mode URL of a Report Run (blank lines and
    # comments are skipped; the URLs' account is used unless --account names it). Writes
    one JSON object a line, in input order: {"report", "run", "query_runs": [...]} or
    {"report", "run", "error": {"status", "id", "message"}}. A progress bar is drawn on
    stderr when it is a terminal and the lines do not go to that terminal too. Exits 1 if
    any Report Run failed.
    """
    from .progress import terminal_progress

    pairs, accounts = read_pairs(file)
    _url_account(ctx, accounts)
    ctx.obj["rate_limit"] = rate_limit
    failed = 0
    bar: contextlib.AbstractContextManager[Progress | None] = contextlib.nullcontext(None)
    if not sys.stdout.isatty():
        bar = terminal_progress(sys.stderr, "Report Runs", counting=True)
    with client_for(ctx) as client, bar as progress:
        for done, result in enumerate(client.list_query_runs_many(pairs, concurrency=concurrency)):
            failed += not result.ok
            # ASCII JSON (non-ASCII characters escaped): whatever stdout's encoding is.
            write_out(json.dumps(result_line(result)).encode("ascii") + b"\n")
            if progress is not None:
                progress(done + 1, len(pairs))
    if failed:
        fail(f"{failed} of {len(pairs)} Report Run(s) failed")
