"""Python SDK for Mode Analytics' Query Runs API: ``ModeClient`` lists and gets the Query
Runs of a Report Run as typed models (generated from ``openapi/mode.yaml`` into
``mode_api_client``) and follows HAL links; every failure is a ``ModeAPIError``.

Each name is imported where it is defined when first used: ``import mode_query_runs``
alone loads neither httpx nor the generated models.
"""

import importlib
import logging
import os
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mode_api_client.models import Link, QueryRun, QueryRunCollection

    from .async_client import AsyncModeClient
    from .bulk import ReportRunQueryRuns
    from .client import ModeClient
    from .drift import SpecDriftWarning
    from .errors import (
        APIConnectionError,
        APITimeoutError,
        AuthenticationError,
        ModeAPIError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ResponseParseError,
        ServerError,
    )
    from .links import expand_link, relation_link, web_links
    from .mode_urls import ModeURL, parse_mode_url
    from .retries import RetryPolicy
    from .waiting import TERMINAL_STATES
    from .wire import to_wire

__version__ = "0.1.0"  # the one place it is written (pyproject.toml reads it from here)

_NAMES = {
    "mode_api_client.models": "Link QueryRun QueryRunCollection",
    ".async_client": "AsyncModeClient",
    ".bulk": "ReportRunQueryRuns",
    ".client": "ModeClient",
    ".drift": "SpecDriftWarning",
    ".errors": "APIConnectionError APITimeoutError AuthenticationError ModeAPIError"
    " NotFoundError PermissionDeniedError RateLimitError ResponseParseError ServerError",
    ".links": "expand_link relation_link web_links",
    ".mode_urls": "ModeURL parse_mode_url",
    ".retries": "RetryPolicy",
    ".waiting": "TERMINAL_STATES",
    ".wire": "to_wire",
}
_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names.split()}


def __getattr__(name: str) -> Any:
    """Import a public name where it is defined, the first time it is used."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(importlib.import_module(_MODULE_OF[name], __name__), name)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def _log_switch() -> None:
    """``MODE_QUERY_RUNS_LOG=debug|info``: the request log on stderr without code."""
    value = os.environ.get("MODE_QUERY_RUNS_LOG", "").strip().lower()
    if value not in ("", "debug", "info"):
        message = f"MODE_QUERY_RUNS_LOG={value!r} is not one of debug, info: ignored"
        warnings.warn(message, UserWarning, stacklevel=2)
    elif value:
        level = value.upper()
        handler = logging.StreamHandler()  # on sys.stderr
        handler.set_name("MODE_QUERY_RUNS_LOG")  # the command line replaces it by its own
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logging.getLogger(__name__).addHandler(handler)
        logging.getLogger(__name__).setLevel(level)


# A library logs only where the application configured logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())
_log_switch()

__all__ = [
    "TERMINAL_STATES",
    "APIConnectionError",
    "APITimeoutError",
    "AsyncModeClient",
    "AuthenticationError",
    "Link",
    "ModeAPIError",
    "ModeClient",
    "ModeURL",
    "NotFoundError",
    "PermissionDeniedError",
    "QueryRun",
    "QueryRunCollection",
    "RateLimitError",
    "ReportRunQueryRuns",
    "ResponseParseError",
    "RetryPolicy",
    "ServerError",
    "SpecDriftWarning",
    "__version__",
    "expand_link",
    "parse_mode_url",
    "relation_link",
    "to_wire",
    "web_links",
]
