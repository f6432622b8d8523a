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
@click.option(
    "--rate-limit",
    metavar="RATE[/BURST]",
    callback=lambda ctx, param, value: _rate_limit(value),
    help="Answer 429 past a leaky bucket per credential (requests per second, burst).",
)
@reports_errors
def mock_serve(
    host: str, port: int, cassettes: Path | None, latency: float, rate_limit: str | None = None
) -> None:
    """Serve recorded interactions until interrupted (Ctrl-C or SIGTERM)."""
    from ..testing.server import MockServer

    try:
        server = MockServer(cassettes, host=host, port=port, latency=latency, rate_limit=rate_limit)
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


def _rate_limit(value: str | None) -> str | None:
    """``--rate-limit``, checked: a value that is not ``RATE[/BURST]`` is a usage error."""
    if value is None:
        return None
    from ..testing.ratelimit import parse_rate_limit

    try:
        parse_rate_limit(value)
        return value
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
