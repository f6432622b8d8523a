"""A client's settings: their defaults, and checks whose errors name the setting, never
its value."""

from __future__ import annotations

import math

DEFAULT_BASE_URL = "https://app.mode.com/api"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
"""The largest JSON API body read by default, in bytes (a page of 1,000 runs: ~1.3 MB)."""
ERROR_BODY_BYTES = 64 * 1024
"""How much of an error body (status 400 and above) is read, in bytes."""


def check_text(name: str, value: str) -> str:
    """``value`` if it is a ``str`` (else ``TypeError``) UTF-8 can encode (else
    ``ValueError``: a lone surrogate)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{name} cannot be encoded as UTF-8: character {exc.start + 1} is a lone surrogate"
        ) from None
    return value


def check_token(name: str, value: str) -> str:
    """``value`` if ``check_text`` takes it and it is not ``""``, ``"."`` or ``".."`` (path
    navigation even percent-encoded; ``ValueError``)."""
    if check_text(name, value) in ("", ".", ".."):
        raise ValueError(f"{name} {value!r} is not a valid token")
    return value


def check_count(name: str, value: int) -> int:
    """``value`` if it is an ``int`` (else ``TypeError``) of at least 1 (else ``ValueError``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def check_seconds(name: str, value: float) -> float:
    """``value`` as a float if it is a number (else ``TypeError``) of seconds above 0 and at
    most 1e9, about 31 years (else ``ValueError``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not (math.isfinite(value) and 0 < value <= 1e9):
        raise ValueError(f"{name} must be a number of seconds above 0 and at most 1e9, not {value}")
    return float(value)
