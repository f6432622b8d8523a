"""Recording a Report Run's Query Runs from a live API into a scrubbed cassette.

The recorder fetches, through one ``Session`` (Basic auth,
typed errors, spec validation of every body), exactly what the client asks for when it
lists and gets Query Runs:

1. ``GET /{account}/reports/{report}/runs/{run}/query_runs`` and every further page, by
   following ``_links.next_page`` (Mode's pagination, ``mode-api-facts.md``);
2. ``GET /{account}/reports/{report}/runs/{run}/query_runs/{query_run}`` for every listed
   Query Run, or for the ones asked for;
3. with ``results=True``, ``GET {result href}/content.csv`` of each of those that has
   results (``succeeded``, ``completed``), redirects followed (to a storage host without
   ``Authorization``), recorded as the answer of the API URL asked for: what
   ``results``, ``download_result`` and ``iter_result_rows`` ask the mock server.

Each response becomes an ``Interaction`` holding the
body text as sent, then ``Scrubber`` scrubs them all in
memory, and only then is the cassette written, in VCR.py's format, which the mock server
replays. Recording the same data again writes a byte-identical file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from mode_api_client.models import QueryRun, QueryRunCollection

from ..bodies import STREAMS_BODY
from ..core import DEFAULT_MAX_RETRIES
from ..engine import Session
from ..errors import without_userinfo
from ..pagination import PageWalk
from ..responses import FOLLOWS_REDIRECTS
from ..results import FORMATS, check_result_response, content_href
from ..retries import RetryPolicy
from ..settings import check_token
from ..states import states_without_results
from .cassette import Interaction, dump_cassette
from .scrub import Scrubber

__all__ = ["DEFAULT_POLICY", "fetch_report_run", "record_report_run"]

DEFAULT_POLICY = RetryPolicy()
"""The client's default backoff (0.5 s doubling up to 8 s, ``Retry-After`` honoured)."""


def _interaction(response: httpx.Response) -> Interaction:
    request = response.request
    request_headers: dict[str, list[str]] = {}
    for name, value in request.headers.multi_items():
        request_headers.setdefault(name, []).append(value)
    headers: dict[str, list[str]] = {}
    for raw_name, raw_value in response.headers.raw:
        name = raw_name.decode("latin-1")
        headers.setdefault(name, []).append(raw_value.decode("latin-1"))
    return Interaction(
        method=request.method,
        uri=str(without_userinfo(request.url)),
        status=response.status_code,
        reason=response.reason_phrase,
        headers=headers,
        body=response.text,
        request_headers=request_headers,
    )


def _getter(http: httpx.Client) -> Callable[[httpx.URL], httpx.Response]:
    """GET of an API URL (retried by ``http``'s transport; only the final answer kept)."""
    return lambda url: http.send(http.build_request("GET", url))


def _result_getter(http: httpx.Client) -> Callable[[httpx.URL], Interaction]:
    """GET of a result's content (redirects followed), recorded under the URL asked for."""

    def get(url: httpx.URL) -> Interaction:
        headers = {"Accept": FORMATS["csv"]}
        extensions = {FOLLOWS_REDIRECTS: True, STREAMS_BODY: True}
        request = http.build_request("GET", url, headers=headers, extensions=extensions)
        response = http.send(request, follow_redirects=True)
        check_result_response(response)
        return replace(_interaction(response), uri=str(without_userinfo(url)), request_headers={})

    return get


def _result_url(session: Session, query_run: Any) -> httpx.URL | None:
    """The ``content.csv`` URL of a Query Run that has results, else ``None``."""
    if not isinstance(query_run, QueryRun) or query_run.state in states_without_results():
        return None
    try:
        return session.origin.resolve(content_href(query_run, "csv"), relation="result")
    except ValueError:  # no result link
        return None


def fetch_report_run(
    session: Session,
    account: str,
    report: str,
    run: str,
    query_runs: Sequence[str] = (),
    *,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_policy: RetryPolicy = DEFAULT_POLICY,
    results: bool = False,
) -> list[Interaction]:
    """The unscrubbed interactions of listing a Report Run's Query Runs and getting each.

    Args:
        session: The session to fetch with (its base URL and credentials).
        account: The Workspace or User username.
        report: Report token.
        run: Report Run token.
        query_runs: Query Run tokens to get one by one; empty: every listed Query Run.
        max_retries: Retries of a request that got 429, 502, 503, 504 or no response,
            as the client retries (only the final response is recorded).
        retry_policy: How those retries back off.
        results: Also GET the CSV result content (``content.csv``) of each Query Run
            got that has results (``succeeded``, ``completed``, an unknown state with a
            ``result`` link).

    Returns:
        The list pages, in order, then the Query Runs, in listing (or given) order, then
        (``results``) their result contents, in the same order.

    Raises:
        ValueError: a token is empty, ``.`` or ``..``; a ``next_page`` link leaves the
            API's origin; ``max_retries`` is negative.
        ModeAPIError: any failed request (the subclass per status), a body that does not
            fit the spec or that ``get_query_run`` would refuse (``ResponseParseError``:
            not JSON, nested too deeply), or ``next_page`` links past the page limit;
            nothing is returned then. The pages end as a listing's do (``pagination``).
    """
    segments = [
        check_token(name, value)
        for name, value in (("account", account), ("report", report), ("run", run))
    ]
    listing = "{}/{}/reports/{}/runs/{}/query_runs".format(
        session.origin.base_url, *(quote(segment, safe="") for segment in segments)
    )
    recorded: list[Interaction] = []
    listed: list[str] = []
    walk = PageWalk(session.origin)
    http = session.client(session.timeout, retry_policy, max_retries)
    assert isinstance(http, httpx.Client)
    get = _getter(http)
    url: httpx.URL | None = httpx.URL(listing)
    while url is not None:
        response = get(url)
        recorded.append(_interaction(response))
        page = session.reader.read_as(QueryRunCollection, response, "listQueryRunsForReportRun")
        listed.extend(run.token for run in walk.take(url, page) if isinstance(run.token, str))
        url = walk.next_url(page)
    wanted = [check_token("query_run", token) for token in query_runs] or listed
    contents: list[httpx.URL] = []
    for token in dict.fromkeys(wanted):
        response = get(httpx.URL(f"{listing}/{quote(token, safe='')}"))
        # Refused as get_query_run refuses it (not JSON, too deep).
        found = session.read(response)
        recorded.append(_interaction(response))
        content = _result_url(session, found) if results else None
        if content is not None:
            contents.append(content)
    get_result = _result_getter(http)
    recorded.extend(get_result(url) for url in contents)
    return recorded


def record_report_run(
    session: Session,
    account: str,
    report: str,
    run: str,
    cassette: Path,
    scrubber: Scrubber,
    query_runs: Sequence[str] = (),
    *,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_policy: RetryPolicy = DEFAULT_POLICY,
    results: bool = False,
) -> list[Interaction]:
    """Fetch a Report Run's Query Runs, scrub them and write them to ``cassette``.

    Arguments are those of ``fetch_report_run``; ``scrubber`` says what to replace.
    The file (and missing parent directories) is written only once everything was
    fetched and scrubbed, to a temporary file beside it that is then renamed over it
    (``dump_cassette``): a failed write leaves the
    cassette that was there intact. Recorded URIs never carry user-info.

    Returns:
        The scrubbed interactions written.

    Raises:
        ValueError, ModeAPIError: as ``fetch_report_run``; no file is written then.
            ``ValueError`` also for a body too deeply nested to scrub.
        OSError: the cassette cannot be written (the file that was there is kept).
    """
    scrubbed = scrubber.interactions(
        fetch_report_run(
            session,
            account,
            report,
            run,
            query_runs,
            max_retries=max_retries,
            retry_policy=retry_policy,
            results=results,
        )
    )
    cassette.parent.mkdir(parents=True, exist_ok=True)
    dump_cassette(scrubbed, cassette)
    return scrubbed
