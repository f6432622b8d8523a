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

__all__ = ["PageGuard", "parse_page", "query_runs_of"]


class PageGuard:
    """Tracks the pages of one listing: stops loops and enforces ``max_pages``.

    Args:
        max_pages: The most pages to fetch (``None``: no limit). Must be at least 1.
    """

    def __init__(self, max_pages: int | None = None) -> None:
        if max_pages is not None and max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {max_pages}")
        self.max_pages = max_pages
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
            ModeAPIError: ``next_page`` points to a page already fetched.
            ResponseParseError: ``next_page`` is not one Link with a string ``href``.
        """
        href = relation_href(page, "next_page")
        if href is None:
            return None
        if self.max_pages is not None and self.pages >= self.max_pages:
            return None
        if href in self._seen or href in self._followed:
            raise _loop(href)
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
