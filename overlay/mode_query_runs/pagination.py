"""Following HAL ``next_page`` links across the pages of a collection.

Mode links the pages of a collection with ``_links.next_page``; the absence of
``next_page`` marks the last page (``shared/reference/mode-api-facts.md``, Pagination).
Page numbers are never computed from the ``pagination`` object.
"""

from __future__ import annotations

import httpx

from mode_api_client.models import QueryRunCollection
from mode_api_client.types import Unset

from .errors import ModeAPIError, ResponseParseError
from .session import Rules

__all__ = ["PageGuard", "parse_page"]


class PageGuard:
    """Tracks the pages of one listing: stops loops and enforces ``max_pages``.

    Args:
        max_pages: The most pages to fetch (``None``: no limit). Must be at least 1.
    """

    def __init__(self, max_pages: int | None = None) -> None:
        if max_pages is not None and max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {max_pages}")
        self.max_pages = max_pages
        self._seen: set[str] = set()

    @property
    def pages(self) -> int:
        """How many pages have been visited."""
        return len(self._seen)

    def visit(self, href: str) -> None:
        """Record a fetched page by its ``self`` href.

        Raises:
            ModeAPIError: the page was fetched before (a ``next_page`` loop).
        """
        self._refuse_repeat(href)
        self._seen.add(href)

    def next_href(self, page: QueryRunCollection) -> str | None:
        """The ``next_page`` href to fetch after ``page``, or ``None`` when done.

        Done means the page has no ``next_page`` link or ``max_pages`` pages were fetched.

        Raises:
            ModeAPIError: ``next_page`` points to a page already fetched.
        """
        link = page.field_links.next_page
        if isinstance(link, Unset):
            return None
        if self.max_pages is not None and self.pages >= self.max_pages:
            return None
        self._refuse_repeat(link.href)
        return link.href

    def _refuse_repeat(self, href: str) -> None:
        if href in self._seen:
            raise ModeAPIError(
                f"pagination loop: next_page leads back to {href}, a page already fetched"
            )


def parse_page(rules: Rules, response: httpx.Response) -> QueryRunCollection:
    """A read ``next_page`` response as a ``QueryRunCollection``.

    Raises:
        ResponseParseError: the body is not JSON or not a Query Run collection as the
            spec's ``listQueryRunsForReportRun`` describes it.
    """
    body = rules.validated_json(response, "listQueryRunsForReportRun")
    try:
        return QueryRunCollection.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResponseParseError(
            f"not a QueryRunCollection: {exc!r}", status=response.status_code
        ) from exc
