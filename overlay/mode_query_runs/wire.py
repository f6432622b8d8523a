"""Models back to Mode's wire form (the JSON the server sent): the generated code's
``to_wire`` and ``format_timestamp``."""

from mode_api_client.types import format_timestamp, to_wire

__all__ = ["format_timestamp", "to_wire"]
