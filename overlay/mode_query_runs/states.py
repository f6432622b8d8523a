"""Which Query Run states are final and which have no results: the spec's ``x-final-states``
and ``x-states-without-results`` on ``QueryRun.state`` (generated into ``QueryRun.spec_lists``).
Any other state, one Mode adds later included, is waited on and its results are tried."""

from mode_api_client.models import QueryRun


def final_states() -> frozenset[str]:
    """``x-final-states``: ``succeeded``, ``failed``, ``cancelled``, ``completed``."""
    return QueryRun.spec_lists["state/x-final-states"]


def states_without_results() -> frozenset[str]:
    """``x-states-without-results``: ``enqueued``, ``running``, ``failed``, ``cancelled``."""
    return QueryRun.spec_lists["state/x-states-without-results"]


def ended_without_results() -> frozenset[str]:
    """The final states without results (``failed``, ``cancelled``): waiting cannot help."""
    return final_states() & states_without_results()
