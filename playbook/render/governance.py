"""Governance pages: stage gates, controls and control traceability (governance/*.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import links, parameters, refs
from playbook.render.common import data_note, plural
from playbook.render.markdown import (
    admonition,
    bullets,
    heading,
    markdown,
    table,
    text,
    unsearched,
)
from playbook.render.signoff import gate_signers, who_signs
from playbook.render.sources import (
    applies_label,
    date_label,
    render_source_register,
    source_anchor,
    source_link,
    status_label,
)
from playbook.render.tools import link_url

if TYPE_CHECKING:
    from playbook.data.model import Control, Criterion, Gate, Playbook

OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
STAGE_NAMES = {
    "ideation": "Ideation",
    "data_preparation": "Data preparation",
    "development": "Development",
    "validation": "Validation",
    "staging": "Staging",
    "production": "Production",
    "retired": "Retired",
}


def _stage(stage: str) -> str:
    return text(STAGE_NAMES.get(stage, stage))


def _controls_of_gate(pb: Playbook, gate_id: str) -> list[str]:
    return [c.id for c in pb.controls.values() if gate_id in c.enforced_at.gates]


def control_tasks(pb: Playbook, control: Control) -> list[str]:
    """Tasks enforcing a control: named by the control, or naming it, in lifecycle order."""
    named = set(control.enforced_at.tasks)
    ordered = [t.id for _, _, t in pb.tasks() if t.id in named or control.id in t.controls]
    known = set(ordered)
    return ordered + [t for t in control.enforced_at.tasks if t not in known]


def control_risks(pb: Playbook, control_id: str) -> list[tuple[str, str]]:
    """(use case id, risk text) for every use-case risk that cites the control."""
    return [
        (uc.id, risk.risk)
        for uc in pb.use_cases.values()
        for risk in uc.risks
        if control_id in risk.controls
    ]


# --------------------------------------------------------------------------------------------
# Gates
# --------------------------------------------------------------------------------------------


def _criterion_row(pb: Playbook, page: str, criterion: Criterion) -> list[str]:
    sign = text(OPERATORS.get(criterion.operator, criterion.operator))
    if criterion.param is not None:
        bound = parameters.render_bound(pb, page, criterion.param)
    else:
        bound = text(criterion.quantity)
    return [text(criterion.metric), f"{sign} {bound}", text(criterion.note)]


def _gate(pb: Playbook, page: str, gate: Gate) -> str:
    found = pb.task_index().get(gate.task)
    run_by = refs.task(pb, page, gate.task)
    if found:
        run_by += f" ({refs.phase(pb, page, found[0].id)})"
    feeders = [t.id for _, _, t in pb.tasks() if gate.id in t.gates and t.id != gate.task]
    cases = [u.id for u in pb.use_cases.values() if gate.id in u.gates]
    controls = _controls_of_gate(pb, gate.id)
    flows = [f for f in pb.flows.values() if f.gate == gate.id]
    facts = [
        f"**Moves a model from** {_stage(gate.from_stage)} **to** {_stage(gate.to_stage)}",
        f"**Run by:** {run_by}",
        f"**Approvers:** {refs.roles(pb, page, list(gate.approvers))}",
    ]
    if feeders:
        facts.append(
            "**Evidence produced by:** " + ", ".join(refs.task(pb, page, t) for t in feeders)
        )
    facts.append(
        "**Applied by use cases:** "
        + (", ".join(refs.use_case(pb, page, u) for u in cases) if cases else "none yet")
    )
    facts.append(
        "**Enforces controls:** "
        + (", ".join(refs.control(pb, page, c) for c in controls) if controls else "none")
    )
    if flows:
        facts.append(
            "**Guards architecture flows:** "
            + "; ".join(
                f"{refs.component(pb, page, f.source)} → {refs.component(pb, page, f.target)}"
                for f in flows
            )
        )
    return (
        heading(2, text(gate.name), gate.id)
        + who_signs(pb, page, gate)
        + markdown(gate.description).strip()
        + "\n\n"
        + bullets(facts)
        + "\n**Entry criteria**\n\n"
        + table(
            ["Metric", "Threshold", "Note"],
            (_criterion_row(pb, page, c) for c in gate.criteria),
        )
        + "\n**Evidence reviewed**\n\n"
        + bullets(text(e) for e in gate.evidence)
        + "\n"
    )


def render_gates(pb: Playbook, page: str, diagram: str = "") -> str:
    """Every stage gate: stages, review task, approvers, criteria, evidence, use and controls.

    Args:
        pb: The playbook.
        page: Source URI of the page (``governance/gates.md``).
        diagram: The gate flow (:func:`playbook.render.signoff.gate_flow_diagram`) or ''.

    Returns:
        Markdown; each gate has a section anchored by its id.
    """
    overview = table(
        ["Gate", "From", "To", "Accountable (signs)", "Other approvers"],
        [
            [
                f"[{text(g.name)}]({links.md_href(page, page, g.id)})",
                _stage(g.from_stage),
                _stage(g.to_stage),
                refs.roles(pb, page, gate_signers(pb, g)),
                refs.roles(pb, page, [r for r in g.approvers if r not in gate_signers(pb, g)])
                or "none",
            ]
            for g in pb.gates.values()
        ],
    )
    out = [
        "# Stage gates\n\n",
        data_note(pb, "gates.yaml"),
        f"The {plural(len(pb.gates), 'stage gate')} a model passes on its way from idea to "
        "retirement. A gate opens only when every entry criterion is met, the evidence is "
        "filed and every approver has signed; the review task records the decision.\n\n",
        diagram,
        overview,
        "\n",
    ]
    out.extend(_gate(pb, page, g) for g in pb.gates.values())
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Controls
# --------------------------------------------------------------------------------------------


#: A control's card lists up to this many tasks; beyond, it gives their number and links the
#: control's section of the traceability view, which lists them all. A control of a large
#: playbook is enforced in hundreds of tasks, and the lists made the controls page the largest
#: of the site; the reference playbook's controls (27 tasks at most) keep their lists.
CONTROL_TASKS_LISTED = 30


def _where(pb: Playbook, page: str, control: Control) -> tuple[str, str, str]:
    gates = ", ".join(refs.gate(pb, page, g) for g in control.enforced_at.gates)
    enforcing = control_tasks(pb, control)
    if len(enforcing) > CONTROL_TASKS_LISTED:
        listed = links.md_href(links.TRACEABILITY, page, trace_anchor(control.id))
        tasks = f"{plural(len(enforcing), 'task')}, listed in the [traceability view]({listed})"
    else:
        tasks = ", ".join(refs.task(pb, page, t) for t in enforcing)
    components = ", ".join(refs.component(pb, page, c) for c in control.enforced_at.components)
    return gates, tasks, components


def _control(pb: Playbook, page: str, control: Control) -> str:
    """A control as a compact card: code and title, what it requires, where it is enforced."""
    gates, tasks, components = _where(pb, page, control)
    facts = []
    if control.citation:
        facts.append(f"**Citation:** {text(control.citation)}")
    if control.history:
        facts.append(
            "**History:** formerly rested on "
            + ", ".join(source_link(pb, page, s) for s in control.history)
        )
    risks = control_risks(pb, control.id)
    if risks:
        facts.append(
            "**Answers use-case risks:** "
            + "; ".join(f"{refs.use_case(pb, page, u)}: {text(r)}" for u, r in risks)
        )
    # Where it is enforced names gates, tasks and components, found by search on their own
    # pages: kept out of the index (a control of a large playbook lists hundreds of tasks).
    where = bullets(
        [
            f"**Gates:** {gates or 'none'}",
            f"**Tasks:** {tasks or 'none'}",
            f"**Components:** {components or 'none'}",
        ]
    )
    code = refs.control_code(pb, control.id)
    return (
        '<div class="pb-card" markdown>\n\n'
        + heading(3, f"{code} {text(control.title)}".strip(), control.id)
        + markdown(control.description).strip()
        + "\n\n"
        + (bullets(facts) + "\n" if facts else "")
        + unsearched(where)
        + "</div>\n\n"
    )


def _source_line(pb: Playbook, page: str, source_id: str) -> str:
    source = pb.sources.get(source_id)
    if source is None:
        return text(source_id)
    title = f"[{text(source.title)}]({link_url(source.url)})" if source.url else text(source.title)
    line = (
        f"{title}, issued by {text(source.issuer)}"
        + (f" on {text(date_label(source))}. " if source.date else " (undated). ")
        + f"**Status:** {status_label(pb, page, source)}. "
        f"**Applies:** {text(applies_label(source))}."
    )
    if source.provenance:
        line += f" **Checked against:** {text(source.provenance)}"
    return line


def render_controls(pb: Playbook, page: str) -> str:
    """The control-by-enforcement-point matrix, then the controls as cards grouped by source,
    then the source register.

    Args:
        pb: The playbook.
        page: Source URI of the page (``governance/controls.md``).

    Returns:
        Markdown; sources are anchored ``source-<id>``, controls by their id.
    """
    by_source: dict[str, list[Control]] = {}
    for control in pb.controls.values():
        by_source.setdefault(control.source, []).append(control)
    order = [s for s in pb.sources if s in by_source]
    order += [s for s in by_source if s not in order]
    matrix_rows = []
    # In code order (CTL-01, CTL-02, ...): the matrix is where a cited code is looked up.
    for control in pb.controls.values():
        source_id = control.source
        source = pb.sources.get(source_id)
        matrix_rows.append(
            [
                refs.control(pb, page, control.id),
                f"[{text(source.title)}]({links.md_href(page, page, source_anchor(source_id))})"
                if source
                else text(source_id),
                _where(pb, page, control)[0] or "–",
                str(len(control_tasks(pb, control))),
                str(len(control.enforced_at.components)),
            ]
        )
    out = [
        "# Controls\n\n",
        data_note(pb, "controls.yaml"),
        f"The {plural(len(pb.controls), 'control')} the playbook enforces, grouped by the "
        f"regulation, guidance or internal policy they come from "
        f"({plural(len(order), 'source')}). Each names where it is enforced: at stage gates, "
        "in lifecycle tasks and in architecture components. The "
        f"[traceability view]({links.md_href(links.TRACEABILITY, page)}) follows each control "
        "to the use-case risks it answers. Cite a control by its code (`CTL-07`).\n\n",
        heading(2, "Controls matrix", "controls-matrix", searchable=False),
        unsearched(
            "Each control, its source and where it is enforced: the gates by name, the tasks "
            "and components by number (the control's card below lists them; a long list of "
            "tasks is on the traceability view).\n\n"
            + table(["Control", "Source", "Gates", "Tasks", "Components"], matrix_rows)
        ),
    ]
    for source_id in order:
        source = pb.sources.get(source_id)
        title = source.title if source else source_id
        out.append(heading(2, text(title), source_anchor(source_id)))
        out.append(_source_line(pb, page, source_id) + "\n\n")
        out.extend(_control(pb, page, c) for c in by_source[source_id])
    unused = [s for s in pb.sources.values() if s.id not in by_source]
    if unused:
        out.append("## Other sources { #other-sources }\n\n")
        out.append(
            "Sources no control rests on: texts the chapters cite, and superseded texts kept "
            "as the history of the controls that used to rest on them.\n\n"
        )
        for source in unused:
            out.append(heading(3, text(source.title), source_anchor(source.id)))
            out.append(_source_line(pb, page, source.id) + "\n\n")
    out += [
        "## Source register { #source-register }\n\n",
        "Every source with its date and status. A control rests only on a current source; "
        "superseded texts are kept as the history of the controls that used to cite them.\n\n",
        render_source_register(pb, page),
    ]
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Traceability
# --------------------------------------------------------------------------------------------


def trace_anchor(control_id: str) -> str:
    """The anchor of a control's section on the traceability page."""
    return f"trace-{control_id}"


def untraced_controls(pb: Playbook) -> list[str]:
    """Controls enforced nowhere: no gate, no task and no component."""
    return [
        c.id
        for c in pb.controls.values()
        if not (c.enforced_at.gates or control_tasks(pb, c) or c.enforced_at.components)
    ]


def render_traceability(pb: Playbook, page: str) -> str:
    """From each control to the tasks, gates and components enforcing it and the risks citing it.

    Args:
        pb: The playbook.
        page: Source URI of the page (``governance/traceability.md``).

    Returns:
        Markdown: a summary, the untraced controls flagged, and the traceability table.
    """
    untraced = untraced_controls(pb)
    uncited = [c.id for c in pb.controls.values() if not control_risks(pb, c.id)]
    files = ["controls.yaml", "gates.yaml", "architecture.yaml", "lifecycle"]
    files += [f"use_case:{u}" for u in pb.use_cases]
    out = [
        "# Control traceability\n\n",
        data_note(pb, *files),
        f"{len(pb.controls) - len(untraced)} of {plural(len(pb.controls), 'control')} are "
        "traced to at least one task, gate or component; "
        f"{len(pb.controls) - len(uncited)} answer at least one use-case risk.\n\n",
    ]
    if untraced:
        body = (
            "These controls are enforced nowhere: no gate, task or component names them. "
            "Add them to a task's `controls` or to the control's `enforced_at`.\n\n"
            + bullets(refs.control(pb, page, c) for c in untraced)
        )
        out.append(admonition("danger", f"{plural(len(untraced), 'untraced control')}", body))
    else:
        out.append(
            admonition(
                "success", "Every control is traced", "Each control is enforced somewhere.\n"
            )
        )
    if uncited:
        body = (
            "No use-case risk cites these controls yet. That is not an error (a control can "
            "apply to every model), but check that the use cases' risk registers are "
            "complete.\n\n" + bullets(refs.control(pb, page, c) for c in uncited)
        )
        out.append(admonition("note", "Controls no use-case risk cites", body))
    rows = []
    sections = []
    for control in pb.controls.values():
        tasks = control_tasks(pb, control)
        gates = list(control.enforced_at.gates)
        components = list(control.enforced_at.components)
        risks = control_risks(pb, control.id)
        traced = control.id not in untraced
        rows.append(
            [
                f"[{text(control.title)}]({links.md_href(page, page, trace_anchor(control.id))})",
                text(control.source),
                str(len(tasks)),
                str(len(gates)),
                str(len(components)),
                str(len(risks)),
                "traced" if traced else "**untraced**",
            ]
        )
        facts = [
            f"**Control:** {refs.control(pb, page, control.id)} ({text(control.source)})",
            "**Tasks:** " + (", ".join(refs.task(pb, page, t) for t in tasks) or "none"),
            "**Gates:** " + (", ".join(refs.gate(pb, page, g) for g in gates) or "none"),
            "**Components:** "
            + (", ".join(refs.component(pb, page, c) for c in components) or "none"),
        ]
        if risks:
            facts.append(
                "**Use-case risks:**"
                + "".join(f"\n    - {refs.use_case(pb, page, u)}: {text(r)}" for u, r in risks)
            )
        else:
            facts.append("**Use-case risks:** none cite it")
        sections.append(
            heading(
                3,
                f"{refs.control_code(pb, control.id)} {text(control.title)}".strip(),
                trace_anchor(control.id),
            )
            + ("" if traced else "**Untraced:** enforced by no task, gate or component.\n\n")
            + bullets(facts)
            + "\n"
        )
    out += [
        "## Traceability matrix { #traceability-matrix }\n\n",
        "How many tasks, gates and components enforce each control, and how many use-case "
        "risks cite it. Select a control for the details.\n\n",
        table(["Control", "Source", "Tasks", "Gates", "Components", "Risks", "Status"], rows),
        "\n## By control { #by-control }\n\n",
        *sections,
    ]
    return "".join(out)
