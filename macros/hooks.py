"""MkDocs hooks: check the playbook data, then add the generated pages and the nav.

Module-level ``on_*`` functions only, and no state: the loader memoizes the playbook on the data
files' modification times, so each hook simply asks for it again.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File

from macros.issues import errors, format_text, warnings
from macros.loader import LoadResult, load_playbook
from macros.pages import build_nav, data_dir, diagram_cache_dir, edit_uri_of, generated_pages
from macros.render.svg import DiagramError, render_svg

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = get_plugin_logger(__name__)


def _load(config: MkDocsConfig) -> LoadResult:
    result = load_playbook(data_dir(config.config_file_path, config.extra))
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
    meta = result.playbook.meta  # type: ignore[union-attr]
    config["repo_url"] = meta.repo_url
    config["repo_name"] = urlsplit(meta.repo_url).path.strip("/") or meta.repo_url
    config["edit_uri"] = f"edit/{meta.edit_branch}/docs/"
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page, merging hand-written chapters into theirs; set the nav."""
    result = _load(config)
    playbook = result.playbook
    assert playbook is not None  # _load raised otherwise
    written = {f.src_uri: f for f in files.documentation_pages() if f.generated_by is None}
    docs = {uri: f.content_string for uri, f in written.items()}
    svg = functools.partial(render_svg, cache_dir=diagram_cache_dir(config.config_file_path))
    try:
        pages = generated_pages(playbook, result.issues, svg, docs)
    except DiagramError as exc:
        raise PluginError(str(exc)) from exc
    for page in pages:
        chapter_uri = page.chapter or page.src_uri
        if page.chapter and page.chapter not in written:
            raise PluginError(
                f"{page.edit_path}: chapter '{page.chapter}' is not in the docs folder "
                f"({config.docs_dir})"
            )
        chapter = written.pop(chapter_uri, None)
        for uri in dict.fromkeys((chapter_uri, page.src_uri)):
            if (old := files.get_file_from_path(uri)) is not None:
                files.remove(old)
        content = page.compose(chapter.content_string if chapter else None)
        new = File.generated(config, page.src_uri, content=content)
        new.edit_uri = edit_uri_of(page, chapter_uri if chapter else None)
        files.append(new)
    config["nav"] = build_nav(pages, written)
    return files
