"""Generated pages, their composition with hand-written chapters, and the nav."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
import yaml

from playbook.data.model import Playbook
from playbook.render import links, raci, tools
from playbook.render.common import CHAPTER_SLOT
from playbook.render.markdown import edit_data_note
from playbook.render.pages import (
    Page,
    build_nav,
    data_dir,
    edit_uri_of,
    generated_page,
    generated_pages,
    split_front_matter,
)


def stub_svg(dot: str) -> str:
    """Stands in for Graphviz: a labelled, empty SVG."""
    assert dot.startswith(("digraph", "graph", "strict"))
    return '<svg class="playbook-diagram" role="img" aria-label="x"><title>x</title></svg>'


@pytest.fixture(name="pages", scope="module")
def fixture_pages(pb: Playbook) -> list[Page]:
    """Every generated page of the fixture."""
    return generated_pages(pb, [], stub_svg, {"audiences/leader.md": "# Leaders\n\nHi.\n"})


def test_every_page_is_generated_once_with_a_title(pages: list[Page]) -> None:
    uris = [p.src_uri for p in pages]
    assert len(uris) == len(set(uris))
    for page in pages:
        assert page.content.startswith(f"# {page.title}\n"), page.src_uri
        assert "Generated from data" in page.content, page.src_uri


def test_pages_cover_people_process_use_cases_technology_governance(pages: list[Page]) -> None:
    uris = {p.src_uri for p in pages}
    assert {
        "index.md",
        "people/index.md",
        "people/raci.md",
        "people/raci-rollup.md",
        "people/roles/ml_engineer.md",
        "process/index.md",
        "process/build.md",
        "process/validate.md",
        "use-cases/index.md",
        "use-cases/churn.md",
        "technology/tools.md",
        "technology/overlay.md",
        "technology/architecture.md",
        "technology/gap-analysis.md",
        "technology/tool-evaluation.md",
        "governance/gates.md",
        "governance/controls.md",
        "governance/traceability.md",
        "reference/data-model.md",
    } <= uris


def test_generation_is_deterministic(pb: Playbook, pages: list[Page]) -> None:
    again = generated_pages(pb, [], stub_svg, {"audiences/leader.md": "# Leaders\n\nHi.\n"})
    assert again == pages


def test_home_offers_the_audience_guides(pages: list[Page]) -> None:
    home = next(p for p in pages if p.src_uri == "index.md")
    assert "**[Leaders](audiences/leader.md)**" in home.content


def test_pages_name_their_data_file_for_the_edit_button(pages: list[Page]) -> None:
    by_uri = {p.src_uri: p for p in pages}
    assert by_uri["people/roles/ml_engineer.md"].edit_path == "data/roles.yaml"
    assert by_uri["process/build.md"].edit_path == "data/lifecycle/01-build.yaml"
    assert by_uri["process/build.md"].chapter == "process/build.md"
    assert by_uri["use-cases/churn.md"].edit_path == "data/use_cases/churn.yaml"
    assert by_uri["reference/data-model.md"].edit_path == "playbook/data/model.py"
    assert edit_uri_of(by_uri["people/roles/ml_engineer.md"], None) == "../data/roles.yaml"
    assert edit_uri_of(by_uri["process/build.md"], "process/build.md") == "process/build.md"


def test_generated_page_gives_the_template_engine_only_front_matter(pages: list[Page]) -> None:
    by_uri = {p.src_uri: p for p in pages}
    role = by_uri["people/roles/ml_engineer.md"]
    owned = 'owner: ml_engineer\nupdated_from: ["data"]'
    assert role.template() == f"---\n{owned}\n---\n\n"
    assert split_front_matter(role.compose())[0] == owned
    assert role.compose().endswith(role.body())
    matrix, body = split_front_matter(by_uri["people/raci.md"].compose())
    assert matrix == f"search:\n  exclude: true\nhide:\n  - toc\n{owned}"
    assert CHAPTER_SLOT not in body


def test_composed_page_puts_the_chapter_in_the_slot_and_keeps_its_front_matter() -> None:
    page = Page("process/x.md", "X", f"# X\n\nhead\n\n{CHAPTER_SLOT}\ntail\n")
    composed = page.compose("---\ndescription: d\n---\n# X\n\n## Prose\n\n{{ 6 * 7 }}\n")
    front, body = split_front_matter(composed)
    assert front == 'description: d\nupdated_from: ["data"]'
    assert body.count("# X") == 1  # the chapter's own H1 is dropped
    assert body.index("head") < body.index("## Prose") < body.index("tail")
    rendered = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(body).render()
    assert "42" in rendered  # the chapter's macros run


def test_composed_page_never_runs_generated_text_as_jinja(pb: Playbook) -> None:
    phase = pb.phases[0]
    hostile = phase.model_copy(update={"summary": "{% endraw %}{{ 6 * 7 }}{# c #}"})
    pages = generated_pages(
        pb.model_copy(update={"phases": [hostile, *pb.phases[1:]]}), [], stub_svg
    )
    page = next(p for p in pages if p.src_uri == "process/build.md")
    template = page.template("## Prose {{ 6 * 7 }}\n")
    assert "endraw" not in template  # only the chapter goes to Jinja
    assert "{{ 6 * 7 }}" in template
    _, chapter = split_front_matter(template)
    rendered = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(chapter).render()
    final = page.body(rendered)
    assert "## Prose 42" in final
    assert final.count("42") == 1
    assert "6 * 7" in final  # the data shows as text


def test_chapter_goes_in_its_slot_not_where_the_data_line_was() -> None:
    note = edit_data_note(["data/x.yaml"], "https://example.org/r", "main")
    content = f"# T\n\nlead\n\n{note}body\n\n{CHAPTER_SLOT}\ntail\n"
    composed = Page("t.md", "T", content).compose("intro\n")
    order = [composed.index(s) for s in ("lead", "body", "intro", "tail", "Edit this page's data")]
    assert order == sorted(order)
    assert composed.count("Edit this page's data") == 1


def test_chapter_without_a_slot_goes_last_and_the_data_line_after_it() -> None:
    note = edit_data_note(["data/x.yaml"], "https://example.org/r", "main")
    composed = Page("t.md", "T", f"# T\n\nlead\n\n{note}body\n").compose("intro\n")
    order = [composed.index(s) for s in ("lead", "body", "intro", "Edit this page's data")]
    assert order == sorted(order)
    assert composed.count("Edit this page's data") == 1


def test_generated_page_ends_with_its_data_line() -> None:
    note = edit_data_note(["data/x.yaml"], "https://example.org/r", "main")
    composed = Page("t.md", "T", f"# T\n\n{note}body\n").compose()
    assert composed.rstrip().endswith(note.rstrip())
    assert composed.index("body") < composed.index(note)


def test_nav_orders_sections_and_places_hand_written_pages(pages: list[Page]) -> None:
    nav = build_nav(
        pages,
        [
            "audiences/leader.md",
            "audiences/engineer.md",
            "leadership/outcomes.md",
            "glossary.md",
            "process/build.md",  # a chapter: the generated page takes its place
            "technology/index.md",
            "governance/raci-policy.md",
        ],
    )
    assert [next(iter(item)) for item in nav] == [
        "Home",
        "People",
        "Process",
        "Use cases",
        "Technology",
        "Governance",
        "Guides",
    ]
    sections = {next(iter(item)): next(iter(item.values())) for item in nav}
    people = sections["People"]
    assert people[:3] == ["people/index.md", "people/raci.md", "people/raci-rollup.md"]
    assert people[3] == {
        "Role pages": [
            f"people/roles/{r}.md"
            for r in ("business_owner", "data_scientist", "ml_engineer", "model_validator")
        ]
    }
    assert sections["Process"] == ["process/index.md", "process/build.md", "process/validate.md"]
    assert sections["Technology"][0] == "technology/index.md"
    assert sections["Governance"][-1] == "governance/raci-policy.md"
    assert sections["Guides"] == [
        "audiences/engineer.md",
        "audiences/leader.md",
        "leadership/outcomes.md",
        "glossary.md",
        "reference/data-model.md",
    ]


def test_nav_lists_every_page_exactly_once(pages: list[Page]) -> None:
    written = ["about/regulatory-sources.md", "glossary.md", "misc/notes.md"]
    flat = re.findall(r"'([\w/.-]+\.md)'", repr(build_nav(pages, written)))
    assert sorted(flat) == sorted({p.src_uri for p in pages} | set(written))


def test_data_dir_is_relative_to_the_config_file() -> None:
    assert data_dir("/p/mkdocs.yml", {}) == Path("/p/data")
    assert data_dir("/p/mkdocs.yml", {"playbook_data": "/abs/fixture"}) == Path("/abs/fixture")
    assert data_dir("/p/mkdocs.yml", {"playbook_data": "other"}) == Path("/p/other")


def test_role_aliases_become_search_tags_escaped() -> None:
    page = Page("people/roles/x.md", "X", "# X\n", keywords=("model validator", '<b>"MRM"'))
    front, _ = split_front_matter(page.compose())
    assert yaml.safe_load(front)["tags"] == ["model validator", "&lt;b&gt;&#34;MRM&#34;"]
    assert "tags" not in Page("a.md", "A", "# A\n", search=False, keywords=("x",)).compose()


def test_a_large_raci_gets_a_page_per_phase_linked_from_the_nav_and_its_index(
    pb: Playbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(raci, "SPLIT_CELLS", 0)
    monkeypatch.setattr(raci, "ROLLUP_SPLIT_CELLS", 0)
    monkeypatch.setattr(tools, "OVERLAY_SPLIT_PAIRS", 0)
    pages = {p.src_uri: p for p in generated_pages(pb, [], stub_svg)}
    for phase in pb.phases:
        for uri in (links.raci_phase_page(phase.id), links.raci_rollup_phase_page(phase.id)):
            page = pages[uri]
            # Matrix-like pages stay out of search and leave the width to the table.
            assert (page.search, page.wide) == (False, True), uri
            assert page.edit_path == pb.files[f"phase:{phase.id}"]
        # A phase's tool list repeats its tasks' tools: out of search too, with contents.
        tools_page = pages[links.overlay_phase_page(phase.id)]
        assert (tools_page.search, tools_page.wide) == (False, False)
        rollup = pages[links.raci_rollup_phase_page(phase.id)]
        assert rollup.title == f"RACI roll-up: {phase.order}. {phase.name}"
        # Its matrix link goes to the phase's page of the split matrix.
        assert f"(../raci/{phase.id}.md)" in rollup.content
        # The roll-up links each phase's page, as raw HTML (a directory URL).
        assert f'href="{phase.id}/"' in pages[links.RACI_ROLLUP].content
    nav = build_nav(list(pages.values()), [])
    people = next(item["People"] for item in nav if "People" in item)
    by_phase = [links.raci_rollup_phase_page(p.id) for p in pb.phases]
    assert {"RACI roll-up by phase": by_phase} in people
    assert {"RACI matrix by phase": [links.raci_phase_page(p.id) for p in pb.phases]} in people
    technology = next(item["Technology"] for item in nav if "Technology" in item)
    assert {"Tools by phase": [links.overlay_phase_page(p.id) for p in pb.phases]} in technology


def test_a_page_with_hundreds_of_headings_lists_only_its_sections_in_its_contents() -> None:
    tasks = "".join(f"### Task {n} {{ #task-{n} }}\n\nWhat task {n} does.\n\n" for n in range(250))
    long = Page("process/big.md", "Big", f"# Big\n\n## Section {{ #section }}\n\n{tasks}")
    short = Page("process/small.md", "Small", "# Small\n\n## Section\n\n### One task\n")
    assert (long.toc_depth, short.toc_depth) == (2, 0)
    assert "\ntoc_depth: 2\n" in long.front_matter()
    assert "toc_depth" not in short.front_matter()

    # The theme's contents list (overrides/partials/toc-item.html) stops at that depth.
    root = Path(__file__).resolve().parent.parent
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(root / "overrides"), autoescape=True)
    template = env.get_template("partials/toc-item.html")

    class Item:
        def __init__(self, title: str, level: int, children: list[Item]) -> None:
            self.title, self.url, self.level, self.children = title, f"#{title}", level, children
            self.typeset = None

    section = Item("section", 2, [Item(f"task-{n}", 3, []) for n in range(3)])
    for depth, shown in ((2, ["section"]), (None, ["section", "task-0", "task-1", "task-2"])):
        page = type("P", (), {"meta": {"toc_depth": depth} if depth else {}})()
        html = template.render(toc_item=section, page=page)
        assert re.findall(r'href="#([a-z0-9-]+)"', html) == shown, depth


@pytest.mark.parametrize("split", [False, True], ids=["whole", "split by phase"])
def test_a_page_made_alone_is_the_page_made_with_all_others(
    pb: Playbook, monkeypatch: pytest.MonkeyPatch, split: bool
) -> None:
    """What a preview shows first after an edit (``generated_page``) is, field for field, what
    the whole site's generation gives for that page: split pages included."""
    if split:
        monkeypatch.setattr(raci, "SPLIT_CELLS", 0)
        monkeypatch.setattr(raci, "ROLLUP_SPLIT_CELLS", 0)
        monkeypatch.setattr(tools, "OVERLAY_SPLIT_PAIRS", 0)
    docs = {"audiences/leader.md": "# Leaders\n\nHi.\n"}
    pages = generated_pages(pb, [], stub_svg, docs)
    available = {p.src_uri for p in pages} | set(docs)
    for page in pages:
        assert generated_page(pb, [], stub_svg, page.src_uri, available, docs) == page
    assert generated_page(pb, [], stub_svg, "people/roles/nobody.md", available, docs) is None
    if split:  # the parts of a split page are found although the registry does not name them
        assert any(p.src_uri == links.raci_rollup_phase_page(pb.phases[0].id) for p in pages)
