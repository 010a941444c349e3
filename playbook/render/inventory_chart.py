"""The model inventory's chart: registered models by risk tier, stacked by status, as SVG.

Drawn here rather than by Graphviz: a bar chart is a few rectangles. Colours come from the
stylesheet's badge variables, which the dark palette redefines, so the chart reads in both
palettes; every count is also written as text, and the title and description give the
numbers to assistive technology.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.data.inventory import RAG_LABELS
from playbook.render.markdown import UNSEARCHED, html, html_block

if TYPE_CHECKING:
    from collections.abc import Mapping

    from playbook.data.inventory import Rag

#: Layout, in SVG user units (the chart scales to the column).
WIDTH = 420
LABEL_W = 70
BAR_H = 28
GAP = 14
LEGEND_H = 36
#: Segments narrower than this carry no count inside (the legend and description still do).
MIN_LABELLED = 22


def render_tier_chart(counts: Mapping[int, Mapping[Rag, int]], caption: str) -> str:
    """A horizontal bar per tier, one segment per status, as an HTML figure (no blank lines).

    Args:
        counts: Tier to status to the number of registered models.
        caption: Plain text shown under the chart and used as its title.
    """
    tiers = sorted(counts)
    widest = max((sum(counts[t].values()) for t in tiers), default=0) or 1
    scale = (WIDTH - LABEL_W - 40) / widest
    height = len(tiers) * (BAR_H + GAP) + LEGEND_H
    parts: list[str] = []
    sentences: list[str] = []
    for row, tier in enumerate(tiers):
        y = row * (BAR_H + GAP)
        parts.append(
            f'<text class="playbook-chart__label" x="0" y="{y + BAR_H / 2}" '
            f'dominant-baseline="central">Tier {tier}</text>'
        )
        x = float(LABEL_W)
        described = []
        for rag, label in RAG_LABELS.items():
            n = counts[tier].get(rag, 0)
            if not n:
                continue
            w = n * scale
            parts.append(
                f'<rect class="playbook-chart__bar playbook-chart__bar--{rag}" x="{x:.1f}" '
                f'y="{y}" width="{w:.1f}" height="{BAR_H}" rx="3"/>'
            )
            if w >= MIN_LABELLED:
                parts.append(
                    f'<text class="playbook-chart__count" x="{x + w / 2:.1f}" '
                    f'y="{y + BAR_H / 2}" dominant-baseline="central" '
                    f'text-anchor="middle">{n}</text>'
                )
            described.append(f"{n} {label.lower()}")
            x += w
        total = sum(counts[tier].values())
        parts.append(
            f'<text class="playbook-chart__label" x="{x + 6:.1f}" y="{y + BAR_H / 2}" '
            f'dominant-baseline="central">{total}</text>'
        )
        sentences.append(f"Tier {tier}: {', '.join(described) or 'no models'}.")
    legend_y = len(tiers) * (BAR_H + GAP) + 8
    x = float(LABEL_W)
    for rag, label in RAG_LABELS.items():
        parts.append(
            f'<rect class="playbook-chart__bar playbook-chart__bar--{rag}" x="{x:.1f}" '
            f'y="{legend_y}" width="14" height="14" rx="2"/>'
            f'<text class="playbook-chart__label" x="{x + 20:.1f}" y="{legend_y + 7}" '
            f'dominant-baseline="central">{html(label)}</text>'
        )
        x += 30 + 8 * len(label)
    title = html(caption)
    desc = html(" ".join(sentences))
    svg = (
        f'<svg class="playbook-chart" {UNSEARCHED} viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="inventory-chart-title inventory-chart-desc">'
        f'<title id="inventory-chart-title">{title}</title>'
        f'<desc id="inventory-chart-desc">{desc}</desc>' + "".join(parts) + "</svg>"
    )
    return html_block(
        f'<figure class="playbook-chart-figure">\n{svg}\n'
        f"<figcaption>{title}</figcaption>\n</figure>"
    )
