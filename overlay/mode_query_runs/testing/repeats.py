"""Logging a failure that repeats at most once per interval, not once per attempt.

Out of file descriptors, asyncio's accept loop fails on every attempt and reports each one
to the event loop's exception handler, whose default logs a traceback: on Python 3.11 the
loop goes on trying up to the listen backlog times per wake-up, tens of thousands of lines
a second. ``OncePerInterval`` passes a message at most once per interval and tells how many
it left out in between; ``log_loop_errors`` is an event loop exception handler logging to
such a logger, accept failures for lack of a resource as one line (no traceback).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["OUT_OF_RESOURCES", "OncePerInterval", "log_loop_errors"]

OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
"""The ``errno`` values of an ``accept()`` that asyncio retries a second later."""


class OncePerInterval(logging.Filter):
    """A filter passing each message at most once per ``interval`` seconds.

    Messages are the same when their level and their text before ``%`` formatting are
    (``"cannot accept: %s"`` with any arguments is one message). The first one passes; the
    same one again within ``interval`` seconds of the last that passed is dropped and
    counted; the next that passes ends with how many were left out.

    Args:
        interval: Seconds between two records of the same message.
        clock: Where the time comes from (seconds, monotonic).
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval = interval
        self._clock = clock
        self._passed: dict[tuple[int, str], float] = {}
        self._dropped: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.levelno, str(record.msg))
        now = self._clock()
        with self._lock:
            last = self._passed.get(key)
            if last is not None and now - last < self.interval:
                self._dropped[key] = self._dropped.get(key, 0) + 1
                return False
            self._passed[key] = now
            dropped = self._dropped.pop(key, 0)
        if dropped:
            # Plain text after the template: no "%" to be taken for a placeholder.
            record.msg = f"{record.msg} ({dropped} more like it since the last report)"
        return True


def log_loop_errors(
    logger: logging.Logger,
) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    """An event loop exception handler logging to ``logger`` instead of the ``asyncio``
    logger, each error with its message as the text to tell repeats apart (for a filter
    such as ``OncePerInterval``).

    A failed ``accept()`` for lack of a resource (``OUT_OF_RESOURCES``) is one line
    without a traceback. Anything else is logged as the loop's default handler would: its
    message, the other items of the context, the traceback. On Python 3.11, each failed
    accept also schedules a retry of its own (up to the listen backlog of them a second),
    and those that run after the server has closed its socket each fail with the same
    message (``Exception in callback BaseSelectorEventLoop._start_serving(...)``).
    """

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        failure = context.get("exception")
        if (
            "socket" in context
            and isinstance(failure, OSError)
            and failure.errno in OUT_OF_RESOURCES
        ):
            logger.error(
                "cannot accept connections: %s (errno %s); retrying every second",
                failure.strerror,
                errno.errorcode.get(failure.errno, failure.errno),
            )
            return
        message = str(context.get("message") or "Unhandled exception in event loop")
        details = "".join(
            f"\n{key}: {value!r}"
            for key, value in context.items()
            if key not in ("message", "exception")
        )
        # The message is the template ("%" doubled), the details (addresses, times) its
        # argument: repeats of a message are the same record to a filter.
        logger.error(
            message.replace("%", "%%") + "%s",
            details,
            exc_info=failure if isinstance(failure, BaseException) else None,
        )

    return handle
