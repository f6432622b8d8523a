"""The HTTP sessions under the clients: one connection pool and the rules every request meets.

Everything here is shared by every request either client makes, whether through a
generated operation, by following a HAL link or by downloading a result. :class:`Rules`
gathers the rules, each in the module named for it, free of I/O:

- ``origin`` (:class:`~mode_query_runs.origin.Origin`): where credentials may go, how a
  HAL href resolves, how URLs are shown in logs and errors;
- ``checks`` (:class:`~mode_query_runs.responses.ResponseChecks`): one DEBUG log line per
  response, and the typed error for a failure status or for no response;
- ``bodies`` (:class:`~mode_query_runs.bodies.BodyLimits`): which bodies are read, and how
  far;
- ``reader`` (:class:`~mode_query_runs.reader.SpecReader`): a body of a spec operation as
  its model, tolerant of spec drift or strict;
- Basic auth with the API token and secret, and the ``Accept`` / ``User-Agent`` headers.

:class:`Session` (``httpx.Client``) and :class:`AsyncSession` (``httpx.AsyncClient``)
only differ in how they read a body.
"""

from __future__ import annotations

from typing import Any

import httpx

from .bodies import BodyLimits
from .errors import credential_forms, forget_secrets, register_secrets, without_userinfo
from .jsonbody import decode_json
from .origin import Origin
from .reader import SpecReader
from .responses import ResponseChecks
from .settings import DEFAULT_MAX_BODY_BYTES, check_seconds, user_agent
from .spec import MEDIA_TYPE

__all__ = ["AsyncSession", "Rules", "Session"]


class Rules:
    """What every request and response goes through, whichever client sends it.

    Args:
        base_url: The API's base URL, e.g. ``https://app.mode.com/api``.
        token: Mode API token (the Basic auth user name).
        secret: Mode API secret (the Basic auth password).
        timeout: Seconds to wait to connect and for each read; a JSON API request (its
            body read by the response hook) whose body is still arriving this long after
            the request started is an ``APITimeoutError``.
        strict: Refuse a body that strays from the spec (see :mod:`.reader`).
        max_body_bytes: The largest 2xx JSON body to read, in bytes.

    Raises:
        ValueError: ``base_url`` is not an http(s) URL; ``timeout`` or ``max_body_bytes``
            is out of range.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        secret: str,
        timeout: float,
        *,
        strict: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.origin = Origin(base_url)
        self.timeout = check_seconds("timeout", timeout)
        self.checks = ResponseChecks(self.origin, self.timeout)
        self.bodies = BodyLimits(max_body_bytes, self.origin)
        self.reader = SpecReader(strict=strict)
        self._auth = httpx.BasicAuth(token, secret)
        self._credential_forms = credential_forms(token, secret) + self.origin.userinfo_forms
        register_secrets(*self._credential_forms)
        self.headers = {"Accept": MEDIA_TYPE, "User-Agent": user_agent()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(without_userinfo(self.origin.base_url))!r})"

    def forget_credentials(self) -> None:
        """Stop redacting this session's credentials from errors (it is closed)."""
        forget_secrets(*self._credential_forms)
        self._credential_forms = ()

    def pool_options(self) -> dict[str, Any]:
        """Keyword arguments for ``httpx.Client`` / ``httpx.AsyncClient``, hooks aside."""
        return {
            "base_url": self.origin.base_url,
            "auth": self._auth,
            "headers": self.headers,
            "timeout": httpx.Timeout(self.timeout),
            "follow_redirects": False,
        }

    def body_read(self, response: httpx.Response) -> BodyRead:
        """A read of ``response``'s body by the response hook, within its limits.

        Raises:
            ResponseParseError: a declared ``Content-Length`` over the limit.
            APITimeoutError: the request's overall deadline has passed.
        """
        return BodyRead(self, response)

    def read(self, response: httpx.Response) -> Any:
        """A read 2xx response's body: the spec's model for a spec operation, else JSON.

        Raises:
            ResponseParseError: the body is not JSON, or cannot be read as the spec's
                model (strict: strays from the spec at all); see :mod:`.reader`.
        """
        operation = self.origin.operation_for(response.request.url, response.request.method)
        if operation is None:
            return decode_json(response)
        return self.reader.read(response, operation)


class BodyRead:
    """The chunks of one body as the response hook reads them: within the body limit
    (:class:`~mode_query_runs.bodies.BodyLimits`) and the overall deadline
    (:meth:`~mode_query_runs.responses.ResponseChecks.check_deadline`)."""

    def __init__(self, rules: Rules, response: httpx.Response) -> None:
        self._rules = rules
        self._response = response
        self._limit = rules.bodies.body_limit(response)
        self._chunks: list[bytes] = []
        self._read = 0
        rules.checks.check_deadline(response)

    def take(self, chunk: bytes) -> bool:
        """Keep ``chunk``; whether reading must stop (past the limit).

        Raises:
            APITimeoutError: the request's overall deadline has passed.
        """
        self._rules.checks.check_deadline(self._response)
        self._chunks.append(chunk)
        self._read += len(chunk)
        return self._read > self._limit

    def keep(self) -> None:
        """Keep what was read as the response's content (see ``BodyLimits.keep_body``)."""
        self._rules.bodies.keep_body(self._response, self._chunks, self._limit)


class Session(Rules):
    """:class:`Rules` over one ``httpx.Client`` connection pool (``http``)."""

    def __init__(
        self, base_url: str, token: str, secret: str, timeout: float, **options: Any
    ) -> None:
        super().__init__(base_url, token, secret, timeout, **options)
        self.http = httpx.Client(
            **self.pool_options(),
            event_hooks={"request": [self.checks.on_request], "response": [self.check_response]},
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()
        self.forget_credentials()

    def check_response(self, response: httpx.Response) -> None:
        """Response hook: read the body if needed, then :meth:`.ResponseChecks.inspect`.

        The body is read within its limit and the request's overall deadline
        (:meth:`.ResponseChecks.check_deadline`).
        """
        if self.bodies.wants_body(response):
            body = self.body_read(response)
            try:
                for chunk in response.iter_bytes():
                    if body.take(chunk):
                        break
            finally:
                response.close()
            body.keep()
        self.checks.inspect(response)


class AsyncSession(Rules):
    """:class:`Rules` over one ``httpx.AsyncClient`` connection pool (``http``)."""

    def __init__(
        self, base_url: str, token: str, secret: str, timeout: float, **options: Any
    ) -> None:
        super().__init__(base_url, token, secret, timeout, **options)
        self.http = httpx.AsyncClient(
            **self.pool_options(),
            event_hooks={"request": [self._on_request], "response": [self.check_response]},
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()
        self.forget_credentials()

    async def _on_request(self, request: httpx.Request) -> None:
        self.checks.on_request(request)

    async def check_response(self, response: httpx.Response) -> None:
        """Response hook: read the body if needed, then :meth:`.ResponseChecks.inspect`.

        The body is read within its limit and the request's overall deadline
        (:meth:`.ResponseChecks.check_deadline`).
        """
        if self.bodies.wants_body(response):
            body = self.body_read(response)
            try:
                async for chunk in response.aiter_bytes():
                    if body.take(chunk):
                        break
            finally:
                await response.aclose()
            body.keep()
        self.checks.inspect(response)
