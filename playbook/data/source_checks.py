"""Checks on regulatory sources: their status, what supersedes them, and what controls rest on.

A control's ``source`` is its basis and must be current; a superseded text may only be named
under ``history``. Each superseded source names the current text that replaced it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playbook.data.issues import Issue
    from playbook.data.locator import Locator
    from playbook.data.model import Playbook


def check_sources(pb: Playbook, where: Locator) -> list[Issue]:
    """Source status is coherent, and no control rests on a superseded source.

    Errors:
        ``superseded-basis``: a control's ``source`` is superseded.
        ``source-status``: a superseded source names no successor, a current one names one,
        or a successor is itself superseded.

    Warning: ``source-incomplete``, a source without its date or applicability (an older
    playbook's data still loads, so ``playbook diff`` can compare against it).

    Unknown ids in ``superseded_by`` and ``history`` are reported by the reference check.
    """
    file = where.file_of("controls.yaml")
    found: list[Issue] = []
    for source in pb.sources.values():
        loc = ("sources", source.id)
        missing = [f for f in ("date", "applicability") if getattr(source, f) is None]
        if missing:
            found.append(
                where.issue(
                    file,
                    loc,
                    "source-incomplete",
                    f"source '{source.id}' records no {' and no '.join(missing)}; add them so"
                    " readers can tell how current and how binding it is",
                    "warning",
                )
            )
        if source.status == "superseded" and not source.superseded_by:
            found.append(
                where.issue(
                    file,
                    (*loc, "status"),
                    "source-status",
                    f"source '{source.id}' is superseded but names no 'superseded_by'",
                )
            )
        if source.status == "current" and source.superseded_by:
            found.append(
                where.issue(
                    file,
                    (*loc, "superseded_by"),
                    "source-status",
                    f"source '{source.id}' is current but names 'superseded_by'; set its status"
                    " to superseded or remove the successors",
                )
            )
        for index, successor in enumerate(source.superseded_by):
            at = (*loc, "superseded_by", index)
            target = pb.sources.get(successor)
            if target is not None and target.status != "current":
                found.append(
                    where.issue(
                        file,
                        at,
                        "source-status",
                        f"source '{source.id}' is superseded by '{successor}', which is itself"
                        " superseded; name the current text",
                    )
                )
    for control in pb.controls.values():
        loc = ("controls", control.id)
        basis = pb.sources.get(control.source)
        if basis is not None and basis.status == "superseded":
            successors = ", ".join(f"'{s}'" for s in basis.superseded_by) or "a current source"
            found.append(
                where.issue(
                    file,
                    (*loc, "source"),
                    "superseded-basis",
                    f"control '{control.id}' rests on superseded source '{basis.id}'; make"
                    f" {successors} its source and move '{basis.id}' to 'history'",
                )
            )
    return found
