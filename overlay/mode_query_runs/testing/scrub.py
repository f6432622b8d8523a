"""Scrubbing recorded interactions before they are written to a cassette.

A ``Scrubber`` takes the interactions of one recording, as fetched, and returns them
with nothing that identifies the account or its people:

- of the response headers only ``RECORDED_RESPONSE_HEADERS`` are kept (``Content-Type``,
  ``Location``, ``Retry-After``, ...): a header that carries credentials or echoes the
  request (``Authorization``, ``Set-Cookie``, ``X-Echo-Auth``, ...) or changes on every
  request (``Date``, ``X-Request-Id``, ...) is never written, so recording the same data
  twice gives the same file; of the request headers only ``Accept`` is kept;
- user-info (``user:password@``) is removed from every URL in the text;
- the API token and secret become ``REDACTED`` in every form a request or a server may
  carry them: as they are, percent-encoded (``%40``, ``%C3%A9``, ``+`` for a space, either
  case of hex), and inside base64 text (standard or URL-safe alphabet, with or without
  padding, percent-encoded padding too) such as the ``Basic`` value of ``Authorization``:
  the whole base64 run becomes ``REDACTED``;
- the account username becomes the placeholder account (``--as-account``) as a whole
  word, case-insensitively: in paths, hrefs, ``*_web`` URLs and body text, but not inside
  another word or token (``acme_events`` and ``acmeish`` stay as they are for ``acme``);
- email addresses become ``email-<n>@example.invalid`` and user names become
  ``user-<n>``, numbered in order of first appearance, so the same input always gets the
  same placeholder. An email address is matched as text and in its percent-encoded form
  (``alice%40example.io`` becomes ``email-<n>%40example.invalid``, numbered as
  ``alice@example.io``); its local part may hold letters of any script, digits, ``.``,
  ``'``, ``+``, ``-``, ``_``, ``!`` and ``~``, and its domain may be a single label
  (``user@localhost``). User names are the last segment of ``/users/<name>`` paths (Mode's
  ``executed_by`` relation is ``/api/<account>/users/<username>``) and the values of
  ``username`` fields; they and the account are matched as text and percent-encoded;
- with ``redact_sql``, string values of ``raw_source`` / ``rendered_source`` become
  ``SQL_PLACEHOLDER`` (``null`` stays ``null``).

JSON bodies are scrubbed value by value and written back as JSON with the same key order
and layout (compact or indented by two spaces), so they still fit the spec; other bodies
are scrubbed as text. Keys of JSON objects are never changed. JSON is walked without
recursion, so any body ``json.loads`` decodes can be scrubbed, however deeply nested.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import quote, unquote

from .cassette import Interaction

__all__ = [
    "RECORDED_REQUEST_HEADERS",
    "RECORDED_RESPONSE_HEADERS",
    "SQL_PLACEHOLDER",
    "Scrubber",
]

SQL_PLACEHOLDER = "-- SQL redacted by mode-query-runs record"
SECRET_PLACEHOLDER = "REDACTED"
SQL_FIELDS = frozenset({"raw_source", "rendered_source"})
RECORDED_REQUEST_HEADERS = frozenset({"accept"})
"""Request headers kept (lower case): not ``User-Agent``, whose versions vary by machine."""
RECORDED_RESPONSE_HEADERS = frozenset(
    {
        # what the body is
        "content-type",
        "content-disposition",
        "content-language",
        # what a client acts on: redirects, backoff, pagination links
        "location",
        "retry-after",
        "link",
        # caching: the same for the same data
        "cache-control",
        "etag",
        "last-modified",
        "vary",
    }
)
"""Response headers kept (lower case); every other response header is dropped."""

_WORD = r"A-Za-z0-9_\-"
# An email address as text or percent-encoded: the local part's characters (letters of any
# script, as text or as the %XX of their UTF-8 bytes), "." or "'" between them, "@" or
# "%40", then a domain of one or more labels.
_LOCAL_CHAR = r"(?:[\w+\-!~]|%2[BbDd]|%[89A-Fa-f][0-9A-Fa-f])"
_EMAIL = (
    # Starting only where a local part can start (not inside one, nor after its "."
    # or "'"), and taken whole (possessive): one try per run of text, linear time.
    rf"(?<![\w+\-!~%.])(?<!\w')"
    rf"{_LOCAL_CHAR}++(?:(?:[.']|%27|%2[Ee]){_LOCAL_CHAR}++)*+(?:@|%40)"
    r"(?:[^\W_]|%[89A-Fa-f][0-9A-Fa-f])(?:[\w\-]|%[89A-Fa-f][0-9A-Fa-f])*"
    r"(?:\.(?:[\w\-]|%[89A-Fa-f][0-9A-Fa-f])+)*"
)
_NOT_JSON = object()
_MIN_SECRET = 4
"""Shorter secrets are not replaced (as in error messages): they would garble every value
(and match decoded base64 by chance) without hiding anything guessable."""
_USER_PATH = re.compile(r"/users/([^/?#\s\"']+)")
_USERINFO = re.compile(r"(?i)(?<![a-z0-9+.\-])([a-z][a-z0-9+.\-]*+://)[^/?#\s@\"'<>\\]*+@")
# A run of base64 text, either alphabet, padding as "=" or "%3D", "+" and "/" also
# percent-encoded (as in a query string).
_BASE64_RUN = re.compile(r"(?:[A-Za-z0-9+/_\-]|%2[BbFf])+(?:=|%3[Dd]){0,2}")


def _header_name(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _percent_pattern(secret: str) -> str:
    """A pattern for ``secret`` as text or percent-encoded, character by character."""
    alternatives = []
    for char in secret:
        forms = [re.escape(char)]
        forms.append("".join(_percent_byte(byte) for byte in char.encode("utf-8")))
        if char == " ":
            forms.append(r"\+")
        alternatives.append("(?:" + "|".join(forms) + ")")
    return "".join(alternatives)


def _percent_byte(byte: int) -> str:
    """A pattern for ``%XX`` of one byte, hex digits in either case."""
    return "%" + "".join(f"[{d.upper()}{d.lower()}]" if d.isalpha() else d for d in f"{byte:02X}")


def _base64_decodings(run: str) -> Iterator[bytes]:
    """What a base64 run decodes to, read from each of its first four characters."""
    text = unquote(run).rstrip("=").replace("-", "+").replace("_", "/")
    for start in range(min(4, len(text))):
        part = text[start:]
        if len(part) % 4 == 1:
            part = part[:-1]
        try:
            yield base64.b64decode(part + "=" * (-len(part) % 4), validate=True)
        except binascii.Error:
            continue


class Scrubber:
    """Replaces what identifies an account in the interactions of one recording.

    Args:
        account: The real account username, as in ``/api/<account>/...``.
        as_account: The placeholder account written instead.
        secrets: Strings that must never be written (the API token and secret, the
            user-info of the base URL); each of 4 characters or more is replaced by
            ``REDACTED`` wherever it appears, as text, percent-encoded or inside base64
            text.
        redact_sql: Replace ``raw_source`` / ``rendered_source`` by ``SQL_PLACEHOLDER``.

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
        self._secrets = sorted({s for s in secrets if len(s) >= _MIN_SECRET}, key=len, reverse=True)
        self._secret_bytes = [s.encode("utf-8") for s in self._secrets]
        self._secret_pattern = (
            re.compile("|".join(_percent_pattern(s) for s in self._secrets))
            if self._secrets
            else None
        )
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
        text = self._drop_secrets(text)
        for email in re.findall(_EMAIL, text):
            self._email(email)
        for name in _USER_PATH.findall(text):
            self._user(unquote(name))

    def interaction(self, interaction: Interaction) -> Interaction:
        """A scrubbed copy of one interaction (learn user names first for full effect)."""
        return replace(
            interaction,
            uri=self.text(interaction.uri),
            reason=self.text(interaction.reason),
            headers=self.headers(interaction.headers),
            request_headers={
                _header_name(name): [self.text(v) for v in values]
                for name, values in interaction.request_headers.items()
                if name.lower() in RECORDED_REQUEST_HEADERS
            },
            body=self.body(interaction.body),
        )

    def headers(self, headers: dict[str, list[str]]) -> dict[str, list[str]]:
        """Only the ``RECORDED_RESPONSE_HEADERS`` of ``headers``, names in
        ``Title-Case``, values scrubbed."""
        return {
            _header_name(name): [self.text(v) for v in values]
            for name, values in headers.items()
            if name.lower() in RECORDED_RESPONSE_HEADERS
        }

    def body(self, text: str) -> str:
        """A scrubbed body: JSON value by value, in the same layout; other text as text."""
        document = _decoded(text)
        if document is _NOT_JSON:
            return self.text(text)
        scrubbed, changed = self._json(document)
        if not changed:
            return text
        if "\n" in text.strip():
            return json.dumps(scrubbed, indent=2, ensure_ascii=False) + (
                "\n" if text.endswith("\n") else ""
            )
        return json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":"))

    def json(self, value: Any) -> Any:
        """A scrubbed copy of decoded JSON: strings scrubbed, SQL redacted if asked."""
        return self._json(value)[0]

    def _json(self, value: Any) -> tuple[Any, bool]:
        """The scrubbed copy, and whether any string in it (a key or a value) changed
        (walked in document order with a stack of its own: no depth limit)."""
        holder: list[Any] = [None]
        changed = False
        stack: list[tuple[Any, Any, Any, Any]] = [(holder, 0, value, None)]
        while stack:
            target, slot, item, key = stack.pop()
            if isinstance(item, str):
                if self.redact_sql and key in SQL_FIELDS:
                    new: Any = SQL_PLACEHOLDER
                else:
                    new = self.text(item)
                changed = changed or new != item
                target[slot] = new
            elif isinstance(item, list):
                items: list[Any] = [None] * len(item)
                target[slot] = items
                stack.extend((items, i, v, None) for i, v in reversed(list(enumerate(item))))
            elif isinstance(item, dict):
                keys = self._keys(item)
                changed = changed or any(new_key != key for key, new_key in keys)
                fields: dict[str, Any] = dict.fromkeys(new_key for _, new_key in keys)
                target[slot] = fields
                stack.extend((fields, new_key, item[key], key) for key, new_key in reversed(keys))
            else:
                target[slot] = item
        return holder[0], changed

    def _keys(self, item: dict[str, Any]) -> list[tuple[str, str]]:
        """Each key of a JSON object with its scrubbed form, scrubbed as values are; a key
        that would repeat another's scrubbed form gets ``-2``, ``-3``, ... (no value lost)."""
        keys: list[tuple[str, str]] = []
        taken: set[str] = set()
        for key in item:
            new_key = base = self.text(key)
            number = 1
            while new_key in taken:
                number += 1
                new_key = f"{base}-{number}"
            taken.add(new_key)
            keys.append((key, new_key))
        return keys

    def text(self, text: str) -> str:
        """``text`` with user-info in URLs removed and secrets, email addresses, the
        account and user names replaced."""
        text = self._drop_secrets(text)
        return self._compiled().sub(self._substitute, text)

    def _drop_secrets(self, text: str) -> str:
        text = _USERINFO.sub(r"\1", text)
        if self._secret_pattern is None:
            return text
        text = self._secret_pattern.sub(SECRET_PLACEHOLDER, text)
        return _BASE64_RUN.sub(self._base64_secret, text)

    def _base64_secret(self, match: re.Match[str]) -> str:
        run = match[0]
        for decoded in _base64_decodings(run):
            if any(secret in decoded for secret in self._secret_bytes):
                return SECRET_PLACEHOLDER
        return run

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            words = sorted(
                {form for word in [self.account, *self._users] for form in _forms(word)},
                key=len,
                reverse=True,
            )
            alternatives = "|".join(re.escape(word) for word in words)
            self._pattern = re.compile(
                f"(?P<email>{_EMAIL})|(?<![{_WORD}])(?P<word>{alternatives})(?![{_WORD}])",
                re.IGNORECASE,
            )
        return self._pattern

    def _substitute(self, match: re.Match[str]) -> str:
        if match["email"] is not None:
            return self._email(match["email"])
        word = unquote(match["word"]).lower()
        if word == self.account.lower():
            return self.as_account
        return self._users[word]

    def _email(self, email: str) -> str:
        """The placeholder of an email address, as text or percent-encoded (``%40``)."""
        key = unquote(email).lower()
        if key not in self._emails:
            self._emails[key] = f"email-{len(self._emails) + 1}@example.invalid"
        placeholder = self._emails[key]
        return placeholder if "@" in email else placeholder.replace("@", "%40")

    def _user(self, name: str) -> None:
        key = name.lower()
        if key == self.account.lower() or key in self._users or "@" in key or not key:
            return
        self._users[key] = f"user-{len(self._users) + 1}"
        self._pattern = None


def _forms(word: str) -> tuple[str, ...]:
    """A word as text and percent-encoded (the same when nothing needs encoding)."""
    return (word, quote(word, safe=""))


def _decoded(text: str) -> Any:
    """Decoded JSON, or ``_NOT_JSON``.

    Raises:
        ValueError: the JSON is nested too deeply for the decoder.
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("a response body is JSON nested too deeply to scrub") from None
    except ValueError:
        return _NOT_JSON


def _usernames(value: Any) -> Iterator[str]:
    """The values of ``username`` fields anywhere in decoded JSON, in document order."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if isinstance(item.get("username"), str):
                yield item["username"]
            stack.extend(reversed(list(item.values())))


def _texts(interaction: Interaction) -> Iterator[str]:
    yield interaction.uri
    for values in interaction.headers.values():
        yield from values
    yield interaction.body
