"""Walking the pages of a collection: HAL ``next_page`` links, and where a listing ends.

Mode links the pages of a collection with ``_links.next_page``, but a client cannot rely
on the link alone to end a listing (``shared/reference/mode-api-facts.md``, "What clients
of the live API report"): Mode emits ``next_page`` past the end of a collection, and some
collections ignore the page number and answer every page with the whole collection. A
``PageWalk`` therefore gives each Query Run once (by token) and ends a listing, without
an error, at the first page that

- has no ``next_page`` link;
- has no Query Runs, or only Query Runs already given (a page that repeats);
- its ``pagination`` counters call the last (``page`` >= ``total_pages``, whole numbers
  from 1 or strings of their digits), whatever the links say;
- links with ``next_page`` to itself or to a page already fetched (a page is known by the
  URL it was fetched from: a ``self`` link is not trusted to name it).

Page numbers are never computed from the ``pagination`` object.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from mode_api_client.models import QueryRun, QueryRunCollection, QueryRunCollectionEmbedded
from mode_api_client.types import Unset

from .errors import ModeAPIError
from .links import relation_href
from .origin import Origin

__all__ = ["DEFAULT_PAGE_LIMIT", "PageWalk", "check_page_limit", "query_runs_of"]

LOGGER = logging.getLogger("mode_query_runs")

DEFAULT_PAGE_LIMIT = 10_000
"""The most pages one listing fetches by default (10,000 pages of new Query Runs): past
it, a server whose ``next_page`` links never end is an error, not an endless listing."""


def check_page_limit(page_limit: int) -> int:
    """Return ``page_limit`` if it is a usable page limit; raise otherwise.

    Raises:
        TypeError: not an ``int``.
        ValueError: below 1.
    """
    if isinstance(page_limit, bool) or not isinstance(page_limit, int):
        raise TypeError(f"page_limit must be an int, not {type(page_limit).__name__}")
    if page_limit < 1:
        raise ValueError(f"page_limit must be at least 1, not {page_limit}")
    return page_limit


class PageWalk:
    """The pages of one listing: which Query Runs are new, and which URL comes next.

    Args:
        origin: Resolves ``next_page`` hrefs (and refuses another origin).
        max_pages: The most pages to fetch, then stop quietly (``None``: every page).
            Must be at least 1.
        page_limit: The most pages a listing may have: a ``next_page`` past this many
            pages, each with new Query Runs, is an error (links that never end).
    """

    def __init__(
        self, origin: Origin, max_pages: int | None = None, page_limit: int = DEFAULT_PAGE_LIMIT
    ) -> None:
        if max_pages is not None and max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {max_pages}")
        self.origin = origin
        self.max_pages = max_pages
        self.page_limit = check_page_limit(page_limit)
        self.pages = 0
        self._fetched: set[httpx.URL] = set()
        self._given: set[str] = set()
        self._url: httpx.URL | None = None
        self.first_url: httpx.URL | None = None
        """The URL of the listing's first page, once taken."""
        self._ending: str | None = None

    def take(self, url: httpx.URL, page: QueryRunCollection) -> list[QueryRun]:
        """The Query Runs of the page fetched from ``url`` not given before, in page order.

        A run without a string ``token`` is always new. Call ``next_url`` next.
        """
        self.pages += 1
        if self.first_url is None:
            self.first_url = url
        self._url = url
        self._fetched.add(url)
        runs = query_runs_of(page)
        new = [run for run in runs if self._is_new(run)]
        self._ending = _ending(page, len(runs), len(new))
        return new

    def next_url(self, page: QueryRunCollection) -> httpx.URL | None:
        """The URL of the page after the one just taken, or ``None`` when the listing ends.

        Raises:
            ModeAPIError: ``next_page`` leads past the ``page_limit``-th page.
            ResponseParseError: ``next_page`` is not one Link with a string ``href``, or
                not a valid URL.
            ValueError: ``next_page`` is on another origin than the API's.
        """
        href = relation_href(page, "next_page")
        if href is None:
            return None
        if self.max_pages is not None and self.pages >= self.max_pages:
            return None
        if self._ending:
            LOGGER.info("listing ends at page %d (%s): %s", self.pages, self._url, self._ending)
            return None
        next_url = self.origin.resolve(href, relation="next_page")
        if next_url in self._fetched:
            LOGGER.info(
                "listing ends at page %d (%s): next_page leads to a page already fetched",
                self.pages,
                self._url,
            )
            return None
        if self.pages >= self.page_limit:
            raise ModeAPIError(
                f"the listing has more than {self.page_limit} pages (page_limit):"
                " next_page links may never end"
            )
        return next_url

    def _is_new(self, run: QueryRun) -> bool:
        token = run.token
        if not isinstance(token, str):
            return True
        if token in self._given:
            return False
        self._given.add(token)
        return True


def _ending(page: QueryRunCollection, found: int, new: int) -> str | None:
    """Why the listing ends at ``page`` despite its ``next_page`` link, if it does."""
    if found == 0:
        return "the page has no Query Runs"
    if new == 0:
        return "every Query Run of the page was given before"
    number, total = _counter(page, "page"), _counter(page, "total_pages")
    if number is not None and total is not None and number >= total:
        return f"pagination says page {number} of {total}"
    return None


def _counter(page: QueryRunCollection, name: str) -> int | None:
    """A ``pagination`` counter as a page number: a whole number from 1 (an integer, or a
    string of at most 18 digits); anything else (``0``, negative, a float, a boolean, a
    longer string) is ``None`` and ends nothing."""
    pagination: Any = page.pagination
    if pagination is None or isinstance(pagination, Unset):
        return None
    value = getattr(pagination, name, None)
    if value is None or isinstance(value, Unset):
        value = pagination.additional_properties.get(name)
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return None


def query_runs_of(page: QueryRunCollection) -> list[QueryRun]:
    """The Query Runs of a page: none when ``_embedded`` or its ``query_runs`` is absent.

    An absent or ``null`` ``_embedded`` is a page without Query Runs (spec); a missing or
    ``null`` ``query_runs`` too (a deviation, reported when the page was read).
    """
    embedded: Any = page.field_embedded
    if isinstance(embedded, QueryRunCollectionEmbedded) and isinstance(embedded.query_runs, list):
        return embedded.query_runs
    return []
