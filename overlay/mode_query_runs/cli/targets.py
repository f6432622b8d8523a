"""``REPORT RUN [QUERY_RUN]`` or a Mode URL: what the commands' arguments name.

Wherever a command takes ``REPORT RUN`` (``list``, ``wait``, ``record``) or ``REPORT RUN
QUERY_RUN`` (``get``, ``results``), a Mode URL may stand for them
([parse_mode_url][mode_query_runs.parse_mode_url] lists the shapes): a Report Run's or a
Query Run's for ``REPORT RUN`` (of a Query Run, its Report Run is meant); a Query Run's for
``REPORT RUN QUERY_RUN``, or a Report Run's followed by ``QUERY_RUN``. The account is the
URL's unless ``--account`` is given on the command line (it wins over the URL, and the URL
over ``MODE_ACCOUNT``). An argument holding a ``/`` is read as a URL; one that is not
Mode's, or that goes on after the URL (``".../runs/RUN extra"``: white space or a control
character anywhere in it), is a usage error (exit status 2) naming the argument; so is a
URL given in place of a token (``REPORT URL``), which would otherwise become a token.
"""

from __future__ import annotations

import re

import click

from ..mode_urls import ModeURL, parse_mode_url
from ..settings import check_token
from .common import account_given

__all__ = ["URL_ARGUMENT", "looks_like_url", "mode_url", "query_run_target", "report_run_target"]

URL_ARGUMENT = "'REPORT|URL'"
"""How usage errors name the argument that may be a URL."""
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
"""White space and control characters: none is part of a Mode URL (they are
percent-encoded in one), so one of them starts text after the URL."""


def looks_like_url(text: str) -> bool:
    """Whether ``text`` is meant as a URL: it holds a ``/``, which no Mode token has."""
    return "/" in text


def mode_url(text: str) -> ModeURL:
    """The account and tokens of a Mode URL given alone
    ([parse_mode_url][mode_query_runs.parse_mode_url]; surrounding white space is removed).

    Raises:
        ValueError: ``text`` goes on after the URL (white space or a control character
            inside it: ``"https://app.mode.com/acme/reports/r/runs/u extra"``, a message
            naming what follows); a percent-encoded token holds white space or a control
            character; or ``text`` is not a Mode URL of a Report Run or Query Run.
    """
    stripped = text.strip()
    extra = _NOT_IN_URL.search(stripped)
    if extra is not None:
        raise ValueError(
            f"{text!r} is not a Mode URL alone: {stripped[extra.start() :]!r} follows"
            f" {stripped[: extra.start()]!r}"
        )
    found = parse_mode_url(stripped)
    named = {"ACCOUNT": found.account, "REPORT": found.report, "RUN": found.run}
    named["QUERY_RUN"] = found.query_run or ""
    for name, token in named.items():
        if _NOT_IN_URL.search(token):
            raise ValueError(f"{text!r} is not a Mode URL: its {name} {token!r} is not a token")
    return found


def _parsed(ctx: click.Context, text: str) -> ModeURL:
    """The URL's tokens; its account becomes the command's unless ``--account`` was given.

    Raises:
        click.BadParameter: see ``mode_url``; the message names the argument (exit 2).
    """
    try:
        found = mode_url(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param_hint=URL_ARGUMENT) from None
    if not account_given(ctx):
        ctx.ensure_object(dict)["account"] = found.account
    return found


def _missing(ctx: click.Context, name: str) -> click.UsageError:
    return click.UsageError(f"Missing argument '{name}'.", ctx)


def _extra(ctx: click.Context, value: str, taken: str) -> click.UsageError:
    return click.UsageError(f"Got unexpected extra argument ({value}): {taken}", ctx)


def _tokens(ctx: click.Context, **tokens: str) -> None:
    """Refuse an empty, ``.`` or ``..`` token, or a URL in place of a token, as a usage
    error naming its argument (``Error: Invalid value for 'REPORT': '' is not a valid
    token.``, exit status 2)."""
    for name, value in tokens.items():
        hint = f"'{name.upper()}'"
        if looks_like_url(value):
            raise click.BadParameter(
                f"{value!r} is a URL, not a token: give a Mode URL alone, in place of the tokens",
                ctx=ctx,
                param_hint=hint,
            )
        try:
            check_token(name, value)
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is not a valid token.", ctx=ctx, param_hint=hint
            ) from None


def report_run_target(ctx: click.Context, report: str, run: str | None) -> tuple[str, str]:
    """``(report, run)`` of ``REPORT RUN`` or of ``URL``.

    Raises:
        click.UsageError: ``RUN`` is missing; a URL is followed by ``RUN``; a URL is not
            one of Mode's or goes on after it (see ``mode_url``); a token is empty, ``.``
            or ``..``, or a URL (exit status 2).
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
            Mode's or goes on after it (see ``mode_url``); a token is empty, ``.`` or
            ``..``, or a URL (exit status 2).
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
