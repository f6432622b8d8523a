"""``mock serve``: the recorded mock server on a port of this machine."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Seconds, fail, reports_errors

__all__ = ["mock_group"]


@click.group("mock")
def mock_group() -> None:
    """The recorded mock server."""


@mock_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True)
@click.option(
    "--cassettes",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of VCR.py cassettes to replay instead of the bundled ones.",
)
@click.option(
    "--latency",
    type=Seconds(min_open=False),
    default=0.0,
    metavar="SECONDS",
    help="Wait this long before answering each request (simulates a network).",
)
@reports_errors
def mock_serve(host: str, port: int, cassettes: Path | None, latency: float) -> None:
    """Serve recorded interactions until interrupted (Ctrl-C or SIGTERM)."""
    from ..testing.server import MockServer

    try:
        server = MockServer(cassettes, host=host, port=port, latency=latency)
        server.start()
    except RuntimeError as exc:
        fail(str(exc))
    try:
        click.echo(f"Serving {server.cassettes} at {server.base_url}")
        click.echo(
            f"Demo credentials: MODE_API_TOKEN={server.token} MODE_API_SECRET={server.secret}"
            f" MODE_ACCOUNT={server.account} MODE_BASE_URL={server.base_url}"
        )
        server.wait()
    finally:
        server.stop()
