"""Python SDK for Mode Analytics' Query Runs API.

``ModeClient`` lists and gets the Query Runs of a Report Run as typed models (generated
from ``openapi/mode.yaml`` into ``mode_api_client``) and follows HAL links; every failure
is a ``ModeAPIError``.

Each name is imported where it is defined when first used, so ``import mode_query_runs``
alone loads neither httpx nor the generated models (the ``mode-query-runs`` command handles
Ctrl-C from its first moments).
"""

import importlib
import logging
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .logswitch import configure_from_env as _configure_logging_from_env

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

_MODULE_OF = {
    **dict.fromkeys(["Link", "QueryRun", "QueryRunCollection"], "mode_api_client.models"),
    "AsyncModeClient": ".async_client",
    "ReportRunQueryRuns": ".bulk",
    "ModeClient": ".client",
    "SpecDriftWarning": ".drift",
    **dict.fromkeys(
        [
            "APIConnectionError",
            "APITimeoutError",
            "AuthenticationError",
            "ModeAPIError",
            "NotFoundError",
            "PermissionDeniedError",
            "RateLimitError",
            "ResponseParseError",
            "ServerError",
        ],
        ".errors",
    ),
    **dict.fromkeys(["expand_link", "relation_link", "web_links"], ".links"),
    **dict.fromkeys(["ModeURL", "parse_mode_url"], ".mode_urls"),
    "RetryPolicy": ".retries",
    "TERMINAL_STATES": ".waiting",
    "to_wire": ".wire",
}


def __getattr__(name: str) -> Any:
    """Import a public name where it is defined, the first time it is used."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# A library logs only where the application configured logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())
# MODE_QUERY_RUNS_LOG=debug|info: the request log on stderr without code (as OPENAI_LOG).
_configure_logging_from_env()

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
