"""``playbook render``: the site's final Markdown as a plain docs tree, diagrams as SVG files.

Every page the site has, as MkDocs would be given it after the hooks and mkdocs-macros ran:
generated pages, phase pages composed with their chapters, and hand-written pages with their
macros expanded (by the same macro table, :mod:`playbook.render.page_macros`). Each inline diagram
becomes an SVG file beside the page's URL (``use-cases/churn.md`` gets
``use-cases/churn/diagram-1.svg``, so the diagram's own links resolve as they do inline) and a
Markdown image. The assets are copied. Any Markdown site engine can build the result; the
benchmark builds it with a plain Material config (:func:`playbook.site.config_file.plain_config`) to
measure what the
generator costs on top of Material.

The rendering is pure apart from the ``svg`` callable; reading the docs folder, the config and
writing the tree are separate functions.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from playbook.cli.outputs import publishing
from playbook.data.issues import format_text
from playbook.data.loader import name_issue, outside_issue
from playbook.render import links
from playbook.render.markdown import text
from playbook.render.page_checks import check_pages, check_reserved_ids
from playbook.render.page_macros import MacroContext, page_macros
from playbook.render.pages import (
    MissingChapter,
    build_nav,
    generated_downloads,
    generated_pages,
    pair_chapters,
    split_front_matter,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from playbook.data.issues import Issue
    from playbook.data.model import Playbook


class RenderError(Exception):
    """The docs cannot be rendered (a chapter is missing, a macro failed, a bad output folder)."""


@dataclass(frozen=True, slots=True)
class RenderedTree:
    """A rendered docs tree, not yet written.

    Attributes:
        pages: Source URI to final Markdown, in nav order (generated pages, then hand-written).
        diagrams: Path in the tree to SVG text.
        nav: The site nav (:func:`playbook.render.pages.build_nav`), for a config that builds
            the tree.
        downloads: Path in the tree to the content of a file offered for download as is.
    """

    pages: dict[str, str]
    diagrams: dict[str, str] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)
    downloads: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

_DIAGRAM = re.compile(
    r'<div class="playbook-diagram(?P<screens> pb-screens-\w+)?"[^>]*>\n(?P<svg><svg\b.*?</svg>)\n'
    r'<p class="playbook-diagram__caption">(?P<caption>.*?)</p>\n</div>\n',
    re.DOTALL,
)
#: A chart of playbook.render.charts: its SVG and, for the image's text, its title.
_CHART = re.compile(
    r'<div class="pb-chart">(?P<svg><svg\b[^>]*><title>(?P<title>[^<]*)</title>.*?</svg>)</div>\n',
    re.DOTALL,
)
_SVG_NS = "http://www.w3.org/2000/svg"


def render_tree(
    pb: Playbook,
    issues: Sequence[Issue],
    docs: Mapping[str, str],
    svg: Callable[[str], str],
    extra: Mapping[str, Any] | None = None,
) -> RenderedTree:
    """Every page's final Markdown, with its diagrams split out into SVG files.

    Args:
        pb: The validated playbook.
        issues: The validator's issues (the RACI roll-up lists the warnings).
        docs: The hand-written pages: source URI to Markdown.
        svg: Turns DOT text into SVG text (``playbook.render.svg.render_svg`` with its cache).
        extra: The config's ``extra`` values, which pages may use as Jinja variables.

    Raises:
        RenderError: A phase names a chapter that is not in ``docs``, or a macro failed.
    """
    pages = generated_pages(pb, issues, svg, docs)
    if clashes := check_reserved_ids(pb) + check_pages(pages):
        raise RenderError("generated pages clash:\n" + format_text(clashes))
    try:
        chapter_of, rest = pair_chapters(pages, docs)
    except MissingChapter as exc:
        raise RenderError(str(exc)) from exc
    chapters = {uri: docs[chapter] if chapter else None for uri, chapter in chapter_of.items()}
    nav = build_nav(pages, rest)

    current = [""]
    context = MacroContext(playbook=lambda: pb, page=lambda: current[0], svg=svg, docs=lambda: docs)
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.globals.update(page_macros(context))
    tree = RenderedTree(pages={}, nav=nav, downloads=generated_downloads(pb))
    for page in pages:
        # As in the site: only the chapter goes through Jinja, the generated text is added after.
        current[0] = page.src_uri
        chapter = chapters[page.src_uri]
        if chapter is None:
            final = page.front_matter() + page.body()
        else:
            front, body = _expand(env, page.src_uri, page.template(chapter), extra or {})
            final = front + page.body(body)
        tree.pages[page.src_uri] = _split_diagrams(page.src_uri, final, tree.diagrams)
    for uri in sorted(rest):
        markdown = docs[uri]
        current[0] = uri
        front, body = _expand(env, uri, markdown, extra or {})
        tree.pages[uri] = _split_diagrams(uri, front + body.lstrip("\n"), tree.diagrams)
    return tree


def _expand(
    env: jinja2.Environment, uri: str, markdown: str, extra: Mapping[str, Any]
) -> tuple[str, str]:
    """Run a page's macros as mkdocs-macros would: its front matter block and expanded body."""
    front, body = split_front_matter(markdown)
    try:
        meta = yaml.safe_load(front) if front else {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{uri}: bad front matter: {exc}") from exc
    meta = meta if isinstance(meta, dict) else {}
    if meta.get("render_macros") is not False:
        try:
            body = env.from_string(body).render({**extra, **meta})
        except jinja2.TemplateError as exc:
            raise RenderError(f"{uri}: {type(exc).__name__}: {exc}") from exc
        except (ValueError, KeyError) as exc:  # a macro rejected its arguments
            raise RenderError(f"{uri}: {exc}") from exc
        body += "\n"
    return (f"---\n{front}\n---\n\n" if front else ""), body


def _split_diagrams(uri: str, markdown: str, diagrams: dict[str, str]) -> str:
    """Move each inline diagram and chart of a page into an SVG file, leaving an image and its
    caption.

    A drawing made for phones only (``pb-screens-narrow``) is left out: a plain Markdown site has
    no stylesheet to choose between it and its wide twin.
    """
    folder = links.url_of(uri)
    count = 0

    def save(body: str, caption: str) -> str:
        nonlocal count
        count += 1
        path = f"{folder}diagram-{count}.svg"
        if "xmlns=" not in body.split(">", 1)[0]:
            body = body.replace("<svg ", f'<svg xmlns="{_SVG_NS}" ', 1)
        diagrams[path] = body if body.endswith("\n") else body + "\n"
        label = text(html.unescape(caption))
        target = posixpath.relpath(path, posixpath.dirname(uri) or ".")
        return f"![{label}]({target})\n\n*{label}*\n"

    def image(match: re.Match[str]) -> str:
        if match.group("screens") == " pb-screens-narrow":
            return ""
        return save(match.group("svg"), match.group("caption"))

    def chart(match: re.Match[str]) -> str:
        return save(match.group("svg"), match.group("title")) + "\n"

    return _CHART.sub(chart, _DIAGRAM.sub(image, markdown))


# --------------------------------------------------------------------------------------------
# Reading the docs folder and the config, writing the tree
# --------------------------------------------------------------------------------------------


def read_docs(docs_dir: Path) -> tuple[dict[str, str], dict[str, Path]]:
    """The Markdown pages (source URI to text) and the other files (path to file) of a folder."""
    pages: dict[str, str] = {}
    assets: dict[str, Path] = {}
    for path in sorted(docs_dir.rglob("*")):
        if not path.is_file():
            continue
        uri = path.relative_to(docs_dir).as_posix()
        shown = f"{docs_dir.name}/{uri}"
        if refused := outside_issue(path, docs_dir, shown) or name_issue(uri, shown):
            raise RenderError(str(refused))
        if uri.endswith(".md"):
            pages[uri] = path.read_text(encoding="utf-8-sig")
        else:
            assets[uri] = path
    return pages, assets


def write_tree(
    tree: RenderedTree, assets: Mapping[str, Path], out: Path, project: Path | None = None
) -> list[Path]:
    """Write the pages, diagrams and assets into ``out``, replacing it; return what was written.

    The tree is written into a temporary folder first (:func:`playbook.cli.outputs.work_folder`),
    marked as a playbook output, then renamed into place. Check ``out`` with
    :func:`playbook.cli.outputs.check_output` first.

    Raises:
        OutputError: ``out`` cannot be written.
    """
    out = out.resolve()
    written: list[Path] = []
    with publishing(out, project or out.parent, "rendering") as tmp:
        files: dict[str, str | Path] = {
            **assets,
            **tree.diagrams,
            **tree.downloads,
            **tree.pages,
        }
        for relative, content in files.items():
            target = tmp / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_text(content, encoding="utf-8", newline="\n")
            written.append(out / relative)
    return written
