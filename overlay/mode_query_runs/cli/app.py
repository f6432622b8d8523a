"""The ``mode-query-runs`` group: its global options, shared by every command."""

from __future__ import annotations

import logging
import sys
import warnings

import click

from ..core import DEFAULT_MAX_RETRIES
from ..drift import SpecDriftWarning
from ..pagination import DEFAULT_PAGE_LIMIT
from ..responses import LOGGER
from ..settings import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from .common import Seconds
from .display import PrintableFormatter

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--base-url",
    envvar="MODE_BASE_URL",
    default=DEFAULT_BASE_URL,
    show_default=True,
    help="API base URL (env MODE_BASE_URL).",
)
@click.option(
    "--account",
    envvar="MODE_ACCOUNT",
    help="Workspace or User username whose Reports these are (env MODE_ACCOUNT).",
)
@click.option(
    "--timeout",
    type=Seconds(),
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
    "--page-limit",
    type=click.IntRange(min=1),
    default=DEFAULT_PAGE_LIMIT,
    show_default=True,
    help="Most pages a listing may have; past it, an error (next_page links never ending).",
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
    page_limit: int,
    strict: bool,
    verbose: bool,
) -> None:
    """Query Runs of Mode Report Runs. Credentials: MODE_API_TOKEN and MODE_API_SECRET.

    Settings from the environment (MODE_BASE_URL, MODE_ACCOUNT, MODE_API_TOKEN,
    MODE_API_SECRET) and the options have surrounding whitespace removed.
    """
    ctx.obj = {
        "base_url": base_url.strip(),
        "account": account.strip() if account is not None else None,
        "timeout": timeout,
        "max_retries": max_retries,
        "page_limit": page_limit,
        "strict": strict,
    }
    # Spec drift is shown once, as a log line; the warning would repeat it.
    warnings.simplefilter("ignore", SpecDriftWarning)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PrintableFormatter("mode-query-runs: %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.DEBUG if verbose else logging.WARNING)
    _log_switch(verbose)


def _log_switch(verbose: bool) -> None:
    """``MODE_QUERY_RUNS_LOG`` in the command: its level (unless ``-v`` asks for more),
    through the command's own stderr handler (the switch's would repeat each line)."""
    from ..logswitch import installed_handler

    switched = installed_handler()
    if switched is None:
        return
    LOGGER.removeHandler(switched)
    LOGGER.setLevel(logging.DEBUG if verbose else min(switched.level, logging.WARNING))
