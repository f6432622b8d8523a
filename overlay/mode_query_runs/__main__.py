"""``python -m mode_query_runs``: the same as the ``mode-query-runs`` command."""

from .cli import main

main()
