"""Plain text from Markdown fragments: tooltips and page descriptions."""

from __future__ import annotations

import pytest

from playbook.render.dot import plain
from playbook.render.markdown import edit_data_note, plain_text


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("the **production_release** gate", "the production_release gate"),
        ("_emphasis_ and __strong__ and *star*", "emphasis and strong and star"),
        (
            "see [the gates](../governance/gates.md) and ![a figure](x.png)",
            "see the gates and a figure",
        ),
        ("`code_name` in\n\n  two   lines", "code_name in two lines"),
        ("snake_case_id_", "snake_case_id"),
    ],
)
def test_plain_text_drops_marks_but_keeps_words_with_underscores(
    markdown: str, expected: str
) -> None:
    assert plain_text(markdown) == expected


def test_tooltip_also_drops_heading_and_quote_marks_and_is_cut_at_the_limit() -> None:
    assert plain("## Title\n> quoted retrain_release") == "Title quoted retrain_release"
    cut = plain("word " * 100, limit=20)
    assert len(cut) <= 20
    assert cut.endswith("…")


def test_data_line_is_one_escaped_line_kept_out_of_search() -> None:
    files = [f"data/lifecycle/{name}.yaml" for name in "abcd"]
    line = edit_data_note([*files, 'data/r"<x>.yaml'], "https://example.org/r/", "main")
    assert line.count("\n") == 2
    assert line.endswith("</p>\n\n")
    assert line.startswith('<p class="pb-data-source" data-search-exclude data-pagefind-ignore>')
    # Five files, four of one folder: one link to the folder.
    assert '<a href="https://example.org/r/tree/main/data/lifecycle"><code>data/lifecycle/' in line
    assert "(4 files)" in line
    # A hostile file name stays text, in the link and in its label.
    assert "data/r&#34;&lt;x&gt;.yaml" in line
    assert "<x>" not in line
