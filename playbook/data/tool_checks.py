"""Checks on the tool radar: a tool the standard path uses but the firm has not adopted names
its adopted fallback (or says why there is none).

The lifecycle tasks are the standard path. A tool on trial or under assessment may appear in
them only if the team knows what to use where the tool is not approved for its workload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playbook.data.issues import Issue
    from playbook.data.locator import Locator
    from playbook.data.model import Playbook

#: Statuses a fallback may not have: it must be the firm's standard.
_NOT_ADOPTED = frozenset({"trial", "assess", "hold"})


def check_tool_fallbacks(pb: Playbook, where: Locator) -> list[Issue]:
    """Trial or assess tools on the standard path name an adopted fallback.

    Errors: ``tool-fallback`` when such a tool names neither ``fallback`` nor ``no_fallback``,
    or names a fallback that is not adopted.
    """
    file = where.file_of("tools.yaml")
    used: dict[str, list[str]] = {}
    for _, _, task in pb.tasks():
        for tool_id in task.tools:
            used.setdefault(tool_id, []).append(task.id)
    found: list[Issue] = []
    for tool in pb.tools.values():
        loc = ("tools", tool.id)
        for index, other in enumerate(tool.fallback):
            target = pb.tools.get(other)
            if target is not None and target.status in _NOT_ADOPTED:
                found.append(
                    where.issue(
                        file,
                        (*loc, "fallback", index),
                        "tool-fallback",
                        f"fallback '{other}' of tool '{tool.id}' is {target.status}; a fallback"
                        " must be an adopted tool",
                    )
                )
        tasks = used.get(tool.id, [])
        if tool.status in {"trial", "assess"} and tasks and not (tool.fallback or tool.no_fallback):
            shown = ", ".join(tasks[:3]) + (f" and {len(tasks) - 3} more" if len(tasks) > 3 else "")
            found.append(
                where.issue(
                    file,
                    (*loc, "status"),
                    "tool-fallback",
                    f"tool '{tool.id}' is {tool.status} but the standard path uses it ({shown});"
                    " name its adopted 'fallback', say why there is none ('no_fallback'), or"
                    " change its status",
                )
            )
    return found
