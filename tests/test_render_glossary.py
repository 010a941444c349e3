"""The glossary: anchored bold terms, a heading per letter, an A-Z line."""

from __future__ import annotations

import markdown as md

from playbook.render.glossary import render_glossary, term_anchor
from tests.helpers import ROOT

SOURCE = """# Glossary

Intro text.

AUC (area under the ROC curve)
:   Ranking quality.

Adverse impact ratio
:   A ratio.

Backtesting
:   Comparing.

2FA
:   Two factors.

AUC (area under the ROC curve)
:   Again.
"""


def test_terms_are_bold_anchored_and_grouped_by_letter() -> None:
    out = render_glossary(SOURCE)
    assert "**AUC (area under the ROC curve)** { #term-auc }" in out
    assert "**AUC (area under the ROC curve)** { #term-auc-2 }" in out  # ids stay unique
    assert out.index("## A { #letter-a }") < out.index("**Adverse impact ratio**")
    assert out.index("## B { #letter-b }") < out.index("**Backtesting**")
    assert "## Other { #letters-other }" in out
    az = next(line for line in out.splitlines() if 'class="pb-az"' in line)
    assert "[A](#letter-a) · [B](#letter-b) · [Other](#letters-other)" in az
    assert out.index("Intro text.") < out.index('class="pb-az"') < out.index("## A")


def test_rendered_terms_carry_their_ids() -> None:
    html = md.markdown(render_glossary(SOURCE), extensions=["def_list", "attr_list", "md_in_html"])
    assert '<dt id="term-auc"><strong>AUC (area under the ROC curve)</strong></dt>' in html
    assert '<a href="#letter-b">B</a>' in html


def test_the_real_glossary_anchors_every_term() -> None:
    source = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    out = render_glossary(source)
    terms = [line for line in out.splitlines() if line.startswith("**") and "{ #term-" in line]
    assert len(terms) == source.count("\n:   ")
    assert term_anchor("Model risk (SR 11-7)") == "term-model-risk"
