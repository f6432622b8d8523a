"""The storage host of the mock server: result content served through a redirect.

Mode may answer a result-content request with a redirect to a storage host
(``shared/reference/mode-api-facts.md``, Results). A cassette records that as a ``3xx``
interaction whose ``Location`` is the storage URL, plus an interaction for that URL. The
mock server serves such redirect targets on a second loopback origin (``127.0.0.2``),
rewriting ``Location`` to point there; like real storage hosts, which authenticate by a
signature in the query string, that origin rejects any request that carries an
``Authorization`` header.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import Response

from .cassette import Interaction, request_key

__all__ = ["STORAGE_HOST", "redirect_targets", "relocate", "storage_refusal"]

STORAGE_HOST = "127.0.0.2"
_REFUSAL = (
    "<?xml version='1.0' encoding='UTF-8'?><Error><Code>InvalidArgument</Code><Message>Only"
    " one auth mechanism allowed; only the signature query parameter or the Authorization"
    " header should be specified</Message></Error>"
)


def _location(interaction: Interaction) -> str | None:
    if not 300 <= interaction.status < 400:
        return None
    for name, values in interaction.headers.items():
        if name.lower() == "location" and values:
            return values[0]
    return None


def redirect_targets(interactions: Iterable[Interaction]) -> frozenset[tuple[str, str]]:
    """``(method, path?query)`` of every URL a recorded redirect points to."""
    return frozenset(
        request_key("GET", location)
        for interaction in interactions
        if (location := _location(interaction)) is not None
    )


def relocate(headers: dict[str, str], origin: str) -> dict[str, str]:
    """``headers`` with ``Location`` moved onto ``origin`` (``http://127.0.0.2:<port>``)."""
    moved = dict(headers)
    for name, value in headers.items():
        if name.lower() == "location":
            moved[name] = origin + request_key("GET", value)[1]
    return moved


def storage_refusal(request: Request) -> Response | None:
    """The storage host's ``400`` for a request carrying ``Authorization``; else ``None``."""
    if "authorization" in request.headers:
        return Response(_REFUSAL, status_code=400, media_type="application/xml")
    return None
