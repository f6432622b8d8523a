"""The ``mode-query-runs`` console script and ``python -m mode_query_runs``."""

import importlib.util
import signal
import sys
from types import FrameType


def _interrupted(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("mode-query-runs: interrupted\n")
    sys.stderr.flush()
    raise SystemExit(128 + signum)  # 130: cli.common.INTERRUPTED


def main() -> None:
    """Run the command line, or name the package of the ``cli`` extra missing (status 1).

    From here on SIGINT is ``SystemExit(130)`` with ``mode-query-runs: interrupted`` on
    stderr (no traceback nor click's ``Aborted!``, even while imports and arguments are
    still under way; a download in progress removes its temporary file).
    """
    signal.signal(signal.SIGINT, _interrupted)
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
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
