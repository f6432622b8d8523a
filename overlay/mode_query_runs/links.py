"""HAL links: where a link leads, whether it may be fetched, and what following it gives.

Mode's hrefs are absolute paths that include the base path (``/api/acme/...``); ``*_web``
relations are browser URLs on app.mode.com, for people, not for the API client
(``shared/reference/mode-api-facts.md``, HAL shape). Credentials go only to the base
URL's origin. A relation whose href is a spec operation comes back as the generated model
the spec names for its response, read as ``reader`` does (a Query Run's ``self`` is a
``QueryRun``, a collection's ``self`` or ``next_page`` a ``QueryRunCollection``); anything
else as decoded JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import attrs
import httpx

from mode_api_client.models import Link
from mode_api_client.types import Unset

from .errors import ResponseParseError
from .origin import Origin
from .wire import to_wire

__all__ = [
    "Target",
    "Variables",
    "expand_link",
    "follow_target",
    "relation_href",
    "relation_link",
    "web_links",
]

WEB_SUFFIX = "_web"


@dataclass(frozen=True)
class Target:
    """What following one link means.

    Attributes:
        url: The absolute URL to GET.
        credentials: Whether the API credentials go with the request (only on the base
            URL's origin).
    """

    url: httpx.URL
    credentials: bool


def relation_link(resource: Any, relation: str) -> Link | None:
    """The one Link of a resource's ``relation``, or ``None`` when it has no such relation.

    HAL lets a relation be a Link or an array of Links (the generated types say
    ``Link | list[Link]``); an array of one Link is that Link.

    Args:
        resource: A generated model with ``field_links`` (``QueryRun``,
            ``QueryRunCollection``).
        relation: The relation name (``"self"``, ``"next_page"``, ``"result"``, ...).

    Raises:
        ResponseParseError: the relation is there but is not one Link with a string
            ``href`` (an array of several Links, a value of another type).
    """
    links = getattr(resource, "field_links", None)
    if links is None or isinstance(links, Unset):
        links = resource.additional_properties.get("_links")
    value = _relation(links, relation)
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, Link) and isinstance(value.href, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("href"), str):
        return Link.from_dict(value)
    if isinstance(value, list):
        problem = f"an array of {len(value)} links, not one"
    else:
        problem = "not a link with a string href"
    raise ResponseParseError(f"the {relation} relation of the response is {problem}")


def relation_href(resource: Any, relation: str) -> str | None:
    """The ``href`` of ``relation_link`` (``None`` when there is no such relation)."""
    link = relation_link(resource, relation)
    return None if link is None else link.href


def _relation(links: Any, relation: str) -> Any:
    """A relation's value in a ``_links`` model or dict (``None`` when it has none)."""
    if isinstance(links, dict):
        return links.get(relation)
    if not attrs.has(type(links)):
        return None  # no _links object (a deviation reported when the body was read)
    attribute = type(links).attribute_names.get(relation)
    value = getattr(links, attribute) if attribute is not None else None
    if value is None or isinstance(value, Unset):
        return links.additional_properties.get(relation)
    return value


Variables = Mapping[str, Any]
"""Values of a URI template's variables: strings, numbers, lists or mappings (RFC 6570)."""


def expand_link(link: Link | list[Link] | str, variables: Variables | None = None) -> str:
    """The href of a link, its URI template expanded (RFC 6570) when it is templated.

    A HAL Link with ``"templated": true`` has a URI template as its ``href``
    (``/api/acme/reports/r1/queries/q1/runs{?page,per_page}``); variables left out are
    dropped with their expression (``{?page,per_page}`` with ``{"page": 2}`` gives
    ``?page=2``). Expansion is done by the ``uritemplate`` library.

    Args:
        link: A ``Link`` model, a relation's array of one Link, or an ``href`` (never a
            template: only a Link can say it is one).
        variables: Values for the template's variables; ``None`` for none.

    Returns:
        The href to request, e.g. ``/api/acme/reports/r1/queries/q1/runs?page=2``.

    Raises:
        ValueError: ``variables`` are given for a link that is not templated, or name a
            variable the template does not have; an array holds other than one Link.
    """
    if isinstance(link, list):
        if len(link) != 1:
            raise ValueError(f"a relation of {len(link)} links: follow one of them")
        link = link[0]
    if not (isinstance(link, Link) and link.templated is True):
        href = link.href if isinstance(link, Link) else link
        if variables is not None:
            raise ValueError(f"link {href!r} is not templated: it takes no variables")
        return href
    import uritemplate  # loaded with the first templated link, not with the package

    template = uritemplate.URITemplate(link.href)
    given = dict(variables or {})
    unknown = sorted(set(given) - set(template.variable_names))
    if unknown:
        known = ", ".join(sorted(template.variable_names)) or "none"
        raise ValueError(
            f"URI template {link.href!r} has no variable {', '.join(unknown)} (it has {known})"
        )
    return str(template.expand(given))


def follow_target(
    origin: Origin,
    link: Link | list[Link] | str,
    *,
    other_origin: bool = False,
    variables: Variables | None = None,
) -> Target:
    """Where following ``link`` goes.

    Args:
        origin: The API's origin (its base URL).
        link: A ``Link`` model, an array of one (a relation's value), or an ``href``.
        other_origin: Allow a link on another origin; it is fetched without credentials.
        variables: Values for a templated link's variables (see ``expand_link``).

    Raises:
        ValueError: as ``expand_link``; the link is on another origin and
            ``other_origin`` is false; or it is on the API's origin but outside the API's
            path (a ``*_web`` browser URL, which is shown to people, never fetched).
    """
    href = expand_link(link, variables)
    url = origin.join(href)
    if not origin.is_own_origin(url):
        if not other_origin:
            origin.resolve(href)  # raises the refusal
        return Target(url, credentials=False)
    if not origin.is_api_url(url):
        raise ValueError(
            f"{origin.shown_url(url)} is a browser URL (a *_web relation), not an API URL:"
            " open it in a browser"
        )
    return Target(url, credentials=True)


def web_links(resource: Any) -> dict[str, str]:
    """The ``*_web`` relations of a resource: relation name to browser URL.

    Args:
        resource: A generated model with ``field_links`` (``QueryRun``) or a decoded HAL
            dict with ``_links``.

    Returns:
        e.g. ``{"result_web": "https://app.mode.com/acme/reports/.../results", ...}``;
        these are for people and are never fetched by the client.
    """
    raw = (resource if isinstance(resource, dict) else to_wire(resource)).get("_links")
    if not isinstance(raw, dict):
        return {}
    hrefs = {name: link.get("href") for name, link in raw.items() if isinstance(link, dict)}
    return {
        name: href
        for name, href in sorted(hrefs.items())
        if name.endswith(WEB_SUFFIX) and isinstance(href, str)
    }
