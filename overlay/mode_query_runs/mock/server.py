"""Deprecated home of :mod:`mode_query_runs.testing.server` (see :mod:`mode_query_runs.mock`)."""

from ..testing.server import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN, MockServer, create_app

__all__ = ["DEMO_ACCOUNT", "DEMO_SECRET", "DEMO_TOKEN", "MockServer", "create_app"]
