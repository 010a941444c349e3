"""Every generated page of the site, its composition with hand-written chapters, and the nav.

Pure: the playbook, the validator's issues and the hand-written Markdown come in, pages and the
nav structure go out. The only impure step, Graphviz, is passed in as ``svg`` (DOT text to SVG
text), so tests can hand in a stub.
"""

from __future__ import annotations

import functools
import importlib
import json
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from playbook.data import kinds
from playbook.data.issues import Issue, suggest
from playbook.render import links
from playbook.render.common import CHAPTER_SLOT
from playbook.render.home import audiences_from_docs, lifecycle_diagram, render_home
from playbook.render.markdown import DATA_SOURCE_CLASS, html
from playbook.render.parameters import resolve_placeholders
from playbook.render.reference import MODEL_SOURCE, render_data_reference
from playbook.render.templates import download_uri, render_template_download

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

    from playbook.data.model import Playbook


#: Past this many headings, a page's table of contents lists its H2 sections only: a phase of
#: a large playbook has hundreds of tasks, and a contents list of all of them is too long to use
#: and was a fifth of the page's HTML (``toc_depth`` in the front matter; the theme's
#: ``overrides/partials/toc-item.html`` reads it).
TOC_ENTRIES = 200
_HEADING = re.compile(r"^#{2,6} ", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Page:
    """A generated page.

    Attributes:
        src_uri: Where the page sits among the docs (``people/roles/ml_engineer.md``).
        title: The page title as plain text (the H1 of ``content``).
        content: The Markdown, possibly holding :data:`CHAPTER_SLOT`.
        edit_path: Repository path the page's edit button opens (its main data file).
        chapter: Source URI of a hand-written chapter to merge in, when the data names one.
        search: False to keep the page out of the search index (bulky matrices).
        keywords: Other words for the page's subject (a role's aliases): Material's search
            weighs them as tags, above the text, so searching for them finds the page first.
        wide: True to hide the table of contents, leaving the width to a wide table.
        landing: True for the home page: neither navigation sidebar nor table of contents.
        owner: The role id that owns the page (see :func:`page_owner`).
        updated_from: Repository paths the page is made from (folders too): it is dated by the
            last commit among them and its chapter. Generated pages cross-reference every data
            file, so by default the whole data folder.
    """

    src_uri: str
    title: str
    content: str
    edit_path: str | None = None
    chapter: str | None = None
    search: bool = True
    keywords: tuple[str, ...] = ()
    wide: bool = False
    landing: bool = False
    owner: str = ""
    updated_from: tuple[str, ...] = ("data",)

    def template(self, chapter: str | None = None) -> str:
        """What a template engine (mkdocs-macros) is given for this page: never generated text.

        The page's front matter, then the hand-written ``chapter``'s body (its H1 dropped), or
        nothing on a fully generated page. The generated Markdown, made from hostile data, is
        added only after the engine ran (:meth:`body`), so no data string is ever read as
        Jinja, whatever it holds.
        """
        front = self.front_matter(chapter)
        if chapter is None:
            return front
        _, chapter_body = split_front_matter(chapter)
        return front + _H1.sub("", chapter_body, count=1).strip() + "\n"

    def front_matter(self, chapter: str | None = None) -> str:
        """The page's front matter block, merged with the one of its ``chapter``, if any."""
        if chapter is None:
            return "---\n" + "\n".join(self._meta()) + "\n---\n\n"
        front, _ = split_front_matter(chapter)
        # An owner the chapter names wins over the one the data gives the page.
        lines = self._meta(owner="owner" not in _front_matter_keys(front), chapter=self.chapter)
        meta = "\n".join([front, *lines] if front else lines)
        return f"---\n{meta}\n---\n\n" if meta else ""

    def body(self, chapter_body: str | None = None) -> str:
        """The final Markdown without front matter: the chapter, once rendered, in its slot.

        Args:
            chapter_body: The body of :meth:`template` after the template engine ran, or None
                for a fully generated page.
        """
        content, note = _move_note(self.content)
        if chapter_body is None:
            return content.replace(CHAPTER_SLOT, "") + note
        if CHAPTER_SLOT not in content:
            content += "\n" + CHAPTER_SLOT
        head, tail = content.split(CHAPTER_SLOT, 1)
        chapter_body = chapter_body.strip()
        return (f"{head}\n{chapter_body}\n\n" if chapter_body else head) + tail + note

    def compose(self, chapter: str | None = None) -> str:
        """The final Markdown of the page with ``chapter`` (needing no template engine) merged."""
        if chapter is None:
            return self.front_matter() + self.body()
        template = self.template(chapter)
        return self.front_matter(chapter) + self.body(split_front_matter(template)[1])

    @property
    def toc_depth(self) -> int:
        """The deepest heading level its table of contents lists: 2 on a page with more than
        :data:`TOC_ENTRIES` headings, else 0 (every level)."""
        return 2 if len(_HEADING.findall(self.content)) > TOC_ENTRIES else 0

    def _meta(self, *, owner: bool = True, chapter: str | None = None) -> list[str]:
        """Front matter lines for the page's settings, its owner and what it is made from."""
        lines = [] if self.search else ["search:", "  exclude: true"]
        lines += [f"toc_depth: {self.toc_depth}"] if self.toc_depth else []
        if self.search and self.keywords:
            # JSON strings are YAML; escaped, as Material shows tags as HTML in its results.
            lines += ["tags:", *(f"  - {json.dumps(html(k))}" for k in self.keywords)]
        hidden = ["navigation", "toc"] if self.landing else ["toc"] if self.wide else []
        lines += ["hide:", *(f"  - {name}" for name in hidden)] if hidden else []
        lines += [f"owner: {self.owner}"] if owner and self.owner else []
        sources = [*self.updated_from, *([f"docs/{chapter}"] if chapter else [])]
        return [*lines, f"updated_from: {json.dumps(sources)}"]


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_OWNER = re.compile(r"^(owner:[ \t]*)(.*)$", re.MULTILINE)
_H1 = re.compile(r"\A\s*#\s[^\n]*\n")
_NOTE = re.compile(rf'^<p class="{DATA_SOURCE_CLASS}"[^\n]*</p>\n\n', re.MULTILINE)


def _front_matter_keys(front: str) -> set[str]:
    try:
        meta = yaml.safe_load(front) if front else None
    except yaml.YAMLError:
        return set()
    return set(meta) if isinstance(meta, dict) else set()


def split_front_matter(markdown: str) -> tuple[str, str]:
    """``(front matter text without the fences, the rest)`` of a Markdown document."""
    match = _FRONT_MATTER.match(markdown)
    if not match:
        return "", markdown
    return match.group(1).strip(), markdown[match.end() :]


def _move_note(content: str) -> tuple[str, str]:
    """``content`` without its 'edit this page's data' line, and that line.

    The line moves to the end of the page, above the page facts, out of the reader's way. Where
    a chapter goes is not found from the note: the renderer marks it with :data:`CHAPTER_SLOT`
    (:meth:`Page.body` puts it at the end of a page without one).
    """
    match = _NOTE.search(content)
    if match is None:
        return content, ""
    return content[: match.start()] + content[match.end() :], "\n" + match.group(0)


def _title(content: str) -> str:
    match = re.search(r"^# (.+)$", content, re.MULTILINE)
    return match.group(1).strip() if match else ""


def page_from(
    pb: Playbook,
    src_uri: str,
    content: str,
    edit_key: str,
    *,
    chapter: str | None = None,
    search: bool = True,
    wide: bool = False,
    owner: str | None = None,
    keywords: tuple[str, ...] = (),
) -> Page:
    return Page(
        src_uri=src_uri,
        title=_title(content),
        content=content,
        edit_path=pb.files.get(edit_key),
        chapter=chapter,
        search=search,
        keywords=keywords,
        wide=wide,
        owner=owner or page_owner(pb, edit_key),
    )


def page_owner(pb: Playbook, edit_key: str) -> str:
    """The role that owns a page generated from the data file ``edit_key`` names.

    Role and use-case pages are owned by their role and the use case's owner (their callers
    say so). Any other page: the data file's entry in ``file_owners`` (data/playbook.yaml);
    else, for a phase page, the role Accountable for most of the phase's tasks (the first in
    roles.yaml on a tie); else the first of the playbook's ``owners``.
    """
    path = pb.files.get(edit_key, "").removeprefix("data/")
    if path and path in pb.meta.file_owners:
        return pb.meta.file_owners[path]
    phase = next((p for p in pb.phases if f"phase:{p.id}" == edit_key), None)
    if phase is not None:
        counts = Counter(a for _, task in phase.tasks() for a in task.raci.accountable)
        return max(pb.roles, key=lambda role: counts[role])
    return pb.meta.owners[0]


def check_page_owners(
    pb: Playbook, docs: Mapping[str, str], chapters: Collection[str], folder: str = "docs"
) -> list[Issue]:
    """Hand-written pages name a known role as ``owner`` in their front matter.

    A chapter merged into a generated page may leave it out: it takes the page's owner.

    Args:
        pb: The validated playbook.
        docs: Hand-written pages, source URI to Markdown.
        chapters: Source URIs of the pages merged into generated ones.
        folder: The docs folder as the issues should name it.
    """
    found = []
    for uri, markdown in sorted(docs.items()):
        match = _FRONT_MATTER.match(markdown)
        owner = _OWNER.search(match.group(1)) if match else None
        file = f"{folder}/{uri}"
        if owner is None:
            if uri not in chapters:
                message = "no owner: add 'owner: <role id>' to the page's front matter"
                found.append(Issue(file, 1, 1, "error", "missing-owner", message))
            continue
        role = owner.group(2).strip().strip("'\"")
        if role not in pb.roles:
            line = 2 + match.group(1).count("\n", 0, owner.start())  # type: ignore[union-attr]
            message = f"unknown owner role '{role}'{suggest(role, sorted(pb.roles))}"
            column = len(owner.group(1)) + 1
            found.append(Issue(file, line, column, "error", "unknown-ref", message))
    return found


@dataclass(frozen=True, slots=True)
class PageContext:
    """What a page renderer of the registry gets besides the playbook and its page.

    Attributes:
        issues: The validator's issues.
        svg: Turns DOT text into SVG text.
        docs: Hand-written pages, source URI to Markdown.
        record: The record's id, on a page per record.
    """

    issues: Sequence[Issue]
    svg: Callable[[str], str]
    docs: Mapping[str, str] = field(default_factory=dict)
    record: str = ""


def renderer(path: str) -> Callable[[Playbook, str, PageContext], str | list[Page]]:
    """The page renderer a :class:`~playbook.data.kinds.PageSpec` names (``module:function``)."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def kind_pages(pb: Playbook, kind: kinds.Kind, ctx: PageContext) -> list[Page]:
    """The pages the registry gives ``kind``, in its order: one per spec, or one per record."""
    return [page for _, make in _page_jobs(pb, kind, ctx) for page in make()]


def _page_jobs(
    pb: Playbook, kind: kinds.Kind, ctx: PageContext
) -> Iterator[tuple[str, Callable[[], list[Page]]]]:
    """``kind``'s pages in order, unmade: per spec, or per record, the URI the registry gives it
    and what makes its pages (a renderer may split one URI into several pages)."""
    for spec in kind.pages:
        render = renderer(spec.render)
        if not spec.per_record:
            edit = kind.file if spec.edit is None else spec.edit
            yield spec.uri, functools.partial(_made, pb, spec, render, spec.uri, ctx, edit)
            continue
        located = list(kinds.index(pb, kind).items())
        if kind.order_by:
            located.sort(key=lambda item: getattr(item[1].record, kind.order_by))
        for record_id, where in located:
            uri = spec.uri.format(id=record_id)
            record_ctx = replace(ctx, record=record_id)
            edit = kind.file_key(record_id) if spec.edit is None else spec.edit
            options = {
                "owner": str(getattr(where.record, spec.owner)) if spec.owner else None,
                "chapter": getattr(where.record, spec.chapter) if spec.chapter else None,
                "keywords": tuple(getattr(where.record, spec.keywords)) if spec.keywords else (),
            }
            yield uri, functools.partial(_made, pb, spec, render, uri, record_ctx, edit, **options)


def _made(
    pb: Playbook,
    spec: kinds.PageSpec,
    render: Callable[[Playbook, str, PageContext], str | list[Page]],
    uri: str,
    ctx: PageContext,
    edit: str,
    **options: Any,
) -> list[Page]:
    made = render(pb, uri, ctx)
    if isinstance(made, list):
        return made
    return [_spec_page(pb, spec, made, edit, uri=uri, **options)]


def _spec_page(
    pb: Playbook,
    spec: kinds.PageSpec,
    content: str,
    edit: str,
    *,
    uri: str | None = None,
    owner: str | None = None,
    chapter: str | None = None,
    keywords: tuple[str, ...] = (),
) -> Page:
    return page_from(
        pb,
        uri or spec.uri,
        content,
        edit,
        chapter=chapter,
        search=spec.search,
        wide=spec.wide,
        owner=owner,
        keywords=keywords,
    )


def generated_downloads(pb: Playbook) -> dict[str, str]:
    """Files generated beside the pages for download, not rendered: source URI to content.

    Today the blank governance templates (``governance/templates/downloads/<id>.md``).
    """
    pb = resolve_placeholders(pb)
    return {download_uri(t): render_template_download(pb, t) for t in sorted(pb.templates)}


def generated_pages(
    pb: Playbook,
    issues: Sequence[Issue],
    svg: Callable[[str], str],
    docs: Mapping[str, str] | None = None,
) -> list[Page]:
    """Every page generated from the playbook: the home page, each kind's pages in registry
    order (:data:`playbook.data.kinds.KINDS`), then the data-model reference.

    Args:
        pb: The validated playbook.
        issues: The validator's issues (warnings are listed on the RACI roll-up).
        svg: Turns DOT text into SVG text (``playbook.render.svg.render_svg``).
        docs: Hand-written pages, source URI to Markdown (for the home page's audience cards).
    """
    docs = docs or {}
    pb = resolve_placeholders(pb)
    ctx = PageContext(issues, svg, docs)
    pages = [page for kind in kinds.KINDS for page in kind_pages(pb, kind, ctx)]
    pages.append(_data_reference(pb))
    available = {p.src_uri for p in pages} | set(docs)
    return [_home(pb, svg, docs, available), *pages]


def generated_page(
    pb: Playbook,
    issues: Sequence[Issue],
    svg: Callable[[str], str],
    uri: str,
    available: Collection[str],
    docs: Mapping[str, str] | None = None,
) -> Page | None:
    """The page of :func:`generated_pages` at ``uri``, made alone (what a preview shows first).

    The page is the one :func:`generated_pages` gives for the same arguments when
    ``available`` holds the source URIs of all pages, generated and hand-written (only the home
    page reads it). A URI the registry names is made alone; one it does not (a part of a page
    its renderer splits) is looked for among the others, in order. None when no page has it.
    """
    docs = docs or {}
    pb = resolve_placeholders(pb)
    if uri == links.HOME:
        return _home(pb, svg, docs, available)
    if uri == links.DATA_REFERENCE:
        return _data_reference(pb)
    ctx = PageContext(issues, svg, docs)
    jobs = [job for kind in kinds.KINDS for job in _page_jobs(pb, kind, ctx)]
    for _, make in sorted(jobs, key=lambda job: job[0] != uri):
        if found := next((page for page in make() if page.src_uri == uri), None):
            return found
    return None


def _data_reference(pb: Playbook) -> Page:
    return Page(
        links.DATA_REFERENCE,
        "Data model reference",
        render_data_reference(pb, links.DATA_REFERENCE),
        edit_path=MODEL_SOURCE,
        owner=page_owner(pb, ""),
        updated_from=(MODEL_SOURCE,),
    )


def _home(
    pb: Playbook, svg: Callable[[str], str], docs: Mapping[str, str], available: Collection[str]
) -> Page:
    home = render_home(
        pb,
        links.HOME,
        lifecycle_diagram(pb, links.HOME, svg),
        audiences_from_docs(docs),
        available,
    )
    return replace(page_from(pb, links.HOME, home, "playbook.yaml"), landing=True)


# --------------------------------------------------------------------------------------------
# Navigation
# --------------------------------------------------------------------------------------------

#: Top-level nav sections: label, then the folders (or single pages) they hold, in order.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("People", ("people/",)),
    ("Process", ("process/",)),
    ("Use cases", ("use-cases/",)),
    ("Technology", ("technology/",)),
    ("Governance", ("governance/",)),
    ("Guides", ("audiences/", "leadership/", "glossary.md", "about/", "reference/")),
)


#: Folders whose pages form a sub-section of their section's nav, with its label.
SUB_SECTIONS: dict[str, str] = {
    "people/raci/": "RACI matrix by phase",
    "people/raci-rollup/": "RACI roll-up by phase",
    "people/roles/": "Role pages",
    "technology/overlay/": "Tools by phase",
    "governance/models/": "Model cards",
}


def _index_first(uris: Iterable[str]) -> list[str]:
    return sorted(uris, key=lambda u: (posixpath.basename(u) != "index.md", u))


class MissingChapter(ValueError):
    """A page's data names a chapter that is not among the hand-written pages."""


def pair_chapters(
    pages: Sequence[Page], hand_written: Collection[str]
) -> tuple[dict[str, str | None], list[str]]:
    """Which hand-written page each generated page merges in, and the hand-written pages left.

    A page merges in the chapter its data names, or else a hand-written page at its own URI
    (``docs/index.md`` into the home page). The site hooks and ``playbook render`` compose
    pages from this one pairing.

    Args:
        pages: The generated pages (:func:`generated_pages`).
        hand_written: Source URIs of the hand-written pages.

    Returns:
        Page URI to the URI of the chapter merged into it (None for a fully generated page),
        and the hand-written URIs merged into no page, in their given order.

    Raises:
        MissingChapter: A page names a chapter that is not in ``hand_written``.
    """
    left = dict.fromkeys(hand_written)
    chapters: dict[str, str | None] = {}
    for page in pages:
        if page.chapter and page.chapter not in left:
            raise MissingChapter(
                f"{page.edit_path}: chapter '{page.chapter}' is not in the docs folder"
            )
        uri = page.chapter or page.src_uri
        chapters[page.src_uri] = uri if uri in left else None
        left.pop(uri, None)
    return chapters, list(left)


def build_nav(pages: Sequence[Page], hand_written: Iterable[str]) -> list[Any]:
    """The site nav: generated pages in their order, hand-written pages placed by folder.

    Entries are bare source URIs, so MkDocs takes each title from the page's rendered (and
    escaped) H1. In each folder an ``index.md`` comes first (it becomes the section's page),
    then the generated pages, then the hand-written ones by name; role pages and the pages of a
    split RACI matrix get their own sub-sections (:data:`SUB_SECTIONS`). Pages outside the
    known folders go to the end of Guides, so the nav leaves none out.
    """
    generated = [p.src_uri for p in pages]
    written = sorted(set(hand_written) - set(generated))
    everything = generated + written
    nav: list[Any] = [{"Home": links.HOME}] if links.HOME in everything else []
    placed = {links.HOME}
    for label, folders in SECTIONS:
        items: list[Any] = []
        for folder in folders:
            ours = [
                u
                for u in everything
                if (u == folder if folder.endswith(".md") else u.startswith(folder))
                and u not in placed
            ]
            placed.update(ours)
            index = [u for u in ours if u == f"{folder}index.md"]
            nested = {
                sub: [u for u in ours if u.startswith(sub)]
                for sub in SUB_SECTIONS
                if sub.startswith(folder)
            }
            apart = set(index).union(*nested.values())
            rest = [u for u in generated if u in ours and u not in apart]
            rest += [u for u in written if u in ours and u not in apart and u not in rest]
            items += index + rest
            items += [{SUB_SECTIONS[sub]: uris} for sub, uris in nested.items() if uris]
        if label == SECTIONS[-1][0]:
            leftovers = [u for u in written if u not in placed]
            placed.update(leftovers)
            items += leftovers
        if items:
            nav.append({label: items})
    return nav


# --------------------------------------------------------------------------------------------
# Site settings
# --------------------------------------------------------------------------------------------


def data_dir(config_file: str | Path, extra: Mapping[str, Any]) -> Path:
    """The playbook's data folder: ``extra.playbook_data`` (default ``data``) next to mkdocs.yml."""
    return Path(config_file).parent / str(extra.get("playbook_data") or "data")


def source_path(name: str, config_file: str | Path, extra: Mapping[str, Any], docs: str) -> Path:
    """Where a path of :attr:`Page.updated_from` is on disk.

    ``data`` and ``data/...`` are in the data folder, ``docs/...`` in the docs folder
    (``docs``), anything else next to mkdocs.yml: the folders may be configured elsewhere.
    """
    head, _, rest = name.partition("/")
    if head == "data":
        return data_dir(config_file, extra) / rest
    if head == "docs":
        return Path(docs) / rest
    return Path(config_file).parent / name


def diagram_cache_dir(config_file: str | Path) -> Path:
    """Where rendered diagrams are cached, next to mkdocs.yml."""
    return Path(config_file).parent / ".cache" / "diagrams"


def edit_uri_of(page: Page, chapter_uri: str | None) -> str | None:
    """The path, relative to the docs folder in the repository, that the edit button opens.

    A composed page opens its hand-written chapter; a generated one its main data file.
    """
    if chapter_uri is not None:
        return chapter_uri
    return f"../{page.edit_path}" if page.edit_path else None
