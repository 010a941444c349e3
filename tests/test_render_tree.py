"""``playbook render``: the final Markdown as a plain docs tree, diagrams as SVG files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbook.cli.commands import cli
from playbook.cli.render_tree import RenderedTree, RenderError, read_docs, render_tree, write_tree
from playbook.data.model import Playbook
from tests.helpers import CHAPTER, make_project, mkdocs_build

LEADERS = "---\nowner: ml_engineer\n---\n\n# Leaders\n\nThe playbook: {{ playbook_title() }}.\n"


def stub_svg(dot: str) -> str:
    """A stand-in for Graphviz, linking like a real diagram does."""
    return (
        '<svg width="10pt" class="playbook-diagram" role="group" aria-label="x">'
        '<title>x</title><a xlink:href="../process/build/"><text>x</text></a></svg>'
    )


@pytest.fixture(name="tree", scope="module")
def fixture_tree(pb: Playbook) -> RenderedTree:
    """The fixture rendered with its chapter and one audience guide."""
    docs = {"process/build.md": CHAPTER, "audiences/leader.md": LEADERS}
    return render_tree(pb, [], docs, stub_svg)


def test_tree_holds_generated_composed_and_hand_written_pages(tree: RenderedTree) -> None:
    assert {"index.md", "people/raci.md", "process/build.md", "audiences/leader.md"} <= set(
        tree.pages
    )
    assert "use-cases/churn.md" in tree.pages


def test_macros_are_expanded_and_no_jinja_is_left(tree: RenderedTree) -> None:
    build = tree.pages["process/build.md"]
    assert "is one of 3 tasks" in build
    assert "[Package the model](#package_model)" in build
    assert "The playbook: " in tree.pages["audiences/leader.md"]
    for uri, markdown in tree.pages.items():
        assert not re.search(r"\{[{%]", markdown), uri
        assert "render_macros" not in markdown, uri


def test_front_matter_keeps_the_page_settings(tree: RenderedTree) -> None:
    matrix = tree.pages["people/raci.md"]
    assert matrix.startswith("---\n")
    assert "search:\n  exclude: true" in matrix.split("\n---\n", 1)[0]
    assert tree.pages["process/build.md"].startswith("---\ndescription: How the fixture")


def test_diagrams_become_svg_files_beside_the_page_url(tree: RenderedTree) -> None:
    use_case = tree.pages["use-cases/churn.md"]
    assert "<svg" not in use_case
    assert "](churn/diagram-1.svg)" in use_case
    svg = tree.diagrams["use-cases/churn/diagram-1.svg"]
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')
    assert 'xlink:href="../process/build/"' in svg
    assert "](diagram-1.svg)" in tree.pages["index.md"]
    assert "diagram-1.svg" in tree.diagrams
    for uri, markdown in tree.pages.items():
        assert "<svg" not in markdown, uri


def test_nav_lists_every_page_once(tree: RenderedTree) -> None:
    listed = re.findall(r"'([\w/.-]+\.md)'", repr(tree.nav))
    assert sorted(listed) == sorted(tree.pages)


def test_a_missing_chapter_is_an_error(pb: Playbook) -> None:
    with pytest.raises(RenderError, match=r"chapter 'process/build\.md'"):
        render_tree(pb, [], {}, stub_svg)


def test_a_failing_macro_names_the_page(pb: Playbook) -> None:
    docs = {"process/build.md": CHAPTER, "glossary.md": "# G\n\n{{ ref('task', 'nope') }}\n"}
    with pytest.raises(RenderError, match=r"glossary\.md: unknown task id 'nope'"):
        render_tree(pb, [], docs, stub_svg)


def test_write_tree_replaces_the_folder_with_pages_diagrams_and_assets(
    tree: RenderedTree, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "stale").mkdir(parents=True)
    asset = tmp_path / "style.css"
    asset.write_text("body {}\n", encoding="utf-8")
    write_tree(tree, {"assets/style.css": asset}, out)
    assert not (out / "stale").exists()
    assert (out / "use-cases" / "churn" / "diagram-1.svg").is_file()
    assert (out / "assets" / "style.css").read_text(encoding="utf-8") == "body {}\n"
    assert (out / "process" / "build.md").read_text(encoding="utf-8") == tree.pages[
        "process/build.md"
    ]


@pytest.mark.slow
def test_cli_renders_a_tree_that_plain_material_builds_strictly(
    tmp_path: Path, runner: CliRunner
) -> None:
    config, _ = make_project(tmp_path / "project")
    (config.parent / "docs" / "glossary.md").write_text(
        "---\nowner: ml_engineer\n---\n\n# Glossary\n\nSee {{ ref('role', 'ml_engineer') }}.\n",
        encoding="utf-8",
    )
    out = config.parent / "rendered"
    plain = config.parent / "mkdocs.plain.yml"
    args = ["render", "--out", str(out), "--config", str(config), "--mkdocs-config", str(plain)]
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert re.search(r"rendered \d+ pages and \d+ diagrams", result.output)
    pages, assets = read_docs(out)
    assert "[ML engineer](people/roles/ml_engineer.md)" in pages["glossary.md"]
    assert "assets/stylesheets/playbook.css" in assets
    assert any(a.endswith(".svg") for a in assets)
    site = config.parent / "site-plain"
    proc = mkdocs_build(plain, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stdout + proc.stderr
    assert (site / "use-cases" / "churn" / "index.html").is_file()
    assert (site / "use-cases" / "churn" / "diagram-1.svg").is_file()
    assert "is one of 3 tasks" in (site / "process" / "build" / "index.html").read_text()


def test_cli_refuses_to_render_over_the_docs(tmp_path: Path, runner: CliRunner) -> None:
    config, _ = make_project(tmp_path / "project")
    args = ["render", "--out", str(config.parent / "docs"), "--config", str(config)]
    result = runner.invoke(cli, args)
    assert result.exit_code != 0
    assert (config.parent / "docs" / "process" / "build.md").is_file()
