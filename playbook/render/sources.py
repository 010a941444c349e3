"""The source register: each regulatory source with its date, status and the controls on it.

Shown on the controls page and, through the ``source_register`` macro, on the hand-written
regulatory sources page, so the current basis and the superseded history come from the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import links, refs
from playbook.render.markdown import table, text

if TYPE_CHECKING:
    from playbook.data.model import Playbook, Source

APPLICABILITY = {
    "binding": "Binding on the firm",
    "adopted": "Adopted by firm policy",
    "voluntary": "Voluntary framework",
    "internal": "Internal policy",
}


def source_anchor(source_id: str) -> str:
    """The anchor of a source's section on the controls page."""
    return f"source-{source_id}"


def source_link(pb: Playbook, page: str, source_id: str) -> str:
    """A link to a source's section on the controls page (its id, escaped, if unknown)."""
    source = pb.sources.get(source_id)
    if source is None:
        return text(source_id)
    href = links.md_href(links.CONTROLS, page, source_anchor(source_id))
    return f"[{text(source.title)}]({href})"


def date_label(source: Source) -> str:
    """The source's ISO date, or 'undated'."""
    return source.date.isoformat() if source.date else "undated"


def applies_label(source: Source) -> str:
    """How the source applies to the firm, or 'not recorded'."""
    return APPLICABILITY[source.applicability] if source.applicability else "Not recorded"


def status_label(pb: Playbook, page: str, source: Source) -> str:
    """``Current``, or ``Superseded by`` the linked successors."""
    if source.status == "current":
        return "Current"
    return "Superseded by " + ", ".join(source_link(pb, page, s) for s in source.superseded_by)


def _ordered(pb: Playbook) -> list[Source]:
    """Current sources first, then superseded ones; each group newest first, then by id."""
    return sorted(
        pb.sources.values(),
        key=lambda s: (s.status != "current", -(s.date.toordinal() if s.date else 0), s.id),
    )


def render_source_register(pb: Playbook, page: str) -> str:
    """A table of every source: date, issuer, status, how it applies, controls resting on it.

    Args:
        pb: The playbook.
        page: Source URI of the page the table is on.

    Returns:
        Markdown: the current sources, then the superseded ones kept as history.
    """
    basis: dict[str, list[str]] = {}
    history: dict[str, list[str]] = {}
    for control in pb.controls.values():
        basis.setdefault(control.source, []).append(control.id)
        for old in control.history:
            history.setdefault(old, []).append(control.id)
    rows = []
    for source in _ordered(pb):
        controls = [refs.control(pb, page, c) for c in basis.get(source.id, [])]
        mentioned = [refs.control(pb, page, c) for c in history.get(source.id, [])]
        rows.append(
            [
                source_link(pb, page, source.id),
                text(source.issuer),
                text(date_label(source)),
                status_label(pb, page, source),
                text(applies_label(source)),
                ", ".join(controls) or "–",
                ", ".join(mentioned) or "–",
            ]
        )
    return table(
        ["Source", "Issuer", "Date", "Status", "Applies", "Basis of controls", "History of"],
        rows,
    )
