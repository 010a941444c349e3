"""The preview's first step after a data edit: the viewed pages, rebuilt alone, are the pages the
full rebuild then makes (``playbook.site.refresh``, ``playbook.site.live.PreviewSite``).

The site is built in this process, as the preview server builds it, from a fixture project.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from mkdocs.config import load_config

from playbook.site import live, preview
from playbook.site.config_file import preview_config
from tests.helpers import make_project, rewrite

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mkdocs.config.defaults import MkDocsConfig

    from playbook.site.refresh import BuiltSite

URL = "http://127.0.0.1:8000/"
ROLE = "people/roles/ml_engineer/"
OTHER = "people/roles/data_scientist/"
#: The build phase's page, with the hand-written chapter ``docs/process/build.md`` merged in.
PHASE = "process/build/"


@pytest.fixture(name="site")
def fixture_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[live.PreviewSite, Path]]:
    """The fixture project built once as the preview builds it; its data folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config, data = make_project(tmp_path / "project")
    served = config.with_name("serve.yml")
    served.write_text(preview_config(config, URL, full=False), encoding="utf-8")
    monkeypatch.chdir(config.parent)

    def load(folder: str) -> MkDocsConfig:
        loaded = load_config(config_file=str(served), site_dir=folder)
        loaded.site_url = URL
        return loaded

    site = live.PreviewSite(load, URL)
    site.build()
    yield site, data
    preview.unpin()
    if site.built is not None:
        shutil.rmtree(site.built.site_dir, ignore_errors=True)


def _built(site: live.PreviewSite) -> BuiltSite:
    assert site.built is not None
    return site.built


def _html(built: BuiltSite, url: str) -> str:
    file = built.file_at(url)
    assert file is not None, url
    return (built.site_dir / file.dest_uri).read_text(encoding="utf-8")


@contextlib.contextmanager
def _rebuilt(site: live.PreviewSite) -> Iterator[tuple[BuiltSite, BuiltSite]]:
    """Build the whole site again: the build replaced (its folder kept until the end) and the
    new one."""
    old = site.build()
    assert old is not None
    try:
        yield old, _built(site)
    finally:
        shutil.rmtree(old.site_dir, ignore_errors=True)


@pytest.mark.slow
def test_a_viewed_page_shows_a_data_edit_first_exactly_as_the_full_rebuild_makes_it(
    site: tuple[live.PreviewSite, Path],
) -> None:
    preview_site, data = site
    built = _built(preview_site)
    other_before = _html(built, OTHER)

    def edit(doc: Any) -> None:
        doc["roles"]["ml_engineer"]["team"] = "Platform engineering (edited)"

    rewrite(data, "roles.yaml", edit)
    roles = str(data / "roles.yaml")
    shown = preview_site.refresh([roles], [ROLE, "people/roles/nobody/"])
    assert shown == [ROLE]  # a page that does not exist is left to the full rebuild
    refreshed = _html(built, ROLE)
    assert "Platform engineering (edited)" in refreshed
    assert _html(built, OTHER) == other_before  # a page not viewed waits for the rebuild

    with _rebuilt(preview_site) as (old, new):
        assert new.site_dir != old.site_dir  # a fresh folder, swapped in whole
        assert _html(new, ROLE) == refreshed
        assert not live._differs(old, new, ROLE)  # so the server need not reload it again


@pytest.mark.slow
def test_a_renamed_page_is_shown_first_and_named_in_every_nav_after_the_rebuild(
    site: tuple[live.PreviewSite, Path],
) -> None:
    preview_site, data = site
    built = _built(preview_site)

    def rename(doc: Any) -> None:
        doc["roles"]["ml_engineer"]["name"] = "Machine learning engineer (renamed)"

    rewrite(data, "roles.yaml", rename)
    assert preview_site.refresh([str(data / "roles.yaml")], [ROLE]) == [ROLE]
    assert re.search(r"<h1[^>]*>Machine learning engineer \(renamed\)<", _html(built, ROLE))
    assert "Machine learning engineer (renamed)" not in _html(built, OTHER)

    with _rebuilt(preview_site) as (old, new):
        assert "Machine learning engineer (renamed)" in _html(new, OTHER)  # its nav names it
        assert live._differs(old, new, OTHER)


@pytest.mark.slow
def test_an_edited_chapter_shows_first_on_its_page_as_the_rebuild_makes_it(
    site: tuple[live.PreviewSite, Path],
) -> None:
    preview_site, _ = site
    built = _built(preview_site)
    chapter = Path(built.config.docs_dir) / "process" / "build.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("with care", "with great care"), encoding="utf-8")
    assert preview_site.refresh([str(chapter)], [PHASE, ROLE]) == [PHASE, ROLE]
    refreshed = _html(built, PHASE)
    assert "We build with great care" in refreshed

    # A page the edit leaves without a known owner is left to the full rebuild, which says so.
    chapter.write_text(text.replace("---\n", "---\nowner: nobody\n", 1), encoding="utf-8")
    assert preview_site.refresh([str(chapter)], [PHASE]) == []
    chapter.write_text(text.replace("with care", "with great care"), encoding="utf-8")

    with _rebuilt(preview_site) as (_, new):
        assert _html(new, PHASE) == refreshed


@pytest.mark.slow
def test_other_edits_and_broken_data_wait_for_the_rebuild(
    site: tuple[live.PreviewSite, Path],
) -> None:
    preview_site, data = site
    built = _built(preview_site)
    before = _html(built, ROLE)
    docs = Path(built.config.docs_dir)
    config = str(built.config.config_file_path)
    # The config, the theme or an asset changes how every page is made: the full rebuild.
    assert preview_site.refresh([config], [ROLE]) == []
    assert (
        preview_site.refresh([str(data / "roles.yaml"), str(docs / "assets" / "x.css")], [ROLE])
        == []
    )
    assert preview_site.refresh([], [ROLE]) == []
    assert preview_site.refresh([str(data / "roles.yaml")], []) == []

    def break_it(doc: Any) -> None:
        doc["roles"]["ml_engineer"]["team"] = ["not", "a", "name"]

    rewrite(data, "roles.yaml", break_it)
    # Not serving: no last good playbook to fall back on, so nothing is shown early.
    assert preview_site.refresh([str(data / "roles.yaml")], [ROLE]) == []
    assert _html(built, ROLE) == before


@pytest.mark.slow
def test_a_rebuild_stops_between_pages_for_a_newer_edit_and_leaves_the_served_site(
    site: tuple[live.PreviewSite, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview_site, _ = site
    built = preview_site.built
    folders = tmp_path / "folders"
    folders.mkdir()
    monkeypatch.setenv("TMPDIR", str(folders))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    pages: list[str] = []

    def newer_edit_after_three_pages() -> bool:
        pages.append("page")
        return len(pages) > 3

    preview_site.cancelled = newer_edit_after_three_pages
    with pytest.raises(live.Cancelled):
        preview_site.build()
    assert preview_site.built is built  # still the site served
    assert list(folders.iterdir()) == []  # the abandoned build's folder is gone
    assert not live._quiet.active  # MkDocs's messages are heard again
