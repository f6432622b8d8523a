"""Checks of the settings a client is given, and the values they default to.

Bad settings fail at once, in the constructor, with a message naming the setting, rather
than later inside the socket layer.
"""

from __future__ import annotations

import math
import platform

import httpx

from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_TIMEOUT",
    "ERROR_BODY_BYTES",
    "MAX_SECONDS",
    "check_body_limit",
    "check_seconds",
    "check_token",
    "package_version",
    "user_agent",
]

DEFAULT_BASE_URL = "https://app.mode.com/api"
DEFAULT_TIMEOUT = 30.0


def package_version() -> str:
    """The version of ``mode-query-runs`` (the distribution's, which is read from the same
    ``_version.py``)."""
    return __version__


def user_agent() -> str:
    """``mode-query-runs/<version> httpx/<version> python/<version>``."""
    python = platform.python_version()
    return f"mode-query-runs/{package_version()} httpx/{httpx.__version__} python/{python}"


def check_text(name: str, value: str) -> str:
    """Return ``value`` if it is a ``str`` UTF-8 can encode (sent in a path or the Basic
    auth header); the error names ``name``, never the value (it may be a credential).

    Raises:
        TypeError: ``value`` is not a ``str``.
        ValueError: it holds a lone surrogate (``"\\udc80"``, from bytes decoded with
            ``surrogateescape``).
    """
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
    """Return ``value`` if it can be a path segment; raise ``ValueError`` otherwise.

    Tokens are percent-encoded by the generated operations, so ``/``, ``?`` and ``#``
    cannot change the path; ``""``, ``"."`` and ``".."`` would still be read as path
    navigation, so they are refused, as is text UTF-8 cannot encode (``check_text``).
    """
    if check_text(name, value) in ("", ".", ".."):
        raise ValueError(f"{name} {value!r} is not a valid token")
    return value


MAX_SECONDS = 1e9
"""The longest duration any setting accepts, in seconds (about 31 years)."""


DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
"""The largest JSON API body read by default, in bytes (32 MiB; a page of 1,000 Query Runs
is about 1.3 MB). Result downloads are streamed to disk and have no such limit."""
ERROR_BODY_BYTES = 64 * 1024
"""How much of an error body (status 400 and above) is read, in bytes: enough for Mode's
``{id, message}`` and the excerpt an error shows."""


def check_body_limit(value: int) -> int:
    """Return ``value`` if it is a usable body size limit in bytes; raise otherwise.

    Raises:
        TypeError: not an ``int``.
        ValueError: below 1.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_body_bytes must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"max_body_bytes must be at least 1, not {value}")
    return value


def check_seconds(name: str, value: float) -> float:
    """Return ``value`` if it is a usable duration in seconds; raise ``ValueError`` otherwise.

    Usable means a finite number above 0 and at most ``MAX_SECONDS``: ``0``, negative
    numbers, ``nan`` and ``inf`` would fail later, deep inside the socket layer.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise ValueError(f"{name} must be a number of seconds above 0 and at most 1e9, not {value}")
    return float(value)
