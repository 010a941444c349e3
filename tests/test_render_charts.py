"""Build-time SVG charts: accessible, escaped, on a shared scale; and where the pages use them."""

from __future__ import annotations

import re

from playbook.data.model import Playbook
from playbook.render.charts import LABEL_WIDTH, WIDTH, Bar, bar_chart
from playbook.render.evaluation import render_tool_evaluation
from playbook.render.gaps import render_gap_analysis
from playbook.render.markdown import HTML_BLOCK_END, HTML_BLOCK_START
from playbook.render.raci import render_raci_health


def test_chart_has_title_description_and_a_bar_per_row() -> None:
    svg = bar_chart(
        "Scores <b>",
        'What "it" shows & why',
        [Bar("MLflow", 4.4, note="4.40", kind="winner", low=4.1, high=4.6), Bar("W&B", 2.8)],
        maximum=5,
        ticks=[(0, "0"), (5, "5")],
    )
    assert svg.startswith(
        f'{HTML_BLOCK_START}\n<div class="pb-chart"><svg class="pb-chart__svg" role="img" '
    )
    assert "<title>Scores &lt;b&gt;</title>" in svg
    assert "<desc>What &#34;it&#34; shows &amp; why</desc>" in svg
    assert svg.count('<rect class="pb-chart__bar') == 2
    assert "pb-chart__bar--winner" in svg
    assert "W&amp;B" in svg
    assert svg.count('class="pb-chart__whisker"') == 1
    assert svg.endswith(f"</svg></div>\n{HTML_BLOCK_END}\n\n")


def test_bars_share_one_scale_and_stay_inside_the_chart() -> None:
    svg = bar_chart("t", "d", [Bar("a", 5), Bar("b", 2.5), Bar("c", 9)], maximum=5)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == widths[2]  # clipped at the maximum
    assert abs(widths[1] - widths[0] / 2) < 0.2
    assert all(LABEL_WIDTH + w <= WIDTH for w in widths)
    assert bar_chart("t", "d", [], maximum=1) == ""


def test_long_labels_are_cut_with_the_full_text_as_a_tooltip() -> None:
    svg = bar_chart(
        "t", "d", [Bar("A very long capability name that goes on and on", 1)], maximum=2
    )
    assert "…<title>A very long capability name that goes on and on</title>" in svg


def test_pages_draw_their_charts(pb: Playbook) -> None:
    evaluation = render_tool_evaluation(pb, "technology/tool-evaluation.md")
    assert "weighted totals</title>" in evaluation
    assert "whisker on each bar spans its total" in evaluation
    gaps = render_gap_analysis(pb, "technology/gap-analysis.md")
    assert "<title>Roadmap timeline</title>" in gaps
    health = render_raci_health(pb, "people/raci-rollup.md")
    assert "<title>RACI health: tasks per role</title>" in health
    assert health.count('<rect class="pb-chart__bar') == len(pb.roles)
