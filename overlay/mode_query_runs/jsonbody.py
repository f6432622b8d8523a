"""Decoding a JSON body that was read, with a one-line error for one that is not JSON."""

from __future__ import annotations

from typing import Any

import httpx

from mode_api_client.errors import UnreadableBody
from mode_api_client.types import decode_json as decode_bytes

from .errors import ResponseParseError, body_excerpt, request_identity

__all__ = ["decode_json", "not_json"]


def decode_json(response: httpx.Response) -> Any:
    """The decoded JSON body of a response that was read (as the generated operations
    decode it: ``mode_api_client.types.decode_json``).

    Raises:
        ResponseParseError: the body is not JSON (``NaN`` and ``Infinity`` are not JSON),
            or is nested too deeply to decode.
    """
    try:
        return decode_bytes(response.content)
    except UnreadableBody:
        raise not_json(response) from None


def not_json(response: httpx.Response) -> ResponseParseError:
    """The error for a read response whose body is not JSON, naming its Content-Type and
    the start of the body."""
    method, url = request_identity(response.request)
    content_type = response.headers.get("Content-Type", "no Content-Type")
    return ResponseParseError(
        f"response is not JSON ({content_type}); {body_excerpt(response)}",
        status=response.status_code,
        method=method,
        url=url,
    )
