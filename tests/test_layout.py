"""The package's layout rules, read from the source with ``ast``.

- The SDK (the modules at the package root) never imports the command line (``cli/``) or
  the testing kit (``testing/``), not even inside a function.
- The testing kit never imports the command line.
- No two modules import each other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mode_query_runs

PACKAGE = Path(mode_query_runs.__file__).parent
ROOT = "mode_query_runs"


def _module_name(path: Path) -> str:
    parts = [ROOT, *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(path: Path) -> set[str]:
    """Every ``mode_query_runs`` module ``path`` imports, wherever the import statement is."""
    name = _module_name(path)
    package = name if _is_package(path) else name.rpartition(".")[0]
    return _imports_in(path.read_text("utf-8"), name, package)


def _is_module(dotted: str) -> bool:
    location = PACKAGE.parent / dotted.replace(".", "/")
    return location.is_dir() or location.with_suffix(".py").is_file()


def _imports_in(source: str, name: str, package: str) -> set[str]:
    """The ``mode_query_runs`` modules imported by ``source`` of module ``name``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith(ROOT)}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith(ROOT):
                continue
            found.add(target)
            # ``from . import cli`` imports the submodule ``cli``.
            found |= {
                f"{target}.{alias.name}"
                for alias in node.names
                if _is_module(f"{target}.{alias.name}")
            }
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def _inside(module: str, room: str) -> bool:
    return module == f"{ROOT}.{room}" or module.startswith(f"{ROOT}.{room}.")


def _is_sdk(module: str) -> bool:
    return not any(_inside(module, room) for room in ("cli", "testing", "__main__"))


def test_the_rooms_exist() -> None:
    assert (PACKAGE / "cli" / "__init__.py").is_file()
    assert (PACKAGE / "testing" / "__init__.py").is_file()


def test_the_sdk_never_imports_the_command_line_or_the_testing_kit() -> None:
    breaking = sorted(
        (module, target)
        for module, targets in _graph().items()
        if _is_sdk(module)
        for target in targets
        if _inside(target, "cli") or _inside(target, "testing")
    )
    assert breaking == []


def test_the_testing_kit_never_imports_the_command_line() -> None:
    breaking = sorted(
        (module, target)
        for module, targets in _graph().items()
        if _inside(module, "testing")
        for target in targets
        if _inside(target, "cli")
    )
    assert breaking == []


def test_no_two_modules_import_each_other() -> None:
    graph = _graph()
    pairs = sorted(
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if module < target
        and module in graph.get(target, set())
        # A package importing its own submodules, which import the package's siblings
        # through it, is how a package's ``__init__`` works; only true pairs count.
        and not (target.startswith(module + ".") or module.startswith(target + "."))
    )
    assert pairs == []


@pytest.mark.parametrize(
    ("package", "source", "expected"),
    [
        ("mode_query_runs", "from .cli import main\n", {"mode_query_runs.cli"}),
        (
            "mode_query_runs",
            "def f():\n    from .testing.server import MockServer\n",
            {"mode_query_runs.testing.server"},
        ),
        ("mode_query_runs", "import mode_query_runs.cli\n", {"mode_query_runs.cli"}),
        ("mode_query_runs.testing", "from ..cli import main\n", {"mode_query_runs.cli"}),
        ("mode_query_runs.testing", "from .server import X\n", {"mode_query_runs.testing.server"}),
    ],
)
def test_the_import_reader_sees_lazy_and_relative_imports(
    package: str, source: str, expected: set[str]
) -> None:
    assert _imports_in(source, f"{package}.probe", package) == expected


def test_the_subpackages_are_the_command_line_and_the_testing_kit() -> None:
    # The deprecated ``mock`` package (never released) is gone.
    assert sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py")) == [
        "cli",
        "testing",
    ]


def test_importing_the_testing_kit_does_not_load_the_http_server() -> None:
    code = (
        "import sys\n"
        "import mode_query_runs.testing as kit\n"
        "assert 'uvicorn' not in sys.modules\n"
        "kit.MockServer\n"
        "assert 'uvicorn' in sys.modules\n"
        "import mode_query_runs.cli\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_the_command_line_does_not_load_the_http_server_for_every_command() -> None:
    code = "import sys\nimport mode_query_runs.cli\nassert 'uvicorn' not in sys.modules\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")
