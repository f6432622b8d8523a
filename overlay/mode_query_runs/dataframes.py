"""Query Run results as ``pandas.DataFrame``s (the optional ``pandas`` extra, imported
only when a frame is asked for): the body goes to pandas' readers through ``ChunkStream``.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias

import httpx

from .errors import ModeAPIError, Redactor, ResponseParseError, request_identity

if TYPE_CHECKING:
    import pandas

__all__ = ["PANDAS_MISSING", "ChunkStream", "DataFrame", "read_frame", "require_pandas"]

DataFrame: TypeAlias = "pandas.DataFrame"
"""``pandas.DataFrame``, named without importing pandas (it is an optional extra)."""

PANDAS_MISSING = (
    'result_dataframe needs pandas, which is not installed: pip install "mode-query-runs[pandas]"'
)
"""The message of the ``ImportError`` raised when pandas is not installed."""


def require_pandas() -> ModuleType:
    """The ``pandas`` module (``ImportError`` with ``PANDAS_MISSING`` when missing)."""
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise ImportError(PANDAS_MISSING) from None


class ChunkStream(io.RawIOBase):
    """A read-only binary file over a body's chunks: ``next_chunk()`` gives the next one,
    ``b""`` at the end (its errors propagate). Holds at most the rest of one chunk."""

    def __init__(self, next_chunk: Callable[[], bytes]) -> None:
        super().__init__()
        self._next_chunk = next_chunk
        self._left = memoryview(b"")
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """Copy up to ``len(buffer)`` bytes of the body into ``buffer``; ``0`` at its end."""
        while not self._left and not self._ended:
            chunk = self._next_chunk()
            if chunk:
                self._left = memoryview(chunk)
            else:
                self._ended = True
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def read_frame(
    pd: ModuleType,
    stream: ChunkStream,
    format: str,
    response: httpx.Response,
    redactor: Redactor | None = None,
) -> DataFrame:
    """Parse a result body: ``"csv"`` with ``pandas.read_csv``'s type inference,
    ``"json"`` (an array of row objects) keeping each value's JSON type, floats exact.

    Raises:
        ResponseParseError: the body is not CSV / JSON of that shape (naming ``response``'s
            request; ``redactor`` hides the client's credentials).
        ModeAPIError: reading the body failed (raised by ``stream``).
    """
    reader = io.BufferedReader(stream)
    try:
        if format == "csv":
            return pd.read_csv(reader, encoding="utf-8-sig")
        return pd.read_json(
            reader,
            orient="records",
            dtype=False,
            precise_float=True,
            encoding="utf-8",
        )
    except ModeAPIError:
        raise
    except (ValueError, UnicodeDecodeError) as exc:
        method, url = request_identity(response.request)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ResponseParseError(
            f"result {format.upper()} cannot be read as a DataFrame: {detail}",
            status=response.status_code,
            method=method,
            url=url,
            redactor=redactor,
        ) from None
