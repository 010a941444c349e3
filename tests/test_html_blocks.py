"""Renderers' HTML blocks pass through Python-Markdown as they stand (site.html_blocks)."""

from __future__ import annotations

import markdown
import pytest

from playbook.render.markdown import HTML_BLOCK_END, HTML_BLOCK_START, html_block
from playbook.safety import escape, sanitize_markdown
from playbook.site.conversion import GeneratorExtension
from playbook.site.html_blocks import anchor_ids

#: The site's block extensions: md_in_html is the one that parses raw HTML blocks.
EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "toc"]

TABLE = (
    '<div class="raci-scroll">\n<table id="m">\n'
    '<tr><th id="row-a"><a href="../x/" name="x-anchor">*not emphasis*</a></th></tr>\n'
    "</table>\n</div>"
)


def convert(text: str, *, blocks: bool = True) -> str:
    extensions: list[str | markdown.Extension] = [*EXTENSIONS]
    if blocks:
        extensions.append(GeneratorExtension())
    return markdown.Markdown(extensions=extensions).convert(text)


def test_a_marked_block_is_kept_as_it_stands_and_the_page_around_it_converts() -> None:
    text = "# Title\n\nSome *text*.\n\n" + html_block(TABLE) + "More **text**.\n"
    out = convert(text)
    assert TABLE in out
    assert "<em>text</em>" in out
    assert "<strong>text</strong>" in out
    assert HTML_BLOCK_START not in out
    assert HTML_BLOCK_END not in out
    # The same HTML as Python-Markdown's own handling of the raw block gives.
    plain = text.replace(HTML_BLOCK_START + "\n", "").replace(HTML_BLOCK_END + "\n", "")
    assert out == convert(plain)


def test_a_block_keeps_blank_lines_and_markdown_like_text_inside() -> None:
    block = '<div class="pb-chart">\n\n<p>1. not a list</p>\n\n    not code\n</div>'
    out = convert(html_block(block))
    assert block in out
    assert "<ol>" not in out
    assert "<pre>" not in out


def test_an_unterminated_block_is_left_to_python_markdown() -> None:
    text = f"{HTML_BLOCK_START}\n<div>*x*</div>\n\nAfter.\n"
    assert convert(text) == convert(text, blocks=False)


def test_anchor_ids_reads_ids_and_link_names_in_blocks_only() -> None:
    page = (
        '<div id="outside"></div>\n\n'
        + html_block(TABLE)
        + html_block('<svg><g id="node&amp;1"></g><input name="not-an-anchor"></svg>')
    )
    assert anchor_ids(page) == {"m", "row-a", "x-anchor", "node&1"}
    assert anchor_ids("# No blocks\n") == set()


@pytest.mark.parametrize("field", [escape, sanitize_markdown])
def test_data_cannot_open_a_block(field: object) -> None:
    hostile = f"{HTML_BLOCK_START}\n<script>alert(1)</script>\n{HTML_BLOCK_END}"
    shown = field(hostile)  # type: ignore[operator]
    assert HTML_BLOCK_START not in shown
    assert "<script>" not in convert(shown)
