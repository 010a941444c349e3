"""The generator's Markdown extension changes no page (playbook.site.quick_inline skipping inline
patterns that cannot match, with playbook.site.html_blocks)."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown import inlinepatterns

from playbook.render.markdown import HTML_BLOCK_END, HTML_BLOCK_START
from playbook.site.conversion import GeneratorExtension
from playbook.site.quick_inline import QuickInlineProcessor
from tests.helpers import ROOT

#: The site's extensions (mkdocs.yml), as the site builds them.
EXTENSIONS: list[str | markdown.Extension] = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "def_list",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.highlight",
    "pymdownx.tasklist",
]
#: Every hand-written page and every generated page the golden tests pin.
PAGES = sorted([*(ROOT / "docs").rglob("*.md"), *(ROOT / "tests" / "__snapshots__").rglob("*.md")])


def convert(text: str, *, quick: bool) -> str:
    """``text`` in HTML, with the generator's extension or by Python-Markdown alone (to which
    the HTML block marks are comments: they are taken out first, see test_html_blocks)."""
    if not quick:
        text = text.replace(f"{HTML_BLOCK_START}\n", "").replace(f"{HTML_BLOCK_END}\n", "")
    extensions = [*EXTENSIONS, *([GeneratorExtension()] if quick else [])]
    return markdown.Markdown(extensions=extensions).convert(text)


def test_the_pages_are_many() -> None:
    assert len(PAGES) > 40


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_every_page_converts_to_the_same_html(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert convert(text, quick=True) == convert(text, quick=False)


#: Text made of what the inline patterns look for, and what they skip.
SYNTAX = st.lists(
    st.sampled_from([*"ab *_`\\[]()!<>&;#:/@.=\"'\n", "  \n", "**", "](x.md)", "&amp;"]),
    max_size=40,
).map("".join)


@given(text=SYNTAX)
def test_any_inline_syntax_converts_to_the_same_html(text: str) -> None:
    assert convert(text, quick=True) == convert(text, quick=False)


def test_a_core_name_with_another_regex_is_always_tried() -> None:
    md = markdown.Markdown(extensions=[GeneratorExtension()])
    md.inlinePatterns.register(
        inlinepatterns.HtmlInlineProcessor(r"(%%[a-z]+%%)", md), "entity", 80
    )
    processor = md.treeprocessors["inline"]
    assert isinstance(processor, QuickInlineProcessor)
    triggers = processor._triggers()
    assert triggers[md.inlinePatterns.get_index_for_name("entity")] is None
    assert triggers[md.inlinePatterns.get_index_for_name("link")] == ("[",)
    assert triggers[md.inlinePatterns.get_index_for_name("em_strong")] == ("*", "_")
    # The replaced pattern still applies.
    assert "<p>%%kept%%</p>" in md.convert("%%kept%%")
