"""Markdown links to playbook records (roles, tasks, tools, gates, ...) from any page.

Every link is relative to ``page`` (a source URI) and points at the record's page and anchor,
so MkDocs validates it. An id the playbook does not know renders as escaped plain text: the
validator has already reported it, and a page must never break on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.data import kinds
from playbook.render import links
from playbook.render.markdown import text

if TYPE_CHECKING:
    from playbook.data.model import Playbook


def _link(label: str, target: str, page: str, anchor: str | None = None) -> str:
    return f"[{text(label)}]({links.md_href(target, page, anchor)})"


def role(pb: Playbook, page: str, role_id: str) -> str:
    """A link to a role's page, labelled with the role's name."""
    return link(pb, page, "role", role_id)


def roles(pb: Playbook, page: str, role_ids: list[str], sep: str = ", ") -> str:
    """Links to several roles, joined by ``sep``."""
    return sep.join(role(pb, page, r) for r in role_ids)


def task(pb: Playbook, page: str, task_id: str) -> str:
    """A link to a task's anchor on its phase page, labelled with the task's name."""
    return link(pb, page, "task", task_id)


def phase(pb: Playbook, page: str, phase_id: str) -> str:
    """A link to a phase's page."""
    return link(pb, page, "phase", phase_id)


def tool(pb: Playbook, page: str, tool_id: str) -> str:
    """A link to a tool's anchor in the tool catalog."""
    return link(pb, page, "tool", tool_id)


def tools(pb: Playbook, page: str, tool_ids: list[str], sep: str = ", ") -> str:
    """Links to several tools, joined by ``sep``."""
    return sep.join(tool(pb, page, t) for t in tool_ids)


def gate(pb: Playbook, page: str, gate_id: str) -> str:
    """A link to a gate's anchor on the gates page."""
    return link(pb, page, "gate", gate_id)


def control_code(pb: Playbook, control_id: str) -> str:
    """A control's short id to cite: ``CTL-07`` for the seventh control of controls.yaml.

    Derived from the data's order, so it is the same on every build and every page ('' for an
    unknown id). Add new controls at the end of the file to keep the others' codes.
    """
    order = list(pb.controls)
    if control_id not in order:
        return ""
    width = max(2, len(str(len(order))))
    return f"CTL-{order.index(control_id) + 1:0{width}d}"


def control(pb: Playbook, page: str, control_id: str) -> str:
    """A link to a control's anchor on the controls page, labelled ``CTL-07 Title``."""
    found = link(pb, page, "control", control_id)
    code = control_code(pb, control_id)
    return found.replace("[", f"[{code} ", 1) if code and found.startswith("[") else found


def component(pb: Playbook, page: str, component_id: str) -> str:
    """A link to a component's anchor on the architecture page."""
    return link(pb, page, "component", component_id)


def use_case(pb: Playbook, page: str, use_case_id: str) -> str:
    """A link to a use case's deep-dive page."""
    return link(pb, page, "use_case", use_case_id)


def link(pb: Playbook, page: str, kind: str, record_id: str) -> str:
    """A link to any record of a kind with a page in the registry, labelled with its name.

    An id the playbook does not know renders as escaped plain text.
    """
    spec = kinds.get(kind)
    where = kinds.index(pb, spec).get(record_id)
    target = kinds.page_of(spec, where, record_id) if where else None
    if where is None or target is None:
        return text(record_id)
    return _link(kinds.label_of(spec, where.record, record_id), target[0], page, target[1])


def linkable() -> list[str]:
    """The kinds the ``ref`` macro can link to: every kind with a page."""
    return [kind.name for kind in kinds.KINDS if kind.page is not None and not kind.single]


def ref(pb: Playbook, page: str, kind: str, record_id: str) -> str:
    """A link to any record by kind and id (the ``ref`` macro).

    Raises:
        ValueError: ``kind`` has no page in the registry, or the id is unknown, so a typo in
            a hand-written page fails the build instead of rendering a dead reference.
    """
    if kind not in linkable():
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(linkable())}")
    if record_id not in kinds.index(pb, kind):
        raise ValueError(f"unknown {kind} id {record_id!r}")
    return link(pb, page, kind, record_id)
