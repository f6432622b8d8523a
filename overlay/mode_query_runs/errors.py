"""The SDK's exceptions, and each client's ``Redactor`` of the credentials it sends in the
``Authorization`` header (a body or URL that repeats them is redacted)."""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime
import email.utils
import json
import re
import urllib.parse
from collections.abc import Iterable, Iterator

import httpx


def credential_forms(token: str, secret: str) -> tuple[str, ...]:
    """Each part as is and URL-quoted, ``token:secret`` in (URL-safe) base64 (un)padded."""
    forms: list[str] = []
    for part in (token, secret):
        forms += [part, urllib.parse.quote(part, safe=""), urllib.parse.quote_plus(part)]
    pair = f"{token}:{secret}".encode()
    for encoded in (base64.b64encode(pair), base64.urlsafe_b64encode(pair)):
        forms += [encoded.decode("ascii"), encoded.decode("ascii").rstrip("=")]
    return tuple(dict.fromkeys(forms))


def userinfo_forms(url: httpx.URL) -> tuple[str, ...]:
    """The forms of a URL's ``user:password@`` (as written, decoded, ``credential_forms``)."""
    if not url.userinfo:
        return ()
    written = url.userinfo.decode("ascii")
    forms = [written, urllib.parse.unquote(written), *credential_forms(url.username, url.password)]
    return tuple(dict.fromkeys(forms))


class Redactor:
    """Replaces ``forms`` of 4 characters or more, in any case, by ``[REDACTED]``."""

    def __init__(self, forms: Iterable[str] = ()) -> None:
        kept = sorted(dict.fromkeys(f for f in forms if len(f) >= 4), key=len, reverse=True)
        self._patterns = [(f.lower(), re.compile(re.escape(f), re.IGNORECASE)) for f in kept]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._patterns)} forms)"

    def redact(self, text: str) -> str:
        """``text`` with every form hidden (redact before cutting text short)."""
        lowered = text.lower()  # any case: httpx lower-cases a URL's host
        for form, pattern in self._patterns:
            if form in lowered:  # a linear look first; a found form is replaced
                text = pattern.sub("[REDACTED]", text)
                lowered = text.lower()
        return text

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """``REDACTOR`` is this one in the block (never across a yield)."""
        token = REDACTOR.set(self)
        try:
            yield
        finally:
            REDACTOR.reset(token)


_NO_REDACTION = Redactor()
REDACTOR: contextvars.ContextVar[Redactor | None] = contextvars.ContextVar(
    "mode_query_runs.redactor", default=None
)
"""The client at work's redactor, for errors built without ``redactor=`` and httpx's log
lines: ``token = REDACTOR.set(redactor)``, then ``REDACTOR.reset(token)`` (not across a yield)."""


def shown_url_text(url: str) -> str:
    """A URL's text without ``user:password@`` (text that is not a URL is kept)."""
    with contextlib.suppress(httpx.InvalidURL, TypeError):
        parsed = httpx.URL(url)
        return str(without_userinfo(parsed)) if parsed.userinfo else url
    return url


class ModeAPIError(Exception):
    """Base class of every error the SDK raises for a failed request or a bad response.

    Attributes:
        status: HTTP status code, or ``None`` when no response was received.
        error_id: Mode's error id (``"not_found"``), when sent.
        message: Mode's message, or a description of what went wrong.
        method: HTTP method of the request (``"GET"``), when known.
        url: URL of the request, without credentials or ``user:password@``, when known.
        retry_after: The ``Retry-After`` header of a 429 or 503 as sent, if any.
        retry_after_seconds: That header in seconds (float) from when the error was made
            (``0.0`` for a past HTTP date); ``None`` if absent or unreadable.

    The client's token and secret, in every encoded form, are ``[REDACTED]`` in all of these.
    ``str()`` is one line of at most 500 characters (then method and URL); ``message`` is whole.
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
        redact = (redactor or REDACTOR.get() or _NO_REDACTION).redact
        self.status, self.method, self.message = status, method, redact(message)
        self.error_id = redact(error_id) if error_id is not None else None
        self.url = redact(shown_url_text(url)) if url is not None else None
        self.retry_after = redact(retry_after) if retry_after is not None else None
        self.retry_after_seconds = retry_after_seconds(retry_after)
        parts = [f"HTTP {status}"] if status is not None else []
        parts += [f"[{self.error_id}]", self.message] if self.error_id else [self.message]
        line = " ".join(" ".join(parts).split())
        line = line[:500] + "…" if len(line) > 500 else line
        if method and self.url:
            line += f" ({method} {self.url})"
        super().__init__(line)

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
    """429: over Mode's rate limit; ``retry_after_seconds`` says how long to wait."""


class ServerError(ModeAPIError):
    """5xx: Mode, or a proxy in front of it, failed."""


class ResponseParseError(ModeAPIError):
    """A response body that is not the JSON the spec describes for it."""


class APIConnectionError(ModeAPIError):
    """No response: the connection was refused, reset or could not be made."""


class APITimeoutError(APIConnectionError):
    """No response within the configured timeout (seconds)."""


_BY_STATUS = {401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError}
_BY_STATUS[429] = RateLimitError


def retry_after_seconds(value: str | None, *, now: datetime.datetime | None = None) -> float | None:
    """Seconds (``>= 0``) a ``Retry-After`` of seconds or an HTTP date asks to wait from
    ``now``; ``None`` if absent or unreadable (``"-3"``, ``"1.5"``)."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # RFC 9110 delay-seconds: 1*DIGIT
        seconds = float(text)
        return seconds if seconds != float("inf") else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=datetime.UTC)  # "-0000": UTC
    return max(0.0, (when - (now or datetime.datetime.now(datetime.UTC))).total_seconds())


def without_userinfo(url: httpx.URL) -> httpx.URL:
    """``url`` without ``user:password@`` (the same object when it has none)."""
    return url.copy_with(username=None, password=None) if url.userinfo else url


def body_excerpt(response: httpx.Response, redactor: Redactor | None = None) -> str:
    """The start of a read body on one line, redacted, then cut to 120 characters."""
    text = " ".join(response.content.decode("utf-8", errors="replace").split())
    text = (redactor or REDACTOR.get() or _NO_REDACTION).redact(text)
    if not text:
        return "empty body"
    return f"body starts {text[:120] + '…' if len(text) > 120 else text!r}"


def error_for_response(
    response: httpx.Response,
    *,
    url: str | None = None,
    hint: str | None = None,
    redactor: Redactor | None = None,
) -> ModeAPIError:
    """The typed error for a read response of status 400 or above, with Mode's ``{id,
    message}`` if sent (``url``: the URL shown; ``hint``: added in parentheses)."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to decode
        body = None
    body = body if isinstance(body, dict) else {}
    error_id, message = body.get("id"), body.get("message")
    if not isinstance(message, str):
        message = f"{response.reason_phrase or 'error'}; {body_excerpt(response, redactor)}"
    if hint:
        message = f"{message} ({hint})"
    status = response.status_code
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else ModeAPIError)
    return cls(
        message,
        status=status,
        error_id=error_id if isinstance(error_id, str) else None,
        method=response.request.method,
        url=url or str(response.request.url),
        retry_after=response.headers.get("Retry-After") if status in (429, 503) else None,
        redactor=redactor,
    )


def error_for_transport(
    exc: httpx.TransportError, *, url: str | None = None, redactor: Redactor | None = None
) -> APIConnectionError:
    """The typed error for an httpx transport failure; ``url`` replaces the one shown."""
    method: str | None = None
    with contextlib.suppress(RuntimeError):  # raised without a request attached
        method, url = exc.request.method, url or str(exc.request.url)
    timeout = isinstance(exc, httpx.TimeoutException)
    cls = APITimeoutError if timeout else APIConnectionError
    what = "timed out" if timeout else "connection failed"
    return cls(
        f"{what}: {str(exc) or type(exc).__name__}", method=method, url=url, redactor=redactor
    )
