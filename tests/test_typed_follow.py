"""``follow`` of a relation the spec types (its ``x-target``) gives that model, typed for
mypy: the relation's links are ``Link[Target]`` in the generated models, and ``follow``
returns ``Target``. ``assert_type`` below is checked by ``mypy`` (``nox -s typecheck``);
``test_mypy_reveals_each_x_target`` runs mypy itself over every ``x-target`` the spec has.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any, assert_type

import pytest

import mode_api_client.models
from mode_api_client.api.query_runs import list_query_runs_for_report_run
from mode_api_client.models import Link, QueryRun, QueryRunCollection
from mode_api_client.types import Unset
from mode_query_runs import AsyncModeClient, ModeClient
from mode_query_runs.pagination import query_runs_of
from mode_query_runs.spec import match_operation
from mode_query_runs.testing.cassette import bundled_directory, load_directory
from mode_query_runs.testing.schema_check import load_spec
from mode_query_runs.testing.server import MockServer
from mode_query_runs.wire import to_wire
from support import PAGED_RUN, PAGED_TOKENS, REPORT

ROOT = Path(__file__).parent.parent
SCHEMAS = "#/components/schemas/"


def x_targets() -> list[tuple[str, str, str]]:
    """(resource schema, relation, target schema) for every ``x-target`` in the spec: the
    relations of a resource's ``_links`` whose target the spec types."""
    schemas = load_spec()["components"]["schemas"]
    found = []
    for name, schema in schemas.items():
        links_ref = schema.get("properties", {}).get("_links", {}).get("$ref", "")
        links = schemas.get(links_ref.removeprefix(SCHEMAS), {})
        for relation, value in links.get("properties", {}).items():
            if "x-target" in value:
                found.append((name, relation, value["x-target"]))
    return found


def response_schema(operation_id: str) -> str | None:
    """The schema name of an operation's 200 ``application/hal+json`` response."""
    for item in load_spec()["paths"].values():
        operation = item.get("get", {})
        if operation.get("operationId") == operation_id:
            content = operation["responses"]["200"].get("content", {})
            ref = content.get("application/hal+json", {}).get("schema", {}).get("$ref", "")
            return str(ref).removeprefix(SCHEMAS) or None
    return None


def test_the_spec_types_the_self_and_page_relations() -> None:
    assert x_targets() == [
        ("QueryRun", "self", "QueryRun"),
        ("QueryRunCollection", "self", "QueryRunCollection"),
        ("QueryRunCollection", "next_page", "QueryRunCollection"),
        ("QueryRunCollection", "prev_page", "QueryRunCollection"),
    ]


def test_every_x_target_is_a_generated_model_an_operation_answers_with() -> None:
    answered = {
        response_schema(op["operationId"])
        for item in load_spec()["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for _, _, target in x_targets():
        assert target in answered, f"x-target {target}: no operation answers with it"
        assert hasattr(mode_api_client.models, target), f"x-target {target}: no model"


def test_following_each_typed_relation_of_the_recordings_gives_its_target(
    client: ModeClient,
) -> None:
    """Every recorded resource: each relation the spec types, followed, is its x-target."""
    followed = []
    interactions = load_directory(bundled_directory())
    recorded = {interaction.key[1] for interaction in interactions}
    for interaction in interactions:
        if not (interaction.content_type() or "").startswith("application/hal+json"):
            continue
        path = interaction.key[1].split("?")[0].removeprefix("/api")
        operation = match_operation(interaction.method, path)
        assert operation is not None, interaction.source
        schema = response_schema(operation.operation_id)
        body = json.loads(interaction.body)
        for resource, relation, target in x_targets():
            value = body["_links"].get(relation) if resource == schema else None
            # Only one Link to a recorded target: the recordings of issue 23 also hold
            # next_page links to pages a client must never ask for, and arrays of Links.
            if isinstance(value, dict) and value["href"] in recorded:
                found = client.follow(Link.from_dict(value))
                assert type(found).__name__ == target, (interaction.source, relation)
                assert to_wire(found)["_links"]["self"] == body["_links"][relation]
                followed.append((interaction.source, relation))
    # 3 + 1 + 1 pages (self each, next_page on 2, prev_page on 2) and 9 Query Runs (self);
    # then the 13 pages and 14 Query Runs of the eight Report Runs whose listings end
    # otherwise (self each; 5 next_page and 5 prev_page to recorded pages).
    assert len(followed) == 5 + 2 + 2 + 9 + (13 + 5 + 5 + 14)


def test_follow_of_a_query_runs_self_is_typed_query_run(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[2])
    again = client.follow(run.field_links.self_)
    assert_type(again, QueryRun)
    assert type(again) is QueryRun
    assert to_wire(again) == to_wire(run)


def test_follow_of_next_and_prev_page_is_typed_query_run_collection(client: ModeClient) -> None:
    first = client.call(list_query_runs_for_report_run, REPORT, PAGED_RUN)
    assert isinstance(first, QueryRunCollection)  # the generated operation's Error | ...
    next_page = first.field_links.next_page
    assert not isinstance(next_page, Unset)
    second = client.follow(next_page)
    assert_type(second, QueryRunCollection)
    assert type(second) is QueryRunCollection
    assert [run.token for run in query_runs_of(second)] == PAGED_TOKENS[3:6]
    prev_page = second.field_links.prev_page
    assert not isinstance(prev_page, Unset)
    back = client.follow(prev_page)
    assert_type(back, QueryRunCollection)
    assert to_wire(back) == to_wire(first)


def test_follow_of_an_href_or_an_untyped_relation_stays_any(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[2])
    by_href = client.follow(f"/api/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs?page=3")
    assert_type(by_href, Any)
    assert type(by_href) is QueryRunCollection
    report_run = run.field_links.report_run
    assert isinstance(report_run, Link)
    assert_type(report_run, Link[Any])


@pytest.mark.anyio
async def test_async_follow_is_typed_as_the_sync_one(mock_server: MockServer) -> None:
    async with AsyncModeClient(
        "acme", mock_server.token, mock_server.secret, base_url=mock_server.base_url
    ) as mode:
        run = await mode.get_query_run(REPORT, PAGED_RUN, PAGED_TOKENS[2])
        again = await mode.follow(run.field_links.self_)
        first = await mode.call(list_query_runs_for_report_run, REPORT, PAGED_RUN)
        assert isinstance(first, QueryRunCollection)
        assert not isinstance(first.field_links.next_page, Unset)
        second = await mode.follow(first.field_links.next_page)
    assert_type(again, QueryRun)
    assert_type(second, QueryRunCollection)
    assert (type(again), type(second)) == (QueryRun, QueryRunCollection)
    assert to_wire(again) == to_wire(run)
    assert [r.token for r in query_runs_of(second)] == PAGED_TOKENS[3:6]


def test_mypy_reveals_each_x_target(tmp_path: Path) -> None:
    """mypy --strict (the project's configuration) on a module that follows each typed
    relation, sync and async: the revealed type is the target model, never ``Any``."""
    from mypy import api

    lines = []
    expected = []
    for number, (resource, relation, target) in enumerate(x_targets()):
        attribute = getattr(mode_api_client.models, resource).attribute_names["_links"]
        links = f"resource.{attribute}"
        python_name = getattr(mode_api_client.models, f"{resource}Links").attribute_names[relation]
        lines += [
            f"async def check_{number}(",
            f"    mode: ModeClient, amode: AsyncModeClient, resource: {resource}",
            ") -> None:",
            f"    link = {links}.{python_name}",
            "    assert not isinstance(link, Unset)",
            "    reveal_type(mode.follow(link))",
            "    reveal_type(await amode.follow(link))",
        ]
        module = f"mode_api_client.models.{_snake(target)}.{target}"
        expected += [f'Revealed type is "{module}"'] * 2
    imports = ", ".join(sorted({resource for resource, _, _ in x_targets()}))
    source = tmp_path / "typed_follow_check.py"
    source.write_text(
        textwrap.dedent(f"""\
        from mode_api_client.models import {imports}
        from mode_api_client.types import Unset
        from mode_query_runs import AsyncModeClient, ModeClient

        """)
        + "\n".join(lines)
        + "\n"
    )
    out, err, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            str(source),
        ]
    )
    revealed = [line.split(": note: ", 1)[1] for line in out.splitlines() if ": note: " in line]
    assert (revealed, err, status) == (expected, "", 0)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
