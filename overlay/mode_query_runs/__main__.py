"""The ``mode-query-runs`` console script and ``python -m mode_query_runs``.

The command line is the ``cli`` extra (click and rich). Without it, the command prints one
line naming the extra to install and exits with status 1, instead of a traceback.
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["CLI_PACKAGES", "main", "missing_cli_package"]

CLI_PACKAGES = ("click", "rich")
"""What the ``cli`` extra installs (pyproject.toml's ``[project.optional-dependencies]``)."""


def missing_cli_package() -> str | None:
    """The first of :data:`CLI_PACKAGES` that cannot be imported, or ``None``."""
    for name in CLI_PACKAGES:
        try:
            found = importlib.util.find_spec(name)
        except ImportError:
            found = None
        if found is None:
            return name
    return None


def main() -> None:
    """Run the command line, or say which extra it needs (exit status 1)."""
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
