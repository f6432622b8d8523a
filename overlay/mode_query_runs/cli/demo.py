"""The ``mode-query-runs demo`` tour: the SDK against the bundled recorded mock server."""

from __future__ import annotations

from collections.abc import Callable

import click

from mode_api_client.types import Unset

from ..client import ModeClient
from ..links import relation_link
from .common import echo, mock_server_class, reports_errors
from .display import counted, format_table

__all__ = ["DEMO_QUERY_RUN", "DEMO_REPORT", "DEMO_RUN", "demo_command", "run_demo"]

DEMO_REPORT = "a1b2c3d4e5f6"
DEMO_RUN = "8f3e2d1c0b9a"
DEMO_QUERY_RUN = "6c3d9e2f1a7b"


def run_demo(echo: Callable[[str], object]) -> None:
    """Start the mock server, list, get and follow a link, print each step, stop.

    Raises:
        ModeAPIError: a step failed (the bundled recordings answer every step).
    """
    with mock_server_class()() as server:
        echo(f"Started the recorded mock server at {server.base_url} (account {server.account}).")
        with ModeClient(
            server.account, server.token, server.secret, base_url=server.base_url
        ) as client:
            runs = list(client.list_query_runs(DEMO_REPORT, DEMO_RUN))
            echo(
                f"\n1. Listed Report Run {DEMO_RUN} of Report {DEMO_REPORT}, following"
                f" _links.next_page across pages: {counted(len(runs), 'Query Run')}."
            )
            echo(format_table(runs))

            query_run = client.get_query_run(DEMO_REPORT, DEMO_RUN, DEMO_QUERY_RUN)
            echo(f"\n2. Got Query Run {query_run.token}: state {query_run.state}.")
            if not isinstance(query_run.error_message, Unset) and query_run.error_message:
                echo(f"   {query_run.error_type}: {query_run.error_message}")

            self_link = relation_link(query_run, "self")
            if self_link is not None:
                followed = client.follow(self_link)  # a spec relation: a typed QueryRun
                echo(
                    f"\n3. Followed its self link {self_link.href}: Query Run"
                    f" {followed.token}, state {followed.state}."
                )
            result_web = relation_link(query_run, "result_web")
            if result_web is not None:
                echo(f"   Its results in a browser (result_web): {result_web.href}")
    echo("\nStopped the mock server. Demo finished.")


@click.command("demo")
@reports_errors
def demo_command() -> None:
    """Run a short tour against the bundled mock server on a free loopback port."""
    run_demo(echo)
