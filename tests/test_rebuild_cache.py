"""Converted pages kept between builds, in memory and signed on disk, while the Markdown is the
same."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from markdown.extensions.toc import TocExtension as Toc
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from playbook.site import rebuild_cache
from playbook.site.conversion import GeneratorExtension
from tests.helpers import describe_difference, link_project, mkdocs_config

if TYPE_CHECKING:
    from pathlib import Path

A = "# Alpha\n\n## Section\n\nSee [the target](b.md#target).\n"
B = "# Beta\n\n## Target\n\nHere.\n"


@pytest.fixture(name="config")
def fixture_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MkDocsConfig:
    """A project in ``tmp_path/project``; the signing key outside it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return mkdocs_config(tmp_path / "project")


@pytest.fixture(name="conversions")
def fixture_conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Serving (pages kept in memory), no disk store; records each real conversion by page."""
    monkeypatch.setattr(rebuild_cache, "_serving", True)
    monkeypatch.setattr(rebuild_cache, "_store", None)
    rebuild_cache.clear()
    seen: list[str] = []
    real = Page.render

    def counting(self: Page, config: Any, files: Any) -> None:
        seen.append(self.file.src_uri)
        real(self, config, files)

    monkeypatch.setattr(Page, "render", counting)
    yield seen
    rebuild_cache.clear()


def _build(config: MkDocsConfig, sources: dict[str, str], *, disk: bool = False) -> dict[str, Page]:
    """One rebuild: fresh File and Page objects, as MkDocs makes them, each page rendered.

    With ``disk``, the build opens the store under ``.cache/pages`` and evicts at its end, as
    the hooks do.
    """
    files = Files([File.generated(config, uri, content=text) for uri, text in sources.items()])
    if disk:
        rebuild_cache.start_build(config)
    pages = {}
    for file in files.documentation_pages():
        page = Page(None, file, config)
        page.read_source(config)
        rebuild_cache.render_page(page, config, files)
        pages[file.src_uri] = page
    if disk:
        rebuild_cache.finish_build()
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


def test_pages_are_kept_with_the_html_blocks_extension_object(
    config: MkDocsConfig, conversions: list[str]
) -> None:
    # The hooks add playbook.site.conversion's extension as an object, not a name.
    config.markdown_extensions.append(GeneratorExtension())  # type: ignore[arg-type]
    _build(config, {"a.md": A, "b.md": B})
    _build(config, {"a.md": A, "b.md": B})
    assert conversions == ["a.md", "b.md"]


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


def test_a_fresh_process_reuses_the_pages_on_disk(
    config: MkDocsConfig, conversions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rebuild_cache, "_serving", False)  # a `mkdocs build`: nothing in memory
    first = _build(config, {"a.md": A, "b.md": B}, disk=True)
    assert rebuild_cache.finish_build() == (2, 0)
    second = _build(config, {"a.md": A, "b.md": B}, disk=True)
    assert conversions == ["a.md", "b.md"]
    assert rebuild_cache.finish_build() == (0, 2)
    for uri in ("a.md", "b.md"):
        kept, fresh = second[uri], first[uri]
        assert kept.content == fresh.content
        assert kept.title == fresh.title
        assert kept.toc.items[0].title == fresh.toc.items[0].title
        assert [c.id for c in kept.toc.items[0].children] == [
            c.id for c in fresh.toc.items[0].children
        ]
        assert kept.present_anchor_ids == fresh.present_anchor_ids
    assert {f.src_uri for f in second["a.md"].links_to_anchors or {}} == {"b.md"}


def test_a_planted_entry_never_reaches_a_page(
    config: MkDocsConfig, conversions: list[str], tmp_path: Path
) -> None:
    _build(config, {"a.md": A, "b.md": B}, disk=True)
    entries = sorted((tmp_path / "project" / ".cache" / "pages").iterdir())
    assert len(entries) == 2
    for entry in entries:  # the right names, a signature line, other HTML
        signature, _, payload = entry.read_bytes().partition(b"\n")
        planted = payload.replace(b'"content": "', b'"content": "<script>planted</script>')
        assert planted != payload
        entry.write_bytes(signature + b"\n" + planted)
    rebuild_cache.clear()
    pages = _build(config, {"a.md": A, "b.md": B}, disk=True)
    assert conversions == ["a.md", "b.md", "a.md", "b.md"]
    assert rebuild_cache.finish_build() == (2, 0)
    assert not any("planted" in (page.content or "") for page in pages.values())
    assert not any(b"planted" in entry.read_bytes() for entry in entries)  # converted anew


def test_a_page_that_warned_is_not_written_to_disk(
    config: MkDocsConfig, conversions: list[str], tmp_path: Path
) -> None:
    _build(config, {"a.md": "# Broken\n\nSee [nowhere](missing.md).\n", "b.md": B}, disk=True)
    assert len(list((tmp_path / "project" / ".cache" / "pages").iterdir())) == 1  # b.md only


def test_entries_the_last_build_did_not_use_are_evicted(
    config: MkDocsConfig, conversions: list[str], tmp_path: Path
) -> None:
    _build(config, {"a.md": A, "b.md": B}, disk=True)
    _build(config, {"a.md": A, "b.md": B.replace("Here.", "Edited.")}, disk=True)
    assert len(list((tmp_path / "project" / ".cache" / "pages").iterdir())) == 2


def test_an_extension_object_is_keyed_the_same_in_every_process(
    config: MkDocsConfig, conversions: list[str]
) -> None:
    # Each process makes its own GeneratorExtension object: the key must not depend on which one (an
    # address), or no page would ever come from the disk; and its settings must count.
    files = Files([File.generated(config, "a.md", content=A)])
    keys = []
    for extension in (GeneratorExtension(), GeneratorExtension(), Toc(permalink=True)):
        config["markdown_extensions"] = ["toc", extension]
        rebuild_cache.start_build(config)
        keys.append(rebuild_cache._site_key(config, files))
    assert keys[0] is not None
    assert keys[0] == keys[1]
    assert keys[2] != keys[0]


def test_a_change_to_a_local_extension_or_a_module_beside_it_changes_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The generator's extension lives in the checkout and imports its processors from the
    # modules beside it: editing one of them must not let pages converted before come back.
    package = tmp_path / "localext"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "extension.py").write_text("from localext import helper\n", encoding="utf-8")
    (package / "helper.py").write_text("SKIP = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    rebuild_cache._module_source.cache_clear()
    before = rebuild_cache._module_source("localext.extension")
    (package / "helper.py").write_text("SKIP = 2\n", encoding="utf-8")
    rebuild_cache._module_source.cache_clear()
    assert rebuild_cache._module_source("localext.extension") != before
    assert before != "unknown"


# --------------------------------------------------------------------------------------------
# The real site, built three times in fresh processes
# --------------------------------------------------------------------------------------------

_COUNTS = re.compile(r"pages: (\d+) converted, (\d+) cached")


def _mkdocs_build(config: Path, site: Path, env: dict[str, str]) -> tuple[int, int]:
    """A strict build in a fresh process; the pages it converted and took from the cache."""
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
        cwd=config.parent,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = _COUNTS.findall(proc.stderr)
    assert len(found) == 1, proc.stderr[-3000:]
    return int(found[0][0]), int(found[0][1])


@pytest.mark.slow
def test_a_second_build_reuses_every_page_and_a_planted_entry_never_reaches_the_site(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": "1700000000",
        "NO_MKDOCS_2_WARNING": "1",
        "XDG_CACHE_HOME": str(tmp_path / "user-cache"),
    }
    env.pop("PLAYBOOK_DATA", None)
    config = link_project(tmp_path / "project")
    converted, cached = _mkdocs_build(config, tmp_path / "cold", env)
    assert converted > 40
    assert cached == 0
    assert _mkdocs_build(config, tmp_path / "warm", env) == (0, converted)
    difference = describe_difference(tmp_path / "cold", tmp_path / "warm")
    assert difference is None, difference

    entries = sorted((config.parent / ".cache" / "pages").iterdir())
    assert len(entries) == converted
    for entry in entries:  # as a pull request could commit them: right names, wrong content
        signature, _, payload = entry.read_bytes().partition(b"\n")
        planted = payload.replace(b'"content": "', b'"content": "<script>planted()</script>', 1)
        entry.write_bytes(signature + b"\n" + planted)
    assert _mkdocs_build(config, tmp_path / "planted", env) == (converted, 0)
    difference = describe_difference(tmp_path / "cold", tmp_path / "planted")
    assert difference is None, difference
