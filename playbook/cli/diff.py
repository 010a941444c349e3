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

from playbook.data import kinds
from playbook.data.inventory import model_facts
from playbook.data.loader import data_files
from playbook.data.params import Param, parameters
from playbook.data.sourcemap import load_yaml
from playbook.render import links
from playbook.render.markdown import text
from playbook.render.parameters import citations
from playbook.safety import shorten

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from pydantic import BaseModel

    from playbook.data.model import (
        CapabilityGap,
        Criterion,
        Gate,
        Playbook,
        RegisteredModel,
        Task,
    )


class RevisionError(Exception):
    """A git revision could not be read (not a repository, unknown revision, no data)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One change: a section, the record, what happened and the details.

    ``files`` are the data files the change is in, and ``pages`` the source URIs of the
    generated pages it affects (from the kind registry's pages).
    """

    section: str
    record: str
    kind: str  # "added", "removed", "changed", "gained", "lost"
    details: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()


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
        try:
            tar.extractall(into, filter="data")
        except tarfile.FilterError as exc:
            # A link out of the folder (to /etc/passwd, say): refused, and never read.
            name = shorten(exc.tarinfo.name)
            raise RevisionError(
                f"revision '{shorten(revision)}': '{name}' is a link leading out of the data "
                "folder or a special file: refused"
            ) from None
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


def _field_changes(old: BaseModel, new: BaseModel, skip: Collection[str] = ()) -> list[str]:
    """``field: before → after`` for each field that differs (see :func:`_value_changes`)."""
    a = old.model_dump(mode="json", by_alias=True)
    b = new.model_dump(mode="json", by_alias=True)
    out = []
    for key in sorted(set(a) | set(b)):
        if key in skip or key == "id":
            continue
        out += _value_changes(key, a.get(key), b.get(key))
    return out


def _value_changes(path: str, before: Any, after: Any) -> list[str]:
    """``path: before → after`` when the values differ.

    A value short enough to read on one line is shown whole (cut to the part that changed when
    long); a longer mapping, or list of the same length, is compared item by item, so a change
    deep in a big record reads ``areas.monitoring.parameters.psi_alert.value: 0.25 → 0.3``.
    """
    if before == after:
        return []
    flat_before, flat_after = _flat(before), _flat(after)
    long = len(flat_before) + len(flat_after) > 2 * _WIDTH
    if long and isinstance(before, dict) and isinstance(after, dict):
        keys = [*before, *(k for k in after if k not in before)]
        return [
            line
            for key in keys
            for line in _value_changes(f"{path}.{key}", before.get(key), after.get(key))
        ]
    if long and isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            line
            for index, (x, y) in enumerate(zip(before, after, strict=True))
            for line in _value_changes(f"{path}[{index}]", x, y)
        ]
    shown_before, shown_after = _excerpts(flat_before, flat_after)
    return [f"{path}: {shown_before} → {shown_after}"]


# --------------------------------------------------------------------------------------------
# Where a change shows
# --------------------------------------------------------------------------------------------


def affected_pages(kind: kinds.Kind, record_id: str, where: kinds.Located) -> tuple[str, ...]:
    """The generated pages that show a record: its own page, and the pages of its kind and of
    its ancestors' kinds (a per-record page only for the record or ancestor itself)."""
    pages: set[str] = set()
    target = kinds.page_of(kind, where, record_id)
    if target is not None:
        pages.add(target[0])
    if kind.count and kind.count_page:
        pages.add(kind.count_page)
    lineage = [(kind, record_id)]
    current = kind
    while current.within is not None:
        current = kinds.get(current.within)
        lineage.append((current, where.ancestors[current.name]))
    for each, each_id in lineage:
        for spec in each.pages:
            pages.add(spec.uri.format(id=each_id) if spec.per_record else spec.uri)
    return tuple(sorted(pages))


# --------------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------------


def _label(kind: kinds.Kind, record: Any, record_id: str) -> str:
    if kind.single:
        return kinds.label_of(kind, record, kind.title)
    return f"{kinds.label_of(kind, record, record_id)} ({record_id})"


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


def _criteria_details(old: Gate, new: Gate) -> list[str]:
    """The criteria of a gate added, removed or changed, by metric."""
    before = {c.metric: c for c in old.criteria}
    after = {c.metric: c for c in new.criteria}
    details = []
    for metric in sorted(set(before) | set(after)):
        b, a = before.get(metric), after.get(metric)
        if b is None and a is not None:
            details.append(f"added: {metric} {_bound(a)}")
        elif a is None and b is not None:
            details.append(f"removed: {metric} {_bound(b)}")
        elif a is not None and b is not None:
            if _bound(a) != _bound(b):
                details.append(f"{metric}: {_bound(b)} → {_bound(a)}")
            if a.note != b.note:
                details.append(f"{metric}: note {_flat(b.note)} → {_flat(a.note)}")
    return details


@dataclass(frozen=True, slots=True)
class Summary:
    """A readable view of some fields of a kind, reported in a section of its own.

    ``details(old, new)`` returns the lines to show for a record present on both sides; when it
    returns any, the record's own field-by-field change leaves out ``fields``.
    """

    section: str
    kind: str
    fields: tuple[str, ...]
    details: Callable[[Any, Any], list[str]]


def _maturity(old: CapabilityGap, new: CapabilityGap) -> list[str]:
    if (old.current, old.target) == (new.current, new.target):
        return []
    return [f"current {old.current} → {new.current}, target {old.target} → {new.target}"]


def _letters(old: Task, new: Task) -> list[str]:
    """Non-empty when the task's RACI letters differ (Responsibilities reports those)."""
    return ["letters"] if set(old.raci.letters()) != set(new.raci.letters()) else []


def _champions(old: RegisteredModel, new: RegisteredModel) -> list[str]:
    """A registered model's champion and challenger, their validation and open findings."""
    a, b = model_facts(old), model_facts(new)
    keys = [k for k in dict.fromkeys([*a, *b]) if k.startswith(("champion", "challenger", "open"))]
    return [
        f"{k}: {a.get(k, '(none)')} → {b.get(k, '(none)')}" for k in keys if a.get(k) != b.get(k)
    ]


#: The readable summaries, each reported under its section after its kind's section. The
#: RACI of tasks is summarised per role in "Responsibilities" (see :func:`_responsibility`).
SUMMARIES = (
    Summary("Gate criteria", "gate", ("criteria",), _criteria_details),
    Summary("Maturity", "capability", ("current", "target"), _maturity),
    Summary("Champions and validation", "model", ("aliases", "versions"), _champions),
)
_RACI = Summary("Responsibilities", "task", ("raci",), _letters)


def _kind_changes(old: Playbook, new: Playbook, kind: kinds.Kind) -> list[Change]:
    """Records of ``kind`` added, removed, moved or changed, with the summaries of its fields."""
    summaries = [s for s in (*SUMMARIES, _RACI) if s.kind == kind.name]
    nested = {child.key for child in kinds.children(kind.name)}
    before, after = kinds.index(old, kind), kinds.index(new, kind)
    changes: list[Change] = []
    for record_id in sorted(set(before) | set(after)):
        b, a = before.get(record_id), after.get(record_id)
        where = a or b
        assert where is not None
        label = _label(kind, where.record, record_id)
        pages = affected_pages(kind, record_id, where)
        files = tuple(sorted({w.file for w in (b, a) if w is not None}))
        if b is None or a is None:
            verb = "added" if b is None else "removed"
            changes.append(Change(kind.title, label, verb, (), files, pages))
            continue
        skip = set(nested)
        for summary in summaries:
            details = summary.details(b.record, a.record)
            if details:
                skip.update(summary.fields)
                if summary is not _RACI:
                    changes.append(
                        Change(summary.section, label, "changed", tuple(details), files, pages)
                    )
        details = _field_changes(b.record, a.record, skip)
        if b.ancestors != a.ancestors:
            was, now = " / ".join(b.ancestors.values()), " / ".join(a.ancestors.values())
            details.insert(0, f"moved: {was} → {now}")
        if details:
            changes.append(Change(kind.title, label, "changed", tuple(details), files, pages))
    return changes


def _responsibility_changes(old: Playbook, new: Playbook) -> list[Change]:
    """Responsibilities gained and lost, per role."""
    changes: list[Change] = []
    old_held, new_held = _responsibilities(old), _responsibilities(new)
    tasks = {**kinds.index(old, "task"), **kinds.index(new, "task")}
    roles = kinds.get("role")
    for role in sorted(set(old_held) | set(new_held)):
        found = kinds.index(new, roles).get(role) or kinds.index(old, roles).get(role)
        label = f"{found.record.name if found else role} ({role})"
        before, after = old_held.get(role, set()), new_held.get(role, set())
        for verb, held in (("gained", sorted(after - before)), ("lost", sorted(before - after))):
            if not held:
                continue
            where = [tasks[t] for t, _ in held]
            pages = {p for t, _ in held for p in affected_pages(kinds.get("task"), t, tasks[t])}
            if found is not None:
                pages |= set(affected_pages(roles, role, found))
            changes.append(
                Change(
                    "Responsibilities",
                    label,
                    verb,
                    tuple(f"{letter} on {tasks[t].record.name} ({t})" for t, letter in held),
                    tuple(sorted({w.file for w in where})),
                    tuple(sorted(pages)),
                )
            )
    return changes


#: The section of the policy parameters' summary (the policy kind's own section).
PARAMETERS = "Policy parameters"


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
        files = tuple(sorted({f"data/{p.file.removeprefix('data/')}" for p in (a, b) if p}))
        label = f"{current.label} ({name})"
        changes.append(Change(PARAMETERS, label, kind, tuple(details), files, tuple(sorted(pages))))
    return changes


#: The section of a file-by-file comparison (:func:`raw_changes`).
DATA_FILES = "Data files, key by key"


def _leaf_changes(path: str, before: Any, after: Any) -> list[str]:
    """``path: before → after`` for every leaf that differs, mappings followed key by key and
    lists of equal length item by item (a list that grew or shrank is shown whole)."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [*before, *(k for k in after if k not in before)]
        return [
            line
            for key in keys
            for line in _leaf_changes(
                f"{path}.{key}" if path else str(key), before.get(key), after.get(key)
            )
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            line
            for index, (x, y) in enumerate(zip(before, after, strict=True))
            for line in _leaf_changes(f"{path}[{index}]", x, y)
        ]
    shown_before, shown_after = _excerpts(_flat(before), _flat(after))
    return [f"{path or '(whole file)'}: {shown_before} → {shown_after}"]


def _plain_data(folder: Path) -> dict[str, Any]:
    """Each data file under ``folder`` (schemas aside) as parsed YAML, by its ``data/`` path."""
    found = {}
    for path in data_files(folder):
        relative = path.relative_to(folder).as_posix()
        if not relative.startswith("schema/"):
            found[f"data/{relative}"] = load_yaml(path, f"data/{relative}").data
    return found


def raw_changes(old_dir: Path, new_dir: Path) -> list[Change]:
    """Every change between two data folders read as plain YAML: file by file, key by key.

    This is the comparison when one side does not load with the current model (a base written
    for an older shape of the data): no change is left out, though none is summarised.
    """
    old, new = _plain_data(old_dir), _plain_data(new_dir)
    changes = []
    for file in sorted(set(old) | set(new)):
        if file not in old:
            changes.append(Change(DATA_FILES, file, "added", (), (file,)))
        elif file not in new:
            changes.append(Change(DATA_FILES, file, "removed", (), (file,)))
        elif old[file] != new[file]:
            details = tuple(_leaf_changes("", old[file], new[file]))
            changes.append(Change(DATA_FILES, file, "changed", details, (file,)))
    return changes


def sections() -> list[str]:
    """The report's sections in order: each kind's (registry order), with its summaries after
    it; responsibilities right after the first kind (the playbook's own settings)."""
    out: list[str] = []
    for index, kind in enumerate(kinds.KINDS):
        out.append(kind.title)
        if index == 0:
            out.append(_RACI.section)
        out += [s.section for s in SUMMARIES if s.kind == kind.name]
    return [*out, *([PARAMETERS] if PARAMETERS not in out else []), DATA_FILES]


def diff_playbooks(
    old: Playbook, new: Playbook, docs: Mapping[str, str] | None = None
) -> list[Change]:
    """Every change from ``old`` to ``new``, in report order: every field of every record of
    every kind in the registry, and the readable summaries.

    ``docs`` (hand-written pages, source URI to Markdown) lets a changed parameter list the
    chapters that cite it among the pages it affects.
    """
    changes = _responsibility_changes(old, new)
    changes += _parameter_changes(old, new, docs or {})
    for kind in kinds.KINDS:
        changes += _kind_changes(old, new, kind)
    order = {section: i for i, section in enumerate(sections())}
    return sorted(changes, key=lambda c: order.get(c.section, len(order)))


def _pages_block(changes: list[Change]) -> list[str]:
    """A folded list of the generated pages the changes affect, each with what changes it."""
    by_page: dict[str, list[str]] = {}
    for change in changes:
        for page in change.pages:
            entry = f"{change.section.lower()}: {change.record}"
            if entry not in by_page.setdefault(page, []):
                by_page[page].append(entry)
    if not by_page:
        return []
    lines = ["", f"<details><summary>Pages affected ({len(by_page)})</summary>", ""]
    for page in sorted(by_page):
        lines.append(f"- {_code(page)}: " + "; ".join(text(e) for e in by_page[page]))
    return [*lines, "", "</details>"]


def _code(value: str) -> str:
    """``value`` as a Markdown code span (no escaping applies inside one)."""
    return "`" + value.replace("`", "'") + "`"


def render_changes(changes: list[Change], base: str, head: str, note: str | None = None) -> str:
    """The Markdown report for a pull request; ``note`` is said first, when given."""
    lines = [f"## Playbook data changes: {_code(base)} → {_code(head)}", ""]
    if note:
        lines += [f"> {text(note)}", ""]
    if not changes:
        lines.append("No change to the playbook data.")
        return "\n".join(lines) + "\n"
    counts = {s: sum(1 for c in changes if c.section == s) for s in sections()}
    lines.append(
        "Changed: " + ", ".join(f"{s.lower()} ({n})" for s, n in counts.items() if n) + "."
    )
    lines += _pages_block(changes)
    for section in sections():
        entries = [c for c in changes if c.section == section]
        if not entries:
            continue
        lines += ["", f"### {section}", ""]
        for change in entries:
            verb = {"gained": "now holds", "lost": "no longer holds"}.get(change.kind, change.kind)
            lines.append(f"- **{text(change.record)}** {verb}")
            lines += [f"    - {text(d)}" for d in change.details]
    return "\n".join(lines) + "\n"
