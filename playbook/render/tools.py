"""The tool catalog (technology/tools.md) and the tool-by-lifecycle overlay (overlay.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from playbook.render import links, refs
from playbook.render.common import data_note, plural
from playbook.render.markdown import (
    bullets,
    heading,
    html,
    html_block,
    markdown,
    table,
    text,
    unsearched,
)

if TYPE_CHECKING:
    from playbook.data.model import Phase, Playbook, Task, Tool

#: Technology-radar statuses in display order, with what each means for a team.
STATUSES: dict[str, str] = {
    "adopt": "the firm's standard: use it for new work",
    "trial": "approved for a bounded pilot with a named owner and exit criteria",
    "assess": "being evaluated; not for production use",
    "hold": "do not start new work on it; existing use is being migrated off",
}


def status_badge(status: str) -> str:
    """A tool status (adopt, trial, assess, hold) as an HTML badge."""
    return f'<span class="pb-badge pb-badge--{html(status)}">{html(status)}</span>'


def category_anchor(category_id: str) -> str:
    """The anchor of a category's section in the tool catalog."""
    return f"category-{category_id}"


def link_url(url: str) -> str:
    """An external URL made safe as a Markdown link target."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


def tools_by_category(pb: Playbook) -> list[tuple[str, list[Tool]]]:
    """(category id, its tools in data order), categories in data order, then unknown ones."""
    order = list(pb.categories)
    order += sorted({t.category for t in pb.tools.values()} - set(order))
    grouped = [(c, [t for t in pb.tools.values() if t.category == c]) for c in order]
    return [(c, tools) for c, tools in grouped if tools]


def _category_name(pb: Playbook, category_id: str) -> str:
    found = pb.categories.get(category_id)
    return found.name if found else category_id


def tasks_by_tool(pb: Playbook) -> dict[str, list[tuple[Phase, Task]]]:
    """Tool id to every (phase, task) listing it, in lifecycle order (one pass over the tasks)."""
    found: dict[str, list[tuple[Phase, Task]]] = {}
    for phase, _, task in pb.tasks():
        for tool_id in dict.fromkeys(task.tools):
            found.setdefault(tool_id, []).append((phase, task))
    return found


def tasks_using(pb: Playbook, tool_id: str) -> list[tuple[Phase, Task]]:
    """Every (phase, task) listing the tool, in lifecycle order."""
    return tasks_by_tool(pb).get(tool_id, [])


def _use_cases_by_tool(pb: Playbook) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for uc in pb.use_cases.values():
        for tool_id in dict.fromkeys(t for step in uc.pipeline for t in step.tools):
            found.setdefault(tool_id, []).append(uc.id)
    return found


@dataclass(frozen=True, slots=True)
class _Uses:
    """Where each tool is used, gathered once for the whole catalog."""

    tasks: dict[str, list[tuple[Phase, Task]]]
    use_cases: dict[str, list[str]]
    #: The overlay is split (:func:`overlay_is_split`): a tool's tasks are listed there.
    overlay_split: bool = False


def _components_using(pb: Playbook, tool_id: str) -> list[str]:
    return [c.id for c in pb.components.values() if tool_id in c.tools]


# --------------------------------------------------------------------------------------------
# Tool catalog
# --------------------------------------------------------------------------------------------


def _usage(pb: Playbook, page: str, tool: Tool, uses: _Uses) -> str:
    lines: list[str] = []
    tasks = uses.tasks.get(tool.id, [])
    if tasks and uses.overlay_split:
        phases = len({phase.id for phase, _ in tasks})
        row = links.md_href(links.OVERLAY, page, overlay_row_anchor(tool.id))
        lines.append(
            f"**Used in {plural(len(tasks), 'task')}** in {plural(phases, 'phase')}: "
            f"[its row of the overlay]({row}) links them"
        )
    elif tasks:
        by_phase: dict[str, list[str]] = {}
        for phase, task in tasks:
            by_phase.setdefault(phase.id, []).append(refs.task(pb, page, task.id))
        parts = "".join(
            f"\n    - {refs.phase(pb, page, phase_id)}: {', '.join(items)}"
            for phase_id, items in by_phase.items()
        )
        lines.append(f"**Used in {plural(len(tasks), 'task')}:**{parts}")
    cases = uses.use_cases.get(tool.id, [])
    if cases:
        lines.append("**Use cases:** " + ", ".join(refs.use_case(pb, page, u) for u in cases))
    components = _components_using(pb, tool.id)
    if components:
        lines.append(
            "**Architecture components:** "
            + ", ".join(refs.component(pb, page, c) for c in components)
        )
    capabilities = [
        cap
        for cap in pb.capabilities.values()
        if any(tool.id in rec.tools for rec in cap.recommendations)
    ]
    if capabilities:
        lines.append(
            "**Gap-analysis recommendations:** "
            + ", ".join(
                f"[{text(cap.name)}]({links.md_href(links.GAP_ANALYSIS, page, cap.id)})"
                for cap in capabilities
            )
        )
    evaluations = [ev for ev in pb.evaluations.values() if tool.id in ev.candidates]
    if evaluations:
        lines.append(
            "**Evaluated in:** "
            + ", ".join(
                f"[{text(ev.title)}]({links.md_href(links.TOOL_EVALUATION, page, ev.id)})"
                for ev in evaluations
            )
        )
    if not lines:
        return "Not used by any task, use case or component yet.\n\n"
    # The records listed have their own pages, found by search under their names: kept out of
    # the index, where on a large playbook these lists were most of the catalog's entries.
    return unsearched(bullets(lines))


def _tool_section(pb: Playbook, page: str, tool: Tool, uses: _Uses) -> str:
    facts = [status_badge(tool.status)]
    if tool.environments:
        facts.append("Environments: " + ", ".join(text(e) for e in tool.environments))
    facts.append("Owner: " + refs.role(pb, page, tool.owner))
    if tool.fallback:
        facts.append("Adopted fallback: " + refs.tools(pb, page, list(tool.fallback)))
    elif tool.no_fallback:
        facts.append("No adopted fallback: " + text(tool.no_fallback))
    if tool.url:
        facts.append(f"[Website]({link_url(tool.url)})")
    return (
        heading(3, text(tool.name), tool.id)
        + " · ".join(facts)
        + "\n\n"
        + markdown(tool.description).strip()
        + "\n\n"
        + _usage(pb, page, tool, uses)
    )


def render_tool_catalog(pb: Playbook, page: str) -> str:
    """Every tool by category: status, environments, owner, description and where it is used.

    Args:
        pb: The playbook.
        page: Source URI of the page (``technology/tools.md``).

    Returns:
        Markdown: an overview table, then an H2 per category and an H3 per tool (anchor = id).
    """
    grouped = tools_by_category(pb)
    uses = _Uses(tasks_by_tool(pb), _use_cases_by_tool(pb), overlay_is_split(pb))
    statuses = list(STATUSES)
    overview_rows = []
    for category_id, tools in grouped:
        row = [f"[{text(_category_name(pb, category_id))}](#{category_anchor(category_id)})"]
        for status in statuses:
            row.append(", ".join(refs.tool(pb, page, t.id) for t in tools if t.status == status))
        overview_rows.append(row)
    legend = bullets(f"{status_badge(s)} {text(meaning)}" for s, meaning in STATUSES.items())
    out = [
        "# Tool catalog\n\n",
        data_note(pb, "tools.yaml"),
        f"The {plural(len(pb.tools), 'tool')} in {plural(len(grouped), 'category', 'categories')} "
        "that the playbook's tasks, use cases and reference architecture rely on, rated like a "
        "technology radar:\n\n",
        legend,
        "\n" + heading(2, "At a glance", "at-a-glance", searchable=False),
        unsearched(
            table(["Category", *(s.capitalize() for s in statuses)], overview_rows)
            + "\nThe [tool-by-lifecycle overlay]"
            f"({links.md_href(links.OVERLAY, page)}) shows which phases use each tool.\n"
        ),
    ]
    for category_id, tools in grouped:
        category = pb.categories.get(category_id)
        out.append(heading(2, text(_category_name(pb, category_id)), category_anchor(category_id)))
        if category is not None:
            out.append(text(category.description) + "\n\n")
        out.extend(_tool_section(pb, page, tool, uses) for tool in tools)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Tool-by-lifecycle overlay
# --------------------------------------------------------------------------------------------


def overlay_anchor(phase_id: str, tool_id: str | None = None) -> str:
    """The anchor of a phase's tool list (or of one tool in it) on the overlay page."""
    return f"overlay-{phase_id}" + (f"-{tool_id}" if tool_id else "")


def overlay_counts(pb: Playbook) -> dict[str, dict[str, list[Task]]]:
    """Tool id to phase id to the tasks of that phase using the tool (lifecycle order)."""
    counts: dict[str, dict[str, list[Task]]] = {t: {} for t in pb.tools}
    for phase, _, task in pb.tasks():
        for tool_id in task.tools:
            counts.setdefault(tool_id, {}).setdefault(phase.id, []).append(task)
    return counts


def _heat(n: int) -> int:
    return 0 if n == 0 else 1 if n == 1 else 2 if n <= 3 else 3


#: Above this many (tool, task) pairs the overlay keeps its matrix, each phase's tool list gets
#: a page of its own (``technology/overlay/<phase>.md``), and the tool catalog points at a
#: tool's row of the matrix rather than listing its tasks: a playbook ten times the reference
#: size (3,200 pairs) listed every pair twice, on the overlay and in the catalog. The reference
#: playbook (about 300 pairs) keeps both lists.
OVERLAY_SPLIT_PAIRS = 1_500


def overlay_is_split(pb: Playbook, budget: int | None = None) -> bool:
    """True when the tool lists are too big for the overlay page (more than ``budget`` pairs)."""
    pairs = sum(len(task.tools) for _, _, task in pb.tasks())
    return pairs > (OVERLAY_SPLIT_PAIRS if budget is None else budget)


def overlay_row_anchor(tool_id: str) -> str:
    """The anchor of a tool's row of the overlay's matrix."""
    return f"tool-row-{tool_id}"


def _list_page(pb: Playbook, phase_id: str, split: bool) -> str:
    """The page holding a phase's tool list: the overlay, or the phase's page of it."""
    return links.overlay_phase_page(phase_id) if split else links.OVERLAY


def _matrix(
    pb: Playbook, page: str, counts: dict[str, dict[str, list[Task]]], split: bool = False
) -> str:
    head = "".join(
        f'<th scope="col" class="pb-overlay__phase">'
        f'<a href="{html(links.href(links.phase_page(p.id), page))}" '
        f'title="{html(p.name)}">{p.order}. {html(p.name)}</a></th>'
        for p in pb.phases
    )
    rows = [
        "<thead><tr>"
        '<th scope="col">Tool</th><th scope="col">Status</th>'
        f'{head}<th scope="col">Tasks</th></tr></thead>',
        "<tbody>",
    ]
    span = len(pb.phases) + 3
    for category_id, tools in tools_by_category(pb):
        name = html(_category_name(pb, category_id))
        category_href = links.href(links.TOOLS, page, category_anchor(category_id))
        rows.append(
            f'<tr class="pb-overlay__group"><th scope="rowgroup" colspan="{span}">'
            f'<a href="{html(category_href)}">{name}</a></th></tr>'
        )
        for tool in tools:
            per_phase = counts.get(tool.id, {})
            cells = []
            for phase in pb.phases:
                n = len(per_phase.get(phase.id, []))
                if n == 0:
                    cells.append('<td class="pb-overlay__cell pb-overlay__cell--0"></td>')
                    continue
                title = f"{tool.name} in {phase.name}: {plural(n, 'task')}"
                anchor = overlay_anchor(phase.id, tool.id)
                target = _list_page(pb, phase.id, split)
                href = f"#{anchor}" if target == page else links.href(target, page, anchor)
                cells.append(
                    f'<td class="pb-overlay__cell pb-overlay__cell--{_heat(n)}">'
                    f'<a href="{html(href)}" title="{html(title)}">{n}</a></td>'
                )
            total = sum(len(v) for v in per_phase.values())
            tool_href = links.href(links.TOOLS, page, tool.id)
            row_id = f' id="{html(overlay_row_anchor(tool.id))}"' if split else ""
            rows.append(
                f'<tr{row_id}><th scope="row"><a href="{html(tool_href)}">{html(tool.name)}</a>'
                f"</th><td>{status_badge(tool.status)}</td>{''.join(cells)}<td>{total}</td></tr>"
            )
    rows.append("</tbody>")
    return html_block(
        '<div class="pb-overlay">\n<table>\n' + "\n".join(rows) + "\n</table>\n</div>"
    )


def _phase_tools(
    pb: Playbook, page: str, phase: Phase, counts: dict[str, dict[str, list[Task]]]
) -> str:
    """A phase's tools with the tasks using each, every item anchored for the matrix's cells."""
    used = [
        (tool, counts[tool.id][phase.id])
        for _, tools in tools_by_category(pb)
        for tool in tools
        if phase.id in counts.get(tool.id, {})
    ]
    if not used:
        return "No task in this phase lists a tool.\n\n"
    items = [
        f'<a id="{overlay_anchor(phase.id, tool.id)}"></a>{refs.tool(pb, page, tool.id)} '
        f"{status_badge(tool.status)}: " + ", ".join(refs.task(pb, page, task.id) for task in tasks)
        for tool, tasks in used
    ]
    return (
        f"{plural(len(used), 'tool')} across the tasks of {refs.phase(pb, page, phase.id)}:\n\n"
        + bullets(items)
        + "\n"
    )


def render_overlay(pb: Playbook, page: str, *, split: bool = False) -> str:
    """The tool-by-lifecycle overlay: tools (by category) against the phases, then per phase.

    Args:
        pb: The playbook.
        page: Source URI of the page (``technology/overlay.md``).
        split: Each phase's tool list is on a page of its own (:func:`render_overlay_phase`),
            which the matrix's cells and the section per phase link; for a large playbook.

    Returns:
        Markdown with an HTML matrix (cells = number of the phase's tasks using the tool,
        linking to the phase's tool list) and one section per phase.
    """
    counts = overlay_counts(pb)
    files = ["tools.yaml", "lifecycle"]
    out = [
        "# Tool-by-lifecycle overlay\n\n",
        data_note(pb, *files),
        "Which tools each lifecycle phase relies on. A cell counts the phase's tasks that list "
        "the tool; select a number for the tasks, a phase for its page, a tool for its catalog "
        "entry. Darker cells mean heavier use (1, 2-3, 4 or more tasks).\n\n",
        _matrix(pb, page, counts, split),
        "## Tools by phase { #tools-by-phase }\n\n",
    ]
    if split:
        out.append("Each phase's tools, with the tasks using each, are on a page per phase:\n\n")
        out.append(
            bullets(
                f"[{phase.order}. {text(phase.name)}]"
                f"({links.md_href(links.overlay_phase_page(phase.id), page)}): "
                + plural(sum(1 for t in counts if phase.id in counts[t]), "tool")
                for phase in pb.phases
            )
            + "\n"
        )
        return "".join(out)
    for phase in pb.phases:
        out.append(heading(3, f"{phase.order}. {text(phase.name)}", overlay_anchor(phase.id)))
        out.append(_phase_tools(pb, page, phase, counts))
    return "".join(out)


def render_overlay_phase(pb: Playbook, page: str, phase_id: str) -> str:
    """One phase's page of a split overlay: its tools, each with the tasks that use it."""
    phase = next(p for p in pb.phases if p.id == phase_id)
    return (
        f"# Tools in {phase.order}. {text(phase.name)}\n\n"
        + data_note(pb, "tools.yaml", f"phase:{phase.id}")
        + "Which tools the tasks of this phase list, by category; the "
        f"[overlay]({links.md_href(links.OVERLAY, page)}) counts them across the phases.\n\n"
        + _phase_tools(pb, page, phase, overlay_counts(pb))
    )
