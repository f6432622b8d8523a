"""The ``mode-query-runs`` console script and ``python -m mode_query_runs``.

The command line is the ``cli`` extra (click and rich). Without it, the command prints one
line naming the extra to install and exits with status 1, instead of a traceback.

Ctrl-C (SIGINT) ends the command with `mode-query-runs: interrupted` and exit status 130
from the moment `main` starts: while the command line is still being imported and its
arguments parsed as well as once the command runs. The package's `__init__` imports its
names lazily, so `main` starts some 30 ms after Python does, before httpx and the
generated models are imported.
"""

from __future__ import annotations

import importlib.util
import signal
import sys
from types import FrameType

__all__ = ["CLI_PACKAGES", "main", "missing_cli_package"]

CLI_PACKAGES = ("click", "rich")
"""What the ``cli`` extra installs (pyproject.toml's ``[project.optional-dependencies]``)."""


def missing_cli_package() -> str | None:
    """The first of ``CLI_PACKAGES`` that cannot be imported, or ``None``."""
    for name in CLI_PACKAGES:
        try:
            found = importlib.util.find_spec(name)
        except ImportError:
            found = None
        if found is None:
            return name
    return None


def _interrupted(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("mode-query-runs: interrupted\n")
    sys.stderr.flush()
    raise SystemExit(128 + signum)  # 130: cli.common.INTERRUPTED


def main() -> None:
    """Run the command line, or say which extra it needs (exit status 1).

    SIGINT raises ``SystemExit(130)`` in the main thread, with one line on stderr, from
    here on (as SIGTERM does with 143 once the command line is loaded): a Ctrl-C while
    httpx, the models, click and rich are imported or the arguments parsed is no
    ``KeyboardInterrupt`` traceback nor click's ``Aborted!``, and a download in progress
    removes its temporary file as on any other failure.
    """
    signal.signal(signal.SIGINT, _interrupted)
    missing = missing_cli_package()
    if missing is not None:
        sys.stderr.write(
            f"mode-query-runs: error: the command line needs {missing}, which is not"
            ' installed: pip install "mode-query-runs[cli]"\n'
        )
        sys.exit(1)
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
