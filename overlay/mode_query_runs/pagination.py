"""Following HAL ``next_page`` links across the pages of a collection.

Mode links the pages of a collection with ``_links.next_page``; the absence of
``next_page`` marks the last page (``shared/reference/mode-api-facts.md``, Pagination).
Page numbers are never computed from the ``pagination`` object.
"""

from __future__ import annotations

from typing import Any

import httpx

from mode_api_client.models import QueryRun, QueryRunCollection, QueryRunCollectionEmbedded

from .errors import ModeAPIError, ResponseParseError
from .links import relation_href
from .session import Rules

__all__ = ["DEFAULT_PAGE_LIMIT", "PageGuard", "check_page_limit", "parse_page", "query_runs_of"]

DEFAULT_PAGE_LIMIT = 10_000
"""The most pages one listing fetches by default (10,000 pages of Query Runs): past it,
a server whose ``next_page`` links never end is an error, not an endless listing."""


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


class PageGuard:
    """Tracks the pages of one listing: stops loops, enforces ``max_pages`` and the page limit.

    Args:
        max_pages: The most pages to fetch, then stop quietly (``None``: every page).
            Must be at least 1.
        page_limit: The most pages a listing may have: a ``next_page`` past this many
            pages is an error (a server whose links never end).
    """

    def __init__(self, max_pages: int | None = None, page_limit: int = DEFAULT_PAGE_LIMIT) -> None:
        if max_pages is not None and max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {max_pages}")
        self.max_pages = max_pages
        self.page_limit = check_page_limit(page_limit)
        self.pages = 0
        self._seen: set[str] = set()
        self._followed: set[str] = set()

    def visit(self, page: QueryRunCollection) -> None:
        """Record a fetched page by its ``self`` href (if it has one it can be known by).

        Raises:
            ModeAPIError: the page was fetched before (a ``next_page`` loop).
            ResponseParseError: the ``self`` relation is not one Link.
        """
        self.pages += 1
        href = relation_href(page, "self")
        if href is not None:
            if href in self._seen:
                raise _loop(href)
            self._seen.add(href)

    def next_href(self, page: QueryRunCollection) -> str | None:
        """The ``next_page`` href to fetch after ``page``, or ``None`` when done.

        Done means the page has no ``next_page`` link or ``max_pages`` pages were fetched.

        Raises:
            ModeAPIError: ``next_page`` points to a page already fetched, or past the
                ``page_limit``-th page.
            ResponseParseError: ``next_page`` is not one Link with a string ``href``.
        """
        href = relation_href(page, "next_page")
        if href is None:
            return None
        if self.max_pages is not None and self.pages >= self.max_pages:
            return None
        if href in self._seen or href in self._followed:
            raise _loop(href)
        if self.pages >= self.page_limit:
            raise ModeAPIError(
                f"the listing has more than {self.page_limit} pages (page_limit):"
                " next_page links may never end"
            )
        self._followed.add(href)
        return href


def _loop(href: str) -> ModeAPIError:
    return ModeAPIError(f"pagination loop: next_page leads back to {href}, a page already fetched")


def parse_page(rules: Rules, response: httpx.Response) -> QueryRunCollection:
    """A read ``next_page`` response as a ``QueryRunCollection`` (read as :mod:`.reader` does).

    Raises:
        ResponseParseError: the body is not JSON or cannot be read as a Query Run
            collection (a ``next_page`` that leads elsewhere than a list of Query Runs).
    """
    page = rules.read(response)
    if not isinstance(page, QueryRunCollection):
        raise ResponseParseError(
            "next_page does not lead to a page of Query Runs", status=response.status_code
        )
    return page


def query_runs_of(page: QueryRunCollection) -> list[QueryRun]:
    """The Query Runs of a page: none when ``_embedded`` or its ``query_runs`` is absent.

    An absent or ``null`` ``_embedded`` is a page without Query Runs (spec); a missing or
    ``null`` ``query_runs`` too (a deviation, reported when the page was read).
    """
    embedded: Any = page.field_embedded
    if isinstance(embedded, QueryRunCollectionEmbedded) and isinstance(embedded.query_runs, list):
        return embedded.query_runs
    return []
