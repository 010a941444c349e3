"""What changed in the playbook data between two git revisions, as a Markdown report.

``diff_playbooks`` compares two validated models and returns :class:`Change` records;
``render_changes`` turns them into a report for a pull request. ``load_revision`` reads the
data folder of a git revision into a temporary folder through ``git archive``.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playbook.data.params import Param, parameters
from playbook.render import links
from playbook.render.markdown import text
from playbook.render.parameters import citations

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic import BaseModel

    from playbook.data.model import Criterion, Playbook


class RevisionError(Exception):
    """A git revision could not be read (not a repository, unknown revision, no data)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One change: a section, the record, what happened and the details."""

    section: str
    record: str
    kind: str  # "added", "removed", "changed", "gained", "lost"
    details: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Reading a revision
# --------------------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise RevisionError("git is not installed") from exc


def resolve_revision(repo: Path, revision: str) -> str:
    """The commit id of ``revision``; RevisionError when it is unknown or not in a repo."""
    inside = _git(repo, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0:
        raise RevisionError(f"'{repo}' is not inside a git repository")
    proc = _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if proc.returncode != 0:
        raise RevisionError(f"unknown revision '{revision}'")
    return proc.stdout.decode().strip()


def work_tree(repo: Path) -> Path:
    """The root of the git work tree holding ``repo``; RevisionError outside one."""
    proc = _git(repo, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise RevisionError(f"'{repo}' is not inside a git repository")
    return Path(proc.stdout.decode().strip())


def load_revision(repo: Path, revision: str, data_path: str, into: Path) -> Path:
    """Extract ``data_path`` (relative to the repository root) at ``revision`` into ``into``."""
    commit = resolve_revision(repo, revision)
    top = _git(repo, "rev-parse", "--show-toplevel").stdout.decode().strip()
    proc = _git(repo, "-C", top, "archive", "--format=tar", commit, "--", data_path)
    if proc.returncode != 0:
        raise RevisionError(f"revision '{revision}' has no '{data_path}' folder")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into / data_path


# --------------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------------


_WIDTH = 80


def _flat(value: Any) -> str:
    """A value on one line: lists as ``a, b``, mappings as ``k: v; k2: v2``."""
    if value is None or value in ([], {}, ""):
        return "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    return " ".join(str(value).split())


def _excerpts(before: str, after: str) -> tuple[str, str]:
    """Both values, cut to the part that differs when they are too long to show whole."""
    if len(before) <= _WIDTH and len(after) <= _WIDTH:
        return before, after
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    start = max(0, start - 20)

    def cut(value: str) -> str:
        middle = value[start : len(value) - max(0, end - 20)]
        middle = middle if len(middle) <= _WIDTH else middle[: _WIDTH - 1] + "…"
        return ("…" if start else "") + middle + ("…" if end > 20 else "")

    return cut(before), cut(after)


def _field_changes(old: BaseModel, new: BaseModel, skip: tuple[str, ...] = ()) -> list[str]:
    a = old.model_dump(mode="json", by_alias=True)
    b = new.model_dump(mode="json", by_alias=True)
    out = []
    for key in sorted(set(a) | set(b)):
        if key in skip or key == "id" or a.get(key) == b.get(key):
            continue
        before, after = _excerpts(_flat(a.get(key)), _flat(b.get(key)))
        out.append(f"{key}: {before} → {after}")
    return out


def _records(
    section: str,
    old: dict[str, Any],
    new: dict[str, Any],
    name: str = "name",
    skip: tuple[str, ...] = (),
) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        label = f"{getattr(new.get(key) or old.get(key), name, key)} ({key})"
        if key not in old:
            changes.append(Change(section, label, "added"))
        elif key not in new:
            changes.append(Change(section, label, "removed"))
        else:
            fields = _field_changes(old[key], new[key], skip)
            if fields:
                changes.append(Change(section, label, "changed", tuple(fields)))
    return changes


def _responsibilities(pb: Playbook) -> dict[str, set[tuple[str, str]]]:
    held: dict[str, set[tuple[str, str]]] = {role: set() for role in pb.roles}
    for _, _, task in pb.tasks():
        for letter, role in task.raci.letters():
            held.setdefault(role, set()).add((task.id, letter))
    return held


_OPERATORS = {">=": "≥", "<=": "≤", "==": "="}


def _bound(criterion: Criterion) -> str:
    """``≥ 0.75`` for a criterion (Unicode signs: ``>`` would be escaped in Markdown)."""
    sign = _OPERATORS.get(criterion.operator, criterion.operator)
    if criterion.param is not None:
        return f"{sign} {criterion.param}"
    return f"{sign} {criterion.quantity}"


def _criteria_changes(old: Playbook, new: Playbook) -> list[Change]:
    changes = []
    for gid in sorted(set(old.gates) & set(new.gates)):
        before = {c.metric: c for c in old.gates[gid].criteria}
        after = {c.metric: c for c in new.gates[gid].criteria}
        details = []
        for metric in sorted(set(before) | set(after)):
            b, a = before.get(metric), after.get(metric)
            if b is None and a is not None:
                details.append(f"added: {metric} {_bound(a)}")
            elif a is None and b is not None:
                details.append(f"removed: {metric} {_bound(b)}")
            elif a is not None and b is not None and _bound(a) != _bound(b):
                details.append(f"{metric}: {_bound(b)} → {_bound(a)}")
        if details:
            label = f"{new.gates[gid].name} ({gid})"
            changes.append(Change("Gate criteria", label, "changed", tuple(details)))
    return changes


def _moved_tasks(old: Playbook, new: Playbook) -> list[Change]:
    """Tasks that moved to another phase or sub-phase."""
    before = {t.id: (p.id, s.id) for p, s, t in old.tasks()}
    changes = []
    for phase, sub, task in new.tasks():
        was = before.get(task.id)
        if was is not None and was != (phase.id, sub.id):
            detail = f"moved: {was[0]} / {was[1]} → {phase.id} / {sub.id}"
            changes.append(Change("Tasks", f"{task.name} ({task.id})", "changed", (detail,)))
    return changes


def _param_text(param: Param | None) -> str:
    if param is None:
        return "none"
    parts = [str(param.value)] if param.value is not None else []
    parts += [f"{key}: {value}" for key, value in param.values]
    return "; ".join(parts)


def _parameter_changes(old: Playbook, new: Playbook, docs: Mapping[str, str]) -> list[Change]:
    """Parameters added, removed or given a new value, with the pages that show them."""
    before, after = parameters(old), parameters(new)
    cited_before, cited_after = citations(old, docs), citations(new, docs)
    changes = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a is not None and b is not None and _param_text(a) == _param_text(b):
            continue
        kind = "added" if a is None else "removed" if b is None else "changed"
        current = b or a
        assert current is not None
        pages = {links.PARAMETERS, *cited_before.get(name, []), *cited_after.get(name, [])}
        if current.area == "gates":
            pages.add(links.GATES)
        elif current.area == "use_cases":
            pages.add(links.use_case_page(name.split(".")[1]))
        details = [f"value {_param_text(a)} → {_param_text(b)}"] if kind == "changed" else []
        details.append("pages affected: " + ", ".join(sorted(pages)))
        changes.append(
            Change("Policy parameters", f"{current.label} ({name})", kind, tuple(details))
        )
    return changes


def diff_playbooks(
    old: Playbook, new: Playbook, docs: Mapping[str, str] | None = None
) -> list[Change]:
    """Every change from ``old`` to ``new`` that a reviewer should see.

    ``docs`` (hand-written pages, source URI to Markdown) lets a changed parameter list the
    chapters that cite it among the pages it affects.
    """
    changes: list[Change] = []
    old_held, new_held = _responsibilities(old), _responsibilities(new)
    names = {
        **{t.id: t.name for _, _, t in old.tasks()},
        **{t.id: t.name for _, _, t in new.tasks()},
    }
    for role in sorted(set(old_held) | set(new_held)):
        role_name = (new.roles.get(role) or old.roles[role]).name
        before, after = old_held.get(role, set()), new_held.get(role, set())
        gained = sorted(after - before)
        lost = sorted(before - after)
        if gained:
            changes.append(
                Change(
                    "Responsibilities",
                    f"{role_name} ({role})",
                    "gained",
                    tuple(f"{letter} on {names[t]} ({t})" for t, letter in gained),
                )
            )
        if lost:
            changes.append(
                Change(
                    "Responsibilities",
                    f"{role_name} ({role})",
                    "lost",
                    tuple(f"{letter} on {names[t]} ({t})" for t, letter in lost),
                )
            )
    meta = _field_changes(old.meta, new.meta)
    if meta:
        changes.append(Change("Playbook", new.meta.title, "changed", tuple(meta)))
    changes += _records(
        "Phases",
        {p.id: p for p in old.phases},
        {p.id: p for p in new.phases},
        skip=("sub_phases",),
    )
    old_tasks = {t.id: t for _, _, t in old.tasks()}
    new_tasks = {t.id: t for _, _, t in new.tasks()}
    changes += _records("Tasks", old_tasks, new_tasks, skip=("raci",))
    changes += _moved_tasks(old, new)
    changes += _records("Roles", old.roles, new.roles)
    changes += _records("Gates", old.gates, new.gates, skip=("criteria",))
    changes += _criteria_changes(old, new)
    changes += _parameter_changes(old, new, docs or {})
    changes += _records("Tools", old.tools, new.tools)
    changes += _records("Controls", old.controls, new.controls, name="title")
    changes += _records("Use cases", old.use_cases, new.use_cases, name="title")
    changes += _records("Components", old.components, new.components)
    changes += _records("Evaluations", old.evaluations, new.evaluations, name="title")
    for cid in sorted(set(old.capabilities) & set(new.capabilities)):
        a, b = old.capabilities[cid], new.capabilities[cid]
        if (a.current, a.target) != (b.current, b.target):
            changes.append(
                Change(
                    "Maturity",
                    f"{b.name} ({cid})",
                    "changed",
                    (f"current {a.current} → {b.current}, target {a.target} → {b.target}",),
                )
            )
    changes += [
        c
        for c in _records(
            "Capabilities", old.capabilities, new.capabilities, skip=("current", "target")
        )
        if c.kind != "changed" or c.details
    ]
    return changes


SECTIONS = (
    "Playbook",
    "Responsibilities",
    "Roles",
    "Phases",
    "Tasks",
    "Gates",
    "Gate criteria",
    "Policy parameters",
    "Tools",
    "Controls",
    "Use cases",
    "Components",
    "Maturity",
    "Capabilities",
    "Evaluations",
)


def _code(value: str) -> str:
    """``value`` as a Markdown code span (no escaping applies inside one)."""
    return "`" + value.replace("`", "'") + "`"


def render_changes(changes: list[Change], base: str, head: str) -> str:
    """The Markdown report for a pull request."""
    lines = [f"## Playbook data changes: {_code(base)} → {_code(head)}", ""]
    if not changes:
        lines.append("No change to the playbook data.")
        return "\n".join(lines) + "\n"
    counts = {s: sum(1 for c in changes if c.section == s) for s in SECTIONS}
    lines.append(
        "Changed: " + ", ".join(f"{s.lower()} ({n})" for s, n in counts.items() if n) + "."
    )
    for section in SECTIONS:
        entries = [c for c in changes if c.section == section]
        if not entries:
            continue
        lines += ["", f"### {section}", ""]
        for change in entries:
            verb = {"gained": "now holds", "lost": "no longer holds"}.get(change.kind, change.kind)
            lines.append(f"- **{text(change.record)}** {verb}")
            lines += [f"    - {text(d)}" for d in change.details]
    return "\n".join(lines) + "\n"
