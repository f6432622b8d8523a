"""The ``mode-query-runs`` console script and ``python -m mode_query_runs``."""

import signal
import sys
from types import FrameType


def _interrupted(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("mode-query-runs: interrupted\n")
    sys.stderr.flush()
    raise SystemExit(128 + signum)  # 130: cli.common.INTERRUPTED


def main() -> None:
    """Run the command line (``cli.launch``: it needs the ``cli`` extra). From here on
    SIGINT is ``SystemExit(130)`` with ``mode-query-runs: interrupted`` on stderr (no
    traceback nor click's ``Aborted!``, even while imports and arguments are still under
    way; a download in progress removes its temporary file)."""
    signal.signal(signal.SIGINT, _interrupted)
    from .cli import launch

    launch()


if __name__ == "__main__":
    main()
