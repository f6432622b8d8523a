"""The SDK and the CLI against every recording: each gives back exactly what was recorded.

For the contract run (``run_schemathesis.py``, issue 23): schemathesis holds the mock
server to the spec; this holds the client to the recordings. Against a running mock
server of the bundled cassettes it

- lists every recorded Report Run (every page, following ``next_page``) with
  ``ModeClient``, ``AsyncModeClient`` and ``mode-query-runs list --json``: the Query Runs
  written back (``to_wire``) are the recorded ones, each once, in page order, and the
  listing ends where the recordings say it must (:func:`expected_listing`): at a page
  without ``next_page``; with the log line naming why at a page without Query Runs, with
  only Query Runs given before, whose ``pagination`` counters say it is the last, or whose
  ``next_page`` leads to a page already fetched; or with the exact exception for a
  ``next_page`` that is refused (another origin, not a URL, an array of several Links);
  the SDK lists each again with ``max_pages`` (each number below its page count, and
  ``0``) and with a client whose ``page_limit`` is one page short, and both clients refuse
  a ``page_limit`` that is not an ``int`` of at least 1; ``wait_for_report_run`` of each
  gives its Query Runs when all are final, else the exact ``APITimeoutError`` (naming the
  states waited on and the listing's first URL) once its ``timeout`` has passed;
- gets every recorded Query Run the same three ways (``get --json``): its recorded body;
- follows the ``self`` link of every recorded page and Query Run with both clients'
  ``follow``: the recorded body (``QueryRunCollection`` / ``QueryRun`` written back);
  ``web_links`` of each Query Run (got, and its ``self`` Link followed) are its recorded
  ``*_web`` hrefs;
- reads every relation of every recorded page and Query Run with ``relation_link`` (the
  recorded Link, or the exact error for an array of several), and follows, with both
  clients, each recorded link whose target is recorded (as a Link, as an array of one):
  its recorded body; a templated link (``expand_link``) with and without variables, and
  with variables it lacks; and links the clients must refuse with the exact
  ``ValueError``: a ``*_web`` URL on the API's origin (a browser URL), a result on the
  storage origin without ``other_origin`` (given back, decoded, with it), an href that is
  not a URL, a non-templated link given variables, an array of two links;
- downloads every recorded result (``content.csv`` / ``content.json``, through the
  storage redirect where one is recorded) with both clients: the recorded bytes;
- reads every recording without a ``SpecDriftWarning`` (a recording that strays from the
  spec, such as a Query Run without its required ``state``, is a problem here even though
  the tolerant reader gives it back as sent);
- lists and gets every recording once more from a second mock server whose recordings
  carry a field the spec does not name in each of their JSON objects (what Mode adds
  between two spec versions): the clients must give it back too (:func:`with_additions`);
- lists and reads every recording once more from a third mock server whose ``pagination``
  counters are strings of their digits (:func:`with_string_counters`, as live-API clients
  report numbers arriving): the listings must end where they do with integers (the drift
  warnings of those recordings are expected, not problems);

and then counts which recorded interactions the server was asked for
(:func:`reach`), so the run can say how many of them it reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import uritemplate

from mode_api_client.models import Link
from mode_query_runs import (
    AsyncModeClient,
    ModeClient,
    SpecDriftWarning,
    relation_link,
    web_links,
)
from mode_query_runs.pagination import DEFAULT_PAGE_LIMIT
from mode_query_runs.spec import MEDIA_TYPE, operation_by_id
from mode_query_runs.states import final_states
from mode_query_runs.testing.cassette import Interaction, dump_cassette, load_directory
from mode_query_runs.testing.schema_check import schema_problems
from mode_query_runs.testing.server import MockServer
from mode_query_runs.wire import to_wire

__all__ = [
    "ADDED_FIELD",
    "PARTS",
    "STRAYING_DIRECTORY",
    "Listing",
    "expected_listing",
    "reach",
    "replay",
    "with_additions",
    "with_string_counters",
]

_PATH_PARTS = 8  # /api/ACCOUNT/reports/REPORT/runs/RUN/query_runs[/QUERY_RUN]
ADDED_FIELD = "contract_added_field"
"""The key :func:`with_additions` adds to every JSON object of a recorded API body."""


_LOADED: dict[tuple[str, tuple[tuple[str, int, int], ...]], list[Interaction]] = {}


def _recordings(directory: Path) -> list[Interaction]:
    """``load_directory(directory)``, parsed once per state of its files (a mutation run
    forks each mutant from a process that has read them)."""
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    key = (
        str(directory),
        tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files),
    )
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = load_directory(directory)
    return list(_LOADED[key])


def _parts(interaction: Interaction) -> list[str]:
    return urlsplit(interaction.uri).path.split("/")


@dataclass
class Listing:
    """What one listing gives: its Query Runs written back (``to_wire``), in order; the
    pagination log lines it wrote (why it ended early); and the exception that ended it
    (``"TypeName: message"``), if one did."""

    query_runs: list[Any] = field(default_factory=list)
    logged: list[str] = field(default_factory=list)
    ended: str | None = None
    pages: int = field(default=0, compare=False)


def _next_hrefs(body: dict[str, Any]) -> list[Any] | None:
    """The ``next_page`` Links of a recorded page (a Link is an array of one)."""
    value = (body.get("_links") or {}).get("next_page")
    if value is None:
        return None
    return value if isinstance(value, list) else [value]


def _counter(pagination: Any, name: str) -> int | None:
    """A counter as a page number: an integer from 1, or a string of its digits."""
    value = pagination.get(name) if isinstance(pagination, dict) else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    return value if type(value) is int and value >= 1 else None


def expected_listing(
    by_key: dict[tuple[str, str], Interaction],
    first: Interaction,
    api_url: str,
    *,
    max_pages: int | None = None,
    page_limit: int = DEFAULT_PAGE_LIMIT,
) -> Listing:
    """What listing from the recorded page ``first`` must give on a server at ``api_url``,
    by the rules the SDK documents (``mode_query_runs.pagination``): each Query Run once
    by token; the listing ends quietly at a page without ``next_page`` or after
    ``max_pages`` pages, with a log line at a page without Query Runs, with only Query Runs
    given before, whose counters say it is the last, or whose ``next_page`` leads to a page
    already fetched; it raises for a ``next_page`` it refuses, or one past ``page_limit``.

    Raises:
        KeyError: ``next_page`` leads to a page not recorded, where the listing goes on.
    """
    api = httpx.URL(api_url)
    listing = Listing()
    given: set[Any] = set()
    fetched: set[httpx.URL] = set()
    page, url = first, api.join(first.key[1])
    while True:
        listing.pages += 1
        fetched.add(url)
        body = json.loads(page.body)
        runs = (body.get("_embedded") or {}).get("query_runs") or []
        new = [run for run in runs if run.get("token") not in given]
        given.update(run.get("token") for run in new)
        listing.query_runs += new
        links = _next_hrefs(body)
        if links is None:
            return listing
        if len(links) != 1:
            listing.ended = (
                "ResponseParseError: the next_page relation of the response is an array of"
                f" {len(links)} links, not one"
            )
            return listing
        if max_pages is not None and listing.pages >= max_pages:
            return listing
        pagination = body.get("pagination")
        number, total = _counter(pagination, "page"), _counter(pagination, "total_pages")
        ending = (
            "the page has no Query Runs"
            if not runs
            else "every Query Run of the page was given before"
            if not new
            else f"pagination says page {number} of {total}"
            if number is not None and total is not None and number >= total
            else None
        )
        if ending is not None:
            listing.logged.append(f"listing ends at page {listing.pages} ({url}): {ending}")
            return listing
        href = links[0]["href"]
        try:
            next_url = api.join(href)
        except httpx.InvalidURL as error:
            listing.ended = (
                "ResponseParseError: the next_page href of the response is not a valid URL:"
                f" {href!r} ({error})"
            )
            return listing
        if (next_url.scheme, next_url.host, next_url.port) != (api.scheme, api.host, api.port):
            listing.ended = (
                f"ValueError: refusing to send Mode credentials to {next_url.scheme}://"
                f"{next_url.netloc.decode()}: the link is not on the API's origin"
                f" {api.scheme}://{api.netloc.decode()}"
            )
            return listing
        if next_url in fetched:
            listing.logged.append(
                f"listing ends at page {listing.pages} ({url}):"
                " next_page leads to a page already fetched"
            )
            return listing
        if listing.pages >= page_limit:
            listing.ended = (
                f"ModeAPIError: the listing has more than {page_limit} pages (page_limit):"
                " next_page links may never end"
            )
            return listing
        target = next_url.raw_path.decode("ascii")
        page, url = by_key[("GET", target)], next_url


def _outcome(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


@contextmanager
def _module_log(module: str, level: int) -> Iterator[list[str]]:
    """The lines ``mode_query_runs.<module>`` logs meanwhile (``level`` and up)."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.filename == f"{module}.py":
                lines.append(record.getMessage())

    logger = logging.getLogger("mode_query_runs")
    handler, kept = Keep(level), logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(kept)


def _pagination_log() -> contextlib.AbstractContextManager[list[str]]:
    """The lines ``mode_query_runs.pagination`` logs meanwhile (level INFO and up)."""
    return _module_log("pagination", logging.INFO)


def _cli(server: MockServer, *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {
        "MODE_API_TOKEN": server.token,
        "MODE_API_SECRET": server.secret,
        "MODE_ACCOUNT": server.account,
        "MODE_BASE_URL": server.base_url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        return f"exit {result.returncode}: {result.stderr.strip()}"
    return json.loads(result.stdout)


class _Stop(Exception):
    """The first problem, when the replay stops there (``first_only``)."""


PARTS = ("straying", "recordings", "additions", "counters")
"""The parts of the replay, in the order :func:`replay` runs them."""


def replay(
    server: MockServer,
    *,
    cli: bool = True,
    first_only: bool = False,
    parts: tuple[str, ...] = PARTS,
) -> list[str]:
    """Drive the SDK (sync, async) and the CLI (``cli=False``: not it) through every
    recording; the problems found. The ``parts`` (default: all, in this order):
    ``straying``, the recordings that stray from the spec on purpose, read tolerantly and
    strictly (:func:`expected_straying`); ``recordings``, every other recording;
    ``additions``, those again with a field the spec does not name in each object
    (:func:`with_additions`); ``counters``, those again with string counters
    (:func:`with_string_counters`).

    Each problem names the recording (``cassette#index``) and the way it was read; each
    ``SpecDriftWarning`` the SDK warned is one too (the additions are the spec's: its
    objects take properties it does not name). ``first_only``: stop at the first problem
    of a way of reading (the mutation run's entry point: a mutant is killed sooner).
    """
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValueError(f"no such part of the replay: {unknown}")
    with warnings.catch_warnings(record=True) as drifted:
        warnings.simplefilter("always", SpecDriftWarning)
        problems: list[str] = []
        try:
            if "straying" in parts:
                _replay_straying(problems, first_only)
            if "recordings" in parts:
                _replay(server, problems, cli=cli, first_only=first_only)
            if "additions" in parts:
                added = f"with {ADDED_FIELD}"
                _replay_changed(server, problems, with_additions, added, first_only)
            if "counters" in parts:
                with warnings.catch_warnings():
                    # These recordings stray from the spec on purpose: their warnings are
                    # not the replay's problems.
                    warnings.simplefilter("ignore", SpecDriftWarning)
                    changed, label = with_string_counters, "with counters as strings"
                    _replay_changed(server, problems, changed, label, first_only)
        except _Stop:
            pass
    return problems + [
        f"a recording strays from the spec: {warning.message}"
        for warning in drifted
        if issubclass(warning.category, SpecDriftWarning)
    ]


def _replay_changed(
    server: MockServer,
    problems: list[str],
    change: Callable[[list[Interaction]], dict[str, list[Interaction]]],
    label: str,
    first_only: bool,
) -> None:
    """The SDK's reads of ``server``'s recordings as ``change`` changes them, served by a
    second mock server; each problem labelled."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for name, changed in change(_recordings(server.cassettes)).items():
            dump_cassette(changed, directory / name)
        with MockServer(directory) as other:
            found: list[str] = []
            try:
                _replay(
                    other, found, cli=False, downloads=False, links=False, first_only=first_only
                )
            finally:
                problems += [f"{label}: {problem}" for problem in found]


def with_additions(interactions: list[Interaction]) -> dict[str, list[Interaction]]:
    """The recordings by cassette file name, with ``ADDED_FIELD`` in every JSON object of
    each HAL+JSON body (page, Query Run, ``_links``, ``_embedded``, ``pagination``, ...)
    but those whose keys are relations' (a ``Link`` names ``href`` and ``templated``
    only, and a relation of that name would be one more link)."""
    by_file: dict[str, list[Interaction]] = {}
    for interaction in interactions:
        name = interaction.source.partition("#")[0]
        parts = _parts(interaction)
        if interaction.status == 200 and not parts[-1].startswith("content."):
            body = _added(json.loads(interaction.body))
            interaction = replace(interaction, body=json.dumps(body, indent=2))
        by_file.setdefault(name, []).append(interaction)
    return by_file


COUNTERS = ("page", "total_pages")
"""The ``pagination`` counters that can end a listing."""


def with_string_counters(interactions: list[Interaction]) -> dict[str, list[Interaction]]:
    """The recordings by cassette file name, each page's integer ``pagination`` counters
    that can end a listing written as JSON strings of their digits, padded with a space
    (``" 2"``): live-API clients report Mode's numbers arriving as strings, and the SDK
    reads such counters as the numbers (``mode_query_runs.pagination``). These stray from
    the spec (integers), so their drift warnings are expected."""
    by_file: dict[str, list[Interaction]] = {}
    for interaction in interactions:
        name = interaction.source.partition("#")[0]
        if interaction.status == 200 and not _parts(interaction)[-1].startswith("content."):
            body = json.loads(interaction.body)
            pagination = body.get("pagination") if isinstance(body, dict) else None
            if isinstance(pagination, dict):
                for counter in COUNTERS:
                    if type(pagination.get(counter)) is int:
                        pagination[counter] = f" {pagination[counter]}"
                interaction = replace(interaction, body=json.dumps(body, indent=2))
        by_file.setdefault(name, []).append(interaction)
    return by_file


def _added(value: Any, key: str = "") -> Any:
    if isinstance(value, list):
        return [_added(item, key) for item in value]
    if not isinstance(value, dict):
        return value
    changed = {k: _added(v, k) for k, v in value.items()}
    if key != "_links" and "href" not in value:
        changed[ADDED_FIELD] = {"kept": [1, None, "text"]}
    return changed


def _replay(
    server: MockServer,
    problems: list[str],
    *,
    cli: bool,
    downloads: bool = True,
    links: bool = True,
    first_only: bool = False,
) -> None:
    """Each way of reading every recording (``links``: the link and paging variations
    too), its problems appended to ``problems``."""
    interactions = _recordings(server.cassettes)
    by_key = {interaction.key: interaction for interaction in interactions}
    api_url = server.base_url

    def found_problem(where: str, what: str, text: str) -> None:
        problems.append(f"{where} ({what}): {text}")
        if first_only:
            raise _Stop

    def check(
        what: str,
        interaction: Interaction | str,
        expected: Any,
        call: Callable[..., Any],
        *args: Any,
    ) -> None:
        """``call(*args)`` must give ``expected``; an exception it raises is a problem too."""
        where = interaction if isinstance(interaction, str) else interaction.source
        try:
            found = call(*args)
        except _Stop:
            raise
        except Exception as error:  # whatever the client raised: the replay goes on
            found_problem(where, what, f"raised {error!r:.300}")
            return
        if found != expected:
            if isinstance(found, dict) and isinstance(expected, dict):
                found = {k: v for k, v in found.items() if expected.get(k, ...) != v}
            found_problem(where, what, f"got {found!r:.300}")

    if links:
        for limit, refusal in _PAGE_LIMITS:
            for client in (ModeClient, AsyncModeClient):
                what = f"{client.__name__}(page_limit={limit!r})"
                check(what, "page_limit", refusal, _construct, client, server, limit)

    with _Clients(server) as clients:
        sync, run_async, asynchronous = clients.sync(), clients.run, clients.asynchronous

        def follow_both(interaction: Interaction, cases: list[FollowCase]) -> None:
            """Both clients follow each of ``cases``: what each case expects."""
            expected = {label: outcome for label, _, _, outcome in cases}
            check("ModeClient.follow", interaction, expected, _sync_cases, sync, cases)
            follows = _async_cases(asynchronous(), cases)
            check("AsyncModeClient.follow", interaction, expected, run_async, follows)

        for interaction in interactions:
            parts = _parts(interaction)
            if interaction.status != 200 or parts[-1].startswith("content."):
                continue
            report, run, query_run = parts[4], parts[6], parts[-1]
            body = json.loads(interaction.body)
            self_href = body["_links"]["self"]["href"]
            check("ModeClient.follow(self)", interaction, body, _sync_follow, sync, self_href)
            check(
                "AsyncModeClient.follow(self)",
                interaction,
                body,
                run_async,
                _async_follow(asynchronous(), self_href),
            )
            if links:
                expected_links = _expected_relations(body)
                check(
                    "relation_link",
                    interaction,
                    expected_links,
                    _relations,
                    sync,
                    self_href,
                    sorted(expected_links),
                )
                follow_both(interaction, _follow_cases(by_key, interaction, body, api_url))
            if len(parts) == _PATH_PARTS and "?" not in interaction.key[1]:
                try:
                    expected = expected_listing(by_key, interaction, api_url)
                except KeyError as missing:
                    found_problem(interaction.source, "listing", f"no recording of {missing}")
                    continue
                _check_listing(check, clients, interaction, expected, report, run, {}, None)
                if cli and expected.ended is None:
                    runs = expected.query_runs
                    check("list --json", interaction, runs, _cli, server, "list", report, run)
                if links and all(isinstance(q.get("state"), str) for q in expected.query_runs):
                    url = str(httpx.URL(api_url).join(interaction.key[1]))
                    waited = _expected_wait(expected, report, run, url)
                    what = "wait_for_report_run"
                    check(f"ModeClient.{what}", interaction, waited, _sync_wait, sync, report, run)
                    check(
                        f"AsyncModeClient.{what}",
                        interaction,
                        waited,
                        run_async,
                        _async_wait(asynchronous(), report, run),
                    )
                if links:
                    variations: list[tuple[dict[str, Any], int | None, Listing]] = [
                        (
                            {"max_pages": pages},
                            None,
                            expected_listing(by_key, interaction, api_url, max_pages=pages),
                        )
                        for pages in range(1, expected.pages)
                    ]
                    refused = Listing(ended="ValueError: max_pages must be at least 1, not 0")
                    variations.append(({"max_pages": 0}, None, refused))
                    if expected.pages > 1:
                        limit = expected.pages - 1
                        short = expected_listing(by_key, interaction, api_url, page_limit=limit)
                        variations.append(({}, limit, short))
                    for kwargs, limit, listing in variations:
                        _check_listing(
                            check, clients, interaction, listing, report, run, kwargs, limit
                        )
            elif len(parts) == _PATH_PARTS + 1:
                expected = json.loads(interaction.body)
                check(
                    "ModeClient.get_query_run",
                    interaction,
                    expected,
                    _sync_get,
                    sync,
                    report,
                    run,
                    query_run,
                )
                check(
                    "AsyncModeClient.get_query_run",
                    interaction,
                    expected,
                    run_async,
                    _async_get(asynchronous(), report, run, query_run),
                )
                web = {k: v["href"] for k, v in body["_links"].items() if k.endswith("_web")}
                check("web_links", interaction, web, _web_links, sync, report, run, query_run)
                check("web_links(dict)", interaction, web, web_links, body)
                if cli:
                    got = ("get", report, run, query_run)  # the command's arguments
                    check("get --json", interaction, expected, _cli, server, *got)
        for interaction in interactions if downloads else []:
            parts = _parts(interaction)
            if not parts[-1].startswith("content.") or "?" in interaction.key[1]:
                continue
            form = parts[-1].removeprefix("content.")
            try:
                expected_bytes = _final_body(by_key, interaction).encode("utf-8")
            except KeyError as missing:
                problems.append(
                    f"{interaction.source}: its redirect leads to no recording {missing}"
                )
                continue
            check(
                "ModeClient.download_result",
                interaction,
                expected_bytes,
                _sync_download,
                sync,
                parts,
                form,
            )
            check(
                "AsyncModeClient.download_result",
                interaction,
                expected_bytes,
                run_async,
                _async_download(asynchronous(), parts, form),
            )
            location = _location(interaction)
            if links and location is not None and form == "json":
                storage = server.storage_url + location
                cases = [
                    ("follow(storage)", storage, {}, _refusal(storage, api_url)),
                    (
                        "follow(storage, other_origin=True)",
                        storage,
                        {"other_origin": True},
                        json.loads(_final_body(by_key, interaction)),
                    ),
                ]
                follow_both(interaction, cases)


_PAGE_LIMITS: list[tuple[Any, str | None]] = [
    (1, None),
    (0, "ValueError: page_limit must be at least 1, not 0"),
    (True, "TypeError: page_limit must be an int, not bool"),
    (2.0, "TypeError: page_limit must be an int, not float"),
]
"""``page_limit`` values and how both clients' constructors take them."""

FollowCase = tuple[str, Any, dict[str, Any], Any]
"""What is followed: a label, the link (href, ``Link`` or array), ``follow``'s keyword
arguments, and what must come back (a body written back, or ``"TypeName: message"``)."""


def _construct(
    client: type[ModeClient] | type[AsyncModeClient], server: MockServer, limit: Any
) -> str | None:
    """``None`` when the client takes ``page_limit=limit``, else what it raised."""
    try:
        made = client(
            server.account, server.token, server.secret, base_url=server.base_url, page_limit=limit
        )
    except Exception as error:
        return _outcome(error)
    if isinstance(made, ModeClient):
        made.close()
    else:
        asyncio.run(made.aclose())
    return None


def _check_listing(
    check: Callable[..., None],
    clients: _Clients,
    interaction: Interaction,
    expected: Listing,
    report: str,
    run: str,
    kwargs: dict[str, Any],
    page_limit: int | None,
) -> None:
    """Both clients list ``report``/``run`` (with ``kwargs``, on a client of
    ``page_limit``): ``expected``."""
    shown = ", ".join(
        [f"{k}={v!r}" for k, v in kwargs.items()]
        + ([] if page_limit is None else [f"page_limit={page_limit}"])
    )
    limit = DEFAULT_PAGE_LIMIT if page_limit is None else page_limit
    sync, asynchronous = clients.sync(limit), clients.asynchronous(limit)
    what = f"list_query_runs({shown})" if shown else "list_query_runs"
    check(f"ModeClient.{what}", interaction, expected, _sync_list, sync, report, run, kwargs)
    check(
        f"AsyncModeClient.{what}",
        interaction,
        expected,
        clients.run,
        _async_list(asynchronous, report, run, kwargs),
    )


WAIT_SECONDS = 0.001
"""``wait_for_report_run``'s ``timeout`` and ``poll_interval`` in the replay: it gives up
after its first listing (or the next) with the Report Run's Query Runs not final."""


def _expected_wait(expected: Listing, report: str, run: str, url: str) -> Any:
    """What ``wait_for_report_run`` gives for a listing that gives ``expected``: its Query
    Runs when all are final, else ``APITimeoutError`` naming the states waited on and the
    listing's first URL; the listing's exception when it ends in one."""
    if expected.ended is not None:
        return expected.ended
    waiting: dict[str, int] = {}
    for query_run in expected.query_runs:
        if query_run["state"] not in final_states():
            waiting[query_run["state"]] = waiting.get(query_run["state"], 0) + 1
    if not waiting:
        return expected.query_runs
    count = sum(waiting.values())
    states = ", ".join(f"{state}: {n}" for state, n in waiting.items())
    return (
        f"APITimeoutError: Report Run {run} of Report {report} still has {count}"
        f" {'Query Run' if count == 1 else 'Query Runs'} not finished ({states}) after"
        f" waiting {WAIT_SECONDS:g} s (GET {url})"
    )


def _sync_wait(sync: ModeClient, report: str, run: str) -> Any:
    try:
        found = sync.wait_for_report_run(
            report, run, timeout=WAIT_SECONDS, poll_interval=WAIT_SECONDS
        )
    except Exception as error:
        return _outcome(error)
    return [to_wire(query_run) for query_run in found]


async def _async_wait(mode: AsyncModeClient, report: str, run: str) -> Any:
    try:
        found = await mode.wait_for_report_run(
            report, run, timeout=WAIT_SECONDS, poll_interval=WAIT_SECONDS
        )
    except Exception as error:
        return _outcome(error)
    return [to_wire(query_run) for query_run in found]


def _location(interaction: Interaction) -> str | None:
    """The path and query of a recorded redirect's ``Location`` (``None`` without one)."""
    location = interaction.headers.get("Location") or interaction.headers.get("location")
    if interaction.status not in (301, 302, 303, 307, 308) or not location:
        return None
    target = urlsplit(location[0])
    return f"{target.path}?{target.query}" if target.query else target.path


def _refusal(href: str, api_url: str) -> str:
    url, api = httpx.URL(href), httpx.URL(api_url)
    return (
        f"ValueError: refusing to send Mode credentials to {url.scheme}://"
        f"{url.netloc.decode()}: the link is not on the API's origin"
        f" {api.scheme}://{api.netloc.decode()}"
    )


def _expected_relations(body: dict[str, Any]) -> dict[str, Any]:
    """What ``relation_link`` must give for each relation of a recorded body (and for
    ``next_page`` where it has none): the Link as a dict, or the error."""
    expected: dict[str, Any] = {"next_page": None}
    for name, value in body["_links"].items():
        if isinstance(value, list) and len(value) != 1:
            expected[name] = (
                f"ResponseParseError: the {name} relation of the response is an array of"
                f" {len(value)} links, not one"
            )
        else:
            expected[name] = value[0] if isinstance(value, list) else value
    return expected


def _relations(sync: ModeClient, self_href: str, names: list[str]) -> dict[str, Any]:
    """``relation_link`` of each relation of the model ``follow(self_href)`` gives."""
    model = sync.follow(self_href)
    found: dict[str, Any] = {}
    for name in names:
        try:
            link = relation_link(model, name)
        except Exception as error:
            found[name] = _outcome(error)
        else:
            found[name] = None if link is None else link.to_dict()
    return found


def _as_link(value: Any) -> Any:
    """A recorded relation as the SDK holds it: a ``Link``, or an array of them."""
    if isinstance(value, list):
        return [Link.from_dict(item) for item in value]
    return Link.from_dict(value)


def _follow_cases(
    by_key: dict[tuple[str, str], Interaction],
    interaction: Interaction,
    body: dict[str, Any],
    api_url: str,
) -> list[FollowCase]:
    """How ``follow`` must treat the links of one recorded page or Query Run."""
    api = httpx.URL(api_url)
    self_link = body["_links"]["self"]
    self_href = self_link["href"]
    cases: list[FollowCase] = [
        ("follow(self Link)", _as_link(self_link), {}, body),
        ("follow([self Link])", [_as_link(self_link)], {}, body),
        (
            "follow([self, self])",
            [_as_link(self_link)] * 2,
            {},
            "ValueError: a relation of 2 links: follow one of them",
        ),
        (
            "follow(self, variables)",
            _as_link(self_link),
            {"variables": {"page": 2}},
            f"ValueError: link {self_href!r} is not templated: it takes no variables",
        ),
    ]
    for name, value in sorted(body["_links"].items()):
        links = value if isinstance(value, list) else [value]
        if len(links) != 1:
            continue
        href = links[0]["href"]
        if name.endswith("_web"):
            moved = str(api.copy_with(raw_path=urlsplit(href).path.encode("ascii")))
            browser = (
                f"ValueError: {moved} is a browser URL (a *_web relation), not an API URL:"
                " open it in a browser"
            )
            cases.append((f"follow({name} on the API's origin)", moved, {}, browser))
        elif links[0].get("templated") is True:
            template = uritemplate.URITemplate(href)
            variations: list[dict[str, Any]] = [{}, {"page": 2}]
            for variables in variations:
                target = by_key.get(("GET", template.expand(variables)))
                if target is not None:
                    cases.append(
                        (
                            f"follow({name}, variables={variables})",
                            _as_link(value),
                            {"variables": variables},
                            json.loads(target.body),
                        )
                    )
            known = ", ".join(sorted(template.variable_names)) or "none"
            cases.append(
                (
                    f"follow({name}, unknown variables)",
                    _as_link(value),
                    {"variables": {"size": 1, "pages": 2}},
                    f"ValueError: URI template {href!r} has no variable pages, size"
                    f" (it has {known})",
                )
            )
        elif name in ("next_page", "prev_page"):
            try:
                url = api.join(href)
            except httpx.InvalidURL as error:
                refused = f"ValueError: not a valid URL: {href!r} ({error})"
                cases.append((f"follow({name})", _as_link(value), {}, refused))
                continue
            target = by_key.get(("GET", url.raw_path.decode("ascii")))
            if target is not None and url.host == api.host and url.port == api.port:
                cases.append((f"follow({name})", _as_link(value), {}, json.loads(target.body)))
    return cases


def _sync_cases(sync: ModeClient, cases: list[FollowCase]) -> dict[str, Any]:
    found = {}
    for label, link, kwargs, _ in cases:
        try:
            found[label] = _written(sync.follow(link, **kwargs))
        except Exception as error:
            found[label] = _outcome(error)
    return found


async def _async_cases(mode: AsyncModeClient, cases: list[FollowCase]) -> dict[str, Any]:
    found = {}
    for label, link, kwargs, _ in cases:
        try:
            found[label] = _written(await mode.follow(link, **kwargs))
        except Exception as error:
            found[label] = _outcome(error)
    return found


def _written(value: Any) -> Any:
    """What ``follow`` gave, written back: a generated model as ``to_wire`` writes it,
    decoded JSON as it is."""
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return to_wire(value)


class _Clients:
    """The replay's clients, one per ``page_limit`` and kind, all on one event loop."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self._runner = asyncio.Runner()
        self._sync: dict[int, ModeClient] = {}
        self._async: dict[int, AsyncModeClient] = {}

    def __enter__(self) -> _Clients:
        return self

    def __exit__(self, *exc: object) -> None:
        for sync in self._sync.values():
            sync.close()
        for asynchronous in self._async.values():
            self._runner.run(asynchronous.aclose())
        self._runner.close()

    def _kwargs(self, page_limit: int) -> dict[str, Any]:
        server = self.server
        return {
            "account": server.account,
            "token": server.token,
            "secret": server.secret,
            "base_url": server.base_url,
            "page_limit": page_limit,
        }

    def sync(self, page_limit: int = DEFAULT_PAGE_LIMIT) -> ModeClient:
        if page_limit not in self._sync:
            self._sync[page_limit] = ModeClient(**self._kwargs(page_limit))
        return self._sync[page_limit]

    def asynchronous(self, page_limit: int = DEFAULT_PAGE_LIMIT) -> AsyncModeClient:
        if page_limit not in self._async:
            self._async[page_limit] = AsyncModeClient(**self._kwargs(page_limit))
        return self._async[page_limit]

    def run(self, coroutine: Any) -> Any:
        """``coroutine`` run to its end on the clients' event loop."""
        return self._runner.run(coroutine)


def _sync_list(sync: ModeClient, report: str, run: str, kwargs: dict[str, Any]) -> Listing:
    found = Listing()
    with _pagination_log() as logged:
        try:
            for query_run in sync.list_query_runs(report, run, **kwargs):
                found.query_runs.append(to_wire(query_run))
        except Exception as error:
            found.ended = _outcome(error)
    found.logged = logged
    return found


async def _async_list(
    mode: AsyncModeClient, report: str, run: str, kwargs: dict[str, Any]
) -> Listing:
    found = Listing()
    with _pagination_log() as logged:
        try:
            async for query_run in mode.list_query_runs(report, run, **kwargs):
                found.query_runs.append(to_wire(query_run))
        except Exception as error:
            found.ended = _outcome(error)
    found.logged = logged
    return found


def _sync_get(sync: ModeClient, report: str, run: str, query_run: str) -> Any:
    return to_wire(sync.get_query_run(report, run, query_run))


def _sync_follow(sync: ModeClient, href: str) -> Any:
    """The model ``follow`` gives for ``href``, written back."""
    return to_wire(sync.follow(href))


def _web_links(sync: ModeClient, report: str, run: str, query_run: str) -> dict[str, str]:
    """``web_links`` of the Query Run as got, and of its ``self`` Link followed."""
    got = sync.get_query_run(report, run, query_run)
    followed = sync.follow(got.field_links.self_)
    found = web_links(got)
    return found if web_links(followed) == found else {"followed": "differs"}


def _sync_download(sync: ModeClient, parts: list[str], form: str) -> bytes:
    finished = sync.get_query_run(parts[4], parts[6], parts[-3])
    written = io.BytesIO()
    sync.download_result(finished, written, format=form)
    return written.getvalue()


def _final_body(by_key: dict[tuple[str, str], Interaction], interaction: Interaction) -> str:
    """The body at the end of a recorded redirect (the interaction's own without one)."""
    location = _location(interaction)
    if location is not None:
        return by_key[("GET", location)].body
    return interaction.body


async def _async_get(mode: AsyncModeClient, report: str, run: str, query_run: str) -> Any:
    return to_wire(await mode.get_query_run(report, run, query_run))


async def _async_follow(mode: AsyncModeClient, href: str) -> Any:
    return to_wire(await mode.follow(href))


async def _async_download(mode: AsyncModeClient, parts: list[str], form: str) -> bytes:
    query_run = await mode.get_query_run(parts[4], parts[6], parts[-3])
    written = io.BytesIO()
    await mode.download_result(query_run, written, format=form)
    return written.getvalue()


def reach(server: MockServer, asked: Callable[[], list[tuple[str, str]]]) -> tuple[int, int]:
    """How many recorded interactions the server was asked for, of how many there are.

    ``asked()`` gives the ``(method, path?query)`` of every request the server received
    (storage requests carry the storage origin first, which is dropped here).
    """
    recorded = {interaction.key for interaction in _recordings(server.cassettes)}
    received = set()
    for method, target in asked():
        split = urlsplit(target)
        received.add((method, f"{split.path}?{split.query}" if split.query else split.path))
    return len(recorded & received), len(recorded)


STRAYING_DIRECTORY = Path(__file__).resolve().parents[1] / "data" / "straying"
"""The recordings that stray from the spec on purpose (``scripts/build_demo_cassettes.py``
writes them), apart from the demo recordings."""
_MAX_SHOWN = 160
"""How much of its first deviation a ``ResponseParseError`` shows
(``mode_query_runs.reader``)."""


@dataclass
class Read:
    """What one read of a straying recording gives: the body written back (or the
    exception, ``"TypeName: message"``), the ``SpecDriftWarning`` messages and the
    reader's log lines, then the warnings of the same read again by the same client."""

    given: Any
    warned: list[str]
    logged: list[str]
    warned_again: list[str]


def _fatal(problem: str) -> bool:
    """Whether no model is read past a deviation the spec validator names: the top level
    not an object, ``_embedded.query_runs`` there but neither an array nor ``null``, an
    item of it not an object, or a body nested too deep (``mode_query_runs.reader``)."""
    path, _, found = problem.partition(": ")
    return (
        path == "$"
        or (
            path == "$._embedded.query_runs" and not found.endswith(("found null", "found missing"))
        )
        or (path.startswith("$._embedded.query_runs[") and path.endswith("]"))
    )


def expected_straying(interaction: Interaction, api_url: str, *, strict: bool, way: str) -> Read:
    """What reading a straying recording ``way`` (``follow``, ``list`` or ``get``) must
    give, by the spec validator's deviations: the exact ``ResponseParseError`` for a body
    that is not JSON or cannot be read, and for any deviation when ``strict``; else the
    body as sent (``list``: its Query Runs), each deviation warned and logged once per
    place in the schema (array positions aside), naming the operation, the JSON path,
    what the spec expects and the JSON type found; nothing warned on reading it again."""
    page = len(_parts(interaction)) == _PATH_PARTS
    operation = operation_by_id(
        "listQueryRunsForReportRun" if page else "getQueryRunForReportRun"
    ).operation_id
    url = str(httpx.URL(api_url).join(interaction.key[1]))
    try:
        body = json.loads(interaction.body)
    except ValueError:
        text = " ".join(interaction.body.split())
        given: Any = (
            f"ResponseParseError: HTTP 200 response is not JSON ({interaction.content_type()});"
            f" body starts {text!r} (GET {url})"
        )
        return Read(given, [], [], [])
    found = schema_problems(operation_by_id(operation), 200, body, MEDIA_TYPE)
    fatal = [problem for problem in found if _fatal(problem)]
    if fatal or (strict and found):
        shown = (fatal or found)[0]
        if len(shown) > _MAX_SHOWN:
            shown = shown[:_MAX_SHOWN] + "…"
        more = f" (and {len(fatal or found) - 1} more)" if len(fatal or found) > 1 else ""
        given = (
            f"ResponseParseError: HTTP 200 response does not match the spec's {operation}"
            f" schema: {shown}{more} (GET {url})"
        )
        return Read(given, [], [], [])
    warned, places = [], set()
    for problem in found:
        place = re.sub(r"\[\d+\]", "[]", problem.partition(": ")[0])
        if place in places:
            continue
        places.add(place)
        kept = "" if problem.endswith("found missing") else "; kept in additional_properties"
        warned.append(f"{operation}: {problem}{kept}")
    listed = (body.get("_embedded") or {}).get("query_runs") or []
    given = listed if way == "list" else body
    return Read(given, warned, [f"spec drift: {message}" for message in warned], [])


def _drift_of(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SpecDriftWarning)]


def _read_twice(read: Callable[[], Any]) -> Read:
    """``read()`` twice (one client): what the first gives, warns and logs, and what the
    second warns."""
    with (
        warnings.catch_warnings(record=True) as first,
        _module_log("reader", logging.WARNING) as logged,
    ):
        warnings.simplefilter("always")
        try:
            given = read()
        except Exception as error:
            return Read(_outcome(error), _drift_of(first), list(logged), [])
    with warnings.catch_warnings(record=True) as second:
        warnings.simplefilter("always")
        with contextlib.suppress(Exception):
            read()
    return Read(given, _drift_of(first), list(logged), _drift_of(second))


class _StrayingReads:
    """Reads of straying recordings, each with a client of its own (a client warns each
    deviation once), all sending through one ``httpx`` client of each kind: the SDK's own
    would build an SSL context each (a tenth of a second)."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.runner = asyncio.Runner()
        self.http = httpx.Client()
        self.async_http = self.runner.run(self._async_client())

    @staticmethod
    async def _async_client() -> httpx.AsyncClient:
        return httpx.AsyncClient()

    def close(self) -> None:
        self.http.close()
        self.runner.run(self.async_http.aclose())
        self.runner.close()

    def _arguments(self) -> tuple[str, str, str]:
        return self.server.account, self.server.token, self.server.secret

    def sync(self, strict: bool, way: str, interaction: Interaction) -> Read:
        parts, target = _parts(interaction), interaction.key[1]
        with ModeClient(
            *self._arguments(),
            base_url=self.server.base_url,
            strict=strict,
            http_client=self.http,
        ) as sync:
            if way == "list":
                return _read_twice(
                    lambda: [to_wire(q) for q in sync.list_query_runs(parts[4], parts[6])]
                )
            if way == "get":
                return _read_twice(
                    lambda: to_wire(sync.get_query_run(parts[4], parts[6], parts[-1]))
                )
            return _read_twice(lambda: _written(sync.follow(target)))

    def asynchronous(self, strict: bool, way: str, interaction: Interaction) -> Read:
        parts, target = _parts(interaction), interaction.key[1]

        async def read(mode: AsyncModeClient) -> Any:
            if way == "list":
                return [to_wire(q) async for q in mode.list_query_runs(parts[4], parts[6])]
            if way == "get":
                return to_wire(await mode.get_query_run(parts[4], parts[6], parts[-1]))
            return _written(await mode.follow(target))

        mode = AsyncModeClient(
            *self._arguments(),
            base_url=self.server.base_url,
            strict=strict,
            http_client=self.async_http,
        )
        try:
            return _read_twice(lambda: self.runner.run(read(mode)))
        finally:
            self.runner.run(mode.aclose())


def _replay_straying(problems: list[str], first_only: bool) -> None:
    """Both clients, tolerant and strict, follow every straying recording
    (:data:`STRAYING_DIRECTORY`, served by a mock server of its own), list every straying
    first page and get every straying Query Run: what :func:`expected_straying` says,
    each problem appended to ``problems``; a straying recording never asked for is one."""
    with MockServer(STRAYING_DIRECTORY) as server:
        reads = _StrayingReads(server)
        try:
            _read_straying(server, reads, problems, first_only)
        finally:
            reads.close()
        reached, recorded = reach(server, lambda: list(server.requests))
        if reached < recorded:
            problems.append(f"straying recordings: {recorded - reached} never asked for")


def _read_straying(
    server: MockServer, reads: _StrayingReads, problems: list[str], first_only: bool
) -> None:
    for interaction in _recordings(server.cassettes):
        parts = _parts(interaction)
        ways = ["follow"]
        if len(parts) == _PATH_PARTS and "?" not in interaction.key[1]:
            ways.append("list")
        elif len(parts) == _PATH_PARTS + 1:
            ways.append("get")
        for way in ways:
            for strict in (False, True):
                expected = expected_straying(interaction, server.base_url, strict=strict, way=way)
                for name, read in (
                    ("ModeClient", reads.sync),
                    ("AsyncModeClient", reads.asynchronous),
                ):
                    found = read(strict, way, interaction)
                    if found != expected:
                        what = f"{name}(strict={strict}) {way}"
                        problems.append(f"{interaction.source} ({what}): got {found!r:.600}")
                        if first_only:
                            raise _Stop
