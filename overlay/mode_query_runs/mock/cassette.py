"""Deprecated home of :mod:`mode_query_runs.testing.cassette` (see :mod:`mode_query_runs.mock`)."""

from ..testing.cassette import (
    Interaction,
    bundled_directory,
    dump_cassette,
    load_cassette,
    load_directory,
    recorded_account,
    request_key,
)

__all__ = [
    "Interaction",
    "bundled_directory",
    "dump_cassette",
    "load_cassette",
    "load_directory",
    "recorded_account",
    "request_key",
]
