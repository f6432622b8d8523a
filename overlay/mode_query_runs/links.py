"""HAL links: where a link leads, whether it may be fetched, and what following it gives.

Mode's hrefs are absolute paths that include the base path (``/api/acme/...``); ``*_web``
relations are browser URLs on app.mode.com, for people, not for the API client
(``shared/reference/mode-api-facts.md``, HAL shape). Credentials go only to the base
URL's origin. A relation whose href is a spec operation comes back as the generated model
the spec names for its response (a Query Run's ``self`` is a ``QueryRun``, a collection's
``self`` or ``next_page`` a ``QueryRunCollection``); anything else as decoded JSON.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import httpx

import mode_api_client.models
from mode_api_client.models import Link

from .errors import ResponseParseError
from .session import Rules, decode_json
from .spec import MEDIA_TYPE, Operation, load_spec

__all__ = ["Target", "follow_target", "followed", "model_for", "web_links"]

WEB_SUFFIX = "_web"


@dataclass(frozen=True)
class Target:
    """What following one link means.

    Attributes:
        url: The absolute URL to GET.
        credentials: Whether the API credentials go with the request (only on the base
            URL's origin).
        model: The generated model class to parse the body into, or ``None`` for JSON.
    """

    url: httpx.URL
    credentials: bool
    model: type[Any] | None


@functools.cache
def model_for(operation: Operation) -> type[Any] | None:
    """The generated model the spec names for the operation's 200 body, if any."""
    item = load_spec()["paths"][operation.path][operation.method.lower()]
    schema = item["responses"].get("200", {}).get("content", {}).get(MEDIA_TYPE, {})
    ref = schema.get("schema", {}).get("$ref", "")
    model = getattr(mode_api_client.models, ref.rpartition("/")[2], None) if ref else None
    return model if isinstance(model, type) else None


def follow_target(rules: Rules, link: Link | str, *, other_origin: bool = False) -> Target:
    """Where following ``link`` goes.

    Args:
        rules: The session's rules (base URL, origin).
        link: A ``Link`` model or its ``href``.
        other_origin: Allow a link on another origin; it is fetched without credentials.

    Raises:
        ValueError: the link is templated; it is on another origin and ``other_origin``
            is false; or it is on the API's origin but outside the API's path (a ``*_web``
            browser URL, which is shown to people, never fetched).
    """
    if isinstance(link, Link):
        if link.templated is True:
            raise ValueError(f"link {link.href!r} is a URI template; expand it first")
        href = link.href
    else:
        href = link
    url = rules.join(href)
    if not rules.is_own_origin(url):
        if not other_origin:
            rules.resolve(href)  # raises the refusal
        return Target(url, credentials=False, model=None)
    if not rules.is_api_url(url):
        raise ValueError(
            f"{rules.shown_url(url)} is a browser URL (a *_web relation), not an API URL:"
            " open it in a browser"
        )
    operation = rules.operation_for(url)
    return Target(url, credentials=True, model=model_for(operation) if operation else None)


def followed(target: Target, response: httpx.Response) -> Any:
    """The body of a read response to ``target``: its model, or decoded JSON.

    Raises:
        ResponseParseError: the body is not JSON, or not the model the spec names.
    """
    body = decode_json(response)
    if target.model is None:
        return body
    try:
        return target.model.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResponseParseError(
            f"not a {target.model.__name__}: {exc!r}", status=response.status_code
        ) from exc


def web_links(resource: Any) -> dict[str, str]:
    """The ``*_web`` relations of a resource: relation name to browser URL.

    Args:
        resource: A generated model with ``field_links`` (``QueryRun``) or a decoded HAL
            dict with ``_links``.

    Returns:
        e.g. ``{"result_web": "https://app.mode.com/acme/reports/.../results", ...}``;
        these are for people and are never fetched by the client.
    """
    if isinstance(resource, dict):
        raw = resource.get("_links") or {}
    else:
        raw = resource.field_links.to_dict()
    hrefs = {name: link.get("href") for name, link in raw.items() if isinstance(link, dict)}
    return {
        name: href
        for name, href in sorted(hrefs.items())
        if name.endswith(WEB_SUFFIX) and isinstance(href, str)
    }
