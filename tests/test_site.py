"""Build the whole site from the valid fixture with ``mkdocs build --strict`` and inspect it.

One build (module scope) serves every test: it takes a few seconds. The fixture's data is
copied and one role is renamed to a script tag, to prove names are escaped everywhere. It is
searched with Pagefind (the default); a second build, with ``search_engine: material``, checks
Material's own index, which previews use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from playbook.data.loader import load_uncached
from tests.helpers import SCRIPT, make_project, mkdocs_build, pagefind_fragments, rewrite

pytestmark = pytest.mark.slow

if TYPE_CHECKING:
    from playbook.data.model import Playbook


@dataclass(frozen=True)
class Built:
    """A built site and the playbook it was built from."""

    site: Path
    playbook: Playbook
    output: str

    def page(self, url: str) -> str:
        """The HTML of the page at a directory URL (``people/roles/x/``)."""
        return (self.site / url / "index.html").read_text(encoding="utf-8")


def _build(folder: Path, **extra: str) -> Built:
    config, data = make_project(folder, extra=extra)

    def rename(roles: dict) -> dict:  # type: ignore[type-arg]
        roles["roles"]["ml_engineer"]["name"] = SCRIPT
        roles["roles"]["data_scientist"]["aliases"] = ["Quant modeller"]
        return roles

    rewrite(data, "roles.yaml", rename)
    site = config.parent / "site"
    proc = mkdocs_build(config, site, print_page=True)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    result = load_uncached(data)
    assert result.playbook is not None
    return Built(site, result.playbook, output)


@pytest.fixture(name="built", scope="module")
def fixture_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The fixture site, built strictly into a temporary folder."""
    return _build(tmp_path_factory.mktemp("project"))


@pytest.fixture(name="built_material", scope="module")
def fixture_built_material(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The same, searched with Material's own index (``search_engine: material``)."""
    return _build(tmp_path_factory.mktemp("project"), search_engine="material")


def test_build_fails_on_data_errors_naming_file_line_and_column(tmp_path: Path) -> None:
    config, data = make_project(tmp_path)

    def unknown_role(phase: dict) -> dict:  # type: ignore[type-arg]
        phase["sub_phases"]["training"]["tasks"]["package_model"]["raci"]["R"] = ["data_sceintist"]
        return phase

    rewrite(data, "lifecycle/01-build.yaml", unknown_role)
    proc = mkdocs_build(config, tmp_path / "site")
    assert proc.returncode != 0
    assert re.search(
        r"data/lifecycle/01-build\.yaml:\d+:\d+: error: .*unknown role 'data_sceintist'",
        proc.stdout + proc.stderr,
    )
    assert not (tmp_path / "site" / "index.html").exists()


def test_strict_build_has_no_warnings(built: Built) -> None:
    assert "WARNING" not in built.output


def test_role_page_lists_exactly_the_roles_tasks(built: Built) -> None:
    for role in built.playbook.roles.values():
        html = built.page(f"people/roles/{role.id}/")
        tasks_section = html.split('id="tasks"', 1)[1].split('id="gates"', 1)[0]
        # The first cell of each row links the task; the second its sub-phase.
        first_cells = r'<tr>\s*<td><a href="(?:\.\./)+process/[a-z_]+/#([a-z0-9_]+)"'
        listed = re.findall(first_cells, tasks_section)
        expected = {t.id for _, _, t in built.playbook.tasks() if t.raci.letters_of(role.id)}
        assert sorted(listed) == sorted(expected), role.id


def test_raci_matrix_has_one_row_per_task(built: Built) -> None:
    html = built.page("people/raci/")
    rows = re.findall(r'<tr data-task="([a-z0-9_]+)"', html)
    assert rows == [t.id for _, _, t in built.playbook.tasks()]


def test_injected_script_in_a_role_name_is_shown_escaped(built: Built) -> None:
    for page in built.site.rglob("*.html"):
        assert SCRIPT not in page.read_text(encoding="utf-8"), page
    role_page = built.page("people/roles/ml_engineer/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in role_page
    assert "<title>&amp;lt;script&amp;gt;" not in role_page
    assert f"<title>{SCRIPT}" not in role_page


def test_material_search_index_holds_data_escaped(built_material: Built) -> None:
    # The search index holds text that Material renders as HTML: it stays escaped too.
    index = json.loads((built_material.site / "search" / "search_index.json").read_text())
    assert index["docs"]
    assert not any(SCRIPT in doc["title"] + doc["text"] for doc in index["docs"])


def test_generated_page_edit_links_point_at_the_data_file(built: Built) -> None:
    html = built.page("people/roles/data_scientist/")
    expected = "https://example.org/fixture/playbook/edit/main/data/roles.yaml"
    assert f'href="{expected}"' in html  # the "generated from data" note
    button = re.search(r'<a href="([^"]+)"[^>]*class="md-content__button', html)
    assert button is not None
    assert button.group(1) == expected


def test_phase_page_composes_header_chapter_and_tasks(built: Built) -> None:
    html = built.page("process/build/")
    chapter, tasks, data_line = (
        html.index('id="how-we-build"'),
        html.index('id="train_candidate_model"'),
        html.index("Edit this page's data"),
    )
    assert chapter < tasks < data_line
    assert html.count("<h1") == 1
    # The chapter's macros ran; the edit button opens the chapter, not the data.
    assert "is one of 3 tasks" in html
    assert 'href="#package_model"' in html
    button = re.search(r'<a href="([^"]+)"[^>]*class="md-content__button', html)
    assert button is not None
    assert button.group(1).endswith("/edit/main/docs/process/build.md")


def test_nav_tabs_follow_the_playbook_order(built: Built) -> None:
    html = built.page("")
    tabs = re.findall(r'class="md-tabs__link[^"]*"[^>]*>\s*([^<]+?)\s*<', html)
    assert tabs == ["Home", "People", "Process", "Use cases", "Technology", "Governance", "Guides"]


def test_search_index_holds_no_maintainer_notes(built_material: Built) -> None:
    built = built_material
    index = json.loads((built.site / "search" / "search_index.json").read_text())
    assert "Edit this page's data" in built.page("people/roles/data_scientist/")
    for doc in index["docs"]:
        text = doc["title"] + doc["text"]
        assert "Generated from data" not in text, doc["location"]
        assert "this page's data" not in text, doc["location"]


def test_bulky_matrices_are_kept_out_of_search(built_material: Built) -> None:
    index = json.loads((built_material.site / "search" / "search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "people/raci/" not in locations
    assert "people/roles/data_scientist/" in locations
    titles = {unescape(doc["title"]) for doc in index["docs"]}
    assert "Train the candidate model" in titles
    assert "MLflow" in titles


def test_search_finds_what_readers_look_for_but_not_lists_that_repeat_other_pages(
    built_material: Built,
) -> None:
    index = json.loads((built_material.site / "search" / "search_index.json").read_text())
    docs = {doc["location"]: doc for doc in index["docs"]}
    # A task by its name, on its own page, with its description, inputs and outputs...
    task = docs["process/build/#train_candidate_model"]
    assert unescape(task["title"]) == "Train the candidate model"
    for words in ("Log every run", "Approved feature set", "Candidate model"):
        assert words in task["text"], words
    # ...but not the records it names (tools, roles of its RACI row): found on their pages.
    for words in ("MLflow", "Data scientist", "Responsible"):
        assert words not in task["text"], words
    # A role by an alias (a tag, weighed above titles), a tool and a control by name, each
    # with its description.
    assert docs["people/roles/data_scientist/"]["tags"] == ["Quant modeller"]
    tool = docs["technology/tools/#mlflow"]
    assert (unescape(tool["title"]), "hosts the model registry" in tool["text"]) == (
        "MLflow",
        True,
    )
    control = next(d for loc, d in docs.items() if loc.endswith("#independent_validation"))
    assert control["location"] == "governance/controls/#independent_validation"
    assert "Independent validation before use" in unescape(control["title"])
    assert "independent of development" in control["text"]
    # Where the tool is used and where the control is enforced repeat the tasks' pages.
    assert "Used in" not in tool["text"]
    assert "Approve the validation" not in control["text"]
    # Overviews that repeat the entries below them are not indexed at all.
    assert "technology/tools/#at-a-glance" not in docs
    assert "governance/controls/#controls-matrix" not in docs
    assert not [loc for loc, d in docs.items() if "Gates fed" in d["text"]]


def test_pagefind_replaces_materials_index_with_a_minimal_one(built: Built) -> None:
    # Material's search plugin still writes its file (the page hands it to the search worker)
    # with its settings, but Pagefind indexes the pages.
    index = json.loads((built.site / "search" / "search_index.json").read_text())
    assert index["docs"] == []
    assert index["config"]["lang"] == ["en"]
    assert (built.site / "pagefind" / "pagefind.js").is_file()
    entry = json.loads((built.site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == len(pagefind_fragments(built.site))
    # Material's search box asks our worker, which the site serves.
    config = re.search(r'<script id="__config"[^>]*>(.*?)</script>', built.page(""), re.S)
    assert config is not None
    assert json.loads(config.group(1))["search"] == "assets/javascripts/pagefind-worker.js"
    assert (built.site / "assets" / "javascripts" / "pagefind-worker.js").is_file()


def test_pagefind_indexes_the_article_of_every_searchable_page(built: Built) -> None:
    indexed = set(pagefind_fragments(built.site))
    marked = {
        "/" + page.parent.relative_to(built.site).as_posix().removeprefix(".") + "/"
        for page in built.site.rglob("index.html")
        if "data-pagefind-body" in page.read_text(encoding="utf-8")
    }
    assert indexed == {url.replace("//", "/") for url in marked}
    assert {
        "/",
        "/people/roles/data_scientist/",
        "/process/build/",
        "/technology/tools/",
    } <= indexed
    # Bulky matrices (search: exclude) and the print page (every page again) are left out.
    assert not {"/people/raci/", "/print_page/"} & indexed
    assert "data-pagefind-body" not in built.page("people/raci/")
    assert "data-pagefind-body" not in built.page("print_page/")
    # Only the article: no navigation, header or footer text.
    home = pagefind_fragments(built.site)["/"]["content"]
    assert "Skip to content" not in home
    assert "Made with" not in home


def test_pagefind_leaves_out_what_material_search_left_out(built: Built) -> None:
    fragments = pagefind_fragments(built.site)
    # The same blocks carry both engines' marks: the data note, the records a task names,
    # where a tool is used, the tool catalog's at-a-glance table, every page's owner line.
    build = built.page("process/build/")
    assert re.search(r'<p class="pb-data-source" data-search-exclude data-pagefind-ignore>', build)
    assert re.search(r'<div class="playbook-facts" data-pagefind-ignore[^>]*>', build)
    assert re.search(
        r'<aside class="md-source-file pb-page-facts"[^>]* data-pagefind-ignore>', build
    )
    tools = built.page("technology/tools/")
    assert re.search(r'<h2 data-pagefind-ignore data-search-exclude id="at-a-glance">', tools)
    for url, fragment in fragments.items():
        text = fragment["content"]
        for left_out in ("Generated from data", "this page's data", "Used in", "Gates fed"):
            assert left_out not in text, (url, left_out)
        assert "Last updated" not in text, url
        assert "¶" not in text + fragment["meta"]["title"], url  # the headings' permalinks
    # What readers look for stays: a task by its name, with its description and inputs...
    task = fragments["/process/build/"]
    anchors = {a["id"]: a["text"] for a in task["anchors"]}
    assert anchors["train_candidate_model"] == "Train the candidate model"
    assert "Log every run" in task["content"]
    assert "Approved feature set" in task["content"]
    # ...a role by an alias, a tool and a control by name, each with its description.
    assert "Quant modeller" in fragments["/people/roles/data_scientist/"]["content"]
    assert re.search(
        r'<p data-pagefind-weight="7"><strong>Also called:</strong> Quant modeller</p>',
        built.page("people/roles/data_scientist/"),
    )  # weighed as the role's title
    tools_page = fragments["/technology/tools/"]
    assert "hosts the model registry" in tools_page["content"]
    assert {a["id"] for a in tools_page["anchors"]} >= {"mlflow"}
    assert "at-a-glance" not in {a["id"] for a in tools_page["anchors"]}
    controls = fragments["/governance/controls/"]
    assert "independent of development" in controls["content"]
    assert "independent_validation" in {a["id"] for a in controls["anchors"]}
    assert "controls-matrix" not in {a["id"] for a in controls["anchors"]}


def test_every_page_offers_the_print_page_but_the_print_page_itself(built: Built) -> None:
    for url, target in (
        ("", "print_page/"),
        ("people/roles/data_scientist/", "../../../print_page/"),
    ):
        button = re.search(r'<a href="([^"]+)"[^>]*class="[^"]*playbook-print', built.page(url))
        assert button is not None, url
        assert button.group(1) == target
    assert "<h1" in built.page("print_page/")  # the page exists...
    assert 'md-icon playbook-print"' not in built.page("print_page/")  # ...without a link to itself
    # Every page, the print page too, can print itself: the button, and the script that binds
    # it (no inline handler).
    for url in ("", "people/roles/data_scientist/", "print_page/"):
        page = built.page(url)
        assert '<button type="button" title="Print this page"' in page, url
        assert "assets/javascripts/print.js" in page, url
        assert "onclick=" not in page, url


def test_print_page_carries_the_playbook_name_numbers_and_no_developer_pages(
    built: Built,
) -> None:
    page = built.page("print_page/")
    title = re.search(r"<title>([^<]*)</title>", page)
    assert title is not None
    assert title.group(1).startswith(built.playbook.meta.title)
    assert "print-site-enumerate-headings" in page
    assert 'id="reference-data-model"' not in page
    assert "Data model reference" not in page


def test_ids_are_unique_on_every_page_including_the_print_page(built: Built) -> None:
    for page in sorted(built.site.rglob("index.html")):
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert repeated == [], page.relative_to(built.site).as_posix()
