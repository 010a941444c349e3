"""The pages a reader has open, rebuilt from edited data or pages before the rest of the site.

A full rebuild of a large playbook takes seconds to tens of seconds, most of it spent on pages
nobody is looking at. After an edit to the data or to a page's Markdown, the preview server
(:mod:`playbook.site.live`) first calls :func:`refresh` for the pages its browsers show: each
generated page is made again alone (:func:`playbook.render.pages.generated_page`), with its
hand-written chapter as it is now, and each hand-written page read again; they are rendered
with the navigation, files and theme of the last complete build (:class:`BuiltSite`, kept by
:class:`Capture`) and written over their old copies. The full rebuild follows and replaces the
whole site; only then do the other pages, the navigation titles and the search index show the
edit.

An edit to the config, the theme, the macros or an asset changes what every page is made
with, and waits for the full rebuild; so does a page that is new, or that an edit leaves
without a known owner (the full rebuild reports it).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import InclusionLevel, get_files

from playbook.data.issues import errors
from playbook.render.pages import (
    MissingChapter,
    check_page_owners,
    data_dir,
    diagram_cache_dir,
    generated_page,
    pair_chapters,
)
from playbook.render.svg import DiagramError, render_svg
from playbook.site import preview
from playbook.site.generated import GeneratedFile

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation

    from playbook.data.loader import LoadResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuiltSite:
    """What a complete build rendered its pages with.

    Attributes:
        config: The build's config, after every plugin's ``on_config``.
        files: Its files, generated pages included.
        nav: Its navigation.
        env: Its theme's template environment.
    """

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Environment

    @property
    def site_dir(self) -> Path:
        """The folder the build wrote."""
        return Path(self.config.site_dir)

    def file_at(self, url: str) -> File | None:
        """The page served at ``url`` (relative to the site's root, ``people/roles/sre/``)."""
        return next((f for f in self.files.documentation_pages() if f.url == url), None)


class Capture(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Keeps what a build renders its pages with, once the build completes (:attr:`site`).

    Added to a config's plugins by the preview server, after the configured ones.
    """

    def __init__(self) -> None:
        self.site: BuiltSite | None = None
        self._nav: tuple[Navigation, Files] | None = None
        self._env: Environment | None = None

    @event_priority(-100)
    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Keep the final navigation and files."""
        self._nav = (nav, files)
        return nav

    @event_priority(-100)
    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Keep the final theme environment."""
        self._env = env
        return env

    @event_priority(-100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        """The build is complete: keep it."""
        assert self._nav is not None
        assert self._env is not None
        nav, files = self._nav
        self.site = BuiltSite(config, files, nav, self._env)


def refresh(site: BuiltSite, urls: Iterable[str]) -> list[str]:
    """Rebuild the pages at ``urls`` from the current data, over their copies in ``site``.

    Returns the URLs rebuilt, in order. A page that cannot be made alone the way the full
    build would make it (it no longer exists, its chapter changed, a diagram or a macro
    fails, the data has errors and no good version to fall back on) is left to the full
    rebuild, which reports what is wrong.
    """
    config = site.config
    preview.pin()  # the data loads once, for the pages' hooks and macros alike
    try:
        result = preview.load(data_dir(config.config_file_path, config.extra))
        if result.playbook is None or errors(result.issues):
            return []  # no good data to show: the full rebuild says why
        docs = {
            f.src_uri: f.content_string
            for f in get_files(config).documentation_pages()
            if f.generated_by is None
        }
        named = {
            f.playbook_page.chapter
            for f in site.files
            if isinstance(f, GeneratedFile) and f.playbook_page and f.playbook_page.chapter
        }
        if check_page_owners(result.playbook, docs, named, Path(config.docs_dir).name):
            return []  # a page without a known owner: the full rebuild reports it
        available = {f.src_uri for f in site.files.documentation_pages()} | set(docs)
        svg = functools.partial(render_svg, cache_dir=diagram_cache_dir(config.config_file_path))
        shown = site.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        done = []
        for url in urls:
            file = site.file_at(url)
            if file is None or file.page is None:
                continue
            if isinstance(file, GeneratedFile) and not _remake(file, result, svg, available, docs):
                continue
            try:
                _populate_page(file.page, config, site.files)
                _build_page(file.page, config, shown, site.nav, site.env)
            except Exception:  # the full rebuild reports it, with MkDocs's own message
                log.debug("page %s left to the full rebuild", url, exc_info=True)
                continue
            done.append(url)
        return done
    finally:
        preview.unpin()


def _remake(
    file: GeneratedFile,
    result: LoadResult,
    svg: Callable[[str], str],
    available: Collection[str],
    docs: dict[str, str],
) -> bool:
    """Give ``file`` its page made afresh from the data; False if it cannot be made alone."""
    assert result.playbook is not None  # refresh() checked
    try:
        page = generated_page(result.playbook, result.issues, svg, file.src_uri, available, docs)
        if page is None:
            return False
        chapters, _ = pair_chapters([page], docs)
    except (DiagramError, MissingChapter):
        return False
    chapter = chapters[page.src_uri]
    if (chapter is not None) != file.has_chapter:
        return False
    file.hold(page, chapter, docs[chapter] if chapter else None)
    return True
