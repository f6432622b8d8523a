"""Decoding a JSON body that was read, with a one-line error for one that is not JSON."""

from typing import Any

import httpx

from mode_api_client.errors import UnreadableBody
from mode_api_client.types import decode_json as decode_bytes

from .errors import ResponseParseError, body_excerpt


def decode_json(response: httpx.Response) -> Any:
    """The body of a read response, decoded as the generated operations decode it;
    ``ResponseParseError`` if it is not JSON (``NaN`` is not) or nests too deeply."""
    try:
        return decode_bytes(response.content)
    except UnreadableBody:
        raise not_json(response) from None


def not_json(response: httpx.Response) -> ResponseParseError:
    """The error for a read body that is not JSON: its Content-Type and start."""
    content_type = response.headers.get("Content-Type", "no Content-Type")
    return ResponseParseError(
        f"response is not JSON ({content_type}); {body_excerpt(response)}",
        status=response.status_code,
        method=response.request.method,
        url=str(response.request.url),
    )
