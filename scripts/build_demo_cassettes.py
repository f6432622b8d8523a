"""Write the bundled demo cassettes of the recorded mock server.

The data is fictional (account ``acme``, no real people) but has Mode's shapes and the
types the live API sends: integer ids, boolean ``limit``, object ``parameters``, ``null``
for absent values, ISO 8601 timestamps with milliseconds. Run from the repository root:

    python scripts/build_demo_cassettes.py

The output is deterministic; a test checks the committed cassettes match it.

The values follow the spec (``openapi/mode.yaml``): each demo value below is written in a
JSON type its schema allows, converted when the spec's type changed (``42`` is written
``"42"`` where the spec says ``data_source_id`` is a string, ``"42"`` as ``42`` where it
says integer), so a type change in the spec needs only this script rerun. A value that has
no form of the spec's types stops the script, naming its JSON path. The script also writes
``tests/data/reference_page_example.json``, the spec's ``referencePage`` example.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from mode_query_runs.spec import operation_by_id
from mode_query_runs.testing.cassette import Interaction, dump_cassette
from mode_query_runs.testing.schema_check import load_spec
from mode_query_runs.testing.spec_types import conform_to

ACCOUNT = "acme"
REPORT = "a1b2c3d4e5f6"
HOST = "https://app.mode.com"
WEB = "https://app.mode.com"
DATA_SOURCE = {"data_source_id": 42, "data_source_token": "7a1c9e3b5d20"}
HEADERS = {"Content-Type": ["application/hal+json; charset=utf-8"]}


def link(href: str) -> dict[str, Any]:
    return {"href": href, "templated": False}


def run_path(run: str) -> str:
    return f"/api/{ACCOUNT}/reports/{REPORT}/runs/{run}"


def spec_typed(body: dict[str, Any], schema_name: str, where: str) -> dict[str, Any]:
    """``body`` with each value in a JSON type the spec's ``schema_name`` allows."""
    try:
        typed: dict[str, Any] = conform_to(body, schema_name, f"$ ({where})")
    except ValueError as error:
        raise ValueError(f"{error}: change it in scripts/build_demo_cassettes.py") from None
    return typed


def query_run(run: str, token: str, **fields: Any) -> dict[str, Any]:
    """A Query Run body, with every documented field and relation."""
    query_token = fields.pop("query_token")
    self_path = f"{run_path(run)}/query_runs/{token}"
    web_path = f"{WEB}/{ACCOUNT}/reports/{REPORT}/runs/{run}"
    body: dict[str, Any] = {
        "id": fields.pop("id"),
        "token": token,
        "state": fields.pop("state"),
        "created_at": fields.pop("created_at"),
        "completed_at": fields.pop("completed_at"),
        **DATA_SOURCE,
        "limit": fields.pop("limit", True),
        "max_result_bytes": 104857600,
        "query_token": query_token,
        "query_name": fields.pop("query_name"),
        "query_created_at": fields.pop("query_created_at"),
        "parameters": fields.pop("parameters", {}),
        "raw_source": fields["raw_source"],
        "rendered_source": fields.pop("rendered_source", fields.pop("raw_source")),
        "statement_annotation": None,
        "dbt_metric_id": None,
        "dbt_metric_token": None,
        "help_url": fields.pop("help_url", None),
        "error_code": fields.pop("error_code", None),
        "error_type": fields.pop("error_type", None),
        "error_message": fields.pop("error_message", None),
        **fields.pop("extra", {}),
        "_links": {
            "self": link(self_path),
            "query": link(f"/api/{ACCOUNT}/reports/{REPORT}/queries/{query_token}"),
            "view": link(f"{self_path}/view"),
            "result": link(f"{self_path}/results"),
            "result_web": link(f"{web_path}/query_runs/{token}/results"),
            "query_web": link(f"{WEB}/{ACCOUNT}/reports/{REPORT}/queries/{query_token}"),
            "report_run": link(run_path(run)),
            "report_run_web": link(web_path),
            "executed_by": link(f"/api/{ACCOUNT}/users/demo_analyst"),
            **fields.pop("extra_links", {}),
        },
        "_embedded": {},
    }
    fields.pop("raw_source", None)
    if fields:
        raise ValueError(f"unused fields: {sorted(fields)}")
    return spec_typed(body, "QueryRun", token)


PAGED_RUN = "8f3e2d1c0b9a"
SINGLE_RUN = "5c4b3a291807"
EMPTY_RUN = "0e1d2c3b4a59"

PAGED = [
    query_run(
        PAGED_RUN,
        "1a2b3c4d5e6f",
        id=90201,
        state="succeeded",
        created_at="2026-11-01T09:30:02.118Z",
        completed_at="2026-11-01T09:30:04.530Z",
        query_token="a0b1c2d3e4f5",
        query_name="Daily active users",
        query_created_at="2025-01-14T10:12:40.801Z",
        raw_source="SELECT day, COUNT(DISTINCT user_id) AS dau FROM analytics.events GROUP BY 1",
    ),
    query_run(
        PAGED_RUN,
        "3f4e5d6c7b8a",
        id=90203,
        state="succeeded",
        created_at="2026-11-01T09:30:05.042Z",
        completed_at="2026-11-01T09:30:11.976Z",
        query_token="c2d3e4f5a6b7",
        query_name="Revenue by region",
        query_created_at="2025-02-03T16:25:09.350Z",
        parameters={"region": "emea"},
        raw_source=(
            "SELECT month, SUM(amount) FROM finance.revenue"
            " WHERE region = '{{ region }}' GROUP BY 1"
        ),
        rendered_source=(
            "SELECT month, SUM(amount) FROM finance.revenue WHERE region = 'emea' GROUP BY 1"
        ),
    ),
    query_run(
        PAGED_RUN,
        "6c3d9e2f1a7b",
        id=90205,
        state="failed",
        created_at="2026-11-01T09:30:12.407Z",
        completed_at="2026-11-01T09:30:13.022Z",
        query_token="d4e6f8a0b2c4",
        query_name="Churn by plan",
        limit=False,
        query_created_at="2025-06-09T11:47:30.250Z",
        parameters={"plan": "enterprise"},
        raw_source="SELECT plan, churned FROM analytics.churn WHERE plan = '{{ plan }}'",
        rendered_source="SELECT plan, churned FROM analytics.churn WHERE plan = 'enterprise'",
        help_url="https://mode.com/help/articles/query-errors",
        error_code="42P01",
        error_type="QueryError",
        error_message='relation "analytics.churn" does not exist',
    ),
    query_run(
        PAGED_RUN,
        "7d8e9f0a1b2c",
        id=90207,
        state="running",
        created_at="2026-11-01T09:30:13.581Z",
        completed_at=None,
        query_token="e5f7a9b1c3d5",
        query_name="Funnel conversion",
        query_created_at="2025-07-21T08:03:17.004Z",
        raw_source="SELECT step, users FROM analytics.funnel ORDER BY step",
    ),
    query_run(
        PAGED_RUN,
        "9e0f1a2b3c4d",
        id=90209,
        state="succeeded",
        created_at="2026-11-01T09:30:14.260Z",
        completed_at="2026-11-01T09:30:16.902Z",
        query_token="f6a8b0c2d4e6",
        query_name="Signups by channel",
        query_created_at="2025-08-30T13:55:42.618Z",
        raw_source="SELECT channel, COUNT(*) FROM analytics.signups GROUP BY 1",
        # A field and a relation the spec does not list: clients must keep both.
        extra={"runtime_ms": 2642},
        extra_links={"report": link(f"/api/{ACCOUNT}/reports/{REPORT}")},
    ),
    query_run(
        PAGED_RUN,
        "b4c5d6e7f8a9",
        id=90211,
        state="cancelled",
        created_at="2026-11-01T09:30:17.133Z",
        completed_at="2026-11-01T09:31:02.540Z",
        query_token="a7b9c1d3e5f7",
        query_name="Ad spend (legacy)",
        query_created_at="2024-11-05T09:41:26.777Z",
        raw_source="SELECT campaign, spend FROM marketing.ad_spend_legacy",
    ),
    query_run(
        PAGED_RUN,
        "c0d1e2f3a4b5",
        id=90213,
        state="enqueued",
        created_at="2026-11-01T09:31:03.009Z",
        completed_at=None,
        query_token="b8c0d2e4f6a8",
        query_name="Weekly retention",
        query_created_at="2025-03-18T14:02:51.000Z",
        raw_source="SELECT cohort_week, week, retained FROM analytics.retention",
    ),
]

SINGLE = [
    query_run(
        SINGLE_RUN,
        "2d6e0c4f9a1b",
        id=90215,
        state="succeeded",
        created_at="2026-11-02T08:15:04.112Z",
        completed_at="2026-11-02T08:15:09.845Z",
        query_token="b8c0d2e4f6a9",
        query_name="Weekly signups",
        query_created_at="2025-03-18T14:02:51.000Z",
        raw_source="SELECT week, signups FROM analytics.weekly_signups",
    ),
    query_run(
        SINGLE_RUN,
        "4a5b6c7d8e9f",
        id=90217,
        state="completed",
        created_at="2026-11-02T08:15:04.390Z",
        completed_at="2026-11-02T08:15:06.021Z",
        query_token="c9d1e3f5a7b9",
        query_name="Signups by country",
        query_created_at="2025-04-02T07:19:33.145Z",
        raw_source="SELECT country, COUNT(*) FROM analytics.signups GROUP BY 1",
    ),
]


def interaction(
    path: str,
    body: Any,
    source: str,
    media_type: str | None = None,
    *,
    status: int = 200,
    location: str | None = None,
    accept: str = "application/hal+json",
) -> Interaction:
    """A recorded GET of ``path`` (or of a full URL); a ``media_type`` body is kept as text."""
    headers = HEADERS if media_type is None else {"Content-Type": [media_type]}
    if location is not None:
        headers = {**headers, "Location": [location]}
    return Interaction(
        method="GET",
        uri=path if path.startswith("https://") else HOST + path,
        status=status,
        reason="Found" if status == 302 else "OK",
        headers=headers,
        body=json.dumps(body, indent=2) + "\n" if media_type is None else body,
        source=source,
        request_headers={"Accept": [accept]},
    )


def collection(run: str, runs: list[dict[str, Any]], per_page: int | None) -> list[Interaction]:
    """The pages of a Report Run's Query Runs (one page without pagination when unpaged)."""
    base = f"{run_path(run)}/query_runs"
    if per_page is None:
        pages = [runs]
    else:
        pages = [runs[i : i + per_page] for i in range(0, len(runs), per_page)]
    hrefs = [base] + [f"{base}?page={n}" for n in range(2, len(pages) + 1)]
    out = []
    for n, page_runs in enumerate(pages):
        links: dict[str, Any] = {"self": link(hrefs[n])}
        if n + 1 < len(pages):
            links["next_page"] = link(hrefs[n + 1])
        if n > 0:
            links["prev_page"] = link(hrefs[n - 1])
        body: dict[str, Any] = {"_links": links}
        if per_page is not None:
            body["pagination"] = {
                "page": n + 1,
                "per_page": per_page,
                "count": len(page_runs),
                "total_pages": len(pages),
                "total_count": len(runs),
            }
        body["_embedded"] = {"query_runs": page_runs}
        body = spec_typed(body, "QueryRunCollection", hrefs[n])
        out.append(interaction(hrefs[n], body, f"page {n + 1}"))
    for body in runs:
        out.append(interaction(body["_links"]["self"]["href"], body, body["token"]))
    return out


# Report Runs whose listings end, or fail, otherwise than by a last page without
# ``next_page`` (``shared/reference/mode-api-facts.md``, "What clients of the live API
# report"): the contract run's replay checks what the SDK gives back for each, and the
# mutation score (``nox -s mutation``) counts on them. A ``next_page`` to a page not
# recorded here is one the SDK must never ask for.
COUNTED_RUN = "6a7b8c9d0e1f"  # page 2 of 2 by its counters, though it links a page 3
ONE_PAGE_RUN = "d03b4c5d6e7f"  # page 1 of 1 by its counters, though it links a page 2
REPEAT_RUN = "7b8c9d0e1f2a"  # page 3 answers the whole collection again
EMPTY_PAGE_RUN = "8c9d0e1f2a3b"  # page 2 has no Query Runs (``_embedded: null``)
LOOP_RUN = "9d0e1f2a3b4c"  # page 2 links page 1 again (next_page as an array of one)
FOREIGN_NEXT_RUN = "ad0e1f2a3b4c"  # next_page on another origin: refused
BAD_NEXT_RUN = "be1f2a3b4c5d"  # next_page not a URL: refused
SPLIT_NEXT_RUN = "cf2a3b4c5d6e"  # next_page an array of two Links: refused
FOREIGN_HOST = "https://mode-results.storage.example"


def plain_run(run: str, token: str, number: int, name: str, **fields: Any) -> dict[str, Any]:
    """A succeeded Query Run of ``run`` (``number`` picks its id, times and query)."""
    return query_run(
        run,
        token,
        id=90300 + number,
        state=fields.pop("state", "succeeded"),
        created_at=f"2026-11-03T10:{number:02d}:01.250Z",
        completed_at=f"2026-11-03T10:{number:02d}:03.875Z",
        query_token=f"f{number:02d}a1b2c3d4e",
        query_name=name,
        query_created_at="2025-05-12T15:40:22.517Z",
        raw_source=f"SELECT * FROM analytics.{name.lower().replace(' ', '_')}",
        **fields,
    )


def paged(
    run: str,
    pages: list[list[dict[str, Any]] | None],
    next_hrefs: list[Any],
    pagination: list[dict[str, Any] | None] | None = None,
    extra_links: dict[str, Any] | None = None,
) -> list[Interaction]:
    """Pages of ``run``'s Query Runs as given: page ``n``'s Query Runs (``None``:
    ``_embedded: null``), its ``next_page`` (an href, a list of hrefs for an array of
    Links, or ``None``), its ``pagination``; each Query Run's own GET once."""
    base = f"{run_path(run)}/query_runs"
    hrefs = [base] + [f"{base}?page={n}" for n in range(2, len(pages) + 1)]
    out, given = [], {}
    for n, page_runs in enumerate(pages):
        links: dict[str, Any] = {"self": link(hrefs[n])}
        following = next_hrefs[n]
        if isinstance(following, list):
            links["next_page"] = [link(href) for href in following]
        elif following is not None:
            links["next_page"] = link(following)
        if n > 0:
            links["prev_page"] = link(hrefs[n - 1])
        links.update(extra_links or {})
        body: dict[str, Any] = {"_links": links}
        if pagination is not None and pagination[n] is not None:
            body["pagination"] = pagination[n]
        body["_embedded"] = None if page_runs is None else {"query_runs": page_runs}
        body = spec_typed(body, "QueryRunCollection", hrefs[n])
        out.append(interaction(hrefs[n], body, f"page {n + 1}"))
        given.update({run_body["token"]: run_body for run_body in page_runs or []})
    for body in given.values():
        out.append(interaction(body["_links"]["self"]["href"], body, body["token"]))
    return out


def page_of(run: str, n: int) -> str:
    return f"{run_path(run)}/query_runs" + ("" if n == 1 else f"?page={n}")


def counters(page: int, total: int, count: int, total_count: int) -> dict[str, Any]:
    return {
        "page": page,
        "per_page": 2,
        "count": count,
        "total_pages": total,
        "total_count": total_count,
    }


def odd_listings() -> dict[str, list[Interaction]]:
    """The cassettes of the Report Runs above, by file name."""
    c = [plain_run(COUNTED_RUN, f"c{n}d2e3f4a5b6", n, f"Counted {n}") for n in range(1, 4)]
    r = [plain_run(REPEAT_RUN, f"d{n}e3f4a5b6c7", 10 + n, f"Repeated {n}") for n in range(1, 4)]
    e = plain_run(EMPTY_PAGE_RUN, "e1f4a5b6c7d8", 21, "Before the empty page")
    loop = [plain_run(LOOP_RUN, f"f{n}a5b6c7d8e9", 30 + n, f"Looped {n}") for n in (1, 2)]
    foreign = plain_run(FOREIGN_NEXT_RUN, "a1b6c7d8e9f0", 41, "Foreign next page")
    bad = plain_run(BAD_NEXT_RUN, "b1c7d8e9f0a1", 51, "Broken next page")
    split = plain_run(SPLIT_NEXT_RUN, "c1d8e9f0a1b2", 61, "Split next page")
    one = [plain_run(ONE_PAGE_RUN, f"a{n}e9f0a1b2c3", 70 + n, f"One page {n}") for n in (1, 2)]
    template = f"{run_path(COUNTED_RUN)}/query_runs{{?page,per_page}}"
    # Swagger's shape of the counters: no page number, so they end nothing.
    swagger = {"first_page": "1", "last_page": "3", "total_pages": 3, "total_count": 3}
    listings = {
        COUNTED_RUN: paged(
            COUNTED_RUN,
            [c[:2], c[2:]],
            [page_of(COUNTED_RUN, 2), page_of(COUNTED_RUN, 3)],
            [counters(1, 2, 2, 3), counters(2, 2, 1, 3)],
            extra_links={
                "query_runs": {"href": template, "templated": True},
                # A template without variables (RFC 6570 allows it): it expands to itself.
                "report_run": {"href": run_path(COUNTED_RUN), "templated": True},
            },
        ),
        ONE_PAGE_RUN: paged(
            ONE_PAGE_RUN, [one], [page_of(ONE_PAGE_RUN, 2)], [counters(1, 1, 2, 2)]
        ),
        REPEAT_RUN: paged(
            REPEAT_RUN,
            [r[:1], r, r],
            [page_of(REPEAT_RUN, 2), page_of(REPEAT_RUN, 3), page_of(REPEAT_RUN, 4)],
            [swagger] * 3,
        ),
        EMPTY_PAGE_RUN: paged(
            EMPTY_PAGE_RUN,
            [[e], None],
            [page_of(EMPTY_PAGE_RUN, 2), page_of(EMPTY_PAGE_RUN, 3)],
        ),
        LOOP_RUN: paged(
            LOOP_RUN, [loop[:1], loop[1:]], [page_of(LOOP_RUN, 2), [page_of(LOOP_RUN, 1)]]
        ),
        FOREIGN_NEXT_RUN: paged(
            FOREIGN_NEXT_RUN, [[foreign]], [FOREIGN_HOST + page_of(FOREIGN_NEXT_RUN, 2)]
        ),
        BAD_NEXT_RUN: paged(
            BAD_NEXT_RUN, [[bad]], ["https://app.mode.com:44x" + page_of(BAD_NEXT_RUN, 2)]
        ),
        SPLIT_NEXT_RUN: paged(
            SPLIT_NEXT_RUN,
            [[split]],
            [[page_of(SPLIT_NEXT_RUN, 2), page_of(SPLIT_NEXT_RUN, 3)]],
        ),
    }
    return {f"report_run_{run}.yaml": found for run, found in listings.items()}


# Report Runs whose bodies stray from the spec as Mode's might
# (``shared/reference/mode-api-facts.md``): a ``null`` or a value of another JSON type where
# the spec has a type, a relation that is no Link, a missing required property, values
# nested past the reader's ``MAX_DEPTH``, and bodies no model can be read from. They are
# written to ``tests/data/straying/straying_*.yaml`` (``STRAYING_DIRECTORY``), not among
# the demo recordings: the contract run's replay serves them from a mock server of their
# own and checks what the SDK gives back (or raises) for each, tolerant and strict. A list
# page and a Query Run of each.
STRAYING_PREFIX = "straying_"
STRAY_RUN = "e2a3b4c5d6f7"  # read tolerantly: given back as sent, warned once each
NULL_LIST_RUN = "f3b4c5d6e7a8"  # ``query_runs`` null (page 2: absent): no Query Runs, warned
NOT_JSON_RUN = "a4c5d6e7f8b9"  # the bodies are HTML, not JSON
NOT_OBJECT_RUN = "b5d6e7f8a9c0"  # the top levels are an array and a string
NOT_ARRAY_RUN = "c6e7f8a9b0d1"  # ``_embedded.query_runs`` an object; its item a string
TOO_DEEP_RUN = "d7f8a9b0c1e2"  # straying values nested past MAX_DEPTH
MAX_DEPTH = 255  # mode_query_runs.drift.MAX_DEPTH: the reader refuses what nests deeper


def nested(levels: int) -> Any:
    """An array nested ``levels`` levels deep (``1``: ``[]``)."""
    value: Any = []
    for _ in range(levels - 1):
        value = [value]
    return value


LEFT_OUT = object()
"""A change that leaves the property out."""


def straying_run(run: str, token: str, number: int, **changes: Any) -> dict[str, Any]:
    """A Query Run of ``run``, spec-typed, then changed as given (``LEFT_OUT``: left out;
    ``links``: relations set)."""
    body = plain_run(run, token, number, f"Straying {number}")
    relations = changes.pop("links", {})
    for name, value in changes.items():
        if value is LEFT_OUT:
            del body[name]
        else:
            body[name] = value
    body["_links"].update(relations)
    return body


def straying_page(run: str, embedded: Any, number: int = 1, **top: Any) -> dict[str, Any]:
    """Page ``number`` of ``run`` with ``embedded`` as its ``_embedded``, not spec-typed."""
    return {"_links": {"self": link(page_of(run, number))}, **top, "_embedded": embedded}


def straying_listings() -> dict[str, list[Interaction]]:
    """The cassettes of the straying Report Runs above, by file name."""
    s = STRAY_RUN
    named_null = straying_run(s, "a1f2e3d4c5b6", 42, query_name=None)
    also_null = straying_run(s, "b2a3f4e5d6c7", 43, query_name=None, query_token=9043)
    missing = straying_run(s, "c3b4a5f6e7d8", 44, created_at=LEFT_OUT)
    zoneless = straying_run(
        s,
        "d4c5b6a7f8e9",
        45,
        created_at="2026-11-03T10:45:01.250",
        completed_at="2026-11-03 10:45:03",
        query_created_at="2025-05-12T15:40:22",
    )
    odd_links = straying_run(
        s,
        "e5d6c7b8a9f0",
        46,
        links={
            "report": f"/api/{ACCOUNT}/reports/{REPORT}",  # a relation that is no Link
            "view": {"href": None},
            "query": [link(f"/api/{ACCOUNT}/reports/{REPORT}/queries/q46a"), {"templated": 1}],
            "curies": [{"href": "https://mode.com/rels/{rel}", "templated": True}],
        },
    )
    at_depth = straying_run(s, "f6e7d8c9b0a1", 47, limit=nested(MAX_DEPTH))
    # A relation name as long as Mode's longest: the strict error shortens what it shows.
    long_name = "scheduled_report_run_" + "_".join(["delivery_notification"] * 6)
    long_relation = straying_run(s, "a2b3c4d5e6f7", 53, links={long_name: "/api/elsewhere"})
    # One whose first deviation is shown whole at exactly the length shown (160 characters).
    whole_name = ("quarterly_board_report_delivery_" * 4)[:103]
    whole_relation = straying_run(s, "b3c4d5e6f7a8", 55, links={whole_name: "/api/elsewhere"})
    # The one nested exactly MAX_DEPTH deep is not on the page: there it would be nested
    # deeper in the body, which the spec validator counts (the reader counts the value).
    # Nor is the long relation: a second relation the spec does not name would be warned
    # with the first (one place in the schema, ``_links/*``).
    stray = [named_null, also_null, missing, zoneless, odd_links]
    pagination = {"page": 1, "per_page": "30", "count": len(stray), "total_count": None}
    stray_page = straying_page(s, {"query_runs": stray}, pagination=pagination)

    too_deep = straying_run(TOO_DEEP_RUN, "a7f8e9d0c1b2", 48, limit=nested(MAX_DEPTH + 1))
    deep_parameters: Any = {}
    for _ in range(MAX_DEPTH):
        deep_parameters = {"p": deep_parameters}
    missing_deep = straying_run(
        TOO_DEEP_RUN, "b8a9f0e1d2c3", 49, created_at=LEFT_OUT, parameters=deep_parameters
    )
    deep_link = straying_run(
        TOO_DEEP_RUN,
        "c9b0a1f2e3d4",
        52,
        links={"deep": {"href": 52, "nested": nested(MAX_DEPTH)}},
    )
    # A straying scalar before the deep value: the reader looks past the first.
    null_then_deep = straying_run(
        TOO_DEEP_RUN, "d0c1b2a3f4e5", 54, data_source_token=None, limit=nested(MAX_DEPTH + 1)
    )
    deep_page = straying_page(TOO_DEEP_RUN, {"query_runs": [too_deep]})

    not_json = "<html><body>Mode is busy: try again</body></html>"
    pages: dict[str, tuple[Any, list[tuple[str, Any]]]] = {
        STRAY_RUN: (
            stray_page,
            [(body["token"], body) for body in [*stray, at_depth, long_relation, whole_relation]],
        ),
        NULL_LIST_RUN: (straying_page(NULL_LIST_RUN, {"query_runs": None}), []),
        NOT_JSON_RUN: (not_json, [("a4b5c6d7e8f9", not_json)]),
        NOT_OBJECT_RUN: ([], [("b5c6d7e8f9a0", "running")]),
        NOT_ARRAY_RUN: (
            straying_page(NOT_ARRAY_RUN, {"query_runs": {"c6d7e8f9a0b1": {}}}),
            [],
        ),
        TOO_DEEP_RUN: (
            deep_page,
            [(body["token"], body) for body in (too_deep, missing_deep, deep_link, null_then_deep)],
        ),
    }
    item_page = straying_page(NOT_ARRAY_RUN, {"query_runs": ["c6d7e8f9a0b1"]}, 2)
    # ``_embedded`` without its required ``query_runs``: no Query Runs, warned.
    no_list_page = straying_page(NULL_LIST_RUN, {}, 2)
    out: dict[str, list[Interaction]] = {}
    for run, (page, runs) in pages.items():
        served = [(page_of(run, 1), page, "page 1")]
        if run == NOT_ARRAY_RUN:
            served.append((page_of(run, 2), item_page, "page 2"))
        if run == NULL_LIST_RUN:
            served.append((page_of(run, 2), no_list_page, "page 2"))
        served += [(f"{run_path(run)}/query_runs/{token}", body, token) for token, body in runs]
        # Written compactly, as sent (HTML as it is): indenting arrays nested 256 deep
        # would take megabytes.
        found = [
            interaction(
                path,
                body if run == NOT_JSON_RUN else json.dumps(body) + "\n",
                source,
                HEADERS["Content-Type"][0],
            )
            for path, body, source in served
        ]
        out[f"{STRAYING_PREFIX}report_run_{run}.yaml"] = found
    return out


# The results of the succeeded and completed runs: (columns, rows), the same rows served
# as content.csv and content.json. Values exercise CSV quoting: commas, doubled quotes, a
# newline inside a field, and text that is not ASCII.
RESULTS: dict[str, tuple[list[str], list[list[Any]]]] = {
    "1a2b3c4d5e6f": (
        ["day", "dau"],
        [["2026-10-29", 1211], ["2026-10-30", 1204], ["2026-10-31", 1187]],
    ),
    "3f4e5d6c7b8a": (
        ["month", "region", "sum", "note"],
        [
            ["2026-08", "emea", 182340.5, 'Includes "UK", Ireland'],
            ["2026-09", "emea", 190112.25, "Two lines:\nrevised on the 3rd"],
            ["2026-10", "emea", 201877.0, ""],
        ],
    ),
    "9e0f1a2b3c4d": (
        ["channel", "count"],
        [["organic", 5120], ["paid search", 2210], ["referral", 870], ["social", 615]],
    ),
    "2d6e0c4f9a1b": (
        ["week", "signups"],
        [["2026-10-12", 412], ["2026-10-19", 398], ["2026-10-26", 441]],
    ),
    "4a5b6c7d8e9f": (
        ["country", "count"],
        [["Côte d'Ivoire", 31], ["Korea, Republic of", 118], ["Österreich", 64]],
    ),
}
# This run's results are served through a redirect to a storage host (a second origin
# in the mock server, which rejects an Authorization header).
REDIRECTED = "3f4e5d6c7b8a"
STORAGE = "https://mode-results.storage.example"
REDIRECT_PAGE = '<html><body>You are being <a href="{0}">redirected</a>.</body></html>'


def csv_text(columns: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def results(runs: list[dict[str, Any]]) -> list[Interaction]:
    """content.csv and content.json of each run that has results."""
    out = []
    for body in runs:
        token = body["token"]
        if token not in RESULTS:
            continue
        columns, rows = RESULTS[token]
        contents = {
            "csv": ("text/csv; charset=utf-8", csv_text(columns, rows)),
            "json": (
                "application/json; charset=utf-8",
                json.dumps([dict(zip(columns, row, strict=True)) for row in rows]) + "\n",
            ),
        }
        for form, (media_type, text) in contents.items():
            path = f"{body['_links']['result']['href']}/content.{form}"
            accept = media_type.split(";")[0]
            source = f"{token} {form}"
            if token == REDIRECTED:
                location = f"{STORAGE}{path}?signature=5f2d0c9e{form}"
                redirect_page = REDIRECT_PAGE.format(location)
                out.append(
                    interaction(
                        path,
                        redirect_page,
                        f"{source} redirect",
                        "text/html; charset=utf-8",
                        status=302,
                        location=location,
                        accept=accept,
                    )
                )
                path, source = location, f"{source} storage"
            served = interaction(path, text, source, media_type, accept=accept)
            out.append(served)
    return out


REFERENCE_PAGE = Path(__file__).parent.parent / "tests" / "data" / "reference_page_example.json"
STRAYING_DIRECTORY = Path(__file__).parent.parent / "tests" / "data" / "straying"
"""Where the straying recordings go: test data of the contract replay, not demo recordings
the bundled mock serves (``mode-query-runs mock`` and ``drift`` of the bundled directory
must see recordings that fit the spec)."""


def reference_page_example() -> str:
    """The spec's ``referencePage`` example (Mode's reference page), as tests/data holds it."""
    path = operation_by_id("getQueryRunForReportRun").path
    content = load_spec()["paths"][path]["get"]["responses"]["200"]["content"]
    content = content["application/hal+json"]
    return json.dumps(content["examples"]["referencePage"]["value"], indent=2) + "\n"


def main(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if directory == Path("overlay/mode_query_runs/testing/cassettes"):
        REFERENCE_PAGE.write_text(reference_page_example())
        STRAYING_DIRECTORY.mkdir(exist_ok=True)
        for old in STRAYING_DIRECTORY.glob("*.yaml"):
            old.unlink()
        for name, interactions in straying_listings().items():
            dump_cassette(interactions, STRAYING_DIRECTORY / name)
    dump_cassette(collection(PAGED_RUN, PAGED, 3), directory / f"report_run_{PAGED_RUN}.yaml")
    dump_cassette(collection(SINGLE_RUN, SINGLE, None), directory / f"report_run_{SINGLE_RUN}.yaml")
    dump_cassette(results(PAGED + SINGLE), directory / "results.yaml")
    dump_cassette(collection(EMPTY_RUN, [], None), directory / f"report_run_{EMPTY_RUN}.yaml")
    for name, interactions in odd_listings().items():
        dump_cassette(interactions, directory / name)


if __name__ == "__main__":
    main(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path("overlay/mode_query_runs/testing/cassettes")
    )
