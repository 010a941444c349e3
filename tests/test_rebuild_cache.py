"""What ``mkdocs serve`` keeps between rebuilds: a page's HTML while its Markdown is unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from playbook.site import rebuild_cache

if TYPE_CHECKING:
    from pathlib import Path

A = "# Alpha\n\n## Section\n\nSee [the target](b.md#target).\n"
B = "# Beta\n\n## Target\n\nHere.\n"


@pytest.fixture(name="config")
def fixture_config(tmp_path: Path) -> MkDocsConfig:
    (tmp_path / "docs").mkdir()
    config = MkDocsConfig()
    config.load_dict(
        {
            "site_name": "Test",
            "docs_dir": str(tmp_path / "docs"),
            "site_dir": str(tmp_path / "site"),
        }
    )
    errors, _ = config.validate()
    assert errors == []
    config.plugins._current_plugin = "tests"  # File.generated names the plugin generating it
    return config


@pytest.fixture(name="conversions")
def fixture_conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Cache on, emptied; records each real Markdown conversion by page."""
    monkeypatch.setattr(rebuild_cache, "_enabled", True)
    rebuild_cache.clear()
    seen: list[str] = []
    real = Page.render

    def counting(self: Page, config: Any, files: Any) -> None:
        seen.append(self.file.src_uri)
        real(self, config, files)

    monkeypatch.setattr(Page, "render", counting)
    yield seen
    rebuild_cache.clear()


def _build(config: MkDocsConfig, sources: dict[str, str]) -> dict[str, Page]:
    """One rebuild: fresh File and Page objects, as MkDocs makes them, each page rendered."""
    files = Files([File.generated(config, uri, content=text) for uri, text in sources.items()])
    pages = {}
    for file in files.documentation_pages():
        page = Page(None, file, config)
        page.read_source(config)
        rebuild_cache.render_page(page, config, files)
        pages[file.src_uri] = page
    return pages


def test_an_unchanged_page_is_not_converted_again_and_comes_back_whole(
    config: MkDocsConfig, conversions: list[str]
) -> None:
    first = _build(config, {"a.md": A, "b.md": B})
    assert conversions == ["a.md", "b.md"]
    second = _build(config, {"a.md": A, "b.md": B.replace("Here.", "Here, edited.")})
    assert conversions == ["a.md", "b.md", "b.md"]  # only the edited page converts
    kept, fresh = second["a.md"], first["a.md"]
    assert kept.content == fresh.content
    assert kept.title == fresh.title == "Alpha"
    assert [item.id for item in kept.toc] == [item.id for item in fresh.toc]
    assert kept.present_anchor_ids == fresh.present_anchor_ids
    # Anchor links point at this rebuild's File objects, so MkDocs can still validate them.
    target = {f.src_uri: f for f in (kept.links_to_anchors or {})}
    assert "b.md" in target
    assert "Here, edited." in (second["b.md"].content or "")


def test_a_changed_set_of_files_converts_every_page_again(
    config: MkDocsConfig, conversions: list[str]
) -> None:
    _build(config, {"a.md": A, "b.md": B})
    _build(config, {"a.md": A, "b.md": B, "c.md": "# Gamma\n"})
    assert conversions == ["a.md", "b.md", "a.md", "b.md", "c.md"]


def test_a_page_whose_conversion_warned_is_never_kept(
    config: MkDocsConfig, conversions: list[str]
) -> None:
    broken = "# Broken\n\nSee [nowhere](missing.md).\n"
    _build(config, {"a.md": broken})
    _build(config, {"a.md": broken})
    assert conversions == ["a.md", "a.md"]  # a strict rebuild reports the warning again


def test_off_outside_mkdocs_serve(
    config: MkDocsConfig, conversions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rebuild_cache, "_enabled", False)
    _build(config, {"a.md": A, "b.md": B})
    _build(config, {"a.md": A, "b.md": B})
    assert conversions == ["a.md", "b.md", "a.md", "b.md"]
