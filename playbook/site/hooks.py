"""MkDocs hooks: check the playbook data, then add the generated pages and the nav.

Module-level ``on_*`` functions only, and no state: the loader memoizes the playbook on the data
files' modification times, so each hook simply asks for it again.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

from playbook.data.issues import errors, format_text, warnings
from playbook.data.loader import LoadResult, name_issue, outside_issue
from playbook.render import links
from playbook.render.glossary import GLOSSARY, render_glossary
from playbook.render.page_checks import check_pages, check_reserved_ids
from playbook.render.pages import (
    MissingChapter,
    build_nav,
    check_page_owners,
    data_dir,
    diagram_cache_dir,
    generated_downloads,
    generated_pages,
    pair_chapters,
    source_path,
)
from playbook.render.printing import print_ready
from playbook.render.svg import (
    DiagramError,
    cache_hit_count,
    render_count,
    render_svg,
    reset_render_count,
)
from playbook.render.tasklist import quiet_task_marks
from playbook.site import pagefind, preview, print_links, rebuild_cache, search_cache
from playbook.site.conversion import GeneratorExtension
from playbook.site.generated import DownloadFile, GeneratedFile, sandbox_macros
from playbook.site.html_blocks import anchor_ids
from playbook.site.revisions import revision_time, source_date_epoch

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)


def _load(config: MkDocsConfig) -> LoadResult:
    result = preview.load(data_dir(config.config_file_path, config.extra))
    if result.playbook is None or errors(result.issues):
        raise PluginError(
            "The playbook data has errors; fix them (or run 'playbook validate'):\n"
            + format_text(result.issues)
        )
    return result


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Load and check the data; take the repository and edit links from data/playbook.yaml."""
    result = _load(config)
    for issue in warnings(result.issues):
        # Validator warnings never fail the build; the RACI health report lists them.
        log.info("%s", issue)
    try:
        # The search engine, checked once; the theme overrides read the setting.
        config.extra[pagefind.SETTING] = pagefind.search_engine(config.extra)
    except pagefind.PagefindError as exc:
        raise PluginError(str(exc)) from exc
    sandbox_macros(config.plugins.get("macros"))
    # The generator's own conversions: renderers' HTML blocks unparsed, quicker inline patterns.
    if not any(isinstance(ext, GeneratorExtension) for ext in config.markdown_extensions):
        config.markdown_extensions.append(GeneratorExtension())  # type: ignore[arg-type]
    meta = result.playbook.meta  # type: ignore[union-attr]
    config["repo_url"] = meta.repo_url
    config["repo_name"] = urlsplit(meta.repo_url).path.strip("/") or meta.repo_url
    config["edit_uri"] = f"edit/{meta.edit_branch}/docs/"
    # The print page (and so the PDF) is titled with the playbook's name from the data.
    # print-site made its page in its own on_config, which runs before the hooks' one.
    print_site: Any = config.plugins.get("print-site")
    if print_site is not None:
        print_links.install()  # its link rewriting in one pass per page
        print_site.config["print_page_title"] = meta.title
        if getattr(print_site, "print_page", None) is not None:
            print_site.print_page.title = meta.title
            # The whole playbook in one page: every result would be on it too.
            print_site.print_page.meta["search"] = {"exclude": True}
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page, merging hand-written chapters into theirs; set the nav."""
    result = _load(config)
    playbook = result.playbook
    assert playbook is not None  # _load raised otherwise
    docs_dir = Path(config.docs_dir).resolve()
    folder = docs_dir.name
    # Files from the docs folder only: the theme's files live elsewhere by design.
    from_docs = [
        f for f in files if f.src_dir and f.abs_src_path and Path(f.src_dir).resolve() == docs_dir
    ]
    refused = [
        issue
        for f in from_docs
        if (
            issue := outside_issue(Path(str(f.abs_src_path)), docs_dir, f"{folder}/{f.src_uri}")
            or name_issue(f.src_uri, f"{folder}/{f.src_uri}")
        )
    ]
    if refused:
        raise PluginError("Files the docs folder cannot hold:\n" + format_text(refused))
    written = {f.src_uri: f for f in files.documentation_pages() if f.generated_by is None}
    docs = {uri: f.content_string for uri, f in written.items()}
    svg = functools.partial(render_svg, cache_dir=diagram_cache_dir(config.config_file_path))
    try:
        pages = generated_pages(playbook, result.issues, svg, docs)
    except DiagramError as exc:
        raise PluginError(str(exc)) from exc
    if clashes := check_reserved_ids(playbook) + check_pages(pages):
        raise PluginError("Generated pages that clash:\n" + format_text(clashes))
    named = {page.chapter for page in pages if page.chapter}
    if bad_owners := check_page_owners(playbook, docs, named, folder):
        raise PluginError("Pages without a known owner:\n" + format_text(bad_owners))
    try:
        chapters, rest = pair_chapters(pages, written)
    except MissingChapter as exc:
        raise PluginError(f"{exc} ({config.docs_dir})") from exc
    for page in pages:
        chapter_uri = chapters[page.src_uri]
        chapter = written[chapter_uri] if chapter_uri else None
        for uri in dict.fromkeys((chapter_uri or page.src_uri, page.src_uri)):
            if (old := files.get_file_from_path(uri)) is not None:
                files.remove(old)
        # The file holds only what mkdocs-macros may read; the generated Markdown is added in
        # on_page_markdown, after the macros ran.
        content = chapter.content_string if chapter else None
        new = GeneratedFile.for_page(config, page, chapter_uri, content)
        files.append(new)
    for uri, content in generated_downloads(playbook).items():
        files.append(DownloadFile.generated(config, uri, content=content))
    config["nav"] = build_nav(pages, rest)
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, **kwargs: object) -> str:
    """Hide checklist marks from assistive technology (``playbook.render.tasklist``); add the
    ids of the renderers' HTML blocks to the page's anchors (``playbook.site.html_blocks``);
    fit the copy of the page that print-site keeps (``page.html``) into the print page.

    While ``mkdocs serve`` shows the last good data, say so at the top of the page.
    """
    html = quiet_task_marks(html)
    if page.present_anchor_ids is not None and page.markdown:
        page.present_anchor_ids |= anchor_ids(page.markdown)
    if isinstance(getattr(page, "html", None), str):
        page.html = print_ready(quiet_task_marks(page.html), page.url)  # type: ignore[attr-defined]
    return preview.banner(data_dir(config.config_file_path, config.extra)) + html


@event_priority(-50)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    """Add the generated Markdown, after mkdocs-macros ran; anchor the glossary's terms; date
    the page.

    A generated page's file holds only its front matter and hand-written chapter (see
    :meth:`playbook.render.pages.Page.template`): its data text is added here, so it never goes
    through Jinja. Generated pages are dated by their sources' last commit, undated ones by
    SOURCE_DATE_EPOCH: the date plugin gives both the build time (see
    ``playbook.site.revisions``); its formatting is kept.
    """
    if isinstance(page.file, GeneratedFile) and page.file.playbook_page is not None:
        generated = page.file.playbook_page
        markdown = generated.body(markdown if page.file.has_chapter else None)
    if page.file.src_uri == GLOSSARY:
        markdown = render_glossary(markdown)
    return _date(markdown, page, config)


def _date(markdown: str, page: Page, config: MkDocsConfig) -> str:
    dates: Any = config.plugins.get("git-revision-date-localized")
    if dates is None or "git_revision_date_localized" not in page.meta:
        return markdown
    if page.file.generated_by is not None:
        sources = page.meta.get("updated_from") or ["data"]
        paths = [
            source_path(s, config.config_file_path, config.extra, config.docs_dir) for s in sources
        ]
        stamp = revision_time(paths)
    elif not page.meta.get("git_revision_date_localized_hash"):
        stamp = source_date_epoch()
    else:
        return markdown
    if stamp is not None:
        locale = page.meta.get("locale") or dates.config["locale"]
        formats = dates.util.get_date_formats_for_timestamp(stamp, locale=locale, add_spans=True)
        page.meta["git_revision_date_localized"] = formats[dates.config["type"]]
    return markdown


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation, **kwargs: Any
) -> dict[str, Any]:
    """Give the page template the owning role: its name and its page's URL.

    Drops the page's ``tags``: they are search keywords only (a role's aliases), which
    Material's search plugin has indexed by now; print-site would print them above the title.
    """
    page.meta.pop("tags", None)
    playbook = _load(config).playbook
    role = playbook.roles.get(str(page.meta.get("owner"))) if playbook else None
    if role is not None:
        uri = links.role_page(role.id)
        target = next((p for p in nav.pages if p.file.src_uri == uri), None)
        context["page_owner"] = {"name": role.name, "url": target.url if target else None}
    return context


def on_startup(command: str, dirty: bool) -> None:
    """Under ``mkdocs serve``, keep pages, search entries and templates in memory, and show
    data errors as a banner over the last good playbook."""
    if command == "serve":
        rebuild_cache.enable()
        search_cache.enable()
        preview.enable()


def on_pre_build(config: MkDocsConfig) -> None:
    """Start counting this build's diagrams and pages (``mkdocs serve`` builds many in one
    process); open the page cache beside the config (``rebuild_cache``); load the data once for
    the rest of the build (``preview.pin``)."""
    reset_render_count()
    rebuild_cache.start_build(config)
    preview.pin()


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    """Convert the page only if no earlier build converted the same Markdown (``rebuild_cache``)."""
    page.render = functools.partial(rebuild_cache.render_page, page)  # type: ignore[method-assign]
    return page


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Under ``mkdocs serve``, compile each theme template once, not once per rebuild; leave
    the search index to Pagefind (``search_engine: pagefind``), or else under ``mkdocs serve``
    index only the pages whose HTML changed (``search_cache``)."""
    rebuild_cache.use_template_cache(env)
    if config.extra[pagefind.SETTING] == pagefind.PAGEFIND:
        search_cache.leave_to_pagefind(config)
    else:
        search_cache.install(config)
    return env


@event_priority(-100)
def on_post_build(config: MkDocsConfig) -> None:
    """Index the written site with Pagefind (``search_engine: pagefind``); say how many
    diagrams Graphviz drew and how many pages converted, and how many of each came from the
    cache, and how long the search index took (benchmarks read it).

    Last of every plugin's ``on_post_build``: the print page is written by then.
    """
    preview.unpin()
    log.info("diagrams: %d rendered, %d cached", render_count(), cache_hit_count())
    log.info("pages: %d converted, %d cached", *rebuild_cache.finish_build())
    if config.extra[pagefind.SETTING] == pagefind.PAGEFIND:
        start = time.perf_counter()
        try:
            pagefind.index_site(Path(config.site_dir))
        except pagefind.PagefindError as exc:
            raise PluginError(str(exc)) from exc
        log.info("search: Pagefind indexed the site in %.2f s", time.perf_counter() - start)


def on_build_error(error: Exception) -> None:
    """Check the data afresh on the next build, after one that failed."""
    preview.unpin()
