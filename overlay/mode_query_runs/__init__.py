"""Python SDK for Mode Analytics' Query Runs API.

``ModeClient`` lists and gets the Query Runs of a Report Run as typed models (generated
from ``openapi/mode.yaml`` into ``mode_api_client``) and follows HAL links; every failure
is a :class:`ModeAPIError`.
"""

import logging

from mode_api_client.models import Link, QueryRun, QueryRunCollection

from ._version import __version__
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
from .logswitch import configure_from_env as _configure_logging_from_env
from .mode_urls import ModeURL, parse_mode_url
from .retries import RetryPolicy
from .waiting import TERMINAL_STATES

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
    "web_links",
]
