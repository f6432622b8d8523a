"""``MockServer.wait`` (what ``mock serve`` blocks in) ends on SIGTERM even when the kernel
delivers the signal to the server's thread rather than the main one."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import signal, threading, time
from mode_query_runs.testing.server import MockServer

def terminated(signum, frame):
    raise SystemExit(143)

signal.signal(signal.SIGTERM, terminated)
server = MockServer()
server.start()

def to_the_server_thread():
    time.sleep(0.3)
    signal.pthread_kill(server._thread.ident, signal.SIGTERM)

threading.Thread(target=to_the_server_thread, daemon=True).start()
try:
    server.wait()
finally:
    server.stop()
"""


def test_a_signal_to_the_server_thread_ends_the_wait() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 143, result.stderr
