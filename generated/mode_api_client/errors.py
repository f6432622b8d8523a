"""Contains shared errors types that can be raised from API functions"""

from typing import Any


class UnexpectedStatus(Exception):
    """Raised by api functions when the response status an undocumented status and Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class UnreadableBody(ValueError):
    """A response body no model can be read from: it is not JSON, or its top level is not
    the JSON type the spec names for it (an array where the spec has an object).

    Raised by ``Model.from_json`` and by the api functions (their ``_parse_response``) for
    a response whose status the spec documents with a JSON body. A body that is JSON of the
    right top-level type is always read, whatever else strays (see ``types.deviations_of``).

    Attributes:
        found: The JSON type of a body that is JSON (``"array"``), ``None`` for one that
            is not JSON.
        response: The ``httpx.Response`` whose body it is, when an api function read it
            (``None`` from ``Model.from_json``).
    """

    def __init__(self, message: str, found: str | None = None) -> None:
        super().__init__(message)
        self.found = found
        self.response: Any = None


__all__ = ["UnexpectedStatus", "UnreadableBody"]
