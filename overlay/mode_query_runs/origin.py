"""The API's origin: where credentials may go (only there), how Mode's hrefs (absolute
paths, ``/api/acme/...``) resolve, how URLs are shown."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import httpx

from .errors import Redactor, ResponseParseError, userinfo_forms, without_userinfo
from .spec import Operation, match_operation


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def shown_url(url: httpx.URL, api_url: httpx.URL) -> str:
    """``url`` without userinfo, its query shown as ``?…`` (a storage host's signature)
    unless it is on ``api_url``'s origin."""
    shown = without_userinfo(url)
    hidden = url.query and _origin(url) != _origin(api_url)
    return f"{shown.copy_with(query=None)}?…" if hidden else str(shown)


class Origin:
    """The base URL (its ``user:password@`` dropped, kept as ``userinfo_forms``) and the
    rules that follow from it; ``redactor`` hides ``secrets`` and the userinfo. A base URL
    that is not http(s), has a query, fragment or port out of range, or would be sent
    elsewhere than meant (never shown then) is a ``ValueError``."""

    def __init__(self, base_url: str, secrets: Iterable[str] = ()) -> None:
        odd = [ch for ch in base_url if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")]
        if odd:
            raise ValueError(
                f"base URL contains whitespace or an invisible character (U+{ord(odd[0]):04X})"
            )
        if re.search("%(?![0-9A-Fa-f]{2})", base_url):
            raise ValueError("base URL has a '%' that does not start a percent-escape (%XX)")
        if "@" in re.sub("^[^/?#]*", "", base_url.partition("://")[2]):  # after the host
            raise ValueError(
                "base URL has an '@' after its host: percent-encode '#', '?' and '/' in a"
                " password (%23, %3F, %2F)"
            )
        try:
            given = httpx.URL(base_url.rstrip("/"))
        except httpx.InvalidURL as exc:
            raise ValueError(f"base URL is not a valid URL: {exc}") from None
        self.userinfo_forms = userinfo_forms(given)
        self.redactor = Redactor((*secrets, *self.userinfo_forms))
        self.base_url = base = without_userinfo(given)
        if base.scheme not in ("http", "https") or not base.host:
            raise ValueError(f"base URL must be an http(s) URL, not {str(base)!r}")
        if base.port is not None and not 0 < base.port < 65536:
            raise ValueError(f"base URL is not a valid URL: port {base.port} is out of range")
        if "?" in str(base) or "#" in str(base):  # an empty one too: httpx keeps it
            raise ValueError(f"base URL must have no query or fragment, not {str(base)!r}")
        self._base_path = base.raw_path.decode("ascii").rstrip("/")

    def is_own_origin(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on the base URL's origin (where credentials may be sent)."""
        return _origin(url) == _origin(self.base_url)

    def _api_path(self, url: httpx.URL) -> str | None:
        path = url.raw_path.decode("ascii").split("?", 1)[0]
        if self.is_own_origin(url) and path.startswith(self._base_path + "/"):
            return path[len(self._base_path) :]
        return None

    def is_api_url(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on the base URL's origin and under its path (``/api/...``)."""
        return self._api_path(url) is not None

    def join(self, href: str, *, relation: str | None = None) -> httpx.URL:
        """The absolute URL (without userinfo) of an ``href``; one that is not a URL is a
        ``ResponseParseError`` from the server (its ``relation``), else a ``ValueError``."""
        try:
            return without_userinfo(self.base_url.join(href))
        except httpx.InvalidURL as exc:
            if relation is None:
                raise ValueError(f"not a valid URL: {href!r} ({exc})") from None
            raise ResponseParseError(
                f"the {relation} href of the response is not a valid URL: {href!r} ({exc})",
                redactor=self.redactor,
            ) from None

    def resolve(self, href: str, *, relation: str | None = None) -> httpx.URL:
        """``join``, refusing (``ValueError``) an ``href`` on another origin."""
        url = self.join(href, relation=relation)
        if not self.is_own_origin(url):
            raise ValueError(
                f"refusing to send Mode credentials to {url.scheme}://{url.netloc.decode()}:"
                f" the link is not on the API's origin {self.base_url.scheme}://"
                f"{self.base_url.netloc.decode()}"
            )
        return url

    def not_found_hint(self, url: httpx.URL) -> str | None:
        """For a 404 from ``url`` on this origin when the base path does not end in
        ``/api``: the account given twice, a path after ``/api``, or ``/api`` missing."""
        if self._base_path.endswith("/api") or not self.is_own_origin(url):
            return None
        base, segments = self.base_url, self._base_path.split("/")
        after = (self._api_path(url) or "").split("/")
        if len(after) > 1 and len(segments) > 1 and after[1] == segments[-1]:
            shorter = "/".join(segments[:-1]).encode("ascii")
            return (
                f"the base URL {base!s} ends in the account {segments[-1]!r}, which every"
                f" path adds: use {base.copy_with(raw_path=shorter)!s}"
            )
        if "api" in segments:
            api = "/".join(segments[: len(segments) - segments[::-1].index("api")])
            return (
                f"the base URL {base!s} goes on after /api: Mode's paths follow /api, as in"
                f" {base.copy_with(raw_path=api.encode('ascii'))!s}"
            )
        return f"is /api missing from the base URL {base!s}?"

    def operation_for(self, url: httpx.URL, method: str = "GET") -> Operation | None:
        """The spec operation a request to ``url`` is, if it is one on the API's origin."""
        path = self._api_path(url)
        return None if path is None else match_operation(method, path)

    def shown_url(self, url: httpx.URL) -> str:
        """``url`` as logs and errors show it (module ``shown_url``), credentials redacted."""
        return self.redactor.redact(shown_url(url, self.base_url))
