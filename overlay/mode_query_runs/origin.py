"""The API's origin: where credentials may go, how hrefs resolve, how URLs are shown.

Mode's hrefs are absolute paths that include the base path (``/api/acme/...``); they
resolve against the base URL's origin, never by appending. Credentials go only to that
origin (scheme, host and port), and a URL is an API URL only under the base path; other
URLs on it (``*_web`` relations) are for browsers. URLs in logs and errors never carry
user-info, and another origin's query string (a storage host's signature) is hidden.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import httpx

from .errors import Redactor, ResponseParseError, userinfo_forms, without_userinfo
from .spec import Operation, match_operation

__all__ = ["Origin", "shown_url"]


def shown_url(url: httpx.URL, api_url: httpx.URL) -> str:
    """``url`` as logs and errors show it: no userinfo; a query hidden (``?…``) unless
    ``url`` is on ``api_url``'s origin (scheme, host and port).

    Storage hosts that serve results sign their URLs in the query string; the signature
    is a credential, so it is replaced by ``?…``.
    """
    shown = without_userinfo(url)
    if (url.scheme, url.host, url.port) != (api_url.scheme, api_url.host, api_url.port) and (
        url.query
    ):
        return str(shown.copy_with(query=None)) + "?…"
    return str(shown)


def _check_characters(base_url: str) -> None:
    """Refuse a base URL httpx would take but send elsewhere than meant. The messages
    never show the URL: what is wrong with it may be an unencoded password.

    Raises:
        ValueError: whitespace or an invisible character (``"https://app.mode.com/api "``
            sends every request to ``/api%20/...``); a ``%`` not starting a
            percent-escape; an ``@`` after the host (a password with an unencoded
            ``#``, ``?`` or ``/`` ends the host early: ``http://token:48#21@host/api``).
    """
    odd = [ch for ch in base_url if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")]
    if odd:
        raise ValueError(
            f"base URL contains whitespace or an invisible character (U+{ord(odd[0]):04X})"
        )
    if re.search("%(?![0-9A-Fa-f]{2})", base_url):
        raise ValueError("base URL has a '%' that does not start a percent-escape (%XX)")
    rest = base_url.partition("://")[2]
    host_end = min([rest.find(ch) for ch in "/?#" if ch in rest] or [len(rest)])
    if "@" in rest[host_end:]:
        raise ValueError(
            "base URL has an '@' after its host: percent-encode '#', '?' and '/' in a"
            " password (%23, %3F, %2F)"
        )


class Origin:
    """The base URL and the rules that follow from it.

    Args:
        base_url: The API's base URL, e.g. ``https://app.mode.com/api``. A
            ``user:password@`` in it is dropped (the API's credentials travel in the
            ``Authorization`` header): ``base_url`` and every URL built from it have none,
            so neither the SDK's log lines nor httpx's show it. ``userinfo_forms`` keeps
            the forms to redact (``userinfo_forms``).
        secrets: The forms of the API credentials
            (``credential_forms``). ``redactor`` hides them
            and ``userinfo_forms`` in the errors of requests to this origin
            (``Redactor``).

    Raises:
        ValueError: ``base_url`` is not an http(s) URL, has a query or fragment, or a port
            out of range.
    """

    def __init__(self, base_url: str, secrets: Iterable[str] = ()) -> None:
        _check_characters(base_url)
        try:
            given = httpx.URL(base_url.rstrip("/"))
        except httpx.InvalidURL as exc:
            raise ValueError(f"base URL is not a valid URL: {exc}") from None
        self.userinfo_forms = userinfo_forms(given)
        self.redactor = Redactor((*secrets, *self.userinfo_forms))
        self.base_url = without_userinfo(given)
        shown = str(self.base_url)
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise ValueError(f"base URL must be an http(s) URL, not {shown!r}")
        if self.base_url.port is not None and not 0 < self.base_url.port < 65536:
            raise ValueError(
                f"base URL is not a valid URL: port {self.base_url.port} is out of range"
            )
        if "?" in shown or "#" in shown:  # an empty one too: httpx keeps it in the URL
            raise ValueError(f"base URL must have no query or fragment, not {shown!r}")
        self._base_path = self.base_url.raw_path.decode("ascii").rstrip("/")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(without_userinfo(self.base_url))!r})"

    @property
    def scheme_host_port(self) -> tuple[str, str, int | None]:
        """``(scheme, host, port)`` of the base URL: the only origin given credentials."""
        return self.base_url.scheme, self.base_url.host, self.base_url.port

    def is_own_origin(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on the base URL's origin (where credentials may be sent)."""
        return (url.scheme, url.host, url.port) == self.scheme_host_port

    def join(self, href: str, *, relation: str | None = None) -> httpx.URL:
        """The absolute URL of a HAL ``href``, resolved against the base URL's origin.

        The URL has no ``user:password@`` (the base URL's user-info is never repeated in
        the URLs of links, so no URL shown in logs or errors carries it).

        Args:
            href: The href.
            relation: The relation of the response the href came from (``"next_page"``):
                the href is the server's, not the caller's.

        Raises:
            ResponseParseError: the server's ``href`` (``relation`` given) is not a valid
                URL (a NUL or another control character).
            ValueError: the caller's ``href`` is not a valid URL.
        """
        try:
            return without_userinfo(self.base_url.join(href))
        except httpx.InvalidURL as exc:
            if relation is None:
                raise ValueError(f"not a valid URL: {href!r} ({exc})") from None
            raise ResponseParseError(
                f"the {relation} href of the response is not a valid URL: {href!r} ({exc})",
                redactor=self.redactor,
            ) from None

    def is_api_url(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on the base URL's origin and under its path (``/api/...``)."""
        path = url.raw_path.decode("ascii").split("?", 1)[0]
        return self.is_own_origin(url) and path.startswith(self._base_path + "/")

    def resolve(self, href: str, *, relation: str | None = None) -> httpx.URL:
        """The absolute URL of a HAL ``href``, resolved against the base URL.

        Mode's hrefs are absolute paths that already include the base path (``/api/...``),
        so they resolve against the base URL's origin, never by appending.

        Raises:
            ValueError: ``href`` points to another origin than the base URL's, where the
                API credentials must not be sent.
            ResponseParseError: ``href`` is not a valid URL (see ``join``).
        """
        url = self.join(href, relation=relation)
        if not self.is_own_origin(url):
            raise ValueError(
                f"refusing to send Mode credentials to {url.scheme}://{url.netloc.decode()}:"
                f" the link is not on the API's origin {self.base_url.scheme}://"
                f"{self.base_url.netloc.decode()}"
            )
        return url

    def not_found_hint(self, url: httpx.URL) -> str | None:
        """A hint for a 404 from ``url`` when the base URL looks wrong, else ``None``.

        Mode's base URL ends in ``/api`` and every path adds the account after it. So:

        - a base URL whose path ends in the segment the path after it starts with (the
          account given twice, ``.../api/acme`` + ``/acme/reports/...``): it ends in the
          account;
        - one with a path after an ``/api`` segment (``.../api/v1``): that path is extra;
        - one without an ``/api`` segment: ``/api`` may be missing.

        ``None`` when the base URL's path ends in ``/api`` or ``url`` is on another origin.
        """
        if self._base_path.endswith("/api") or not self.is_own_origin(url):
            return None
        base = without_userinfo(self.base_url)
        segments = self._base_path.split("/")
        path = url.raw_path.decode("ascii").split("?", 1)[0]
        after = path[len(self._base_path) :].split("/") if self.is_api_url(url) else []
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
        if not self.is_api_url(url):
            return None
        path = url.raw_path.decode("ascii").split("?", 1)[0]
        return match_operation(method, path[len(self._base_path) :])

    def shown_url(self, url: httpx.URL) -> str:
        """``url`` as logs and errors show it: no userinfo; another origin's query hidden.

        Storage hosts that serve results sign their URLs in the query string; the
        signature is a credential, so it is replaced by ``?…`` (see ``shown_url``). The
        client's credentials are hidden wherever they are (a server may echo them into a
        redirect's path or host).
        """
        return self.redactor.redact(shown_url(url, self.base_url))
