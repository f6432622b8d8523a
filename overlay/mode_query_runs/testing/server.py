"""The recorded mock server: a real HTTP server that replays cassettes.

A Starlette application served by uvicorn. Every request must carry HTTP Basic auth with
the demo credentials (``DEMO_TOKEN`` / ``DEMO_SECRET``), else it gets Mode's ``401``
error body. A request is matched on its method, path and query string against the
cassettes' interactions (scheme and host are ignored) and answered with the recorded
status, headers and body; anything not recorded gets Mode's ``404`` error body. A request
recorded several times is answered with its recordings in order, the last one repeating
(as VCR.py replays a cassette with ``allow_playback_repeats``): a Query Run recorded
``running`` then ``succeeded`` is ``running`` to the first poll, then ``succeeded``.

Under load (``MockServer``'s limits): a connection that sends nothing, or its request line
and headers too slowly, is closed (``deadlines``); a request past a number of connections
or requests in progress gets ``503``; the server's errors, such as an accept that fails for
lack of file descriptors, are logged once per 10 seconds, not per attempt (``repeats``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from .cassette import (
    Interaction,
    bundled_directory,
    load_directory,
    recorded_account,
)
from .credentials import DEMO_ACCOUNT, DEMO_SECRET, DEMO_TOKEN

try:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
except ModuleNotFoundError as missing:  # the `testing` extra is not installed
    if missing.name not in {"uvicorn", "starlette"}:
        raise
    raise ModuleNotFoundError(
        f"the mock server needs {missing.name}, which is not installed:"
        ' pip install "mode-query-runs[testing]"',
        name=missing.name,
    ) from missing

from .deadlines import DeadlineConfig
from .ratelimit import LeakyBuckets, RateLimit, parse_rate_limit
from .repeats import OncePerInterval, log_loop_errors
from .storage import STORAGE_HOST, redirect_targets, relocate, storage_refusal

__all__ = ["DEMO_ACCOUNT", "DEMO_SECRET", "DEMO_TOKEN", "MockServer", "Replay", "create_app"]

MEDIA_TYPE = "application/hal+json"
_STARTUP_SECONDS = 10.0
_SHUTDOWN_SECONDS = 5
"""Seconds a stopping server waits for requests in progress before cancelling them."""
REPEAT_SECONDS = 10.0
"""Seconds between two log lines of the same server warning or error (``repeats``)."""

LOG = logging.getLogger("uvicorn.error.mock")
"""Where the mock server's event loop and connections log (through uvicorn's handler, to
stderr): the same message at most once per ``REPEAT_SECONDS``."""
LOG.addFilter(OncePerInterval(REPEAT_SECONDS))


def _error(status: int, error_id: str, message: str) -> Response:
    body = json.dumps({"id": error_id, "message": message})
    headers = {"WWW-Authenticate": 'Basic realm="Mode"'} if status == 401 else None
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _authorized(request: Request, token: str, secret: str) -> bool:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, sep, password = base64.b64decode(encoded, validate=True).partition(b":")
    except binascii.Error:
        return False
    # Bytes, not str: compare_digest refuses str with non-ASCII characters.
    return (
        bool(sep)
        and secrets.compare_digest(user, token.encode())
        and secrets.compare_digest(password, secret.encode())
    )


class Replay:
    """The recordings of each request and which one answers it next.

    A request recorded ``n`` times is answered with its recordings in order (cassette
    files by name, then order within a file); from the ``n``-th request on, the last one
    repeats. Each ``MockServer`` (each ``create_app``) keeps its own positions.

    Args:
        interactions: What to replay.
    """

    def __init__(self, interactions: list[Interaction]) -> None:
        self.interactions = list(interactions)
        self._recorded: dict[tuple[str, str], list[Interaction]] = {}
        for interaction in interactions:
            self._recorded.setdefault(interaction.key, []).append(interaction)
        self._served: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._recorded

    def next(self, key: tuple[str, str]) -> Interaction | None:
        """The recording answering this request of ``key`` (``(METHOD, path?query)``),
        or ``None`` when it is not recorded."""
        found = self._recorded.get(key)
        if not found:
            return None
        with self._lock:
            served = self._served.get(key, 0)
            self._served[key] = served + 1
        return found[min(served, len(found) - 1)]

    def rewind(self) -> None:
        """Start every request over at its first recording."""
        with self._lock:
            self._served.clear()


def create_app(
    interactions: list[Interaction] | Replay,
    *,
    token: str = DEMO_TOKEN,
    secret: str = DEMO_SECRET,
    log: list[tuple[str, str]] | None = None,
    latency: float = 0.0,
    storage: tuple[str, int] | None = None,
    buckets: LeakyBuckets | None = None,
) -> Starlette:
    """The ASGI application replaying ``interactions``.

    Args:
        interactions: What to replay, or a ``Replay`` of them (to rewind it later).
            A request recorded several times gets its recordings in order, the last one
            repeating.
        token: The API token requests must authenticate with.
        secret: The API secret requests must authenticate with.
        log: If given, ``(method, path?query)`` of every request received is appended.
        latency: Seconds to wait before answering each request (to simulate a network).
        storage: ``(host, port)`` of the storage origin, where the targets of recorded
            redirects are served without auth (see ``storage``); requests that arrive
            there are logged with that origin before the path.
        buckets: If given, API requests over their credential's leaky bucket get Mode's
            ``429`` with ``Retry-After`` (see ``ratelimit``).
    """
    replay_of = interactions if isinstance(interactions, Replay) else Replay(interactions)
    targets = redirect_targets(replay_of.interactions)
    storage_origin = f"http://{storage[0]}:{storage[1]}" if storage else ""

    async def replay(request: Request) -> Response:
        # The request target as sent, read from the scope alone: building request.url (or
        # splitting the target as a URL) fails for targets like "//[x/api".
        raw_path: bytes = request.scope.get("raw_path") or request.scope["path"].encode()
        target = raw_path.decode("latin-1") or "/"
        query: bytes = request.scope.get("query_string") or b""
        if query:
            target += "?" + query.decode("latin-1")
        on_storage = storage is not None and tuple(request.scope.get("server") or ()) == storage
        if log is not None:
            log.append((request.method, storage_origin + target if on_storage else target))
        if latency > 0:
            await asyncio.sleep(latency)
        if buckets is not None and not on_storage:
            wait = buckets.retry_after(request.headers.get("Authorization", ""))
            if wait is not None:
                limited = _error(429, "rate_limited", "Too many requests")
                limited.headers["Retry-After"] = str(wait)
                return limited
        key = (request.method.upper(), target)
        if on_storage:
            refusal = storage_refusal(request)
            if refusal is not None:
                return refusal
            if key not in targets:
                return Response("<Error><Code>NoSuchKey</Code></Error>", 404)
        elif not _authorized(request, token, secret):
            return _error(401, "unauthorized", "Unauthorized")
        recorded = replay_of.next(key) if on_storage or key not in targets else None
        if recorded is None:
            return _error(404, "not_found", "Not found")
        headers = {
            name: values[0]
            for name, values in recorded.headers.items()
            if values and name.lower() not in ("content-length", "transfer-encoding")
        }
        if storage_origin:
            headers = relocate(headers, storage_origin)
        return Response(recorded.body.encode("utf-8"), status_code=recorded.status, headers=headers)

    async def unrouted(request: Request, exc: Exception) -> Response:
        # A path the route pattern cannot match (one with a decoded newline), or a method
        # it does not take (POST), is answered like any other unrecorded request, after
        # the same auth check: not with Starlette's plain-text 404 or 405.
        return await replay(request)

    return Starlette(
        routes=[Route("/{path:path}", replay, methods=["GET", "HEAD"])],
        exception_handlers={404: unrouted, 405: unrouted},
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _free_port_or_refuse(host: str) -> int:
    try:
        return free_port(host)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RuntimeError(f"mock server cannot listen on {host}: {reason}") from None


class _Server(uvicorn.Server):
    """uvicorn's server, logging its event loop's errors through ``LOG`` (``repeats``)."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().set_exception_handler(log_loop_errors(LOG))
        await super().startup(sockets=sockets)


class MockServer:
    """The mock server running in a background thread, for demos and tests.

    Args:
        cassettes: Directory of cassettes to replay; the bundled ones by default.
        host: Loopback address to listen on.
        port: TCP port; ``0`` picks a free one.
        latency: Seconds added before every answer (``0``: none).
        storage_host: Loopback address of the second origin serving redirected results
            (``storage_url``, on a free port), which rejects ``Authorization``.
        rate_limit: A leaky bucket per credential, as a ``RateLimit`` or
            ``"RATE[/BURST]"`` (requests per second, burst): requests over it get Mode's
            ``429`` with ``Retry-After`` in whole seconds (``None``: no limit).
        idle_timeout: Seconds a connection with no request in progress (just opened, or
            after a response) may stay silent before it is closed (5 s by default;
            uvicorn's keep-alive timeout, here also before the first request).
        request_timeout: Seconds such a connection has to send its next request line and
            headers whole, however steadily the bytes come, before it is closed (10 s).
            Neither timeout applies while a request is answered (``latency`` included).
        limit_concurrency: A request arriving while this many connections are open (its
            own included, idle ones too) or requests are in progress is answered ``503
            Service Unavailable`` (uvicorn's ``limit_concurrency``; 1,000 by default,
            ``None``: no limit).
        backlog: Connections the kernel keeps waiting to be accepted, per origin (128);
            past it, it drops new ones until the server catches up (their clients retry).

    Each origin accepts connections until the process runs out of file descriptors; it
    then stops accepting for a second at a time (asyncio's back-off) and logs it once per
    ``REPEAT_SECONDS`` (10 s), not once per attempt, until idle connections time out.

    Use as a context manager, or call ``start`` and ``stop``. ``base_url`` is the
    API base URL to give a client (``http://127.0.0.1:<port>/api``).

    Raises:
        ValueError: a cassette cannot be loaded (see ``cassette.load_cassette``); a
            ``rate_limit`` that is not ``RATE[/BURST]``; a timeout that is not a positive
            number of seconds, a ``limit_concurrency`` or ``backlog`` below 1.
        RuntimeError: no free port can be picked on ``host`` or ``storage_host`` (the
            message names the address and the reason).
    """

    def __init__(
        self,
        cassettes: str | os.PathLike[str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        storage_host: str = STORAGE_HOST,
        rate_limit: RateLimit | str | None = None,
        idle_timeout: float = 5.0,
        request_timeout: float = 10.0,
        limit_concurrency: int | None = 1000,
        backlog: int = 128,
    ) -> None:
        for name, seconds in (("idle_timeout", idle_timeout), ("request_timeout", request_timeout)):
            if not 0 < seconds < float("inf"):
                raise ValueError(f"{name} must be a positive number of seconds, not {seconds!r}")
        for name, count in (("limit_concurrency", limit_concurrency), ("backlog", backlog)):
            if count is not None and count < 1:
                raise ValueError(f"{name} must be at least 1, not {count!r}")
        if isinstance(rate_limit, str):
            rate_limit = parse_rate_limit(rate_limit)
        self.buckets = LeakyBuckets(rate_limit) if rate_limit is not None else None
        """The leaky buckets of ``rate_limit`` (their ``limited`` counts the ``429``
        answers), or ``None``."""
        self.cassettes = Path(cassettes) if cassettes else bundled_directory()
        self.host = host
        self.port = port or _free_port_or_refuse(host)
        self.storage_host = storage_host
        self.storage_port = _free_port_or_refuse(storage_host)
        self.requests: list[tuple[str, str]] = []
        """``(method, path?query)`` of every request received, in order (``storage_url``
        before the path for requests to the storage origin)."""
        interactions = load_directory(self.cassettes)
        self.account = recorded_account(interactions) or DEMO_ACCOUNT
        """The account in the served cassettes' ``/api/<account>/`` paths when they all name
        the same one, else ``DEMO_ACCOUNT``."""
        self._replay = Replay(interactions)
        app = create_app(
            self._replay,
            log=self.requests,
            latency=latency,
            storage=(storage_host, self.storage_port),
            buckets=self.buckets,
        )
        config = DeadlineConfig(
            app,
            idle_timeout=idle_timeout,
            request_timeout=request_timeout,
            logger=LOG,
            host=host,
            port=self.port,
            log_level="warning",
            lifespan="off",
            limit_concurrency=limit_concurrency,
            backlog=backlog,
            timeout_graceful_shutdown=_SHUTDOWN_SECONDS,
        )
        self._server = _Server(config)
        self._thread = threading.Thread()
        self._failure: BaseException | None = None
        # Set while no server thread runs. wait() and stop() wait on it, not on the thread:
        # on Python 3.11 a join interrupted by a signal handler's exception can leave the
        # thread marked dead while it still runs (CPython issue 90882).
        self._stopped = threading.Event()
        self._stopped.set()

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

    @property
    def storage_url(self) -> str:
        """``http://<storage_host>:<storage_port>``: the storage origin."""
        return f"http://{self.storage_host}:{self.storage_port}"

    def rewind(self) -> None:
        """Answer every request with its first recording again, as a new server would.

        A request recorded several times gets its recordings in order, the last one
        repeating; positions are kept per server for as long as it runs (the pytest
        fixture's server lives for a test module): rewind between tests that each expect
        the sequence from its start.
        """
        self._replay.rewind()

    def _listen(self) -> list[socket.socket]:
        sockets: list[socket.socket] = []
        for host, port in ((self.host, self.port), (self.storage_host, self.storage_port)):
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            # Accepted connections inherit it: no Nagle delay between headers and body.
            listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                listener.bind((host, port))
            except OSError as exc:
                for opened in sockets:
                    opened.close()
                reason = exc.strerror or str(exc)
                message = f"mock server cannot listen on {host}:{port}: {reason}"
                raise RuntimeError(message) from None
        return sockets

    def _run(self, sockets: list[socket.socket]) -> None:
        try:
            self._server.run(sockets=sockets)
        except BaseException as exc:  # reported by start(), not by the thread's excepthook
            self._failure = exc
        finally:
            for listener in sockets:
                listener.close()
            self._stopped.set()

    def start(self) -> None:
        """Bind both origins, start serving in a background thread; return once the server
        accepts connections.

        Raises:
            RuntimeError: an address could not be bound (the message names it and the
                reason, e.g. ``Address already in use``), or the server did not start
                within 10 seconds.
        """
        sockets = self._listen()
        self._stopped.clear()
        self._thread = threading.Thread(
            target=self._run, args=(sockets,), name="mode-mock", daemon=True
        )
        try:
            self._thread.start()
        except BaseException:
            self._stopped.set()
            raise
        deadline = time.monotonic() + _STARTUP_SECONDS
        while not self._server.started:
            if self._stopped.is_set() or time.monotonic() > deadline:
                reason = f": {self._failure!r}" if self._failure is not None else ""
                raise RuntimeError(f"mock server failed to start on {self.url}{reason}")
            time.sleep(0.01)

    def wait(self) -> None:
        """Block until the server stops; a signal handler may interrupt the wait.

        The main thread wakes up every 0.2 s: a signal the kernel delivers to the server's
        thread (SIGTERM, SIGINT) does not interrupt a join in the main thread, and Python
        runs its handler only once the main thread runs again.
        """
        while not self._stopped.wait(0.2):
            pass

    def serve_forever(self) -> None:
        """Start, serve until interrupted (SIGINT / SIGTERM in the calling thread), stop.

        Raises:
            RuntimeError: as ``start``.
        """
        with self:
            self.wait()

    def stop(self) -> None:
        """Stop serving and wait for the server thread to end (up to 10 seconds: open
        connections are closed, requests in progress get 5 seconds to finish)."""
        self._server.should_exit = True
        if self._stopped.wait(timeout=_STARTUP_SECONDS) and self._thread.ident is not None:
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
