"""mkdocs hooks: pages built from the README's sections, and a check of the public names.

- A line ``<!-- README: Heading -->`` in a page is replaced by that README section (the
  heading and its text, up to the next heading), so the README stays the one source of
  that text. A link to a README heading
  (``](#contract-tests)``) becomes a link to the page that includes that heading. A
  heading that is not in the README fails the build.
- Every name in ``mode_query_runs.__all__`` (and ``mode_query_runs.testing.__all__``),
  and every public method and property of the classes among them (those they inherit
  from the package's own classes too, such as ``ModeClient.from_env`` from the private
  ``ClientCore``), must have a docstring and be rendered in the API reference, under its
  public name (an anchor ``id="mode_query_runs.ModeClient.from_env"`` in a page of
  ``reference/``): an undocumented or unrendered one is a warning, which
  ``mkdocs build --strict`` turns into a failure.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.mode_query_runs")

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
DOCS = Path(__file__).parent
MARKER = re.compile(r"^<!-- README: (.+?) -->$", re.MULTILINE)
HEADING = re.compile(r"^(#{1,6}) (.+)$")
FENCE = re.compile(r"^(```|~~~)")
PUBLIC_MODULES = ["mode_query_runs", "mode_query_runs.testing"]


def slug(heading: str) -> str:
    """The anchor mkdocs' ``toc`` extension gives a heading (its default ``slugify``)."""
    text = re.sub(r"[^\w\s-]", "", heading.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def readme_sections() -> dict[str, str]:
    """Each README heading (of level 2 and below) and its section's markdown: the heading
    and its text up to the next heading of any level (subsections are sections of their
    own)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    headings: list[tuple[int, int, str]] = []  # (line, level, title), outside code fences
    fenced = False
    for number, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            headings.append((number, len(match[1]), match[2].strip()))
    sections = {}
    for index, (start, level, title) in enumerate(headings):
        if level == 1:
            continue  # the title: the docs' index page has its own
        end = headings[index + 1][0] if index + 1 < len(headings) else len(lines)
        sections[title] = "\n".join(lines[start:end]).strip() + "\n"
    return sections


def _included() -> dict[str, str]:
    """README heading slug -> the docs page that includes it."""
    sections = readme_sections()
    pages = {}
    for page in sorted(DOCS.rglob("*.md")):
        for title in MARKER.findall(page.read_text(encoding="utf-8")):
            if title not in sections:
                raise PluginError(f"{page.relative_to(DOCS)}: no README section {title!r}")
            for line in sections[title].splitlines():
                if (match := HEADING.match(line)) and not line.startswith("# "):
                    pages[slug(match[2])] = page.relative_to(DOCS).as_posix()
    return pages


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Put the README sections in; point README-internal links at their pages."""
    if not MARKER.search(markdown):
        return markdown
    sections = readme_sections()
    where = _included()
    here = page.file.src_uri

    def section(match: re.Match[str]) -> str:
        title = match[1]
        if title not in sections:
            raise PluginError(f"{here}: no README section {title!r}")
        return sections[title]

    def link(match: re.Match[str]) -> str:
        anchor = match[1]
        target = where.get(anchor)
        if target is None:
            raise PluginError(f"{here}: README link #{anchor} is to no included section")
        if target == here:
            return f"](#{anchor})"
        depth = here.count("/")
        return f"]({'../' * depth}{target}#{anchor})"

    text = MARKER.sub(section, markdown)
    return re.sub(r"\]\(#([\w-]+)\)", link, text)


def _public_members(cls: type) -> list[tuple[str, Any]]:
    """``(name, function)`` of each public method and property of ``cls``, those it
    inherits from the package's own classes (private ones too) included; a property is
    given as its getter."""
    found: dict[str, Any] = {}
    for owner in inspect.getmro(cls):
        if not owner.__module__.startswith("mode_query_runs"):
            continue  # object, Exception, Generic: not ours to document
        for member, attribute in vars(owner).items():
            if member.startswith("_") or member in found:
                continue
            if isinstance(attribute, property):
                found[member] = attribute.fget
            elif isinstance(attribute, classmethod | staticmethod):
                found[member] = attribute.__func__
            elif inspect.isfunction(attribute):
                found[member] = attribute
    return list(found.items())


def _public_names() -> list[tuple[str, Any]]:
    """``(dotted name, object)`` of each public name and the public members of its class."""
    found: list[tuple[str, Any]] = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if name.startswith("__"):
                continue
            value = getattr(module, name)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue  # constants are documented by the attribute docstrings griffe reads
            found.append((f"{module_name}.{name}", value))
            if inspect.isclass(value) and value.__module__.startswith("mode_query_runs"):
                for member, target in _public_members(value):
                    found.append((f"{module_name}.{name}.{member}", target))
    return found


RENDERED_ID = re.compile(r'\bid="(mode_query_runs\.[\w.]+)"')
_rendered: set[str] = set()
"""The anchors of the reference pages built so far (``on_page_content``)."""


def on_config(config: Any) -> Any:
    """Warn (a failure under ``--strict``) for each public name without a docstring or
    missing from the reference pages."""
    reference = "\n".join(
        page.read_text(encoding="utf-8") for page in sorted((DOCS / "reference").glob("*.md"))
    )
    _rendered.clear()
    for dotted, value in _public_names():
        if not (getattr(value, "__doc__", None) or "").strip():
            log.warning("%s is public and has no docstring", dotted)
        parts = dotted.split(".")
        module = ".".join(parts[:2] if parts[1] == "testing" else parts[:1])
        owner = ".".join(parts[: module.count(".") + 2])
        shown = re.search(rf"^::: ({re.escape(module)}|{re.escape(owner)})$", reference, re.M)
        if shown is None:
            log.warning("%s is public and in no page of docs/reference/", owner)
    _included()  # every README marker names a section
    return config


UNRENDERED = re.compile(
    r":(?:py:)?(?:class|meth|func|mod|attr|data|exc|obj):(?:<code>|`)|[^:\s]::</p>"
)
"""Markup of Sphinx (reStructuredText) that mkdocstrings shows as raw text: a role such as
``:class:`X``` or a ``::`` that was to start a literal block."""


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Note the anchors of the objects a reference page renders; warn (a failure under
    ``--strict``) for each piece of Sphinx markup left raw on any page."""
    if page.file.src_uri.startswith("reference/"):
        _rendered.update(RENDERED_ID.findall(html))
    for raw in UNRENDERED.finditer(html):
        start = max(0, raw.start() - 60)
        excerpt = re.sub(r"<[^>]+>", "", html[start : raw.end() + 40])
        log.warning("%s: Sphinx markup shown raw: ...%s...", page.file.src_uri, excerpt)
    return html


def on_post_build(config: Any) -> None:
    """Warn (a failure under ``--strict``) for each public name or member the reference
    pages do not render under its public name."""
    if not _rendered:
        return  # no reference page was built (``mkdocs serve`` rebuilding one page)
    for dotted, _value in _public_names():
        if dotted not in _rendered:
            log.warning("%s is public and not rendered in the API reference", dotted)
