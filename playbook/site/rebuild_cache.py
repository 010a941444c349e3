"""What ``mkdocs serve`` may keep from one rebuild to the next: pages' HTML, compiled templates.

A data edit makes ``mkdocs serve`` rebuild the whole site, and converting every page's Markdown
to HTML is the largest part of a rebuild. A page whose final Markdown (after the hooks and
mkdocs-macros) is unchanged, on a site whose set of files is unchanged, converts to the same
HTML, table of contents, title and anchors: :func:`render_page` reuses them. Renaming a role
changes about half of the reference playbook's Markdown; editing one task's description, a page
or two. Theme templates are likewise compiled once per server rather than once per rebuild.

Only ``mkdocs serve`` turns this on (:func:`enable`, from the hooks' ``on_startup``): a
``mkdocs build`` is one build in a fresh process and has nothing to reuse. The state lives here,
not in ``hooks.py``, because MkDocs runs the hooks file anew on every rebuild. A page whose
conversion logged a warning is never kept, so a strict rebuild reports it again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.structure.pages import Page

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.toc import TableOfContents


@dataclass(frozen=True, slots=True)
class _Rendered:
    """What ``Page.render`` produced for one page."""

    key: str
    content: str
    toc: TableOfContents
    title: str | None
    anchors: frozenset[str]
    #: Links to anchors, by the source URI of the page linked to (File objects are per build).
    links: dict[str, dict[str, str]] | None


class _Templates(jinja2.BytecodeCache):
    """Compiled theme templates, in memory, checked against each template's source."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill ``bucket`` from memory (Jinja then checks its source checksum)."""
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a freshly compiled template."""
        self._code[bucket.key] = bucket.bytecode_to_string()


_enabled = False
_pages: dict[str, _Rendered] = {}
_site: tuple[int, str] = (0, "")
_templates = _Templates()


def enable() -> None:
    """Keep pages and templates across rebuilds from now on (``mkdocs serve``)."""
    global _enabled
    _enabled = True


def enabled() -> bool:
    """True in a ``mkdocs serve`` process."""
    return _enabled


def clear() -> None:
    """Forget every kept page (tests)."""
    _pages.clear()


def use_template_cache(env: jinja2.Environment) -> None:
    """Let the theme environment of this rebuild reuse templates compiled by earlier ones."""
    if _enabled:
        env.bytecode_cache = _templates


def _site_key(config: MkDocsConfig, files: Files) -> str:
    """What, besides its own Markdown, a page's HTML depends on: extensions and every URL."""
    global _site
    if _site[0] != id(files):
        parts = [
            repr(config["markdown_extensions"]),
            repr(sorted((config["mdx_configs"] or {}).items(), key=lambda kv: kv[0])),
            repr(config["use_directory_urls"]),
            repr(config["validation"]),
            *(f"{f.src_uri}\0{f.dest_uri}" for f in files),
        ]
        _site = (id(files), hashlib.sha256("\n".join(parts).encode()).hexdigest())
    return _site[1]


class _Warnings(logging.Handler):
    """Counts the warnings logged while a page converts."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def render_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    """``page.render(config, files)``, reusing the HTML of an earlier rebuild when it can."""
    if page.markdown is None or not _enabled:
        Page.render(page, config, files)
        return
    source = f"{_site_key(config, files)}\0{page.file.src_uri}\0{page.markdown}"
    key = hashlib.sha256(source.encode()).hexdigest()
    kept = _pages.get(page.file.src_uri)
    if kept is not None and kept.key == key:
        page.content = kept.content
        page.toc = kept.toc
        page.title = kept.title  # a weak_property in MkDocs: an assigned title wins
        page.present_anchor_ids = set(kept.anchors)
        if kept.links is not None:
            page.links_to_anchors = {
                target: dict(anchors)
                for uri, anchors in kept.links.items()
                if (target := files.get_file_from_path(uri)) is not None
            }
        return
    counter = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        Page.render(page, config, files)
    finally:
        logger.removeHandler(counter)
    if counter.count:
        _pages.pop(page.file.src_uri, None)
        return
    links: Any = page.links_to_anchors
    _pages[page.file.src_uri] = _Rendered(
        key=key,
        content=page.content or "",
        toc=page.toc,
        title=page.title,
        anchors=frozenset(page.present_anchor_ids or ()),
        links=None if links is None else {f.src_uri: dict(a) for f, a in links.items()},
    )
