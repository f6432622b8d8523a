"""The SDK's own blocking pool (without proxies): httpcore's network backend gives each
connect, write and read what is left of the exchange's deadline (``bound``), so a head
trickled byte by byte or endless ``1xx`` answers cannot hold a request past it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
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


unbound = _DEADLINE.reset  # undoes the ``bound`` whose token it is given


def _within(timeout: float | None, timed_out: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` cut to what is left before the deadline (``timed_out`` once past)."""
    if (deadline := _DEADLINE.get()) is None:
        return timeout
    if (left := deadline - time.monotonic()) <= 0:
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

    def start_tls(self, ssl_context: Any, server_hostname: Any = None, timeout: Any = None) -> Any:
        left = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.SyncBackend):
    def connect_tcp(
        self, host: str, port: int, timeout: Any = None, *args: Any, **options: Any
    ) -> _Stream:
        left = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(super().connect_tcp(host, port, left, *args, **options))


@contextmanager
def _as_httpx() -> Iterator[None]:
    """httpcore's exceptions raised as httpx's of the same name."""
    try:
        yield
    except Exception as exc:
        httpcore_error = type(exc).__module__.startswith("httpcore")
        named = getattr(httpx, type(exc).__name__, None) if httpcore_error else None
        if isinstance(named, type) and issubclass(named, httpx.TransportError):
            raise named(str(exc)) from exc
        raise


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx():
            yield from self._stream

    def close(self) -> None:
        with _as_httpx():
            self._stream.close()


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
        url, stream = request.url, request.stream
        target = httpcore.URL(
            scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
        )
        sent = httpcore.Request(request.method, target, headers=request.headers.raw, content=stream)
        sent.extensions = request.extensions
        with _as_httpx():
            answer = self._pool.handle_request(sent)
        body = _Body(answer.stream)
        return httpx.Response(
            answer.status, headers=answer.headers, stream=body, extensions=answer.extensions
        )

    def close(self) -> None:
        self._pool.close()
