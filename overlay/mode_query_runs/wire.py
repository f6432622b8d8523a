"""Models back to the JSON the server sent (the generated ``to_wire``, ``format_timestamp``)."""

from mode_api_client.types import format_timestamp as format_timestamp
from mode_api_client.types import to_wire as to_wire
