"""What :class:`~mode_query_runs.ModeClient` and :class:`~mode_query_runs.AsyncModeClient` share.

The two clients are thin shells that only do I/O: one with ``httpx.Client``, ``time.sleep``
and ``tenacity.Retrying``, the other with ``httpx.AsyncClient``, ``anyio.sleep`` and
``tenacity.AsyncRetrying``. Every decision is made once, here and in the modules it uses:
settings and their validation, which generated operation a method calls and with which
tokens, how an answer is parsed (:func:`parsed`), what a link leads to
(:mod:`.links`), the pages of a listing (:mod:`.pagination`), retries
(:mod:`.retries`), waiting (:mod:`.waiting`) and results (:mod:`.results`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

import httpx

from mode_api_client import Client
from mode_api_client.api.query_runs import (
    get_query_run_for_report_run,
    list_query_runs_for_report_run,
)
from mode_api_client.models import QueryRun, QueryRunCollection

from .errors import ModeAPIError, ResponseParseError, without_userinfo
from .retries import RetryPolicy
from .session import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    FOLLOWS_REDIRECTS,
    Rules,
    check_token,
)
from .spec import MEDIA_TYPE

__all__ = ["DEFAULT_MAX_RETRIES", "Call", "ClientCore", "parsed"]

DEFAULT_MAX_RETRIES = 2
T = TypeVar("T")
S = TypeVar("S", bound=Rules)


@dataclass(frozen=True)
class Call(Generic[T]):
    """One call of a generated operation.

    Attributes:
        operation: The generated module (``sync_detailed`` / ``asyncio_detailed``).
        args: Its path parameters, in order.
        expect: The model a success parses into.
    """

    operation: Any
    args: tuple[str, ...]
    expect: type[T]


@contextlib.contextmanager
def generated_parsing() -> Iterator[None]:
    """Turn an exception of generated parsing code into ``ResponseParseError``."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResponseParseError(f"generated client could not parse the body: {exc!r}") from exc


def parsed(response: Any, expect: type[T]) -> T:
    """The parsed model of a generated ``Response``.

    Raises:
        ModeAPIError: the generated code parsed no ``expect`` (a status the response
            hook let through that the spec does not describe).
    """
    if not isinstance(response.parsed, expect):
        raise ModeAPIError(
            f"unexpected response {response.status_code}", status=response.status_code
        )
    return response.parsed


class ClientCore(Generic[S]):
    """Settings and decisions common to both clients; see :class:`ModeClient` for the args."""

    _session: S

    def __init__(
        self,
        account: str,
        token: str,
        secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self.account = check_token("account", account)
        self.max_retries = max_retries
        self._retry = (retry_policy or RetryPolicy()).options(max_retries)
        self._session = self._open_session(base_url, token, secret, timeout)
        self._generated = Client(base_url=str(self._session.base_url))
        self._attach(self._generated)

    def _open_session(self, base_url: str, token: str, secret: str, timeout: float) -> S:
        raise NotImplementedError

    def _attach(self, generated: Client) -> None:
        raise NotImplementedError

    @classmethod
    def from_env(
        cls,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
    ) -> Self:
        """A client configured from the environment.

        Reads ``MODE_API_TOKEN``, ``MODE_API_SECRET``, ``MODE_ACCOUNT`` and
        ``MODE_BASE_URL`` (default ``https://app.mode.com/api``).

        Raises:
            ValueError: a required variable is unset or empty (its name is given, never
                its value).
        """
        missing = [
            name
            for name in ("MODE_API_TOKEN", "MODE_API_SECRET", "MODE_ACCOUNT")
            if not os.environ.get(name)
        ]
        if missing:
            raise ValueError(f"environment variable(s) not set: {', '.join(missing)}")
        return cls(
            os.environ["MODE_ACCOUNT"],
            os.environ["MODE_API_TOKEN"],
            os.environ["MODE_API_SECRET"],
            base_url=os.environ.get("MODE_BASE_URL") or DEFAULT_BASE_URL,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
        )

    @property
    def base_url(self) -> str:
        """The API base URL, without a trailing slash (and without ``user:password@``)."""
        return str(without_userinfo(self._session.base_url))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(account={self.account!r}, base_url={self.base_url!r})"

    def _list_call(self, report: str, run: str) -> Call[QueryRunCollection]:
        args = (self.account, check_token("report", report), check_token("run", run))
        return Call(list_query_runs_for_report_run, args, QueryRunCollection)

    def _get_call(self, report: str, run: str, query_run: str) -> Call[QueryRun]:
        args = (
            self.account,
            check_token("report", report),
            check_token("run", run),
            check_token("query_run", query_run),
        )
        return Call(get_query_run_for_report_run, args, QueryRun)

    def _request(
        self, url: httpx.URL, *, accept: str = MEDIA_TYPE, redirects: bool = False
    ) -> httpx.Request:
        """A GET of ``url`` with the session's headers; ``redirects`` lets httpx follow them."""
        return httpx.Request(
            "GET",
            url,
            headers={**self._session.headers, "Accept": accept},
            extensions={FOLLOWS_REDIRECTS: True} if redirects else {},
        )

    @staticmethod
    def _send_options(request: httpx.Request, credentials: bool) -> dict[str, Any]:
        """Keyword arguments of ``send``: no auth unless ``credentials``; redirects if allowed.

        httpx drops ``Authorization`` itself on a redirect to another origin.
        """
        options: dict[str, Any] = {
            "follow_redirects": bool(request.extensions.get(FOLLOWS_REDIRECTS))
        }
        if not credentials:
            options["auth"] = None
        return options
