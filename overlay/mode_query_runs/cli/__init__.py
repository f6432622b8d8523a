"""``mode-query-runs``: the command-line tool, one module per command group.

- ``entry``: the group with every command, and ``main``; ``app``: the group and its
  global options;
- ``query_runs``: ``list``, ``get``, ``results``; ``.wait``: ``wait``;
- ``record``: ``record``; ``drift``: ``drift``; ``mock``: ``mock serve``;
  ``demo``: ``demo``;
- ``common``: credentials, the client, error reporting and exit statuses, output;
  ``display`` and ``progress``: what the commands print.

Importing this package needs neither click nor rich (``launch`` names the one missing):
``cli`` and ``main`` are ``entry``'s, imported when first used.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .entry import cli, main

__all__ = ["cli", "launch", "main"]


def launch() -> None:
    """Run the command line, or name the package of the ``cli`` extra that is missing
    (``mode-query-runs: error: the command line needs click, ...``, exit status 1)."""
    for package in ("click", "rich"):  # pyproject.toml's `cli` extra
        try:
            found = importlib.util.find_spec(package)
        except ImportError:
            found = None
        if found is None:
            sys.exit(
                f"mode-query-runs: error: the command line needs {package}, which is not"
                ' installed: pip install "mode-query-runs[cli]"'
            )
    from .entry import main

    main()


def __getattr__(name: str) -> Any:
    """``cli`` and ``main``, imported from ``entry`` when first used."""
    if name in ("cli", "main"):
        return getattr(importlib.import_module(".entry", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
