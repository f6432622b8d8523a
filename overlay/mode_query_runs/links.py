"""HAL links: the one Link of a relation, expanding a templated one, where following one
goes (credentials only to the base URL's origin, never to a ``*_web`` browser URL)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import attrs
import httpx

from mode_api_client.models import Link
from mode_api_client.types import Unset

from .errors import ResponseParseError
from .origin import Origin
from .wire import to_wire

Variables = Mapping[str, Any]
"""Values of a URI template's variables: strings, numbers, lists or mappings (RFC 6570)."""


class Target(NamedTuple):
    """The absolute URL following a link GETs, and whether the API credentials go along."""

    url: httpx.URL
    credentials: bool


def member(model: Any, key: str) -> Any:
    """A generated model's value for a JSON ``key``: its attribute's, else the one kept in
    ``additional_properties`` (``None`` if neither has one)."""
    attribute = type(model).attribute_names.get(key)
    value = None if attribute is None else getattr(model, attribute)
    if value is None or isinstance(value, Unset):
        return model.additional_properties.get(key)
    return value


def relation_link(resource: Any, relation: str) -> Link | None:
    """The one Link of ``relation`` (``"self"``, ``"next_page"``, ``"result"``, ...) in a
    generated model's ``_links`` (``QueryRun``, ``QueryRunCollection``), ``None`` if it has
    no such relation; HAL's array of one Link is that Link. ``ResponseParseError`` if the
    relation is there but is not one Link with a string ``href``."""
    links = member(resource, "_links")
    if isinstance(links, dict):
        value: Any = links.get(relation)
    elif attrs.has(type(links)):  # else no _links object (a deviation, reported when read)
        value = member(links, relation)
    else:
        return None
    single = isinstance(value, list) and len(value) == 1
    if single:
        value = value[0]  # and an array of one null is no Link either
    if (value is None and not single) or (isinstance(value, Link) and isinstance(value.href, str)):
        return value
    if isinstance(value, dict) and isinstance(value.get("href"), str):
        return Link.from_dict(value)
    problem = f"an array of {len(value)} links, not one" if isinstance(value, list) else None
    raise ResponseParseError(
        f"the {relation} relation of the response is {problem or 'not a link with a string href'}"
    )


def relation_href(resource: Any, relation: str) -> str | None:
    """The ``href`` of ``relation_link`` (``None`` if there is no such relation)."""
    link = relation_link(resource, relation)
    return None if link is None else link.href


def expand_link(link: Link | list[Link] | str, variables: Variables | None = None) -> str:
    """The href to request for ``link``: a ``Link``, a relation's array of one Link, or an
    href (never a template: only a Link can say it is one). A Link with ``"templated": true``
    has an RFC 6570 URI template as its ``href``, expanded (by ``uritemplate``) with
    ``variables``; a variable left out drops its expression (``.../runs{?page,per_page}``
    with ``{"page": 2}``: ``.../runs?page=2``). ``ValueError`` for ``variables`` given to a
    link not templated or naming a variable the template lacks, or an array not of one Link."""
    if isinstance(link, list):
        if len(link) != 1:
            raise ValueError(f"a relation of {len(link)} links: follow one of them")
        link = link[0]
    href = link.href if isinstance(link, Link) else link
    if not (isinstance(link, Link) and link.templated is True):
        if variables is not None:
            raise ValueError(f"link {href!r} is not templated: it takes no variables")
        return href
    import uritemplate  # loaded with the first templated link, not with the package

    template = uritemplate.URITemplate(href)
    unknown = sorted(set(variables or {}) - set(template.variable_names))
    if unknown:
        known = ", ".join(sorted(template.variable_names)) or "none"
        raise ValueError(
            f"URI template {href!r} has no variable {', '.join(unknown)} (it has {known})"
        )
    return str(template.expand(dict(variables or {})))


def follow_target(
    origin: Origin,
    link: Link | list[Link] | str,
    *,
    other_origin: bool = False,
    variables: Variables | None = None,
) -> Target:
    """Where following ``link`` goes (``ValueError`` as ``expand_link``, or the URL refused)."""
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
    """The ``*_web`` relations of a resource (a generated model such as ``QueryRun``, or a
    decoded HAL dict): relation name to browser URL, for people (the client never fetches
    them), e.g. ``{"result_web": "https://app.mode.com/acme/reports/.../results"}``."""
    raw = (resource if isinstance(resource, dict) else to_wire(resource)).get("_links")
    links = raw.items() if isinstance(raw, dict) else ()
    return {
        name: link["href"]
        for name, link in sorted(links)
        if name.endswith("_web") and isinstance(link, dict) and isinstance(link.get("href"), str)
    }
