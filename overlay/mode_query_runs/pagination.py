"""The pages of a listing, by HAL ``next_page`` links, and where a listing ends: Mode's
links alone cannot end one (the rules: the README's "How a listing ends")."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from mode_api_client.models import QueryRun, QueryRunCollection, QueryRunCollectionEmbedded
from mode_api_client.types import Unset

from .errors import ModeAPIError
from .links import member, relation_href
from .origin import Origin
from .settings import check_count

LOGGER = logging.getLogger("mode_query_runs")
DEFAULT_PAGE_LIMIT = 10_000
"""The most pages one listing fetches by default (``next_page`` links may never end)."""


def check_page_limit(page_limit: int) -> int:
    """``page_limit`` if it is an ``int`` of at least 1 (``TypeError``, ``ValueError``)."""
    return check_count("page_limit", page_limit)


class PageWalk:
    """One listing's pages: each Query Run once, at most ``max_pages`` pages (``None``:
    all), ``ModeAPIError`` past ``page_limit`` pages (``ValueError`` for a bad limit)."""

    def __init__(
        self, origin: Origin, max_pages: int | None = None, page_limit: int = DEFAULT_PAGE_LIMIT
    ) -> None:
        if max_pages is not None and max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {max_pages}")
        self.origin, self.max_pages = origin, max_pages
        self.page_limit = check_page_limit(page_limit)
        self.pages = 0
        self._fetched: set[httpx.URL] = set()  # a page is known by the URL it came from
        self._given: set[str] = set()
        self._url: httpx.URL | None = None
        self._ending: str | None = None
        self.first_url: httpx.URL | None = None

    def take(self, url: httpx.URL, page: QueryRunCollection) -> list[QueryRun]:
        """The Query Runs of the page fetched from ``url`` not given before, in order."""
        self.pages += 1
        self.first_url = self.first_url or url
        self._url = url
        self._fetched.add(url)
        runs = query_runs_of(page)
        new = []
        for run in runs:
            if isinstance(run.token, str):  # a run without one is always new
                if run.token in self._given:
                    continue
                self._given.add(run.token)
            new.append(run)
        number, total = _counter(page, "page"), _counter(page, "total_pages")
        if not runs:
            self._ending = "the page has no Query Runs"
        elif not new:
            self._ending = "every Query Run of the page was given before"
        elif number is not None and total is not None and number >= total:
            self._ending = f"pagination says page {number} of {total}"
        else:
            self._ending = None
        return new

    def next_url(self, page: QueryRunCollection) -> httpx.URL | None:
        """The URL of the page after the one taken, ``None`` where the listing ends (errors
        as ``relation_href`` and ``Origin.resolve``; ``ModeAPIError`` past the limit)."""
        href = relation_href(page, "next_page")
        if href is None or (self.max_pages is not None and self.pages >= self.max_pages):
            return None
        next_url = None if self._ending else self.origin.resolve(href, relation="next_page")
        if next_url in self._fetched:
            self._ending = "next_page leads to a page already fetched"
        if self._ending:
            LOGGER.info("listing ends at page %d (%s): %s", self.pages, self._url, self._ending)
            return None
        if self.pages >= self.page_limit:
            raise ModeAPIError(
                f"the listing has more than {self.page_limit} pages (page_limit):"
                " next_page links may never end"
            )
        return next_url


def _counter(page: QueryRunCollection, name: str) -> int | None:
    """A ``pagination`` counter if it is a whole number from 1 (or its digits, 18 at most)."""
    pagination: Any = page.pagination
    if pagination is None or isinstance(pagination, Unset):
        return None
    value = member(pagination, name)
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def query_runs_of(page: QueryRunCollection) -> list[QueryRun]:
    """The Query Runs of a page: none if ``_embedded`` or its ``query_runs`` is absent or null."""
    embedded: Any = page.field_embedded
    if isinstance(embedded, QueryRunCollectionEmbedded) and isinstance(embedded.query_runs, list):
        return embedded.query_runs
    return []
