"""The home page, counts and the audience entry points."""

from __future__ import annotations

import pytest

from playbook.data.model import Playbook
from playbook.render import links
from playbook.render.home import (
    Audience,
    audiences_from_docs,
    count,
    first_sentence,
    lifecycle_diagram,
    render_audience_cards,
    render_home,
)
from playbook.render.markdown import HTML_BLOCK_START


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("roles", 4), ("phases", 2), ("sub_phases", 2), ("tasks", 3), ("gates", 1), ("use_cases", 1)],
)
def test_count(pb: Playbook, kind: str, expected: int) -> None:
    assert count(pb, kind) == expected


def test_count_rejects_unknown_kinds(pb: Playbook) -> None:
    with pytest.raises(ValueError, match="cannot count 'widgets'"):
        count(pb, "widgets")


def test_audiences_come_from_the_audiences_folder_with_title_and_description() -> None:
    docs = {
        "audiences/leader.md": "# Leaders: start here\n\nYou decide. The rest follows.\n",
        "audiences/engineer.md": "---\ndescription: Ship it safely.\n---\n# Engineers\n\nText.\n",
        "audiences/index.md": "# Audiences\n",
        "process/discovery.md": "# Discovery\n",
    }
    assert audiences_from_docs(docs) == [
        Audience("audiences/engineer.md", "Engineers", "Ship it safely."),
        Audience("audiences/leader.md", "Leaders: start here", "You decide."),
    ]


def test_first_sentence_is_plain_and_bounded() -> None:
    md = "# T\n\nRead **[the guide](x.md)** first, then `act`. More.\n"
    assert first_sentence(md) == "Read the guide first, then act."
    long = "# T\n\n" + "word " * 80
    cut = first_sentence(long, limit=40)
    assert cut.endswith("…")
    assert len(cut) <= 41


def test_audience_cards_link_relative_to_the_page() -> None:
    cards = render_audience_cards("index.md", [Audience("audiences/a.md", "A <b>", "d")])
    assert '<div class="grid cards" markdown>' in cards
    assert "**[A &lt;b&gt;](audiences/a.md)**" in cards
    assert render_audience_cards("index.md", []) == ""


def test_home_links_only_pages_that_exist(pb: Playbook) -> None:
    md = render_home(pb, links.HOME, available={links.ROLES, links.PROCESS})
    assert '<a class="playbook-stat" href="people/">' in md
    assert '<span class="playbook-stat"><span class="playbook-stat__n">1</span>' in md
    assert "- [People](people/index.md)" in md
    assert "[Governance]" not in md
    assert "A minimal but complete playbook used by the tests." in md


def test_lifecycle_diagram_renders_the_dot_through_the_given_svg_function(pb: Playbook) -> None:
    seen: list[str] = []

    def svg(dot: str) -> str:
        seen.append(dot)
        return '<svg class="playbook-diagram" aria-label="x"><title>x</title></svg>'

    html = lifecycle_diagram(pb, links.HOME, svg)
    assert seen
    assert "process/build/" in seen[0]
    assert html.startswith(f'{HTML_BLOCK_START}\n<div class="playbook-diagram pb-screens-wide"')
    # A second drawing for phones: one column of phases.
    assert html.count('<div class="playbook-diagram pb-screens-narrow"') == 1
    assert len(seen) == 2


def test_audience_front_matter_gives_full_text_roles_and_order() -> None:
    long = "A description well past the cut of a first sentence. " * 5
    docs = {
        "audiences/a.md": f"---\ndescription: {long}\nroles: [x, 3]\n---\n# A\n\nHi.\n",
        "audiences/b.md": "---\norder: 1\nroles: nope\n---\n# B\n\nHello there.\n",
        "audiences/c.md": "---\n: [bad yaml\n---\n# C\n\nText.\n",
    }
    found = audiences_from_docs(docs)
    assert [a.title for a in found] == ["B", "A", "C"]
    assert found[1].description == long.strip()
    assert found[1].roles == ("x",)
    assert found[0].roles == ()


def test_home_cards_list_the_gates_each_audience_signs(pb: Playbook) -> None:
    audiences = [
        Audience("audiences/validator.md", "Validators", "You challenge.", ("model_validator",)),
        Audience("audiences/leader.md", "Leaders", "You decide.", ("business_owner", "nobody")),
    ]
    md = render_home(pb, links.HOME, audiences=audiences, available={links.GATES})
    validator, leader = md.split("**[Validators]")[1].split("**[Leaders]")
    assert "**You sign:** [Validation approval](governance/gates.md#validation_gate)" in validator
    assert "**You co-approve:** [Validation approval]" in leader
    assert "You sign" not in leader


def test_home_opens_with_three_lines_and_says_where_things_stand(pb: Playbook) -> None:
    md = render_home(pb, links.HOME, available={links.USE_CASES, "leadership/outcomes.md"})
    hero = md.split('<div class="pb-hero">', 1)[1].split("</div>", 1)[0]
    assert hero.count("<p") == 3
    assert "A minimal but complete playbook used by the tests." in hero
    assert "2 phases from intake to retirement, 3 tasks each with one Accountable role" in hero
    standing = md.split("## Where things stand", 1)[1].split("\n## ", 1)[0]
    assert "[1 use case](use-cases/index.md)" in standing
    assert "[Business outcomes and KPIs](leadership/outcomes.md)" in standing
    # The maintainer's line comes last, after the full summary.
    assert md.index("## About this playbook") < md.index('class="pb-data-source"')
