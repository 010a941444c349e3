"""Search-index entries kept across the rebuilds of ``mkdocs serve``, by page content; or none
at all, when Pagefind indexes the site (:func:`leave_to_pagefind`).

Material's search plugin parses every page's HTML again on every rebuild (Python's
``html.parser``), which costs as much as converting the changed pages. A page's entries
depend only on what :meth:`SearchIndex.add_entry_from_context` reads: its HTML, table of
contents, URL, title and the ``title``, ``tags`` and ``search`` front matter, and the plugin's
settings. :func:`install` wraps that method so that a page whose inputs are unchanged since the
last rebuild gets copies of the entries it produced then; any other page is parsed as before.
The index comes out the same, entry for entry and in the same order.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import AnchorLink

_serving = False
#: By page source: the key of its inputs and the entries they produced.
_kept: dict[str, tuple[str, list[dict[str, Any]]]] = {}


def enable() -> None:
    """Keep entries across rebuilds from now on (``mkdocs serve``)."""
    global _serving
    _serving = True


def _toc(items: list[AnchorLink]) -> list[Any]:
    return [[i.title, i.id, _toc(i.children)] for i in items]


def _key(page: Page, settings: str) -> str:
    inputs = [
        settings,
        page.url,
        page.title,
        page.meta.get("title"),
        page.meta.get("tags"),
        page.meta.get("search"),
        _toc(list(page.toc.items)),
    ]
    digest = hashlib.sha256(json.dumps(inputs, default=repr, sort_keys=True).encode())
    digest.update(b"\0")
    digest.update((page.content or "").encode())
    return digest.hexdigest()


def _search_index(config: MkDocsConfig) -> Any:
    """This build's index of Material's search plugin, or None when it is off or not Material's."""
    plugin: Any = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(plugin, "search_index", None)
    if not callable(getattr(index, "add_entry_from_context", None)):
        return None
    return index if isinstance(getattr(index, "entries", None), list) else None


def leave_to_pagefind(config: MkDocsConfig) -> bool:
    """Make Material's search plugin index no page: Pagefind indexes the site instead.

    The plugin stays (Material's header shows the search box only with it) and still writes
    ``search/search_index.json``, holding only its settings and ``"docs": []``, which the
    page loads and hands to the search worker. False when the plugin is off or not Material's.
    """
    index = _search_index(config)
    if index is None:
        return False

    def add_entry_from_context(page: Page) -> None:
        """Index nothing."""

    index.add_entry_from_context = add_entry_from_context
    return True


def install(config: MkDocsConfig) -> bool:
    """Make this build's search index reuse the entries of unchanged pages; False when not
    serving, or when the search plugin is off or not Material's."""
    if not _serving:
        return False
    index = _search_index(config)
    if index is None:
        return False
    real: Callable[[Page], None] = index.add_entry_from_context
    settings = json.dumps(getattr(index, "config", {}), default=repr, sort_keys=True)

    def add_entry_from_context(page: Page) -> None:
        key = _key(page, settings)
        kept = _kept.get(page.file.src_uri)
        if kept is not None and kept[0] == key:
            index.entries.extend(dict(entry) for entry in kept[1])
            return
        before = len(index.entries)
        real(page)
        _kept[page.file.src_uri] = (key, [dict(entry) for entry in index.entries[before:]])

    index.add_entry_from_context = add_entry_from_context
    return True


def clear() -> None:
    """Forget every kept entry (tests)."""
    _kept.clear()
