"""Deprecated: the testing kit moved to :mod:`mode_query_runs.testing`.

``mode_query_runs.mock.server`` and ``mode_query_runs.mock.cassette`` keep working for one
release (0.2) with a ``DeprecationWarning``; import from ``mode_query_runs.testing``
(``from mode_query_runs.testing import MockServer``) instead.
"""

import warnings

warnings.warn(
    "mode_query_runs.mock moved to mode_query_runs.testing"
    " (from mode_query_runs.testing import MockServer); the old path goes in 0.2",
    DeprecationWarning,
    stacklevel=2,
)
