"""The recorded mock server: a real HTTP server that replays cassettes.

A Starlette application served by uvicorn. Every request must carry HTTP Basic auth with
the demo credentials (``DEMO_TOKEN`` / ``DEMO_SECRET``), else it gets Mode's ``401``
error body. A request is matched on its method, path and query string against the
cassettes' interactions (scheme and host are ignored) and answered with the recorded
status, headers and body; anything not recorded gets Mode's ``404`` error body.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import secrets
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .cassette import Interaction, bundled_directory, load_directory, request_key

__all__ = ["DEMO_ACCOUNT", "DEMO_SECRET", "DEMO_TOKEN", "MockServer", "create_app"]

DEMO_ACCOUNT = "acme"
DEMO_TOKEN = "demo-token"
DEMO_SECRET = "demo-secret"
MEDIA_TYPE = "application/hal+json"
_STARTUP_SECONDS = 10.0


def _error(status: int, error_id: str, message: str) -> Response:
    body = json.dumps({"id": error_id, "message": message})
    headers = {"WWW-Authenticate": 'Basic realm="Mode"'} if status == 401 else None
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _authorized(request: Request, token: str, secret: str) -> bool:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, sep, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return (
        bool(sep)
        and secrets.compare_digest(user, token)
        and secrets.compare_digest(password, secret)
    )


def create_app(
    interactions: list[Interaction],
    *,
    token: str = DEMO_TOKEN,
    secret: str = DEMO_SECRET,
    log: list[tuple[str, str]] | None = None,
    latency: float = 0.0,
) -> Starlette:
    """The ASGI application replaying ``interactions`` (the first recording of a request wins).

    Args:
        interactions: What to replay.
        token: The API token requests must authenticate with.
        secret: The API secret requests must authenticate with.
        log: If given, ``(method, path?query)`` of every request received is appended.
        latency: Seconds to wait before answering each request (to simulate a network).
    """
    table: dict[tuple[str, str], Interaction] = {}
    for interaction in interactions:
        table.setdefault(interaction.key, interaction)

    async def replay(request: Request) -> Response:
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
        target = raw_path.decode("latin-1")
        if request.url.query:
            target += "?" + request.url.query
        if log is not None:
            log.append((request.method, target))
        if latency > 0:
            await asyncio.sleep(latency)
        if not _authorized(request, token, secret):
            return _error(401, "unauthorized", "Unauthorized")
        recorded = table.get(request_key(request.method, target))
        if recorded is None:
            return _error(404, "not_found", "Not found")
        headers = {
            name: values[0]
            for name, values in recorded.headers.items()
            if values and name.lower() not in ("content-length", "transfer-encoding")
        }
        return Response(recorded.body.encode("utf-8"), status_code=recorded.status, headers=headers)

    async def unrouted(request: Request, exc: Exception) -> Response:
        # A path the route pattern cannot match (one with a decoded newline) is answered
        # like any other unrecorded request, not with Starlette's plain-text 404.
        return await replay(request)

    return Starlette(
        routes=[Route("/{path:path}", replay, methods=["GET", "HEAD"])],
        exception_handlers={404: unrouted},
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


class MockServer:
    """The mock server running in a background thread, for demos and tests.

    Args:
        cassettes: Directory of cassettes to replay; the bundled ones by default.
        host: Loopback address to listen on.
        port: TCP port; ``0`` picks a free one.
        latency: Seconds added before every answer (``0``: none).

    Use as a context manager, or call :meth:`start` and :meth:`stop`. ``base_url`` is the
    API base URL to give a client (``http://127.0.0.1:<port>/api``).
    """

    def __init__(
        self,
        cassettes: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
    ) -> None:
        self.cassettes = cassettes or bundled_directory()
        self.host = host
        self.port = port or free_port(host)
        self.requests: list[tuple[str, str]] = []
        """``(method, path?query)`` of every request received, in order."""
        app = create_app(load_directory(self.cassettes), log=self.requests, latency=latency)
        config = uvicorn.Config(app, host=host, port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="mode-mock", daemon=True)

    account = DEMO_ACCOUNT
    token = DEMO_TOKEN
    secret = DEMO_SECRET

    @property
    def url(self) -> str:
        """``http://<host>:<port>``: the server's origin."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL on this server, ``<url>/api``."""
        return f"{self.url}/api"

    def start(self) -> None:
        """Start serving; return once the server accepts connections.

        Raises:
            RuntimeError: the server did not start within 10 seconds (e.g. port taken).
        """
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"mock server failed to start on {self.url}")
            time.sleep(0.01)

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (SIGINT / SIGTERM)."""
        self._server.run()

    def stop(self) -> None:
        """Stop serving and wait for the server thread to end."""
        self._server.should_exit = True
        self._thread.join(timeout=_STARTUP_SECONDS)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
