"""The exception family every failure of the SDK is raised as.

Each exception carries the HTTP ``status`` (``None`` when no response arrived), Mode's
error ``error_id`` and ``message`` when the body held them (Mode's error body is
``{"id": ..., "message": ...}``, see the Error schema in ``openapi/mode.yaml``), and the
request ``method`` and ``url``. URLs never carry credentials: authentication travels in
the ``Authorization`` header, which no exception, repr or log line includes.

A server may still repeat a client's credentials in a body; each client's errors are built
with its own ``Redactor``, which hides that client's credentials in every form.
Nothing about credentials is kept per process.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime
import email.utils
import json
import math
import re
import urllib.parse
from collections.abc import Iterable, Iterator

import httpx

__all__ = [
    "NO_REDACTION",
    "RETRY_AFTER_STATUSES",
    "APIConnectionError",
    "APITimeoutError",
    "AuthenticationError",
    "ModeAPIError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "Redactor",
    "ResponseParseError",
    "ServerError",
    "current_redactor",
    "error_for_response",
    "retry_after_seconds",
]

_MAX_BODY_EXCERPT = 120
_MAX_LINE = 500
_MIN_SECRET = 4
_REDACTED = "[REDACTED]"


def credential_forms(token: str, secret: str) -> tuple[str, ...]:
    """The strings that reveal a credential pair, in every form a server may echo.

    Each part as is and percent-encoded (``quote`` and ``quote_plus``), and the Basic auth
    value ``token:secret`` in base64, standard and URL-safe, with and without its ``=``
    padding. Duplicates are left out.
    """
    pair = f"{token}:{secret}".encode()
    forms: list[str] = []
    for part in (token, secret):
        forms += [part, urllib.parse.quote(part, safe=""), urllib.parse.quote_plus(part)]
    for encoded in (base64.b64encode(pair), base64.urlsafe_b64encode(pair)):
        text = encoded.decode("ascii")
        forms += [text, text.rstrip("=")]
    return tuple(dict.fromkeys(forms))


def userinfo_forms(url: httpx.URL) -> tuple[str, ...]:
    """The strings that reveal a URL's ``user:password@`` part (none when it has none).

    The user-info as written (percent-encoded) and decoded, and the user name and password
    in the forms of ``credential_forms``.
    """
    if not url.userinfo:
        return ()
    written = url.userinfo.decode("ascii")
    forms = [written, urllib.parse.unquote(written), *credential_forms(url.username, url.password)]
    return tuple(dict.fromkeys(forms))


class Redactor:
    """The credentials one client's errors hide, each replaced by ``[REDACTED]``.

    Args:
        forms: The strings to hide (see ``credential_forms`` and
            ``userinfo_forms``). Those shorter than 4 characters are left out:
            redacting them would garble messages without hiding anything guessable.

    A redactor never changes once made, so threads share it freely. Errors are built
    with the redactor of the client whose request they are about (``redactor=``); code
    that is given none builds them with the redactor of the innermost ``scope``
    around it in the current thread or task (none: nothing is hidden).
    """

    def __init__(self, forms: Iterable[str] = ()) -> None:
        kept = dict.fromkeys(form for form in forms if len(form) >= _MIN_SECRET)
        self._forms = tuple(sorted(kept, key=len, reverse=True))  # the longest first
        # In any case: httpx lower-cases a URL's host, where a server may echo a secret.
        # Each form is looked for in the lower-cased text first (linear); only a form
        # found is replaced, by a pattern of its own.
        self._patterns = [
            (form.lower(), re.compile(re.escape(form), re.IGNORECASE)) for form in self._forms
        ]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._forms)} forms)"

    def __bool__(self) -> bool:
        return bool(self._forms)

    def redact(self, text: str) -> str:
        """``text`` with every form, in any case, replaced by ``[REDACTED]``.

        Redact before cutting text short: a cut credential is no longer found.
        """
        lowered = text.lower()
        for form, pattern in self._patterns:
            if form in lowered:
                text = pattern.sub(_REDACTED, text)
                lowered = text.lower()
        return text

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Within the block, errors built without a redactor (in this thread or task)
        use this one. Never hold a scope open across a ``yield``."""
        token = _SCOPED.set(self)
        try:
            yield
        finally:
            _SCOPED.reset(token)


NO_REDACTION = Redactor()
"""The redactor that hides nothing."""
_SCOPED: contextvars.ContextVar[Redactor] = contextvars.ContextVar(
    "mode_query_runs.redactor", default=NO_REDACTION
)


def current_redactor(redactor: Redactor | None = None) -> Redactor:
    """``redactor`` if given, else the one of the innermost ``Redactor.scope``."""
    return redactor if redactor is not None else _SCOPED.get()


def shown_url_text(url: str) -> str:
    """A URL's text without ``user:password@`` (text that is not a URL is kept)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return url
    return str(without_userinfo(parsed)) if parsed.userinfo else url


class ModeAPIError(Exception):
    """Base class of every error the SDK raises for a failed request or a bad response.

    Attributes:
        status: HTTP status code, or ``None`` when no response was received.
        error_id: Mode's machine-readable error id (``"not_found"``), when sent.
        message: Mode's message, or a description of what went wrong.
        method: HTTP method of the request (``"GET"``), when known.
        url: URL of the request, without credentials or ``user:password@``, when known.
        retry_after: The ``Retry-After`` header as sent (seconds or an HTTP date), if any;
            kept for a 429 and a 503, the statuses that may carry it.
        retry_after_seconds: How long the server asks to wait before the next request, in
            seconds (a float), counted from when the error was made: ``Retry-After`` read
            by ``retry_after_seconds`` (an HTTP date in the past is ``0.0``). ``None``
            when the header is absent, negative or unreadable.

    The API token and secret of the client that made the request (and their Basic auth
    and percent-encoded forms) are replaced by ``[REDACTED]`` in all of these, even when a
    server repeats them (the client's ``Redactor``, ``redactor``). ``str()`` of the
    error is one line of at most 500 characters; ``message`` keeps the whole text.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
        retry_after: str | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        redact = current_redactor(redactor).redact
        self.status = status
        self.error_id = redact(error_id) if error_id is not None else None
        self.message = redact(message)
        self.method = method
        self.url = redact(shown_url_text(url)) if url is not None else None
        self.retry_after = retry_after
        self.retry_after_seconds = retry_after_seconds(retry_after)
        super().__init__(self._one_line())

    def _one_line(self) -> str:
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.error_id:
            parts.append(f"[{self.error_id}]")
        parts.append(self.message)
        line = " ".join(" ".join(parts).split())
        if len(line) > _MAX_LINE:
            line = line[:_MAX_LINE] + "…"
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


def retry_after_seconds(value: str | None, *, now: datetime.datetime | None = None) -> float | None:
    """Seconds to wait that a ``Retry-After`` header asks for, or ``None`` if it says nothing.

    Args:
        value: The header: delay seconds (``"120"``) or an HTTP date
            (``"Wed, 21 Oct 2015 07:28:00 GMT"``).
        now: The current time for an HTTP date (default: the clock, UTC).

    Returns:
        Seconds, never negative (a date in the past is ``0.0``); ``None`` for an absent
        header, a negative number (``"-3"``) or anything else unreadable (``"soon"``,
        ``"1.5"``). Raises nothing.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # RFC 9110 delay-seconds: 1*DIGIT
        seconds = float(text)
        return seconds if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": UTC, with no claim about local time
        when = when.replace(tzinfo=datetime.UTC)
    now = now or datetime.datetime.now(datetime.UTC)
    return max(0.0, (when - now).total_seconds())


class RateLimitError(ModeAPIError):
    """429: over Mode's rate limit; ``retry_after`` / ``retry_after_seconds`` say how long
    Mode asks to wait (see ``ModeAPIError``)."""


class ServerError(ModeAPIError):
    """5xx: Mode, or a proxy in front of it, failed."""


class ResponseParseError(ModeAPIError):
    """A response body that is not the JSON the spec describes for it."""


class APIConnectionError(ModeAPIError):
    """No response: the connection was refused, reset or could not be made."""


class APITimeoutError(APIConnectionError):
    """No response within the configured timeout (seconds)."""


RETRY_AFTER_STATUSES = frozenset({429, 503})
"""Statuses whose ``Retry-After`` header says when to try again (RFC 9110, 10.2.3)."""
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


def body_excerpt(response: httpx.Response, redactor: Redactor | None = None) -> str:
    """The start of a response body on one line, for messages about bodies that are not JSON.

    Credentials are redacted (``redactor``, else the scope's, see ``Redactor``) before
    the text is cut to 120 characters.
    """
    text = " ".join(response.content.decode("utf-8", errors="replace").split())
    text = current_redactor(redactor).redact(text)
    if not text:
        return "empty body"
    if len(text) > _MAX_BODY_EXCERPT:
        text = text[:_MAX_BODY_EXCERPT] + "…"
    return f"body starts {text!r}"


def error_for_response(
    response: httpx.Response,
    *,
    url: str | None = None,
    hint: str | None = None,
    redactor: Redactor | None = None,
) -> ModeAPIError:
    """The typed error for a response whose status is 400 or above.

    The body must have been read. Mode's ``{"id", "message"}`` is used when present;
    otherwise (an HTML page from a proxy, an empty body) the message names the status's
    reason phrase and the start of the body. ``url`` replaces the request URL shown;
    ``hint`` is added to the message in parentheses. The ``Retry-After`` header of a 429 or
    503 is kept (``retry_after``). ``redactor``: the requesting client's (see
    ``Redactor``).
    """
    redactor = current_redactor(redactor)
    method, request_url = request_identity(response.request)
    url = url or request_url
    status = response.status_code
    error_id, message = _mode_error_body(response)
    if message is None:
        message = f"{response.reason_phrase or 'error'}; {body_excerpt(response, redactor)}"
    if hint:
        message = f"{message} ({hint})"
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else ModeAPIError)
    retry_after = response.headers.get("Retry-After") if status in RETRY_AFTER_STATUSES else None
    return cls(
        message,
        status=status,
        error_id=error_id,
        method=method,
        url=url,
        retry_after=retry_after,
        redactor=redactor,
    )


def error_for_transport(
    exc: httpx.TransportError, *, url: str | None = None, redactor: Redactor | None = None
) -> APIConnectionError:
    """The typed error for an httpx transport failure (timeout, refused, reset).

    ``url`` replaces the request URL shown; ``redactor``: the requesting client's.
    """
    method: str | None = None
    with contextlib.suppress(RuntimeError):  # raised without a request attached
        method, request_url = request_identity(exc.request)
        url = url or request_url
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"timed out: {detail}", method=method, url=url, redactor=redactor)
    return APIConnectionError(
        f"connection failed: {detail}", method=method, url=url, redactor=redactor
    )
