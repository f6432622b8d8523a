"""``list-many``: the Query Runs of many Report Runs, one JSON line per Report Run."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Generator
from typing import Any, TextIO, cast

import click

from ..bulk import DEFAULT_CONCURRENCY, ReportRunQueryRuns
from ..client import ModeClient
from ..errors import ModeAPIError
from ..results import Progress
from ..settings import check_token
from ..wire import to_wire
from .common import account_given, client_for, credentials, fail, reports_errors, write_out
from .display import json_text
from .targets import looks_like_url, mode_url

__all__ = ["Line", "list_many_command", "read_pairs"]


Line = tuple[str | None, str, str]
"""``(account, report, run)`` of one line: the account of its URL, or ``None`` for a
``REPORT RUN`` pair (listed with ``--account`` / ``MODE_ACCOUNT``)."""


def read_pairs(lines: TextIO) -> list[Line]:
    """The Report Runs of ``lines``, one a line: a ``REPORT RUN`` pair (account ``None``)
    or a Mode URL of a Report Run or Query Run with its account (see
    [parse_mode_url][mode_query_runs.parse_mode_url]); blank lines and ``#`` comments are
    skipped.

    Raises:
        click.UsageError: a line is not two tokens separated by white space nor one Mode
            URL alone (text after a URL, or a URL in place of a token, is refused), or a
            token is empty, ``.`` or ``..`` (the message names the line number, from 1).
    """
    found: list[Line] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = text.split()
        try:
            if looks_like_url(fields[0]):
                where = mode_url(text)  # refuses text after the URL
                found.append((where.account, where.report, where.run))
                continue
            for field in fields[1:]:
                if looks_like_url(field):
                    raise ValueError(
                        f"{field!r} is a URL, not a token: give a Mode URL alone on its line"
                    )
            if len(fields) != 2:
                raise ValueError(f"expected REPORT RUN or a Mode URL, found {len(fields)} field(s)")
            found.append((None, check_token("report", fields[0]), check_token("run", fields[1])))
        except ValueError as exc:
            raise click.UsageError(f"line {number}: {exc}") from None
    return found


def _accounts(ctx: click.Context, lines: list[Line]) -> list[str]:
    """The account each line is listed with: its URL's, else ``--account`` /
    ``MODE_ACCOUNT`` (read only when a ``REPORT RUN`` pair needs it).

    Raises:
        click.UsageError: ``--account`` was given on the command line and a URL names
            another account (which of the two is meant is not known).
        ValueError: a ``REPORT RUN`` pair has no account (``--account`` and
            ``MODE_ACCOUNT`` unset), or a credential is missing (see ``credentials``).
    """
    given = ctx.obj["account"] if account_given(ctx) else None
    for account, _, _ in lines:
        if given is not None and account is not None and account != given:
            raise click.UsageError(f"a URL names the account {account!r}, not --account {given!r}")
    default = credentials(ctx)[0] if any(account is None for account, _, _ in lines) else None
    return [account if account is not None else cast(str, default) for account, _, _ in lines]


def _in_input_order(
    clients: dict[str, ModeClient],
    accounts: list[str],
    pairs: list[tuple[str, str]],
    concurrency: int,
) -> Generator[ReportRunQueryRuns]:
    """Every pair listed by the client of its account, the results in input order.

    Each account's pairs are listed by ``list_query_runs_many`` (up to ``concurrency``
    at a time, per account), started when its first result is due.
    """
    listings = {
        account: client.list_query_runs_many(
            [pair for pair, owner in zip(pairs, accounts, strict=True) if owner == account],
            concurrency=concurrency,
        )
        for account, client in clients.items()
    }
    try:
        for account in accounts:
            yield next(listings[account])
    finally:
        for listing in listings.values():
            listing.close()


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
    help="Report Runs fetched at a time, per account (all at the pace Mode allows).",
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
    # comments are skipped). Each Report Run is listed in its own account: a URL's, a
    pair's from --account or MODE_ACCOUNT (--account given with a URL of another account
    is a usage error). Writes
    one JSON object a line, in input order: {"report", "run", "query_runs": [...]} or
    {"report", "run", "error": {"status", "id", "message"}}. A progress bar is drawn on
    stderr when it is a terminal and the lines do not go to that terminal too. Exits 1 if
    any Report Run failed.
    """
    from .progress import terminal_progress

    lines = read_pairs(file)
    accounts = _accounts(ctx, lines)
    pairs = [(report, run) for _, report, run in lines]
    ctx.obj["rate_limit"] = rate_limit
    failed = 0
    bar: contextlib.AbstractContextManager[Progress | None] = contextlib.nullcontext(None)
    if not sys.stdout.isatty():
        bar = terminal_progress(sys.stderr, "Report Runs", counting=True)
    with contextlib.ExitStack() as stack:
        clients = {
            account: stack.enter_context(client_for(ctx, account))
            for account in dict.fromkeys(accounts)
        }
        progress = stack.enter_context(bar)
        results = _in_input_order(clients, accounts, pairs, concurrency)
        stack.callback(results.close)
        for done, result in enumerate(results):
            failed += not result.ok
            # ASCII JSON (non-ASCII characters escaped): whatever stdout's encoding is.
            write_out(json_text(result_line(result)).encode("ascii") + b"\n")
            if progress is not None:
                progress(done + 1, len(pairs))
    if failed:
        fail(f"{failed} of {len(pairs)} Report Run(s) failed")
