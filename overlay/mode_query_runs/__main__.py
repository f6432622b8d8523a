"""The ``mode-query-runs`` console script and ``python -m mode_query_runs``."""

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
    """Run the command line (the ``cli`` extra), or name the extra missing (exit status 1).

    From here on SIGINT is ``SystemExit(130)`` with ``mode-query-runs: interrupted`` on
    stderr (no traceback nor click's ``Aborted!``, even while imports and arguments are
    still under way; a download in progress removes its temporary file).
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
