"""Query Run results as ``pandas.DataFrame``s (the optional ``pandas`` extra, imported
only when a frame is asked for), the body read by pandas through ``ChunkStream``."""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias

import httpx

from .errors import Redactor, ResponseParseError

if TYPE_CHECKING:
    import pandas

DataFrame: TypeAlias = "pandas.DataFrame"
PANDAS_MISSING = (
    'result_dataframe needs pandas, which is not installed: pip install "mode-query-runs[pandas]"'
)


def require_pandas() -> ModuleType:
    """The ``pandas`` module (``ImportError`` with ``PANDAS_MISSING`` when missing)."""
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise ImportError(PANDAS_MISSING) from None


class ChunkStream(io.RawIOBase):
    """A binary file of the chunks ``next_chunk()`` gives (``b""``: the end, asked once)."""

    def __init__(self, next_chunk: Callable[[], bytes]) -> None:
        super().__init__()
        self._next_chunk: Callable[[], bytes] | None = next_chunk
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left and self._next_chunk:
            self._left = memoryview(self._next_chunk())
            if not self._left:
                self._next_chunk = None  # the end: never asked again
        size = min(len(buffer), len(self._left))
        buffer[:size], self._left = self._left[:size], self._left[size:]
        return size


def read_frame(
    pd: ModuleType,
    stream: ChunkStream,
    format: str,
    response: httpx.Response,
    redactor: Redactor | None = None,
) -> DataFrame:
    """A result body read by ``pandas.read_csv`` (its type inference) or ``read_json`` (an
    array of rows, each value keeping its JSON type); ``ResponseParseError`` if it fails."""
    reader = io.BufferedReader(stream)
    try:
        if format == "csv":
            return pd.read_csv(reader, encoding="utf-8-sig")
        return pd.read_json(reader, orient="records", dtype=False, precise_float=True)
    except ValueError as exc:  # UnicodeDecodeError included
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ResponseParseError(
            f"result {format.upper()} cannot be read as a DataFrame: {detail}",
            status=response.status_code,
            method=response.request.method,
            url=str(response.request.url),
            redactor=redactor,
        ) from None
