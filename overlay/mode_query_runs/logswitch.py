"""``MODE_QUERY_RUNS_LOG=debug|info`` logs the SDK's requests on stderr, without code.

As ``OPENAI_LOG`` does for ``openai``: set at import of ``mode_query_runs``, it gives the
``mode_query_runs`` logger a stderr handler at that level (``debug``: each request,
``METHOD URL -> status (seconds)``, and each retry; ``info``: retries and how each listing
ended); nothing else about logging changes. Case and surrounding whitespace are ignored,
an empty value is unset, any other value is ignored with one ``UserWarning``.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Mapping

__all__ = ["configure_from_env", "installed_handler"]

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_installed: list[logging.Handler] = []


def configure_from_env(environ: Mapping[str, str] | None = None) -> logging.Handler | None:
    """Replace the handler added before (if any) by one on ``sys.stderr`` at the level
    ``MODE_QUERY_RUNS_LOG`` in ``environ`` (default ``os.environ``) names, and return it;
    ``None`` (and no handler) when the variable is unset, empty or ignored."""
    value = (os.environ if environ is None else environ).get("MODE_QUERY_RUNS_LOG", "")
    value = value.strip().lower()
    if value and value not in _LEVELS:
        message = f"MODE_QUERY_RUNS_LOG={value!r} is not one of {', '.join(_LEVELS)}: ignored"
        warnings.warn(message, UserWarning, stacklevel=2)
    logger = logging.getLogger("mode_query_runs")
    for handler in _installed:
        logger.removeHandler(handler)
    _installed.clear()
    if value not in _LEVELS:
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(_LEVELS[value])
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(_LEVELS[value])
    _installed.append(handler)
    return handler


def installed_handler() -> logging.Handler | None:
    """The handler the switch added, if any (the command line replaces it by its own)."""
    return _installed[0] if _installed else None
