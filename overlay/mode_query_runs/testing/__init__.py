"""The testing kit: test your own code against a recorded Mode API, on loopback.

What users import to test code that uses the SDK (the SDK itself never imports it):

- ``MockServer`` (``server``): a real HTTP server replaying VCR.py cassettes, the
  bundled ones (``bundled_directory``) or your own; demo credentials
  ``DEMO_TOKEN`` / ``DEMO_SECRET``, account ``DEMO_ACCOUNT``.
- The pytest plugin (``pytest_plugin``, registered by installing the package): the
  ``mode_mock_server`` and ``mode_cassettes`` fixtures.
- The recorder (``recorder``) and its scrubbing (``Scrubber``, ``scrub``),
  which ``mode-query-runs record`` uses; cassettes (``cassette``); spec drift of
  recordings (``drift_of``, ``drift_report``).

Names are imported on first use, so ``import mode_query_runs.testing`` does not load the
HTTP server (uvicorn, Starlette) until ``MockServer`` is asked for. The server is the
``testing`` extra (``pip install "mode-query-runs[testing]"``); without it, asking for
``MockServer`` raises ``ModuleNotFoundError`` naming the extra, and the rest of the
kit works.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cassette import Interaction, bundled_directory, dump_cassette, load_cassette
    from .credentials import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN
    from .drift_report import Drift, drift_of
    from .recorder import fetch_report_run, record_report_run
    from .scrub import Scrubber
    from .server import MockServer

__all__ = [
    "DEMO_ACCOUNT",
    "DEMO_SECRET",
    "DEMO_TOKEN",
    "Drift",
    "Interaction",
    "MockServer",
    "Scrubber",
    "bundled_directory",
    "drift_of",
    "dump_cassette",
    "fetch_report_run",
    "load_cassette",
    "record_report_run",
]

_HOMES = {
    "DEMO_ACCOUNT": "credentials",
    "DEMO_SECRET": "credentials",
    "DEMO_TOKEN": "credentials",
    "MockServer": "server",
    "Drift": "drift_report",
    "drift_of": "drift_report",
    "Interaction": "cassette",
    "bundled_directory": "cassette",
    "dump_cassette": "cassette",
    "load_cassette": "cassette",
    "Scrubber": "scrub",
    "fetch_report_run": "recorder",
    "record_report_run": "recorder",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
