"""The ``mode-query-runs`` group: its global options, shared by every command.

They go before the command or after it (`mode-query-runs list R RUN -v`): each command
also takes them, hidden from its help (see `accept_group_options`).
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Callable
from typing import Any

import click
from click.core import ParameterSource

from ..core import DEFAULT_MAX_RETRIES
from ..drift import SpecDriftWarning
from ..pagination import DEFAULT_PAGE_LIMIT
from ..responses import LOGGER
from ..settings import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from .common import Seconds
from .display import PrintableFormatter

__all__ = ["accept_group_options", "cli"]


def _given_account(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--account`` as given: an empty (or blank) one on the command line is a usage
    error naming it (a blank ``MODE_ACCOUNT`` is reported with the other settings)."""
    given = ctx.get_parameter_source(param.name or "account") is ParameterSource.COMMANDLINE
    if given and value is not None and not value.strip():
        raise click.BadParameter(
            f"{value!r} is not an account: give a Workspace or User username (or leave"
            " --account out to use MODE_ACCOUNT).",
            ctx,
            param,
        )
    return value


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
    callback=_given_account,
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
    MODE_API_SECRET) and the options have surrounding whitespace removed. The options
    below go before the command or after it (mode-query-runs list REPORT RUN -v).
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


def _setting_after_command(original: click.Option) -> Callable[..., Any]:
    """The callback of a group option given after the command: it sets what the group's
    own option sets (its ``ctx.obj`` entry; for ``-v`` the log level)."""

    def given(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        name = param.name or ""
        if ctx.get_parameter_source(name) is not ParameterSource.COMMANDLINE:
            return value
        if original.callback is not None:
            value = original.callback(ctx, param, value)
        if name == "verbose":
            LOGGER.setLevel(logging.DEBUG if value else logging.WARNING)
        else:
            ctx.obj[name] = value.strip() if isinstance(value, str) else value
        return value

    return given


def accept_group_options(command: click.Command) -> None:
    """Let ``command`` (and every command under it) take the group's options after its
    own name too: ``mode-query-runs list R RUN -v`` as ``mode-query-runs -v list R RUN``.

    Each is added hidden (the group's help lists them), unless the command has an option
    of that name of its own.
    """
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_group_options(sub)
        return
    taken = {name for param in command.params for name in param.opts + param.secondary_opts}
    for option in cli.params:
        if not isinstance(option, click.Option) or not option.expose_value:
            continue  # --version
        if taken & {*option.opts, *option.secondary_opts}:
            continue
        # A value option is given no is_flag at all: click reads is_flag=False as an
        # option whose value may be left out.
        kind: dict[str, Any] = {"is_flag": True} if option.is_flag else {"type": option.type}
        late = click.Option(
            [*option.opts, *option.secondary_opts],
            metavar=option.metavar,
            hidden=True,
            expose_value=False,
            callback=_setting_after_command(option),
            **kind,
        )
        command.params.append(late)


def _log_switch(verbose: bool) -> None:
    """``MODE_QUERY_RUNS_LOG`` in the command: its level (unless ``-v`` asks for more),
    through the command's own stderr handler (the switch's would repeat each line)."""
    handlers = (h for h in LOGGER.handlers if h.get_name() == "MODE_QUERY_RUNS_LOG")
    switched = next(handlers, None)
    if switched is None:
        return
    LOGGER.removeHandler(switched)
    LOGGER.setLevel(logging.DEBUG if verbose else min(switched.level, logging.WARNING))
