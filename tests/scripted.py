"""A loopback HTTP server that answers each request with the next scripted response.

For behaviour the recorded mock server cannot show: a 429 then a 200, a 503 every time,
a body cut off mid-way. Every request's method, path and headers are kept.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self


@dataclass
class Scripted:
    """A response to send: status, headers, body; ``cut_after`` bytes, then hang up."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    cut_after: int | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class ScriptedServer:
    """Answers requests in order with ``script``; then 500s (``script exhausted``).

    Args:
        script: The responses, in order.
        host: Loopback address to listen on (``127.0.0.2`` is another origin).
    """

    def __init__(self, *script: Scripted, host: str = "127.0.0.1") -> None:
        self.script = deque(script)
        self.seen: list[Seen] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner.seen.append(Seen("GET", self.path, dict(self.headers.items())))
                answer = owner.script.popleft() if owner.script else Scripted(500, b"exhausted")
                self.send_response(answer.status)
                headers = {"Content-Type": "application/hal+json", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if answer.cut_after is None:
                    self.wfile.write(answer.body)
                else:
                    self.wfile.write(answer.body[: answer.cut_after])
                    self.wfile.flush()
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
