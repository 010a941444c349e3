"""Search-index entries reused across serve rebuilds: the same index, unchanged pages unparsed."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from material.plugins.search.plugin import SearchIndex
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from playbook.site import search_cache
from tests.helpers import mkdocs_config

if TYPE_CHECKING:
    from pathlib import Path

SOURCES = {
    "a.md": "# Alpha\n\n## One\n\nFirst section.\n\n## Two\n\nSecond section.\n",
    "b.md": "---\ntags: [beta]\n---\n\n# Beta\n\nBody.\n",
}


@pytest.fixture(name="config")
def fixture_config(tmp_path: Path) -> MkDocsConfig:
    return mkdocs_config(tmp_path)


@pytest.fixture(name="parsed")
def fixture_parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Serving, nothing kept; records each page Material's indexer really parses."""
    monkeypatch.setattr(search_cache, "_serving", True)
    search_cache.clear()
    seen: list[str] = []
    real = SearchIndex.add_entry_from_context

    def counting(self: SearchIndex, page: Page) -> None:
        seen.append(page.file.src_uri)
        real(self, page)

    monkeypatch.setattr(SearchIndex, "add_entry_from_context", counting)
    yield seen
    search_cache.clear()


def _index(config: MkDocsConfig, sources: dict[str, str], *, cached: bool) -> list[Any]:
    """One build's search index: every page converted and indexed, with or without the cache."""
    files = Files([File.generated(config, uri, content=text) for uri, text in sources.items()])
    index = SearchIndex(lang=["en"], separator=r"[\s\-]+", pipeline=[], fields={})
    if cached:
        assert search_cache.install(
            SimpleNamespace(plugins={"search": SimpleNamespace(search_index=index)})
        )  # type: ignore[arg-type]
    for file in files.documentation_pages():
        page = Page(None, file, config)
        page.read_source(config)
        page.render(config, files)
        index.add_entry_from_context(page)
    return list(index.entries)


def test_unchanged_pages_reuse_their_entries_and_the_index_is_the_same(
    config: MkDocsConfig, parsed: list[str]
) -> None:
    first = _index(config, SOURCES, cached=True)
    edited = {**SOURCES, "b.md": SOURCES["b.md"].replace("Body.", "Edited body.")}
    second = _index(config, edited, cached=True)
    assert parsed == ["a.md", "b.md", "b.md"]  # a.md was not parsed again
    assert second == _index(config, edited, cached=False)
    assert second[: len(second) - 1] == first[: len(first) - 1]
    assert "Edited body." in second[-1]["text"]
    assert second[-1]["tags"] == ["beta"]


def test_off_outside_mkdocs_serve(
    config: MkDocsConfig, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_cache, "_serving", False)
    index = SimpleNamespace(search_index=SearchIndex())
    assert not search_cache.install(SimpleNamespace(plugins={"search": index}))  # type: ignore[arg-type]


def test_left_to_pagefind_materials_index_holds_no_entries(config: MkDocsConfig) -> None:
    files = Files([File.generated(config, uri, content=text) for uri, text in SOURCES.items()])
    index = SearchIndex(lang=["en"], separator=r"[\s\-]+", pipeline=[], fields={})
    plugins = {"search": SimpleNamespace(search_index=index)}
    assert search_cache.leave_to_pagefind(SimpleNamespace(plugins=plugins))  # type: ignore[arg-type]
    for file in files.documentation_pages():
        page = Page(None, file, config)
        page.read_source(config)
        page.render(config, files)
        index.add_entry_from_context(page)
    assert index.entries == []
    generated = json.loads(index.generate_search_index(None))
    assert set(generated) == {"config", "docs"}
    assert generated["docs"] == []
    assert generated["config"]["lang"] == ["en"]
    # Without Material's search plugin there is nothing to empty.
    assert not search_cache.leave_to_pagefind(SimpleNamespace(plugins={}))  # type: ignore[arg-type]
