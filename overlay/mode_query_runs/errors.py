"""The exception family every failure of the SDK is raised as.

Each exception carries the HTTP ``status`` (``None`` when no response arrived), Mode's
error ``error_id`` and ``message`` when the body held them (Mode's error body is
``{"id": ..., "message": ...}``, see the Error schema in ``openapi/mode.yaml``), and the
request ``method`` and ``url``. URLs never carry credentials: authentication travels in
the ``Authorization`` header, which no exception, repr or log line includes.
"""

from __future__ import annotations

import contextlib
import json

import httpx

__all__ = [
    "APIConnectionError",
    "APITimeoutError",
    "AuthenticationError",
    "ModeAPIError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseParseError",
    "ServerError",
    "error_for_response",
]

_MAX_BODY_EXCERPT = 120


class ModeAPIError(Exception):
    """Base class of every error the SDK raises for a failed request or a bad response.

    Attributes:
        status: HTTP status code, or ``None`` when no response was received.
        error_id: Mode's machine-readable error id (``"not_found"``), when sent.
        message: Mode's message, or a description of what went wrong.
        method: HTTP method of the request (``"GET"``), when known.
        url: URL of the request, without credentials, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        self.status = status
        self.error_id = error_id
        self.message = message
        self.method = method
        self.url = url
        super().__init__(self._one_line())

    def _one_line(self) -> str:
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.error_id:
            parts.append(f"[{self.error_id}]")
        parts.append(self.message)
        line = " ".join(parts)
        if self.method and self.url:
            line += f" ({self.method} {self.url})"
        return line

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, error_id={self.error_id!r}, "
            f"message={self.message!r}, method={self.method!r}, url={self.url!r})"
        )


class AuthenticationError(ModeAPIError):
    """401: the API token or secret is missing or wrong."""


class PermissionDeniedError(ModeAPIError):
    """403: the credentials may not read this resource."""


class NotFoundError(ModeAPIError):
    """404: no such account, Report, Report Run or Query Run (or an unrecorded path)."""


class RateLimitError(ModeAPIError):
    """429: over Mode's rate limit.

    Attributes:
        retry_after: The ``Retry-After`` header as sent (seconds or an HTTP date), if any.
    """

    retry_after: str | None = None


class ServerError(ModeAPIError):
    """5xx: Mode, or a proxy in front of it, failed."""


class ResponseParseError(ModeAPIError):
    """A response body that is not the JSON the spec describes for it."""


class APIConnectionError(ModeAPIError):
    """No response: the connection was refused, reset or could not be made."""


class APITimeoutError(APIConnectionError):
    """No response within the configured timeout (seconds)."""


_BY_STATUS: dict[int, type[ModeAPIError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def without_userinfo(url: httpx.URL) -> httpx.URL:
    """``url`` without ``user:password@`` (the same object when it has none)."""
    return url.copy_with(username=None, password=None) if url.userinfo else url


def request_identity(request: httpx.Request) -> tuple[str, str]:
    """The ``(method, url)`` of a request as shown in errors: the URL without userinfo."""
    return request.method, str(without_userinfo(request.url))


def _mode_error_body(response: httpx.Response) -> tuple[str | None, str | None]:
    """Mode's ``(id, message)`` from an error body, or ``(None, None)`` if it has neither."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to decode
        return None, None
    if not isinstance(body, dict):
        return None, None
    error_id, message = body.get("id"), body.get("message")
    return (
        error_id if isinstance(error_id, str) else None,
        message if isinstance(message, str) else None,
    )


def body_excerpt(response: httpx.Response) -> str:
    """The start of a response body on one line, for messages about bodies that are not JSON."""
    text = " ".join(response.content.decode("utf-8", errors="replace").split())
    if not text:
        return "empty body"
    if len(text) > _MAX_BODY_EXCERPT:
        text = text[:_MAX_BODY_EXCERPT] + "…"
    return f"body starts {text!r}"


def error_for_response(response: httpx.Response, *, url: str | None = None) -> ModeAPIError:
    """The typed error for a response whose status is 400 or above.

    The body must have been read. Mode's ``{"id", "message"}`` is used when present;
    otherwise (an HTML page from a proxy, an empty body) the message names the status's
    reason phrase and the start of the body. ``url`` replaces the request URL shown.
    """
    method, request_url = request_identity(response.request)
    url = url or request_url
    status = response.status_code
    error_id, message = _mode_error_body(response)
    if message is None:
        message = f"{response.reason_phrase or 'error'}; {body_excerpt(response)}"
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else ModeAPIError)
    error = cls(message, status=status, error_id=error_id, method=method, url=url)
    if isinstance(error, RateLimitError):
        error.retry_after = response.headers.get("Retry-After")
    return error


def error_for_transport(exc: httpx.TransportError, *, url: str | None = None) -> APIConnectionError:
    """The typed error for an httpx transport failure (timeout, refused, reset).

    ``url`` replaces the request URL shown.
    """
    method: str | None = None
    with contextlib.suppress(RuntimeError):  # raised without a request attached
        method, request_url = request_identity(exc.request)
        url = url or request_url
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"timed out: {detail}", method=method, url=url)
    return APIConnectionError(f"connection failed: {detail}", method=method, url=url)
