"""``ModeClient``: the Query Runs of a Mode Report Run, as typed models.

Built on the generated low-level client (``mode_api_client``): every spec operation goes
through the generated function, so a regenerated client flows through unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from mode_api_client import Client
from mode_api_client.api.query_runs import (
    get_query_run_for_report_run,
    list_query_runs_for_report_run,
)
from mode_api_client.models import Link, QueryRun, QueryRunCollection

from .errors import ModeAPIError, ResponseParseError, error_for_transport
from .pagination import PageGuard
from .session import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, Session, check_token, decode_json

__all__ = ["ModeClient"]

T = TypeVar("T")


class ModeClient:
    """A client for Mode's Query Runs API (``https://app.mode.com/api``).

    Args:
        account: The Workspace or User username every path starts with.
        token: Mode API token (HTTP Basic user name).
        secret: Mode API secret (HTTP Basic password).
        base_url: API base URL; default ``https://app.mode.com/api``.
        timeout: Seconds to wait to connect and for each read; default 30.

    One client holds one connection pool; close it with :meth:`close` or use the client
    as a context manager. Every method raises a :class:`~mode_query_runs.ModeAPIError`
    subclass on failure: ``AuthenticationError`` (401), ``NotFoundError`` (404),
    ``RateLimitError`` (429), ``ServerError`` (5xx), ``ResponseParseError`` (a body that
    is not the JSON the spec describes), ``APIConnectionError`` / ``APITimeoutError``
    (no response).
    """

    def __init__(
        self,
        account: str,
        token: str,
        secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.account = check_token("account", account)
        self._session = Session(base_url, token, secret, timeout)
        self._generated = Client(base_url=str(self._session.base_url))
        self._generated.set_httpx_client(self._session.http)

    @classmethod
    def from_env(cls, *, timeout: float = DEFAULT_TIMEOUT) -> Self:
        """A client configured from the environment.

        Reads ``MODE_API_TOKEN``, ``MODE_API_SECRET``, ``MODE_ACCOUNT`` and
        ``MODE_BASE_URL`` (default ``https://app.mode.com/api``).

        Raises:
            ValueError: a required variable is unset or empty (its name is given, never
                its value).
        """
        missing = [
            name
            for name in ("MODE_API_TOKEN", "MODE_API_SECRET", "MODE_ACCOUNT")
            if not os.environ.get(name)
        ]
        if missing:
            raise ValueError(f"environment variable(s) not set: {', '.join(missing)}")
        return cls(
            os.environ["MODE_ACCOUNT"],
            os.environ["MODE_API_TOKEN"],
            os.environ["MODE_API_SECRET"],
            base_url=os.environ.get("MODE_BASE_URL") or DEFAULT_BASE_URL,
            timeout=timeout,
        )

    @property
    def base_url(self) -> str:
        """The API base URL, without a trailing slash."""
        return str(self._session.base_url)

    def __repr__(self) -> str:
        return f"ModeClient(account={self.account!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the connection pool."""
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def list_query_runs(
        self, report: str, run: str, *, max_pages: int | None = None
    ) -> Iterator[QueryRun]:
        """Every Query Run of a Report Run, over all pages, lazily.

        ``GET /{account}/reports/{report}/runs/{run}/query_runs``; further pages are
        fetched by following ``_links.next_page``, each only when the runs of the page
        before it have been consumed.

        Args:
            report: Report token.
            run: Report Run token.
            max_pages: Stop after this many pages (``None``: all of them).

        Returns:
            An iterator of generated ``QueryRun`` models, in the order Mode sends them.

        Raises:
            ValueError: a token is empty, ``.`` or ``..`` (raised at once).
            ModeAPIError: per page, as the class describes; ``ModeAPIError`` too when a
                ``next_page`` link repeats a page already fetched.
        """
        check_token("report", report)
        check_token("run", run)
        return self._iter_query_runs(report, run, max_pages)

    def _iter_query_runs(self, report: str, run: str, max_pages: int | None) -> Iterator[QueryRun]:
        guard = PageGuard(max_pages)
        page = self._call(
            list_query_runs_for_report_run.sync_detailed,
            self.account,
            report,
            run,
            expect=QueryRunCollection,
        )
        while True:
            guard.visit(page.field_links.self_.href)
            yield from page.field_embedded.query_runs
            next_href = guard.next_href(page)
            if next_href is None:
                return
            page = self._parse(QueryRunCollection, self._get(next_href))

    def get_query_run(self, report: str, run: str, query_run: str) -> QueryRun:
        """One Query Run.

        ``GET /{account}/reports/{report}/runs/{run}/query_runs/{query_run}``.

        Args:
            report: Report token.
            run: Report Run token.
            query_run: Query Run token.

        Raises:
            ValueError: a token is empty, ``.`` or ``..``.
            NotFoundError: no such Report, Report Run or Query Run.
            ModeAPIError: any other failure, as the class describes.
        """
        return self._call(
            get_query_run_for_report_run.sync_detailed,
            self.account,
            check_token("report", report),
            check_token("run", run),
            check_token("query_run", query_run),
            expect=QueryRun,
        )

    def follow(self, link: Link | str) -> Any:
        """GET a HAL link and return its decoded JSON (dicts, lists, str, numbers).

        Args:
            link: A ``Link`` model or its ``href``. Hrefs resolve against the base URL's
                origin (``/api/acme/...`` on ``https://app.mode.com/api`` is
                ``https://app.mode.com/api/acme/...``).

        Raises:
            ValueError: the link points to another origin (credentials are never sent
                there); ``*_web`` links are browser URLs on app.mode.com, not API URLs.
            ResponseParseError: the body is not JSON, or breaks the spec for a spec path.
            ModeAPIError: any other failure, as the class describes.
        """
        href = link.href if isinstance(link, Link) else link
        return decode_json(self._get(href))

    def _get(self, href: str) -> httpx.Response:
        url = self._session.resolve(href)
        try:
            return self._session.http.get(url)
        except httpx.TransportError as exc:
            raise error_for_transport(exc) from None

    def _call(self, operation: Any, *args: str, expect: type[T]) -> T:
        try:
            response = operation(*args, client=self._generated)
        except httpx.TransportError as exc:
            raise error_for_transport(exc) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ResponseParseError(f"generated client could not parse the body: {exc!r}") from exc
        if not isinstance(response.parsed, expect):
            raise ModeAPIError(
                f"unexpected response {response.status_code}", status=response.status_code
            )
        return response.parsed

    def _parse(
        self, model: type[QueryRunCollection], response: httpx.Response
    ) -> QueryRunCollection:
        body = self._session.validated_json(response, "listQueryRunsForReportRun")
        try:
            return model.from_dict(body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ResponseParseError(
                f"not a {model.__name__}: {exc!r}", status=response.status_code
            ) from exc
