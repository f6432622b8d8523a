"""``mode-query-runs record``: capture a Report Run's Query Runs into a scrubbed cassette.

Registered on the ``mode-query-runs`` group by ``mode_query_runs.cli``. Credentials come
only from the environment (``MODE_API_TOKEN``, ``MODE_API_SECRET``); the account and base
URL from the group's ``--account`` / ``MODE_ACCOUNT`` and ``--base-url`` / ``MODE_BASE_URL``.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..engine import Session
from ..errors import credential_forms
from ..testing.credentials import DEMO_ACCOUNT
from ..testing.drift_report import drift_of
from ..testing.recorder import record_report_run
from ..testing.scrub import Scrubber
from .common import TOKEN, credentials, echo, reports_errors
from .display import counted
from .targets import report_run_target

__all__ = ["DEFAULT_AS_ACCOUNT", "record_command"]

DEFAULT_AS_ACCOUNT = DEMO_ACCOUNT
"""The mock server's demo account."""


@click.command("record")
@click.argument("report", metavar="REPORT|URL")
@click.argument("run", required=False)
@click.option(
    "--query-run",
    "query_runs",
    multiple=True,
    type=TOKEN,
    metavar="TOKEN",
    help="Get only this Query Run (repeatable); default: every listed one.",
)
@click.option(
    "--cassette",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The cassette file (VCR.py YAML) to write.",
)
@click.option(
    "--as-account",
    default=DEFAULT_AS_ACCOUNT,
    show_default=True,
    metavar="NAME",
    help="Placeholder written instead of the account username.",
)
@click.option(
    "--redact-sql", is_flag=True, help="Replace raw_source and rendered_source by a placeholder."
)
@click.option(
    "--results",
    "with_results",
    is_flag=True,
    help="Also record the CSV result (content.csv) of each Query Run that has one.",
)
@click.pass_context
@reports_errors
def record_command(
    ctx: click.Context,
    report: str,
    run: str | None,
    query_runs: tuple[str, ...],
    cassette: Path,
    as_account: str,
    redact_sql: bool,
    with_results: bool = False,
) -> None:
    """Record Report Run RUN of Report REPORT into a scrubbed cassette.

    Lists every page of the Report Run's Query Runs and gets each Query Run (with
    --results, the CSV result content of each that succeeded too), removes
    credentials and cookies, replaces the account by --as-account and email addresses and
    user names by placeholders, then writes the cassette `mode-query-runs mock serve
    --cassettes DIR` replays. URL: a Mode URL of the Report Run instead of REPORT RUN, as
    for list.
    """
    report, run = report_run_target(ctx, report, run)
    account, token, secret = credentials(ctx)
    session = Session(ctx.obj["base_url"], token, secret, ctx.obj["timeout"])
    secrets = (*credential_forms(token, secret), *session.origin.userinfo_forms)
    scrubber = Scrubber(account, as_account, secrets=secrets, redact_sql=redact_sql)
    try:
        written = record_report_run(
            session, account, report, run, cassette, scrubber, query_runs, results=with_results
        )
    finally:
        session.close()
    pages = sum(1 for i in written if i.uri.split("?")[0].endswith("/query_runs"))
    contents = sum(1 for i in written if i.uri.split("?")[0].endswith("/content.csv"))
    parts = [counted(pages, "page"), counted(len(written) - pages - contents, "Query Run")]
    if with_results:
        parts.append(counted(contents, "result"))
    echo(
        f"Recorded {counted(len(written), 'interaction')} ({', '.join(parts)})"
        f" to {cassette} as account {as_account}"
    )
    drifts = drift_of([cassette])
    if drifts:
        echo(
            f"{counted(len(drifts), 'deviation')} from the spec in this recording;"
            f" see them with: mode-query-runs drift {cassette}"
        )
    else:
        echo("No deviations from the spec in this recording.")
