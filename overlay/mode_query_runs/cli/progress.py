"""A download progress bar for the command line, drawn by rich on a terminal only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TextIO

from ..results import Progress

__all__ = ["terminal_progress"]


@contextlib.contextmanager
def terminal_progress(
    stream: TextIO, description: str, *, counting: bool = False
) -> Iterator[Progress | None]:
    """A ``progress(bytes_done, bytes_total)`` callback drawing a bar on ``stream``.

    ``counting``: the bar counts items (``done/total``), not bytes.

    Yields ``None`` (no bar) when ``stream`` is not a terminal, so piped and redirected
    output stays clean. The bar shows bytes, speed and, when the total is known, the
    percentage and time left; it is removed when the block ends.
    """
    if not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )
    from rich.progress import (
        Progress as Bar,
    )

    columns: tuple[ProgressColumn, ...] = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    if counting:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Bar(*columns, console=Console(file=stream, force_terminal=True), transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update
