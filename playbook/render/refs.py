"""Markdown links to playbook records (roles, tasks, tools, gates, ...) from any page.

Every link is relative to ``page`` (a source URI) and points at the record's page and anchor,
so MkDocs validates it. An id the playbook does not know renders as escaped plain text: the
validator has already reported it, and a page must never break on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import links
from playbook.render.markdown import text

if TYPE_CHECKING:
    from playbook.data.model import Playbook


def _link(label: str, target: str, page: str, anchor: str | None = None) -> str:
    return f"[{text(label)}]({links.md_href(target, page, anchor)})"


def role(pb: Playbook, page: str, role_id: str) -> str:
    """A link to a role's page, labelled with the role's name."""
    found = pb.roles.get(role_id)
    return _link(found.name, links.role_page(role_id), page) if found else text(role_id)


def roles(pb: Playbook, page: str, role_ids: list[str], sep: str = ", ") -> str:
    """Links to several roles, joined by ``sep``."""
    return sep.join(role(pb, page, r) for r in role_ids)


def task(pb: Playbook, page: str, task_id: str) -> str:
    """A link to a task's anchor on its phase page, labelled with the task's name."""
    found = pb.task_index().get(task_id)
    if not found:
        return text(task_id)
    phase, _, item = found
    return _link(item.name, links.phase_page(phase.id), page, task_id)


def phase(pb: Playbook, page: str, phase_id: str) -> str:
    """A link to a phase's page."""
    found = next((p for p in pb.phases if p.id == phase_id), None)
    return _link(found.name, links.phase_page(phase_id), page) if found else text(phase_id)


def tool(pb: Playbook, page: str, tool_id: str) -> str:
    """A link to a tool's anchor in the tool catalog."""
    found = pb.tools.get(tool_id)
    return _link(found.name, links.TOOLS, page, tool_id) if found else text(tool_id)


def tools(pb: Playbook, page: str, tool_ids: list[str], sep: str = ", ") -> str:
    """Links to several tools, joined by ``sep``."""
    return sep.join(tool(pb, page, t) for t in tool_ids)


def gate(pb: Playbook, page: str, gate_id: str) -> str:
    """A link to a gate's anchor on the gates page."""
    found = pb.gates.get(gate_id)
    return _link(found.name, links.GATES, page, gate_id) if found else text(gate_id)


def control(pb: Playbook, page: str, control_id: str) -> str:
    """A link to a control's anchor on the controls page."""
    found = pb.controls.get(control_id)
    return _link(found.title, links.CONTROLS, page, control_id) if found else text(control_id)


def component(pb: Playbook, page: str, component_id: str) -> str:
    """A link to a component's anchor on the architecture page."""
    found = pb.components.get(component_id)
    if not found:
        return text(component_id)
    return _link(found.name, links.ARCHITECTURE, page, component_id)


def use_case(pb: Playbook, page: str, use_case_id: str) -> str:
    """A link to a use case's deep-dive page."""
    found = pb.use_cases.get(use_case_id)
    if not found:
        return text(use_case_id)
    return _link(found.title, links.use_case_page(use_case_id), page)


#: Record kind (as page authors write it in the ``ref`` macro) to its link function.
KINDS = {
    "role": role,
    "task": task,
    "phase": phase,
    "tool": tool,
    "gate": gate,
    "control": control,
    "component": component,
    "use_case": use_case,
}


def ref(pb: Playbook, page: str, kind: str, record_id: str) -> str:
    """A link to any record by kind and id (the ``ref`` macro).

    Raises:
        ValueError: ``kind`` is not one of :data:`KINDS`, or the id is unknown, so a typo in
            a hand-written page fails the build instead of rendering a dead reference.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(KINDS)}")
    rendered = KINDS[kind](pb, page, record_id)
    if rendered == text(record_id):
        raise ValueError(f"unknown {kind} id {record_id!r}")
    return rendered
