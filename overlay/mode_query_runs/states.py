"""Which Query Run states are final, and which have no results: as the spec says.

Mode's ``state`` is open-ended (``shared/reference/mode-api-facts.md``); the spec's
``QueryRun.state`` schema names the states the SDK treats specially, in two lists:
``x-final-states`` (a run in one of them is waited on no longer) and
``x-states-without-results`` (a run in one of them has no result content). A state in
neither, one Mode adds later included, is waited on and its results are tried. Editing
the lists in ``openapi/mode.yaml`` changes what ``wait_for_completion``,
``download_result`` and the command line do, with no code change. The spec is read at the
first question, not at import.
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
