"""The HTTP session under the client: one httpx connection pool, auth, and response checks.

Everything here is shared by every request the client makes, whether through a generated
operation or by following a HAL link: Basic auth with the API token and secret, the
``Accept: application/hal+json`` and ``User-Agent`` headers, translation of failure
statuses into the :mod:`mode_query_runs.errors` family, and validation of the bodies of
spec operations (:mod:`mode_query_runs.spec`).
"""

from __future__ import annotations

import json
import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx

from .errors import (
    ModeAPIError,
    ResponseParseError,
    body_excerpt,
    error_for_response,
    request_identity,
)
from .spec import MEDIA_TYPE, match_operation, operation_by_id, schema_problems

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "Session", "check_token", "user_agent"]

DEFAULT_BASE_URL = "https://app.mode.com/api"
DEFAULT_TIMEOUT = 30.0
_MAX_PROBLEM = 160


def user_agent() -> str:
    """``mode-query-runs/<version> httpx/<version> python/<version>``."""
    try:
        ours = version("mode-query-runs")
    except PackageNotFoundError:  # running from a source tree that is not installed
        ours = "0+unknown"
    return f"mode-query-runs/{ours} httpx/{httpx.__version__} python/{platform.python_version()}"


def check_token(name: str, value: str) -> str:
    """Return ``value`` if it can be a path segment; raise ``ValueError`` otherwise.

    Tokens are percent-encoded by the generated operations, so ``/``, ``?`` and ``#``
    cannot change the path; ``""``, ``"."`` and ``".."`` would still be read as path
    navigation, so they are refused.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError(f"{name} {value!r} is not a valid token")
    return value


def decode_json(response: httpx.Response) -> Any:
    """The decoded JSON body of a response that was read.

    Raises:
        ResponseParseError: the body is not JSON.
    """
    try:
        return json.loads(response.content)
    except ValueError:
        method, url = request_identity(response.request)
        content_type = response.headers.get("Content-Type", "no Content-Type")
        raise ResponseParseError(
            f"response is not JSON ({content_type}); {body_excerpt(response)}",
            status=response.status_code,
            method=method,
            url=url,
        ) from None


class Session:
    """The connection pool and the rules every response goes through.

    Args:
        base_url: The API's base URL, e.g. ``https://app.mode.com/api``.
        token: Mode API token (the Basic auth user name).
        secret: Mode API secret (the Basic auth password).
        timeout: Seconds to wait to connect and for each read.
    """

    def __init__(self, base_url: str, token: str, secret: str, timeout: float) -> None:
        self.base_url = httpx.URL(base_url.rstrip("/"))
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise ValueError(f"base URL must be an http(s) URL, not {base_url!r}")
        self._base_path = self.base_url.raw_path.decode("ascii").rstrip("/")
        self.http = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(token, secret),
            headers={"Accept": MEDIA_TYPE, "User-Agent": user_agent()},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            event_hooks={"response": [self.check_response]},
        )

    def __repr__(self) -> str:
        return f"Session(base_url={str(self.base_url)!r})"

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    @property
    def origin(self) -> tuple[str, str, int | None]:
        """``(scheme, host, port)`` of the base URL: the only origin given credentials."""
        return self.base_url.scheme, self.base_url.host, self.base_url.port

    def resolve(self, href: str) -> httpx.URL:
        """The absolute URL of a HAL ``href``, resolved against the base URL.

        Mode's hrefs are absolute paths that already include the base path (``/api/...``),
        so they resolve against the base URL's origin, never by appending.

        Raises:
            ValueError: ``href`` points to another origin than the base URL's, where the
                API credentials must not be sent.
        """
        url = self.base_url.join(href)
        if (url.scheme, url.host, url.port) != self.origin:
            raise ValueError(
                f"refusing to send Mode credentials to {url.scheme}://{url.netloc.decode()}:"
                f" the link is not on the API's origin {self.base_url.scheme}://"
                f"{self.base_url.netloc.decode()}"
            )
        return url

    def check_response(self, response: httpx.Response) -> None:
        """Raise the typed error for a failed response; validate spec-operation bodies.

        Raises:
            ModeAPIError: (a subclass per status) for a status of 300 or above.
            ResponseParseError: a 2xx body of a spec operation that is not JSON or breaks
                the operation's response schema.
        """
        response.read()
        if response.status_code >= 400:
            raise error_for_response(response)
        method, url = request_identity(response.request)
        if response.status_code >= 300:
            location = response.headers.get("Location", "nowhere")
            raise ModeAPIError(
                f"unexpected redirect to {location}",
                status=response.status_code,
                method=method,
                url=url,
            )
        raw_path = response.request.url.raw_path.decode("ascii").split("?", 1)[0]
        if not raw_path.startswith(self._base_path + "/"):
            return
        operation = match_operation(method, raw_path[len(self._base_path) :])
        if operation is not None:
            self.validated_json(response, operation.operation_id)

    def validated_json(self, response: httpx.Response, operation_id: str) -> Any:
        """The decoded body of a read response, checked against an operation's schema.

        Raises:
            ResponseParseError: the body is not JSON, or breaks the response schema the
                spec gives ``operation_id`` for the response's status (the message names
                the first JSON path that does and how many more there are).
        """
        body = decode_json(response)
        problems = schema_problems(operation_by_id(operation_id), response.status_code, body)
        if problems:
            method, url = request_identity(response.request)
            first = problems[0]
            if len(first) > _MAX_PROBLEM:
                first = first[:_MAX_PROBLEM] + "…"
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ResponseParseError(
                f"response does not match the spec's {operation_id} schema: {first}{more}",
                status=response.status_code,
                method=method,
                url=url,
            )
        return body
