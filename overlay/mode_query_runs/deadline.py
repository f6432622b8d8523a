"""The SDK's own blocking pool (without proxies): httpcore's network backend gives each
connect, write and read what is left of the exchange's deadline (``bound``), so a head
trickled byte by byte or endless ``1xx`` answers cannot hold a request past it."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar, Token
from typing import Any

import httpcore
import httpx

__all__ = ["DeadlineTransport", "bound", "unbound"]

_DEADLINE: ContextVar[float | None] = ContextVar("mode_query_runs.deadline", default=None)


def bound(seconds: float) -> Token[float | None]:
    """Hold this thread's socket operations to ``seconds`` from now, until ``unbound``
    is given the token this returns."""
    return _DEADLINE.set(time.monotonic() + max(seconds, 0.0))


unbound = _DEADLINE.reset
"""Undo the ``bound`` whose token it is given."""


def _within(timeout: float | None, timed_out: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` cut to what is left before the deadline (``timed_out`` once past)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise timed_out("the exchange's deadline has passed")
    return left if timeout is None or left < timeout else timeout


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # b"" (an empty piece of a body, or its end) has nothing to send
            self._stream.write(buffer, _within(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _Stream:
        left = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.SyncBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _Stream:
        left = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(super().connect_tcp(host, port, left, local_address, socket_options))


def _as_httpx(exc: Exception) -> None:
    """Raise httpcore's exception as httpx's of the same name; return for any other."""
    name = type(exc).__name__
    named = type(exc).__module__.startswith("httpcore") and getattr(httpx, name, None)
    if isinstance(named, type) and issubclass(named, httpx.TransportError):
        raise named(str(exc)) from exc


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except Exception as exc:
            _as_httpx(exc)
            raise

    def close(self) -> None:
        try:
            getattr(self._stream, "close", lambda: None)()
        except Exception as exc:
            _as_httpx(exc)
            raise


class DeadlineTransport(httpx.BaseTransport):
    """httpx's blocking HTTP/1.1 transport (default limits and certificates) over sockets
    held to ``bound`` (``OSError`` if ``SSL_CERT_FILE`` cannot be read)."""

    def __init__(self) -> None:
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        sent = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            answer = self._pool.handle_request(sent)
        except Exception as exc:
            _as_httpx(exc)
            raise
        return httpx.Response(
            answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),  # type: ignore[arg-type]
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()
