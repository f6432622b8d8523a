"""The logging switch: ``MODE_QUERY_RUNS_LOG=debug|info`` logs the SDK's requests without code.

As ``OPENAI_LOG`` does for the ``openai`` package: when the variable is set at import of
``mode_query_runs``, the ``mode_query_runs`` logger gets a handler writing to stderr and
the level named (``debug``: one line per request, ``METHOD URL -> status (seconds)``, and
every retry; ``info``: retries and how each listing ended). Nothing else about logging is
touched (the root logger, other libraries). Case and surrounding whitespace are ignored; an
empty value is unset; any other value is ignored with one ``UserWarning``
(``MODE_QUERY_RUNS_LOG='verbose' is not one of debug, info: ignored``). Credentials are
never logged, whatever the level (see [ModeClient][mode_query_runs.ModeClient]).
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Mapping

__all__ = ["ENV_VAR", "FORMAT", "LEVELS", "configure_from_env", "env_level", "installed_handler"]

ENV_VAR = "MODE_QUERY_RUNS_LOG"
"""The environment variable naming the level."""
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
"""The values ``MODE_QUERY_RUNS_LOG`` takes, and the level each sets."""
FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
"""The format of the lines the switch writes to stderr."""

_installed: list[logging.Handler] = []


def env_level(environ: Mapping[str, str] | None = None) -> int | None:
    """The level ``MODE_QUERY_RUNS_LOG`` names (``logging.DEBUG``, ``logging.INFO``), or
    ``None`` when it is unset, empty or not one of ``LEVELS``
    (then with one ``UserWarning`` naming the value and the accepted ones).

    Args:
        environ: The environment to read; default ``os.environ``.
    """
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip().lower()
    if not value:
        return None
    if value not in LEVELS:
        warnings.warn(
            f"{ENV_VAR}={value!r} is not one of {', '.join(LEVELS)}: ignored",
            UserWarning,
            stacklevel=2,
        )
        return None
    return LEVELS[value]


def configure_from_env(environ: Mapping[str, str] | None = None) -> logging.Handler | None:
    """Turn on the ``mode_query_runs`` log to stderr if ``MODE_QUERY_RUNS_LOG`` asks for it.

    Done once at import of ``mode_query_runs``; calling it again replaces the handler it
    added before (never two). Without the variable (or with a value it ignores) nothing
    changes.

    Args:
        environ: The environment to read; default ``os.environ``.

    Returns:
        The ``logging.StreamHandler`` added (on ``sys.stderr``, at the level named,
        formatted as ``FORMAT``), or ``None``.
    """
    level = env_level(environ)
    logger = logging.getLogger("mode_query_runs")
    for handler in _installed:
        logger.removeHandler(handler)
    _installed.clear()
    if level is None:
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    _installed.append(handler)
    return handler


def installed_handler() -> logging.Handler | None:
    """The handler the switch added, if any (the command line replaces it by its own)."""
    return _installed[0] if _installed else None
