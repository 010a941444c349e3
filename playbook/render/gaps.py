"""The gap analysis page (technology/gap-analysis.md): maturity heatmap and prioritised roadmap."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playbook.render import links, refs
from playbook.render.charts import Bar, bar_chart
from playbook.render.common import data_note, plural
from playbook.render.markdown import bullets, heading, html, html_block, markdown, table, text

if TYPE_CHECKING:
    from playbook.data.model import CapabilityGap, Playbook

PRIORITY_ORDER = ("high", "medium", "low")
HORIZON_ORDER = ("0-6 months", "6-12 months", "12-24 months")

#: Heatmap cell kinds: (symbol, meaning). Symbols keep the map readable without colour.
CELL_KINDS: dict[str, tuple[str, str]] = {
    "achieved": ("■", "reached (below the current level)"),
    "current": ("●", "current level"),
    "met": ("◉", "current level is the target"),
    "gap": ("→", "gap still to close"),
    "target": ("◎", "target level"),
    "beyond": ("", "beyond the target"),
}


def roadmap(pb: Playbook) -> list[CapabilityGap]:
    """Capabilities in roadmap order: priority, then largest gap, then nearest horizon."""
    position = {cap_id: i for i, cap_id in enumerate(pb.capabilities)}

    def key(cap: CapabilityGap) -> tuple[int, int, int, int]:
        return (
            PRIORITY_ORDER.index(cap.priority),
            -(cap.target - cap.current),
            HORIZON_ORDER.index(cap.horizon),
            position[cap.id],
        )

    return sorted(pb.capabilities.values(), key=key)


def cell_kind(cap: CapabilityGap, level: int) -> str:
    """What a heatmap cell shows for ``cap`` at ``level`` (a key of :data:`CELL_KINDS`)."""
    if level == cap.current:
        return "met" if cap.current >= cap.target else "current"
    if level < cap.current:
        return "achieved"
    if level == cap.target:
        return "target"
    if level < cap.target:
        return "gap"
    return "beyond"


def _level_name(pb: Playbook, level: int) -> str:
    found = pb.maturity_levels.get(level)
    return f"{level} {found.name}" if found else str(level)


def _heatmap(pb: Playbook, caps: list[CapabilityGap]) -> str:
    levels = sorted(pb.maturity_levels)
    head = "".join(
        f'<th scope="col" class="pb-heatmap__level">{html(_level_name(pb, level))}</th>'
        for level in levels
    )
    rows = [
        '<div class="pb-heatmap">',
        "<table>",
        '<thead><tr><th scope="col">Capability</th>'
        f'{head}<th scope="col">Gap</th><th scope="col">Priority</th></tr></thead>',
        "<tbody>",
    ]
    for cap in caps:
        cells = []
        for level in levels:
            kind = cell_kind(cap, level)
            symbol, meaning = CELL_KINDS[kind]
            label = f"{cap.name}, level {_level_name(pb, level)}: {meaning}"
            cells.append(
                f'<td class="pb-heatmap__cell pb-heatmap__cell--{kind}" title="{html(label)}">'
                f'<span aria-hidden="true">{symbol}</span>'
                f'<span class="pb-sr-only">{html(meaning)}</span></td>'
            )
        gap = cap.target - cap.current
        rows.append(
            f'<tr><th scope="row"><a href="#{html(cap.id)}">{html(cap.name)}</a></th>'
            + "".join(cells)
            + f'<td class="pb-heatmap__number">{gap:+d}</td><td>{html(cap.priority)}</td></tr>'
        )
    rows += ["</tbody>", "</table>", "</div>"]
    return html_block("\n".join(rows))


def _legend() -> str:
    return (
        "Legend: "
        + ", ".join(
            f"{symbol} {text(meaning)}" for symbol, meaning in CELL_KINDS.values() if symbol
        )
        + ". Colour repeats the symbols: blue for reached and current, amber for the gap, "
        "green for the target.\n\n"
    )


def _recommendation(pb: Playbook, page: str, rec_text: str, tool_ids: list[str]) -> str:
    tools = f" ({refs.tools(pb, page, tool_ids)})" if tool_ids else ""
    return text(rec_text) + tools


def _capability(pb: Playbook, page: str, rank: int, cap: CapabilityGap) -> str:
    current = _level_name(pb, cap.current)
    target = _level_name(pb, cap.target)
    facts = (
        f"Rank {rank} · **{text(cap.priority)} priority** · {text(cap.dimension)} · "
        f"current **{text(current)}** → target **{text(target)}** · {text(cap.horizon)}"
    )
    return (
        heading(3, text(cap.name), cap.id)
        + f"{facts}\n\n"
        + markdown(cap.description).strip()
        + "\n\n**Hurdles**\n\n"
        + bullets(text(h) for h in cap.hurdles)
        + "\n**Recommendations**\n\n"
        + bullets(_recommendation(pb, page, r.text, list(r.tools)) for r in cap.recommendations)
        + "\n"
    )


def _months(horizon: str) -> tuple[int, int]:
    """``"6-12 months"`` -> ``(6, 12)``."""
    numbers = [int(n) for n in re.findall(r"\d+", horizon)]
    return (numbers[0], numbers[-1]) if numbers else (0, 0)


def _timeline(caps: list[CapabilityGap]) -> str:
    """The roadmap as a timeline: each open gap as a bar over its horizon, by priority."""
    open_caps = [c for c in caps if c.target > c.current]
    if not open_caps:
        return ""
    bars = [
        Bar(
            cap.name,
            _months(cap.horizon)[1],
            start=_months(cap.horizon)[0],
            note=f"{cap.current} → {cap.target}, {cap.priority}",
            kind=cap.priority,
        )
        for cap in open_caps
    ]
    end = max(_months(h)[1] for h in HORIZON_ORDER)
    words = "; ".join(
        f"{cap.name}: {cap.horizon}, maturity {cap.current} to {cap.target}, {cap.priority} "
        "priority"
        for cap in open_caps
    )
    return bar_chart(
        "Roadmap timeline",
        f"Capabilities with a gap, in roadmap order, each over the months it is planned for: "
        f"{words}.",
        bars,
        maximum=end,
        ticks=[(m, f"{m} mo") for m in sorted({0, *(_months(h)[1] for h in HORIZON_ORDER)})],
    )


def render_gap_analysis(pb: Playbook, page: str) -> str:
    """The gap analysis: maturity scale, current-versus-target heatmap, roadmap, capabilities.

    Args:
        pb: The playbook.
        page: Source URI of the page (``technology/gap-analysis.md``).

    Returns:
        Markdown; each capability has a section anchored by its id.
    """
    caps = roadmap(pb)
    gaps = [c.target - c.current for c in caps]
    open_gaps = sum(1 for g in gaps if g > 0)
    high = sum(1 for c in caps if c.priority == "high" and c.target > c.current)
    mean_current = sum(c.current for c in caps) / len(caps) if caps else 0.0
    mean_target = sum(c.target for c in caps) / len(caps) if caps else 0.0
    out = [
        "# Gap analysis and roadmap\n\n",
        data_note(pb, "gap_analysis.yaml"),
        f"{plural(len(caps), 'capability', 'capabilities')} rated against operational "
        f"readiness on a 0-4 scale: average current maturity {mean_current:.1f}, average "
        f"target {mean_target:.1f}; {plural(open_gaps, 'capability', 'capabilities')} "
        f"still {'has' if open_gaps == 1 else 'have'} a gap to close, "
        f"{high} of them high priority.\n\n",
        "## Maturity scale { #maturity-scale }\n\n",
        table(
            ["Level", "Name", "Description"],
            [
                [str(level), text(lv.name), text(lv.description)]
                for level, lv in sorted(pb.maturity_levels.items())
            ],
        ),
        "\n## Current versus target { #heatmap }\n\n",
        "Capabilities in roadmap order. ",
        _legend(),
        _heatmap(pb, caps),
        "## Prioritised roadmap { #roadmap }\n\n",
        "Sorted by priority, then by the size of the gap (largest first), then by horizon "
        "(nearest first).\n\n",
        _timeline(caps),
        table(
            ["#", "Capability", "Dimension", "Priority", "Current → target", "Gap", "Horizon"],
            [
                [
                    str(rank),
                    f"[{text(cap.name)}]({links.md_href(page, page, cap.id)})",
                    text(cap.dimension),
                    text(cap.priority),
                    f"{cap.current} → {cap.target}",
                    f"{cap.target - cap.current:+d}",
                    text(cap.horizon),
                ]
                for rank, cap in enumerate(caps, start=1)
            ],
        ),
        "\n## Capabilities { #capabilities }\n\n",
    ]
    out.extend(_capability(pb, page, rank, cap) for rank, cap in enumerate(caps, start=1))
    return "".join(out)
