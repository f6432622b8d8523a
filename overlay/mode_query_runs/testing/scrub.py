"""Scrubbing recorded interactions before they are written to a cassette.

A :class:`Scrubber` takes the interactions of one recording, as fetched, and returns them
with nothing that identifies the account or its people:

- request and response headers that carry credentials (``Authorization``, ``Cookie``,
  ``Set-Cookie``, ...) are dropped, and so are headers that change on every request
  (``Date``, ``X-Request-Id``, ...), so recording the same data twice gives the same file;
- the API token and secret, wherever they appear in text, become ``REDACTED``;
- the account username becomes the placeholder account (``--as-account``) as a whole
  word, case-insensitively: in paths, hrefs, ``*_web`` URLs and body text, but not inside
  another word or token (``acme_events`` and ``acmeish`` stay as they are for ``acme``);
- email addresses become ``email-<n>@example.invalid`` and user names become
  ``user-<n>``, numbered in order of first appearance, so the same input always gets the
  same placeholder. User names are the last segment of ``/users/<name>`` paths (Mode's
  ``executed_by`` relation is ``/api/<account>/users/<username>``) and the values of
  ``username`` fields;
- with ``redact_sql``, string values of ``raw_source`` / ``rendered_source`` become
  :data:`SQL_PLACEHOLDER` (``null`` stays ``null``).

JSON bodies are scrubbed value by value and written back as JSON with the same key order
and layout (compact or indented by two spaces), so they still fit the spec; other bodies
are scrubbed as text. Keys of JSON objects are never changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from .cassette import Interaction

__all__ = ["DROPPED_HEADERS", "RECORDED_REQUEST_HEADERS", "SQL_PLACEHOLDER", "Scrubber"]

SQL_PLACEHOLDER = "-- SQL redacted by mode-query-runs record"
SECRET_PLACEHOLDER = "REDACTED"
SQL_FIELDS = frozenset({"raw_source", "rendered_source"})
RECORDED_REQUEST_HEADERS = frozenset({"accept"})
"""Request headers kept (lower case): not ``User-Agent``, whose versions vary by machine."""
DROPPED_HEADERS = frozenset(
    {
        # credentials
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        # different on every request, or describing the transfer rather than the body
        "date",
        "age",
        "expires",
        "x-request-id",
        "x-runtime",
        "x-amzn-trace-id",
        "cf-ray",
        "server-timing",
        "report-to",
        "nel",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "keep-alive",
    }
)
"""Response headers never recorded (lower case)."""

_WORD = r"A-Za-z0-9_\-"
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
_NOT_JSON = object()
_USER_PATH = re.compile(r"/users/([^/?#\s\"']+)")


def _header_name(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class Scrubber:
    """Replaces what identifies an account in the interactions of one recording.

    Args:
        account: The real account username, as in ``/api/<account>/...``.
        as_account: The placeholder account written instead.
        secrets: Strings that must never be written (the API token and secret); each is
            replaced by ``REDACTED`` wherever it appears.
        redact_sql: Replace ``raw_source`` / ``rendered_source`` by :data:`SQL_PLACEHOLDER`.

    Raises:
        ValueError: ``account`` or ``as_account`` is empty.
    """

    def __init__(
        self,
        account: str,
        as_account: str,
        *,
        secrets: Iterable[str] = (),
        redact_sql: bool = False,
    ) -> None:
        if not account or not as_account:
            raise ValueError("the account and the placeholder account must not be empty")
        self.account = account
        self.as_account = as_account
        self.redact_sql = redact_sql
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._emails: dict[str, str] = {}
        self._users: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    @property
    def placeholders(self) -> dict[str, str]:
        """Every email address and user name seen (lower case), to its placeholder."""
        return {**self._emails, **self._users}

    def interactions(self, interactions: Iterable[Interaction]) -> list[Interaction]:
        """The scrubbed copies of ``interactions``, in the same order.

        Every user name and email address in all of them is learnt first, so a user name
        is replaced even where it appears before the ``/users/<name>`` link that reveals it.
        """
        recorded = list(interactions)
        for interaction in recorded:
            for text in _texts(interaction):
                self.learn(text)
            for name in _usernames(_decoded(interaction.body)):
                self._user(name)
        return [self.interaction(interaction) for interaction in recorded]

    def learn(self, text: str) -> None:
        """Give placeholders to the email addresses and user names found in ``text``."""
        for email in re.findall(_EMAIL, text):
            self._email(email)
        for name in _USER_PATH.findall(self._drop_secrets(text)):
            self._user(name)

    def interaction(self, interaction: Interaction) -> Interaction:
        """A scrubbed copy of one interaction (learn user names first for full effect)."""
        return replace(
            interaction,
            uri=self.text(interaction.uri),
            headers=self.headers(interaction.headers),
            request_headers={
                _header_name(name): [self.text(v) for v in values]
                for name, values in interaction.request_headers.items()
                if name.lower() in RECORDED_REQUEST_HEADERS
            },
            body=self.body(interaction.body),
        )

    def headers(self, headers: dict[str, list[str]]) -> dict[str, list[str]]:
        """Response headers without :data:`DROPPED_HEADERS`, names in ``Title-Case``, values
        scrubbed."""
        return {
            _header_name(name): [self.text(v) for v in values]
            for name, values in headers.items()
            if name.lower() not in DROPPED_HEADERS
        }

    def body(self, text: str) -> str:
        """A scrubbed body: JSON value by value, in the same layout; other text as text."""
        document = _decoded(text)
        if document is _NOT_JSON:
            return self.text(text)
        scrubbed = self.json(document)
        if scrubbed == document:
            return text
        if "\n" in text.strip():
            return json.dumps(scrubbed, indent=2, ensure_ascii=False) + (
                "\n" if text.endswith("\n") else ""
            )
        return json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":"))

    def json(self, value: Any) -> Any:
        """A scrubbed copy of decoded JSON: strings scrubbed, SQL redacted if asked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {key: self._field(key, item) for key, item in value.items()}
        return value

    def _field(self, key: str, value: Any) -> Any:
        if self.redact_sql and key in SQL_FIELDS and isinstance(value, str):
            return SQL_PLACEHOLDER
        return self.json(value)

    def text(self, text: str) -> str:
        """``text`` with secrets, email addresses, the account and user names replaced."""
        text = self._drop_secrets(text)
        return self._compiled().sub(self._substitute, text)

    def _drop_secrets(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, SECRET_PLACEHOLDER)
        return text

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            words = sorted([self.account, *self._users], key=len, reverse=True)
            alternatives = "|".join(re.escape(word) for word in words)
            self._pattern = re.compile(
                f"(?P<email>{_EMAIL})|(?<![{_WORD}])(?P<word>{alternatives})(?![{_WORD}])",
                re.IGNORECASE,
            )
        return self._pattern

    def _substitute(self, match: re.Match[str]) -> str:
        if match["email"] is not None:
            return self._email(match["email"])
        word = match["word"].lower()
        if word == self.account.lower():
            return self.as_account
        return self._users[word]

    def _email(self, email: str) -> str:
        key = email.lower()
        if key not in self._emails:
            self._emails[key] = f"email-{len(self._emails) + 1}@example.invalid"
        return self._emails[key]

    def _user(self, name: str) -> None:
        key = name.lower()
        if key == self.account.lower() or key in self._users or "@" in key:
            return
        self._users[key] = f"user-{len(self._users) + 1}"
        self._pattern = None


def _decoded(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def _usernames(value: Any) -> Iterator[str]:
    """The values of ``username`` fields anywhere in decoded JSON, in document order."""
    if isinstance(value, list):
        for item in value:
            yield from _usernames(item)
    elif isinstance(value, dict):
        if isinstance(value.get("username"), str):
            yield value["username"]
        for item in value.values():
            yield from _usernames(item)


def _texts(interaction: Interaction) -> Iterator[str]:
    yield interaction.uri
    for values in interaction.headers.values():
        yield from values
    yield interaction.body
