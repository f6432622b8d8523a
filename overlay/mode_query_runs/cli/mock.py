"""``mock serve``: the recorded mock server on a port of this machine."""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import click

from ..testing.cassette import Interaction, load_directory
from .common import Seconds, echo, fail, mock_server_class, reports_errors

ANY_ADDRESS = "0.0.0.0"
"""The address that listens on every interface; a client on this machine uses 127.0.0.1."""

__all__ = ["mock_group"]


@click.group("mock")
def mock_group() -> None:
    """The recorded mock server."""


@mock_group.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every interface of this machine).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8787,
    show_default=True,
    help="TCP port to listen on (0: a free one, shown at start-up).",
)
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
    """Serve recorded interactions until interrupted (Ctrl-C or SIGTERM).

    Prints where it serves, a line to paste into a shell (export MODE_API_TOKEN=...
    MODE_BASE_URL=...), and each request recorded more than once, with its recordings in
    the order they are served (cassette files sorted by name, then order in the file; the
    last one repeats).
    """
    serving = mock_server_class()
    try:
        server = serving(cassettes, host=host, port=port, latency=latency, rate_limit=rate_limit)
        server.start()
    except RuntimeError as exc:
        fail(str(exc))
    try:
        base_url = server.base_url
        if server.host == ANY_ADDRESS:  # not an address to connect to
            base_url = f"http://127.0.0.1:{server.port}/api"
        listening = (
            f" (listening on {server.host}:{server.port})" if base_url != server.base_url else ""
        )
        echo(f"Serving {server.cassettes} at {base_url}{listening}; in a shell:")
        settings = {
            "MODE_API_TOKEN": server.token,
            "MODE_API_SECRET": server.secret,
            "MODE_ACCOUNT": server.account,
            "MODE_BASE_URL": base_url,
        }
        echo("export " + " ".join(f"{k}={shlex.quote(v)}" for k, v in settings.items()))
        for line in recorded_twice(load_directory(server.cassettes)):
            echo(line)
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


def recorded_twice(interactions: Iterable[Interaction]) -> list[str]:
    """A line per request recorded more than once, naming its recordings in the order the
    server answers with them (cassette files in name order, then order in the file; the
    last one repeats): ``GET /api/... is recorded 2 times; serving a.yaml#0, then
    b.yaml#3 (the last repeating)``. Empty when every request is recorded once."""
    sources: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for interaction in interactions:
        sources[interaction.key].append(interaction.source)
    return [
        f"{method} {target} is recorded {len(found)} times;"
        f" serving {found[0]}, then {', '.join(found[1:])} (the last repeating)"
        for (method, target), found in sources.items()
        if len(found) > 1
    ]
