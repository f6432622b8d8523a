"""uvicorn's HTTP/1.1 (h11) protocol with deadlines on a connection waiting for a request.

uvicorn closes a connection idle after a response (``timeout_keep_alive``) but sets no
timer before the first request, and cancels that one on any byte received: a connection
that sends nothing, or its request line and headers a byte at a time, stays open for good.
``DeadlineH11Protocol`` adds two deadlines to a connection with no request in progress
(just opened, or after a response):

- idle: no byte for ``idle_timeout`` seconds closes it (uvicorn's own keep-alive timer,
  armed from the start too, and again after each byte);
- request: the next request's line and headers not received whole within
  ``request_timeout`` seconds close it, however steadily the bytes come.

Closing is without an answer, as uvicorn's keep-alive timeout does. A request in progress
(its app running, its response being written) is never timed out here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

__all__ = ["DeadlineConfig", "DeadlineH11Protocol"]


class DeadlineConfig(Config):
    """uvicorn's ``Config`` serving with ``DeadlineH11Protocol``, without WebSockets (an
    upgrade would hand the connection to a protocol the deadlines know nothing of; uvicorn
    then warns and answers the request as plain HTTP).

    Args:
        app: The ASGI application.
        idle_timeout: Seconds without a byte before a connection with no request in
            progress is closed.
        request_timeout: Seconds within which a connection with no request in progress
            must send the next request's line and headers whole.
        logger: Where connections log their warnings and errors (uvicorn's
            ``uvicorn.error`` by default).
        options: Any other ``uvicorn.Config`` argument (not ``http``, ``ws``,
            ``timeout_keep_alive``).
    """

    def __init__(
        self,
        app: Any,
        *,
        idle_timeout: float,
        request_timeout: float,
        logger: logging.Logger | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            app,
            http=DeadlineH11Protocol,
            ws="none",
            # uvicorn types it int for its command line; it only passes it to
            # loop.call_later, which takes float seconds.
            timeout_keep_alive=idle_timeout,  # type: ignore[arg-type]
            **options,
        )
        self.request_timeout = request_timeout
        self.logger = logger


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's ``H11Protocol`` with the deadlines of a ``DeadlineConfig``."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if not isinstance(config, DeadlineConfig):
            raise TypeError(f"DeadlineH11Protocol needs a DeadlineConfig, not {config!r}")
        self.request_timeout = config.request_timeout
        if config.logger is not None:
            self.logger = config.logger
        self.request_timer: asyncio.TimerHandle | None = None

    def connection_made(  # type: ignore[override]
        self, transport: asyncio.Transport
    ) -> None:
        super().connection_made(transport)
        # uvicorn arms its keep-alive (idle) timer only once a response is complete.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )
        self._await_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # cancels the keep-alive timer, may start a request
        # uvicorn re-arms it only after a response: part of a request head, then silence,
        # would be timed out by the request timer alone.
        if (
            self.timeout_keep_alive_task is None
            and not self.transport.is_closing()
            and self._no_request_in_progress()
        ):
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

    def on_response_complete(self) -> None:
        super().on_response_complete()  # arms the keep-alive timer, starts a pipelined request
        if not self.transport.is_closing() and self._no_request_in_progress():
            self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.request_timer is not None:
            self.request_timer.cancel()
            self.request_timer = None
        super().connection_lost(exc)

    def _no_request_in_progress(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _await_request(self) -> None:
        if self.request_timer is not None:
            self.request_timer.cancel()
        self.request_timer = self.loop.call_later(self.request_timeout, self._request_timed_out)

    def _request_timed_out(self) -> None:
        self.request_timer = None
        if self._no_request_in_progress():
            self.timeout_keep_alive_handler()  # closes the connection (unless it is closing)
