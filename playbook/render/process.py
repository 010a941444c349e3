"""The process overview and one page per lifecycle phase, with stable task anchors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import links, refs
from playbook.render.common import CHAPTER_SLOT, LETTER_NAMES, data_note, letters, plural, stage
from playbook.render.markdown import UNSEARCHED, heading, markdown, table, text

if TYPE_CHECKING:
    from playbook.data.model import Gate, Phase, Playbook, Task


def gates_of_phase(pb: Playbook, phase: Phase) -> list[Gate]:
    """Gates whose review task belongs to ``phase``, in data order."""
    own = {t.id for _, t in phase.tasks()}
    return [g for g in pb.gates.values() if g.task in own]


def render_process_overview(pb: Playbook, page: str, diagram: str = "") -> str:
    """The lifecycle at a glance: the diagram, then one section per phase.

    Args:
        pb: The playbook.
        page: Source URI of the page.
        diagram: The lifecycle diagram as HTML (SVG), or '' to leave it out.
    """
    n_tasks = sum(1 for _ in pb.tasks())
    out = [
        "# Process\n\n",
        data_note(pb, "lifecycle"),
        f"The lifecycle has {plural(len(pb.phases), 'phase')}, "
        f"{plural(sum(len(p.sub_phases) for p in pb.phases), 'sub-phase')} and "
        f"{plural(n_tasks, 'task')}. Every task has exactly one Accountable role; the "
        f"{plural(len(pb.gates), 'stage gate')} are where a model moves from one stage to the "
        "next, and only with the named approvals.\n\n",
    ]
    if diagram:
        out.append(diagram.strip() + "\n\n")
    for phase in pb.phases:
        target = links.phase_page(phase.id)
        # Not the bare id: the print page prefixes anchors with the page path, and
        # "process-<phase>" is already the id of the phase page's own section there.
        out.append(heading(2, f"{phase.order}. {text(phase.name)}", f"phase-{phase.id}"))
        out.append(markdown(phase.summary).strip() + "\n\n")
        subs = "".join(
            f"- [{text(sub.name)}]({links.md_href(target, page, sub.id)}): "
            f"{plural(len(sub.tasks), 'task')}\n"
            for sub in phase.sub_phases.values()
        )
        out.append(subs + "\n")
        gates = gates_of_phase(pb, phase)
        if gates:
            out.append("**Gates:** " + ", ".join(refs.gate(pb, page, g.id) for g in gates) + "\n\n")
        out.append(f"[Open {text(phase.name)}]({links.md_href(target, page)}){{ .md-button }}\n\n")
    return "".join(out)


def _fact(term: str, items: list[str], sep: str = ", ") -> str:
    return f"{term}\n:   {sep.join(items)}\n\n" if items else ""


def render_task_raci(pb: Playbook, page: str, task: Task) -> str:
    """A task's RACI as a one-row table: one column per letter, role names linking to role pages."""
    shown = [letter for letter in letters(pb) if any(x == letter for x, _ in task.raci.letters())]
    row = [
        ", ".join(refs.role(pb, page, r) for x, r in task.raci.letters() if x == letter)
        for letter in shown
    ]
    return table([LETTER_NAMES[letter] for letter in shown], [row])


def render_task(pb: Playbook, page: str, task: Task) -> str:
    """One task: an H3 anchored at the task id, its description, facts and RACI row.

    Its inputs and outputs are searched with its description; the records it names (tools,
    gates, controls, the roles of its RACI row) are kept out of the search index
    (:data:`~playbook.render.markdown.UNSEARCHED`), as their own pages are found by those
    names: on a large playbook they were half of the index.
    """
    own = _fact("Inputs", [text(i) for i in task.inputs], "; ") + _fact(
        "Outputs", [text(o) for o in task.outputs], "; "
    )
    named = "".join(
        [
            _fact("Tools", [refs.tool(pb, page, t) for t in task.tools]),
            _fact("Gates fed", [refs.gate(pb, page, g) for g in task.gates]),
            _fact("Controls", [refs.control(pb, page, c) for c in task.controls]),
        ]
    )
    return (
        heading(3, text(task.name), task.id)
        + markdown(task.description).strip()
        + "\n\n"
        + (f'<div class="playbook-facts" markdown>\n\n{own}</div>\n\n' if own else "")
        + f'<div class="playbook-facts" {UNSEARCHED} markdown>\n\n{named}'
        + render_task_raci(pb, page, task)
        + "\n</div>\n\n"
    )


def render_phase_page(pb: Playbook, page: str, phase_id: str) -> str:
    """A phase: summary, the hand-written chapter slot, then each sub-phase and its tasks.

    Sub-phases are H2 headings anchored at their id and tasks H3 headings anchored at theirs,
    so ``process/<phase>.md#<task_id>`` links stay stable when names change.
    """
    index = next(i for i, p in enumerate(pb.phases) if p.id == phase_id)
    phase = pb.phases[index]
    previous = pb.phases[index - 1] if index else None
    following = pb.phases[index + 1] if index + 1 < len(pb.phases) else None
    n_tasks = sum(1 for _ in phase.tasks())
    out = [
        f"# {text(phase.name)}\n\n",
        data_note(pb, f"phase:{phase.id}"),
        f'<p class="playbook-phase-meta">Phase {phase.order} of {len(pb.phases)} · '
        f"{plural(len(phase.sub_phases), 'sub-phase')} · {plural(n_tasks, 'task')}</p>\n\n",
        markdown(phase.summary).strip() + "\n\n",
    ]
    gates = gates_of_phase(pb, phase)
    if gates:
        out.append(
            "**Stage gates in this phase:** "
            + ", ".join(
                f"{refs.gate(pb, page, g.id)} "
                f"({text(stage(g.from_stage))} → {text(stage(g.to_stage))})"
                for g in gates
            )
            + "\n\n"
        )
    out.append(CHAPTER_SLOT + "\n")
    for sub in phase.sub_phases.values():
        out.append(heading(2, text(sub.name), sub.id))
        out.append(markdown(sub.description).strip() + "\n\n")
        for task in sub.tasks.values():
            out.append(render_task(pb, page, task))
    steps = []
    if previous:
        steps.append(f"Previous: {refs.phase(pb, page, previous.id)}")
    if following:
        steps.append(f"Next: {refs.phase(pb, page, following.id)}")
    if steps:
        out.append("---\n\n" + " · ".join(steps) + "\n")
    return "".join(out)
