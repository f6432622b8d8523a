"""The documentation site's hooks (README sections, the public-name check) and the
command's shell completion."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).parent.parent


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = load_hooks()


def page(src_uri: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri))


def test_a_readme_section_ends_at_the_next_heading_and_skips_code_fences() -> None:
    sections = hooks.readme_sections()
    changes = sections["When Mode changes"]
    assert changes.startswith("## When Mode changes\n")
    assert "# edit openapi/mode.yaml" in changes  # a comment in a code block, not a heading
    assert "## After a spec change" not in changes
    assert sections["Python"].count("###") == 0


def test_markers_become_sections_and_readme_links_point_at_their_page() -> None:
    markdown = "# Start\n\n<!-- README: Two commands on a fresh machine -->\n"
    built = hooks.on_page_markdown(markdown, page("index.md"), None, None)
    assert built.startswith("# Start\n\n## Two commands on a fresh machine\n")
    assert "(contract.md#contract-tests)" in built
    assert "(#contract-tests)" not in built
    nested = hooks.on_page_markdown(markdown, page("reference/x.md"), None, None)
    assert "(../contract.md#contract-tests)" in nested


def test_a_marker_naming_no_readme_section_fails_the_build() -> None:
    with pytest.raises(PluginError) as caught:
        hooks.on_page_markdown("<!-- README: Nothing like this -->", page("a.md"), None, None)
    assert str(caught.value) == "a.md: no README section 'Nothing like this'"


def test_every_page_is_in_the_nav_and_every_readme_section_is_on_a_page() -> None:
    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    in_nav: list[str] = []

    def walk(items: list[object]) -> None:
        for item in items:
            assert isinstance(item, dict)
            for value in item.values():
                if isinstance(value, list):
                    walk(value)
                else:
                    in_nav.append(value)

    walk(config["nav"])
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    assert sorted(in_nav) == pages
    included = set(hooks._included())
    headings = {hooks.slug(title) for title in hooks.readme_sections()}
    assert headings <= included  # every README section is on a page


def test_public_names_without_docstrings_or_reference_are_warnings(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.mode_query_runs"):
        hooks.on_config({})
    assert caplog.messages == []

    def undocumented() -> None:
        pass

    import mode_query_runs

    monkeypatch.setattr(mode_query_runs, "undocumented", undocumented, raising=False)
    monkeypatch.setattr(mode_query_runs, "__all__", [*mode_query_runs.__all__, "undocumented"])
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.mode_query_runs"):
        hooks.on_config({})
    assert caplog.messages == ["mode_query_runs.undocumented is public and has no docstring"]


@pytest.mark.parametrize(
    ("shell", "line"),
    [
        ("bash", "complete -o nosort -F _mode_query_runs_completion mode-query-runs"),
        ("zsh", "#compdef mode-query-runs"),
        (
            "fish",
            "complete --no-files --command mode-query-runs"
            ' --arguments "(_mode_query_runs_completion)";',
        ),
    ],
)
def test_shell_completion_scripts(shell: str, line: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs"],
        env={**os.environ, "_MODE_QUERY_RUNS_COMPLETE": f"{shell}_source"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert line in [text.strip() for text in result.stdout.splitlines()]


def test_bash_completion_completes_a_command() -> None:
    env = {
        **os.environ,
        "_MODE_QUERY_RUNS_COMPLETE": "bash_complete",
        "COMP_WORDS": "mode-query-runs re",
        "COMP_CWORD": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "mode_query_runs"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout.split(), result.stderr) == (
        0,
        ["plain,record", "plain,results"],
        "",
    )


def test_a_public_name_on_no_reference_page_is_a_warning(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "sdk.md").write_text("::: mode_query_runs.testing\n")
    monkeypatch.setattr(hooks, "DOCS", tmp_path)
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.mode_query_runs"):
        hooks.on_config({})
    assert "mode_query_runs.ModeClient is public and in no page of docs/reference/" in (
        caplog.messages
    )
    assert not any("testing" in message for message in caplog.messages)


# --- issue 22, item 8: inherited members are documented under the public classes -----------


def test_the_check_of_public_names_covers_inherited_members() -> None:
    names = dict(hooks._public_names())
    for client in ("ModeClient", "AsyncModeClient"):
        for member in ("from_env", "with_options", "base_url", "strict"):
            assert f"mode_query_runs.{client}.{member}" in names
    assert "mode_query_runs.to_wire" in names


def test_a_public_member_not_rendered_in_the_reference_is_a_warning(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = {dotted for dotted, _ in hooks._public_names()}
    rendered.discard("mode_query_runs.AsyncModeClient.from_env")
    monkeypatch.setattr(hooks, "_rendered", rendered)
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.mode_query_runs"):
        hooks.on_post_build({})
    assert caplog.messages == [
        "mode_query_runs.AsyncModeClient.from_env is public and not rendered in the API reference"
    ]


def test_the_rendered_reference_holds_the_inherited_members(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "reference" / "sdk" / "index.html").read_text(encoding="utf-8")
    for client in ("ModeClient", "AsyncModeClient"):
        for member in ("from_env", "with_options", "base_url", "strict", "timeout", "account"):
            assert f'id="mode_query_runs.{client}.{member}"' in html
    assert 'id="mode_query_runs.to_wire"' in html
    assert "A client configured from the environment." in html  # from_env's docstring


# --- issue 22, item 7: no Sphinx markup shown raw -------------------------------------------


def test_sphinx_markup_left_raw_on_a_page_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    html = (
        "<p>Raises <code>ModeAPIError</code>; see :class:<code>ModeAPIError</code>"
        " and :meth:`ModeClient.follow`.</p><p>Use it as a context manager::</p>"
        "<p>A fine <code>a::b</code> and a plain sentence: done.</p>"
    )
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.mode_query_runs"):
        assert hooks.on_page_content(html, page("errors.md"), None, None) == html
    assert [message.split(": Sphinx markup shown raw: ")[0] for message in caplog.messages] == [
        "errors.md",
        "errors.md",
        "errors.md",
    ]


def test_no_docstring_of_the_package_uses_sphinx_roles() -> None:
    role = hooks.UNRENDERED.pattern.split("(?:<code>")[0]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "overlay").rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(role + "`", line)
    ]
    assert found == []
