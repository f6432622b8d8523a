"""Which Query Run states are final and which have no results: the spec's
``x-final-states`` and ``x-states-without-results`` lists on ``QueryRun.state`` (read at
the first question). Any other state, one Mode adds later included, is waited on and its
results are tried; editing the lists changes waiting, downloads and the command line.
"""

from __future__ import annotations

import functools
from typing import Any

from .spec import load_spec

__all__ = ["ended_without_results", "final_states", "states_without_results"]


def _state_list(name: str) -> frozenset[str]:
    schema: Any = load_spec()["components"]["schemas"]["QueryRun"]["properties"]["state"]
    return frozenset(str(state) for state in schema.get(name, ()))


@functools.cache
def final_states() -> frozenset[str]:
    """The spec's ``x-final-states``: ``succeeded``, ``failed``, ``cancelled``, ``completed``."""
    return _state_list("x-final-states")


@functools.cache
def states_without_results() -> frozenset[str]:
    """The spec's ``x-states-without-results``: ``enqueued``, ``running``, ``failed``,
    ``cancelled``."""
    return _state_list("x-states-without-results")


@functools.cache
def ended_without_results() -> frozenset[str]:
    """The final states without results (``failed``, ``cancelled``): waiting cannot help."""
    return final_states() & states_without_results()
