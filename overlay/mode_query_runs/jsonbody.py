"""Decoding a JSON body that was read, with a one-line error for one that is not JSON."""

from __future__ import annotations

import json
from typing import Any

import httpx

from .errors import ResponseParseError, body_excerpt, request_identity

__all__ = ["decode_json"]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode_json(response: httpx.Response) -> Any:
    """The decoded JSON body of a response that was read.

    Raises:
        ResponseParseError: the body is not JSON (``NaN`` and ``Infinity`` are not JSON),
            or is nested too deeply to decode.
    """
    try:
        return json.loads(response.content, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        method, url = request_identity(response.request)
        content_type = response.headers.get("Content-Type", "no Content-Type")
        raise ResponseParseError(
            f"response is not JSON ({content_type}); {body_excerpt(response)}",
            status=response.status_code,
            method=method,
            url=url,
        ) from None
