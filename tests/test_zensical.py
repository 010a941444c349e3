"""The second engine (playbook.cli.zensical): the rendered tree built by Zensical.

The unit tests check the two adaptations the tree and config need; the build tests run
``playbook build --engine zensical`` on the fixture project and on the reference playbook, with
the same strict build and link check as the MkDocs build.
"""

from __future__ import annotations

import html.parser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from playbook.cli.commands import cli
from playbook.cli.render_tree import RenderedTree
from playbook.cli.zensical import (
    MATERIAL_ONLY_OVERRIDES,
    adapt_links,
    write_zensical_config,
    zensical_config,
)
from playbook.site.config_file import read_config
from tests.helpers import ROOT, link_project, make_project

# --------------------------------------------------------------------------------------------
# Links in raw HTML
# --------------------------------------------------------------------------------------------


def _adapted(uri: str, body: str) -> str:
    return adapt_links(RenderedTree(pages={uri: body})).pages[uri]


@pytest.mark.parametrize(
    ("uri", "written", "expected"),
    [
        # people/raci.md is served at people/raci/: from there ../roles/x/ is people/roles/x/,
        # which from the source folder people/ is roles/x/.
        ("people/raci.md", '<a href="../roles/x/">', '<a href="roles/x/">'),
        ("people/raci.md", '<a href="../../process/a/#t">', '<a href="../process/a/#t">'),
        ("people/raci.md", '<img src="diagram-1.svg">', '<img src="raci/diagram-1.svg">'),
        ("a/b/c.md", '<a href="../../x/">', '<a href="../x/">'),
        ("top.md", '<a href="../roles/">', '<a href="roles/">'),
    ],
)
def test_links_in_raw_html_become_relative_to_the_source_folder(
    uri: str, written: str, expected: str
) -> None:
    assert _adapted(uri, written) == expected


@pytest.mark.parametrize(
    "link",
    [
        '<a href="#anchor">',
        '<a href="https://example.com/x/">',
        '<a href="/mlops-playbook/x/">',
        '<a href="mailto:mrm@example.com">',
    ],
)
def test_fragments_absolute_and_scheme_links_are_left_alone(link: str) -> None:
    assert _adapted("people/raci.md", link) == link


def test_index_pages_and_markdown_links_are_left_alone() -> None:
    assert _adapted("people/index.md", '<a href="roles/x/">') == '<a href="roles/x/">'
    markdown = 'See [the roll-up](raci-rollup.md) and `href="../x/"` in prose.'
    assert _adapted("people/raci.md", markdown).startswith("See [the roll-up](raci-rollup.md)")


# --------------------------------------------------------------------------------------------
# The flattened config
# --------------------------------------------------------------------------------------------


def test_config_keeps_the_site_and_drops_the_generator(tmp_path: Path) -> None:
    config = link_project(tmp_path / "project")
    doc = yaml.safe_load(zensical_config(config, [{"Home": "index.md"}], overrides="overrides"))
    assert "INHERIT" not in doc
    assert "hooks" not in doc
    assert "watch" not in doc
    assert doc["plugins"] == ["search"]
    assert doc["docs_dir"] == "docs"
    assert doc["site_dir"] == "site"
    assert doc["nav"] == [{"Home": "index.md"}]
    assert doc["theme"]["name"] == "material"
    assert doc["theme"]["variant"] == "classic"
    assert doc["theme"]["custom_dir"] == "overrides"
    assert "content.action.edit" not in doc["theme"]["features"]
    assert "navigation.instant" in doc["theme"]["features"]
    assert doc["site_name"] == read_config(ROOT / "mkdocs.yml")["site_name"]
    assert doc["markdown_extensions"]  # the site's extensions, unchanged
    # !ENV tags are resolved: the written config needs no environment.
    assert isinstance(doc["site_url"], str)
    assert doc["site_url"].startswith("https://")
    # Zensical brings its own search: the overrides' Pagefind mode is off.
    assert doc["extra"]["search_engine"] == "material"


def test_config_is_written_with_the_overrides_zensical_can_use(tmp_path: Path) -> None:
    config = link_project(tmp_path / "project")
    target = tmp_path / "out" / "zensical.yml"
    target.parent.mkdir()
    write_zensical_config(config, [], target)
    copied = {
        p.relative_to(target.parent / "overrides").as_posix()
        for p in (target.parent / "overrides").rglob("*")
        if p.is_file()
    }
    expected = {
        p.relative_to(ROOT / "overrides").as_posix()
        for p in (ROOT / "overrides").rglob("*")
        if p.is_file()
    } - set(MATERIAL_ONLY_OVERRIDES)
    assert copied == expected
    assert MATERIAL_ONLY_OVERRIDES  # the list names at least the search partial
    assert not (target.parent / "overrides" / "partials" / "search.html").exists()


# --------------------------------------------------------------------------------------------
# Builds
# --------------------------------------------------------------------------------------------


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v for k, v in attrs if k == "href" and v]


@pytest.mark.slow
def test_zensical_builds_the_fixture_strictly_with_every_link_resolving(tmp_path: Path) -> None:
    config, _ = make_project(tmp_path / "project")
    out = tmp_path / "public" / "site"
    result = CliRunner().invoke(
        cli, ["build", "--engine", "zensical", "--config", str(config), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    # The link check of `playbook build` found nothing broken; check the RACI matrix's raw-HTML
    # role links by hand too: each resolves to a built page.
    page = out / "people" / "raci" / "index.html"
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    roles = [h for h in parser.hrefs if "/roles/" in h]
    assert roles
    for href in roles:
        target = (page.parent / href.split("#")[0]).resolve() / "index.html"
        assert target.is_file(), href
    # Nothing of the temporary project or build folder is left beside the site (the lock file
    # that keeps two runs off one output stays, empty).
    left = sorted(p.name for p in out.parent.iterdir() if not p.name.endswith(".playbook-lock"))
    assert left == ["site"]


@pytest.mark.slow
def test_zensical_builds_the_reference_playbook(tmp_path: Path) -> None:
    config = link_project(tmp_path / "project")
    out = tmp_path / "site"
    result = CliRunner().invoke(
        cli, ["build", "--engine", "zensical", "--config", str(config), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
    assert (out / "people" / "raci" / "index.html").is_file()
    # The blank templates offered for download are in the tree: Zensical serves them as pages.
    assert (out / "governance" / "templates" / "downloads" / "model_card" / "index.html").is_file()


def test_adapting_links_keeps_the_downloads_and_diagrams() -> None:
    tree = RenderedTree(
        pages={"a/b.md": '<a href="../c/">'},
        diagrams={"a/b/diagram-1.svg": "<svg/>"},
        downloads={"a/blank.md": "# Blank"},
    )
    adapted = adapt_links(tree)
    assert adapted.pages == {"a/b.md": '<a href="c/">'}
    assert adapted.diagrams == tree.diagrams
    assert adapted.downloads == tree.downloads
