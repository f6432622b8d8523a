"""The pytest plugin: a recorded Mode API on a loopback port for your own tests.

Installed with the package through the ``pytest11`` entry point, so nothing needs to be
configured. It provides two fixtures:

- ``mode_cassettes`` (module scope): the directory of VCR.py cassettes to replay (a
  ``str`` or any ``os.PathLike``), or ``None`` for the bundled recordings. Set it with the
  ``mode_cassettes`` ini option (a path relative to the ini file) or ``--mode-cassettes
  DIR``, or override the fixture in a ``conftest.py`` or test module.
- ``mode_mock_server`` (module scope): the mock server replaying them on a free port of
  127.0.0.1, as a ``ModeMock`` carrying its ``base_url``, ``account``, ``token``,
  ``secret`` and ``env`` (the ``MODE_*`` environment variables that point a client or the
  command at it), which it also sets in ``os.environ`` for the test module (restored after
  it, as ``monkeypatch`` restores), so code that calls ``ModeClient.from_env()`` or runs
  the command talks to the mock. The account is the ``mode_account`` ini option if set,
  else the one the server found in the cassettes' ``/api/<account>/`` paths (a recording
  made with ``--as-account demo`` gives ``demo``), else ``acme``. The ``mode_rate_limit``
  ini option or ``--mode-rate-limit RATE[/BURST]`` makes it rate-limit like Mode (a leaky
  bucket per credential answering ``429`` with ``Retry-After``).

The plugin is registered by installing the package, with or without the ``testing`` extra
(Starlette, uvicorn): it loads without them, so a test suite that does not use the
fixtures runs as before, and a test that uses ``mode_mock_server`` without them is a setup
error naming the extra to install.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .credentials import DEMO_ACCOUNT

if TYPE_CHECKING:
    from .server import MockServer

__all__ = ["ModeMock", "mode_cassettes", "mode_mock_server"]


@dataclass(frozen=True)
class ModeMock:
    """A running mock server, as the ``mode_mock_server`` fixture yields it.

    Attributes:
        base_url: The API base URL, ``http://127.0.0.1:<port>/api``.
        account: The account the recordings' paths use: the ``mode_account`` ini option,
            else the server's ``account``.
        token: The API token the server accepts (``demo-token``).
        secret: The API secret the server accepts (``demo-secret``).
        server: The ``MockServer``; its ``requests``
            lists ``(method, path?query)`` of every request received.
    """

    base_url: str
    account: str
    token: str
    secret: str
    server: MockServer

    @property
    def env(self) -> dict[str, str]:
        """``MODE_API_TOKEN``, ``MODE_API_SECRET``, ``MODE_ACCOUNT`` and ``MODE_BASE_URL``."""
        return {
            "MODE_API_TOKEN": self.token,
            "MODE_API_SECRET": self.secret,
            "MODE_ACCOUNT": self.account,
            "MODE_BASE_URL": self.base_url,
        }


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "mode_cassettes",
        "Directory of VCR.py cassettes the mode_mock_server fixture replays"
        " (default: the bundled recordings).",
        type="paths",
    )
    parser.addini(
        "mode_account",
        "Account of the recordings mode_mock_server replays (default: the one their"
        f" /api/<account>/ paths name, else {DEMO_ACCOUNT}).",
        default="",
    )
    parser.getgroup("mode-query-runs").addoption(
        "--mode-cassettes",
        metavar="DIR",
        type=Path,
        help="Directory of VCR.py cassettes mode_mock_server replays (overrides the ini).",
    )
    parser.addini("mode_rate_limit", "RATE[/BURST]: mode_mock_server answers 429 past it.")
    parser.getgroup("mode-query-runs").addoption(
        "--mode-rate-limit",
        metavar="RATE[/BURST]",
        help="mode_mock_server rate-limits like Mode (requests per second, burst).",
    )


@pytest.fixture(scope="module")
def mode_cassettes(pytestconfig: pytest.Config) -> str | os.PathLike[str] | None:
    """The cassette directory to replay: ``--mode-cassettes``, else the ``mode_cassettes``
    ini option, else ``None`` (the bundled recordings)."""
    option: Path | None = pytestconfig.getoption("mode_cassettes")
    if option is not None:
        return option
    configured: list[Path] = pytestconfig.getini("mode_cassettes")
    return configured[0] if configured else None


@pytest.fixture(scope="module")
def mode_mock_server(
    mode_cassettes: str | os.PathLike[str] | None, pytestconfig: pytest.Config
) -> Iterator[ModeMock]:
    """The mock server replaying ``mode_cassettes`` on a free loopback port.

    While it runs, ``MODE_API_TOKEN``, ``MODE_API_SECRET``, ``MODE_ACCOUNT`` and
    ``MODE_BASE_URL`` are set to its ``env`` (through a ``pytest.MonkeyPatch`` of the
    fixture's own, undone at the end of the module: the variables get back the values
    they had, or are removed). A test's own ``monkeypatch`` may change them for that test.

    Fails (a setup error) when the ``testing`` extra is not installed, naming it:
    ``mode_mock_server: the mock server needs starlette, which is not installed: pip
    install "mode-query-runs[testing]"``.

    Raises:
        ValueError: the directory holds no ``*.yaml`` cassette, or a malformed one.
        RuntimeError: the server did not start.
    """
    serving = _mock_server_class()
    if isinstance(serving, str):
        pytest.fail(f"mode_mock_server: {serving}", pytrace=False)
    rate_limit = pytestconfig.getoption("mode_rate_limit") or pytestconfig.getini("mode_rate_limit")
    with (
        serving(mode_cassettes, rate_limit=rate_limit or None) as server,
        pytest.MonkeyPatch.context() as patch,
    ):
        mock = ModeMock(
            base_url=server.base_url,
            account=str(pytestconfig.getini("mode_account")) or server.account,
            token=server.token,
            secret=server.secret,
            server=server,
        )
        for name, value in mock.env.items():
            patch.setenv(name, value)
        yield mock


def _mock_server_class() -> type[MockServer] | str:
    """``MockServer``, imported now; without the ``testing`` extra, the message of the
    ``ModuleNotFoundError`` naming it."""
    try:
        from .server import MockServer
    except ModuleNotFoundError as missing:
        if missing.name not in {"starlette", "uvicorn"}:
            raise
        return str(missing)
    return MockServer
