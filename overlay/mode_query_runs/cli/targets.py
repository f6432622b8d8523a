"""``REPORT RUN [QUERY_RUN]`` or a Mode URL: what the commands' arguments name.

Wherever a command takes ``REPORT RUN`` (``list``, ``wait``, ``record``) or ``REPORT RUN
QUERY_RUN`` (``get``, ``results``), a Mode URL may stand for them
([parse_mode_url][mode_query_runs.parse_mode_url] lists the shapes): a Report Run's or a
Query Run's for ``REPORT RUN`` (of a Query Run, its Report Run is meant); a Query Run's for
``REPORT RUN QUERY_RUN``, or a Report Run's followed by ``QUERY_RUN``. The account is the
URL's unless ``--account`` is given on the command line (it wins over the URL, and the URL
over ``MODE_ACCOUNT``). An argument holding a ``/`` is read as a URL; one that is not
Mode's is a usage error (exit status 2) naming the shapes expected.
"""

from __future__ import annotations

import click

from ..mode_urls import ModeURL, looks_like_url, parse_mode_url
from ..settings import check_token
from .common import account_given

__all__ = ["query_run_target", "report_run_target"]


def _parsed(ctx: click.Context, text: str) -> ModeURL:
    """The URL's tokens; its account becomes the command's unless ``--account`` was given."""
    try:
        found = parse_mode_url(text)
    except ValueError as exc:
        raise click.UsageError(str(exc), ctx) from None
    if not account_given(ctx):
        ctx.ensure_object(dict)["account"] = found.account
    return found


def _missing(ctx: click.Context, name: str) -> click.UsageError:
    return click.UsageError(f"Missing argument '{name}'.", ctx)


def _extra(ctx: click.Context, value: str, taken: str) -> click.UsageError:
    return click.UsageError(f"Got unexpected extra argument ({value}): {taken}", ctx)


def _tokens(ctx: click.Context, **tokens: str) -> None:
    """Refuse an empty, ``.`` or ``..`` token as a usage error naming its argument
    (``Error: Invalid value for 'REPORT': '' is not a valid token.``, exit status 2)."""
    for name, value in tokens.items():
        try:
            check_token(name, value)
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is not a valid token.", ctx=ctx, param_hint=f"'{name.upper()}'"
            ) from None


def report_run_target(ctx: click.Context, report: str, run: str | None) -> tuple[str, str]:
    """``(report, run)`` of ``REPORT RUN`` or of ``URL``.

    Raises:
        click.UsageError: ``RUN`` is missing; a URL is followed by ``RUN``; a URL is not
            one of Mode's; a token is empty, ``.`` or ``..`` (exit status 2).
    """
    if looks_like_url(report):
        found = _parsed(ctx, report)
        if run is not None:
            raise _extra(ctx, run, "the URL names the Report Run")
        return found.report_run
    if run is None:
        raise _missing(ctx, "RUN")
    _tokens(ctx, report=report, run=run)
    return report, run


def query_run_target(
    ctx: click.Context, report: str, run: str | None, query_run: str | None
) -> tuple[str, str, str]:
    """``(report, run, query_run)`` of ``REPORT RUN QUERY_RUN``, of a Query Run's ``URL``,
    or of a Report Run's ``URL QUERY_RUN``.

    Raises:
        click.UsageError: an argument is missing or one too many; a URL is not one of
            Mode's; a token is empty, ``.`` or ``..`` (exit status 2).
    """
    if looks_like_url(report):
        found = _parsed(ctx, report)
        if found.query_run is None:
            if run is None:
                raise _missing(ctx, "QUERY_RUN")
            if query_run is not None:
                raise _extra(ctx, query_run, "the URL names the Report Run")
            _tokens(ctx, query_run=run)
            return found.report, found.run, run
        extra = run if run is not None else query_run
        if extra is not None:
            raise _extra(ctx, extra, "the URL names the Query Run")
        return found.query_run_tokens()
    if run is None:
        raise _missing(ctx, "RUN")
    if query_run is None:
        raise _missing(ctx, "QUERY_RUN")
    _tokens(ctx, report=report, run=run, query_run=query_run)
    return report, run, query_run
