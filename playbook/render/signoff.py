"""Who signs: the Accountable approver of each stage gate, in one line wherever it is asked.

A gate's signer is the role Accountable (A) for the task that runs the gate's review; the other
approvers sign with it. Pure: the playbook in, Markdown out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import refs
from playbook.render.common import plural
from playbook.render.dot import to_dot_gate_flow
from playbook.render.svg import diagram_html

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from playbook.data.model import Gate, Playbook


def gate_signers(pb: Playbook, gate: Gate) -> list[str]:
    """Role ids Accountable for the task that runs ``gate``'s review (one, for a valid task)."""
    found = pb.task_index().get(gate.task)
    return list(found[2].raci.accountable) if found else []


def gates_signed_by(pb: Playbook, role_ids: Collection[str]) -> list[Gate]:
    """The gates, in data order, whose Accountable approver is one of ``role_ids``."""
    wanted = set(role_ids)
    return [gate for gate in pb.gates.values() if wanted & set(gate_signers(pb, gate))]


def gates_approved_by(pb: Playbook, role_ids: Collection[str]) -> list[Gate]:
    """The gates, in data order, that one of ``role_ids`` approves without signing for."""
    wanted = set(role_ids)
    signed = {g.id for g in gates_signed_by(pb, wanted)}
    return [g for g in pb.gates.values() if g.id not in signed and wanted & set(g.approvers)]


def who_signs(pb: Playbook, page: str, gate: Gate) -> str:
    """``Who signs? Model validator (Accountable), with Model risk committee.`` as Markdown."""
    signers = gate_signers(pb, gate)
    others = [r for r in gate.approvers if r not in signers]
    line = f"**Who signs?** {refs.roles(pb, page, signers)} (Accountable)"
    if others:
        line += f", with {refs.roles(pb, page, others, sep=' and ')}"
    return line + ".\n\n"


def accountable_for(pb: Playbook, page: str, role_id: str) -> str:
    """The first line of a role page: the gates the role signs and how many tasks it owns."""
    gates = gates_signed_by(pb, [role_id])
    tasks = sum(1 for _, _, task in pb.tasks() if role_id in task.raci.accountable)
    parts = []
    if gates:
        names = ", ".join(refs.gate(pb, page, g.id) for g in gates)
        parts.append(f"signing {plural(len(gates), 'stage gate')} ({names})")
    if tasks:
        parts.append(plural(tasks, "lifecycle task"))
    if not parts:
        return (
            "**You are accountable for** no gate and no task: "
            "you are Responsible, Consulted or Informed.\n\n"
        )
    return f"**You are accountable for** {' and '.join(parts)}.\n\n"


def gate_flow_diagram(pb: Playbook, page: str, svg: Callable[[str], str]) -> str:
    """The gate flow as inline SVG blocks: every gate in order with the role that signs it, in
    two columns on wide screens and one on phones."""
    if not pb.gates:
        return ""
    signers = {gate.id: gate_signers(pb, gate) for gate in pb.gates.values()}
    caption = (
        f"The {plural(len(pb.gates), 'stage gate')} in order, on the path to production and "
        "then in production, each with the role that signs it. Select a gate to open it."
    )
    wide = svg(to_dot_gate_flow(pb, page, signers))
    narrow = svg(to_dot_gate_flow(pb, page, signers, one_column=True))
    return diagram_html(wide, caption, screens="wide") + diagram_html(
        narrow, caption, screens="narrow"
    )
