"""Cross-reference and rule checks over a shape-valid playbook.

Each ``check_*`` function returns a list of :class:`Issue`; :func:`check_playbook` runs them
all. Locations are key paths inside the data file that holds the record, so every issue points
at ``data/FILE.yaml:LINE:COL``.

A check in a module of its own takes its :class:`~playbook.data.locator.Locator` from
:mod:`playbook.data.locator`, never from here: this module imports every check, and the
import-linter contract in ``make lint`` forbids the cycle.
"""

from __future__ import annotations

import enum
import functools
import re
import types
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from playbook.data import kinds
from playbook.data.inventory_checks import check_inventory
from playbook.data.issues import suggest
from playbook.data.locator import Locator
from playbook.data.model import TASK_KINDS, Ref
from playbook.data.params import check_parameters
from playbook.data.profiles import check_profile
from playbook.data.source_checks import check_sources
from playbook.data.tier_checks import check_tiering
from playbook.data.tool_checks import check_tool_fallbacks
from playbook.data.workload import role_workloads

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    from playbook.data.issues import Issue
    from playbook.data.model import IndependenceRule, Playbook, Task
    from playbook.data.sourcemap import Loc, SourceMap

PLACEHOLDER = re.compile(r"\b(TBD|TODO|FIXME|lorem ipsum|XXX)\b", re.IGNORECASE)


def _ref(
    where: Locator,
    file: str,
    loc: Loc,
    kind: str,
    value: str,
    known: Collection[str],
) -> list[Issue]:
    """An 'unknown <kind>' issue when ``value`` is not among ``known``."""
    if value in known:  # a dict view or a set: constant time
        return []
    candidates = sorted(known)
    return [
        where.issue(
            file, loc, "unknown-ref", f"unknown {kind} '{value}'{suggest(value, candidates)}"
        )
    ]


def _refs(
    where: Locator, file: str, loc: Loc, kind: str, values: Iterable[str], known: Collection[str]
) -> list[Issue]:
    found: list[Issue] = []
    for index, value in enumerate(values):
        found += _ref(where, file, (*loc, index), kind, value, known)
    return found


# --------------------------------------------------------------------------------------------
# Identity
# --------------------------------------------------------------------------------------------


def check_unique_ids(pb: Playbook, where: Locator) -> list[Issue]:
    """Ids of nested records (sub-phases, tasks) and phase orders are unique playbook-wide.

    Nested kinds come from the registry: a record's id must not repeat anywhere among the
    records of its kind, whichever parent holds them. Ids of top-level records are mapping keys
    (unique by construction) or, for a record per file, checked by the loader, which needs them
    unique to assemble.
    """
    found: list[Issue] = []
    seen_order: dict[int, str] = {}
    for phase in pb.phases:
        if phase.order in seen_order:
            found.append(
                where.issue(
                    where.file_of("phase", phase.id),
                    ("order",),
                    "duplicate-id",
                    f"phase order {phase.order} is also used by phase '{seen_order[phase.order]}'",
                )
            )
        seen_order.setdefault(phase.order, phase.id)
    for kind in kinds.KINDS:
        if kind.within is None:
            continue
        top = kinds.get(kind.within)
        while top.within is not None:
            top = kinds.get(top.within)
        seen: dict[str, str] = {}
        for record_id, located in kinds.locate(pb, kind):
            holder = located.ancestors[top.name]
            if record_id in seen:
                message = (
                    f"{kind.noun} id '{record_id}' is also used in {top.noun} '{seen[record_id]}'"
                )
                found.append(where.issue(located.file, located.loc, "duplicate-id", message))
            seen.setdefault(record_id, holder)
    return found


# --------------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------------


def check_references(pb: Playbook, where: Locator) -> list[Issue]:
    """Every id a record refers to exists, with a suggestion for near misses.

    A reference is a field (or mapping key) marked ``Ref("kind")`` in the model; every record
    of every top-level kind in the registry is walked, nested records included.
    """
    known: dict[str, Collection[str]] = {}

    def ids(kind: str) -> Collection[str]:
        if kind not in known:
            known[kind] = kinds.index(pb, kind).keys()
        return known[kind]

    found: list[Issue] = []
    for kind in kinds.top_level():
        for _, located in kinds.locate(pb, kind):
            for loc, ref, value in _references(located.record, located.loc):
                found += _ref(
                    where, located.file, loc, ref.kind.replace("_", " "), value, ids(ref.kind)
                )
    meta = where.file_of("playbook.yaml")
    data_files = {f.removeprefix("data/") for f in pb.files.values()}
    for name in pb.meta.file_owners:
        found += _ref(where, meta, ("file_owners", name), "data file", name, data_files)
    return found


def _references(record: BaseModel, loc: Loc) -> Iterable[tuple[Loc, Ref, str]]:
    """Every (key path, marker, id) of a ``Ref``-marked value in ``record``, nested ones too."""
    for name, key, annotation, metadata in _fields_to_walk(type(record)):
        value = getattr(record, name)
        yield from _walk(value, annotation, metadata, (*loc, key))


@functools.cache
def _fields_to_walk(model: type[BaseModel]) -> tuple[tuple[str, str, Any, list[Any]], ...]:
    """The fields of ``model`` that may hold a reference: (name, key in the data, annotation,
    metadata). Fields of plain values (text, numbers, dates, literals and lists or maps of
    them) with no ``Ref`` marker are left out: most of a record, walked once per record."""
    return tuple(
        (name, info.alias or name, info.annotation, info.metadata)
        for name, info in model.model_fields.items()
        if not _plain_or_unknown(info.annotation, tuple(info.metadata))
    )


def _plain_or_unknown(annotation: Any, metadata: tuple[Any, ...]) -> bool:
    """:func:`_plain`, or False (walk it) when the annotation cannot be cached."""
    try:
        return _plain(annotation, metadata)
    except TypeError:  # unhashable metadata
        return False


#: Types whose values never hold a record or a reference (unless marked ``Ref``).
_PLAIN_TYPES = (str, int, float, bool, bytes, date, datetime, Decimal, enum.Enum)


@functools.cache
def _plain(annotation: Any, metadata: tuple[Any, ...] = ()) -> bool:
    """True when a value of ``annotation`` can hold neither a ``Ref``-marked value nor a record
    (which is walked by its own type, whatever the annotation says)."""
    annotation, marks = _unwrap(annotation, metadata)
    if any(isinstance(item, Ref) for item in marks):
        return False
    origin = get_origin(annotation)
    if origin is Literal or annotation is type(None):
        return True
    if origin in (Union, types.UnionType, list, dict, tuple, set, frozenset):
        return all(_plain(arg) for arg in get_args(annotation) if arg is not Ellipsis)
    return isinstance(annotation, type) and issubclass(annotation, _PLAIN_TYPES)


def _unwrap(annotation: Any, metadata: Sequence[Any] = ()) -> tuple[Any, Sequence[Any]]:
    """``annotation`` without its ``Annotated`` layers, and ``metadata`` with theirs added."""
    while get_origin(annotation) is Annotated:
        metadata = [*metadata, *annotation.__metadata__]
        annotation = get_args(annotation)[0]
    return annotation, metadata


def _base(annotation: Any) -> type:
    """The runtime type a value of ``annotation`` has (``list`` for ``list[X]``)."""
    annotation, _ = _unwrap(annotation)
    base = get_origin(annotation) or annotation
    return base if isinstance(base, type) else object


def _walk(
    value: Any, annotation: Any, metadata: Sequence[Any], loc: Loc
) -> Iterable[tuple[Loc, Ref, str]]:
    annotation, metadata = _unwrap(annotation, metadata)
    if value is None:
        return
    ref = next((item for item in metadata if isinstance(item, Ref)), None)
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        shaped = [a for a in options if isinstance(value, _base(a))]
        yield from _walk(value, (shaped or options)[0], metadata, loc)
    elif ref is not None and isinstance(value, str | int):
        yield loc, ref, str(value)
    elif isinstance(value, BaseModel):
        yield from _references(value, loc)
    elif origin is list and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, get_args(annotation)[0], [], (*loc, index))
    elif origin is dict and isinstance(value, dict):
        key_type, value_type = get_args(annotation)
        for key, item in value.items():
            yield from _walk(key, key_type, [], (*loc, key))
            yield from _walk(item, value_type, [], (*loc, key))


# --------------------------------------------------------------------------------------------
# RACI
# --------------------------------------------------------------------------------------------


def check_raci(pb: Playbook, where: Locator) -> list[Issue]:
    """Exactly one A, at least one R, one letter per role, S only in RASCI playbooks."""
    found: list[Issue] = []
    for _, _, task in pb.tasks():
        file, loc = where.task(task, "raci")
        accountable = task.raci.accountable
        if len(accountable) != 1:
            found.append(
                where.issue(
                    file,
                    (*loc, "A"),
                    "raci-accountable",
                    f"task '{task.id}' has {len(accountable)} Accountable roles "
                    f"({', '.join(accountable) or 'none'}); exactly one is required",
                )
            )
        if not task.raci.R:
            found.append(
                where.issue(
                    file,
                    loc,
                    "raci-responsible",
                    f"task '{task.id}' has no Responsible role; at least one is required",
                )
            )
        if task.raci.S and pb.meta.raci_letters == "RACI":
            found.append(
                where.issue(
                    file,
                    (*loc, "S"),
                    "raci-letter",
                    f"task '{task.id}' uses S (Support) but data/playbook.yaml sets "
                    "raci_letters: RACI; switch to RASCI or move these roles",
                )
            )
        held: dict[str, list[str]] = defaultdict(list)
        for letter, role in task.raci.letters():
            held[role].append(letter)
        for role, letters in sorted(held.items()):
            if len(letters) > 1:
                second = letters[1]
                found.append(
                    where.issue(
                        file,
                        (*loc, second),
                        "raci-multiple-letters",
                        f"role '{role}' holds {' and '.join(letters)} on task '{task.id}'; "
                        "a role holds at most one letter per task",
                    )
                )
    return found


def _subjects(
    rule: IndependenceRule, task: Task, pb: Playbook, approvers: Mapping[str, dict[str, str]]
) -> dict[str, str]:
    """The roles ``rule`` is about on ``task``, each with why it is one (for the message)."""
    found: dict[str, str] = {}
    if rule.subjects.gate_approvers:
        found.update(approvers.get(task.id, {}))
    lines = set(rule.subjects.lines)
    for role in pb.roles.values():
        if role.line_of_defence in lines:
            found[role.id] = f"line {role.line_of_defence}"
    for role_id in rule.subjects.roles:
        found[role_id] = ""
    return found


def _covers(rule: IndependenceRule, task: Task, gate_tasks: Collection[str]) -> bool:
    selector = rule.tasks
    if selector.kinds and task.kind not in selector.kinds:
        return False
    if task.kind in selector.except_kinds:
        return False
    return not selector.gate_reviews or task.id in gate_tasks


def _letter_loc(task: Task, letter: str, role: str) -> tuple[Any, ...]:
    """Key path of ``role`` under ``letter`` in the task's RACI (the list item when a list)."""
    value = task.raci.A if letter == "A" else getattr(task.raci, letter)
    if isinstance(value, str):
        return ("raci", letter)
    return ("raci", letter, value.index(role))


def check_task_kinds(pb: Playbook, where: Locator) -> list[Issue]:
    """Every task says what it is (``kind``): the independence rules select tasks by it."""
    found: list[Issue] = []
    for _, _, task in pb.tasks():
        if task.kind is None:
            file, loc = where.task(task)
            found.append(
                where.issue(
                    file,
                    loc,
                    "task-kind",
                    f"task '{task.id}' has no kind; add `kind:` (one of "
                    f"{', '.join(TASK_KINDS)}) so the independence rules can check it",
                )
            )
    return found


def check_independence(pb: Playbook, where: Locator) -> list[Issue]:
    """Every independence rule in data/playbook.yaml, by one engine.

    A rule selects tasks (by kind, or only gate reviews) and subjects (roles, lines of
    defence, or the approvers of the gates a task feeds), then either forbids letters
    (``never``) or requires one of them (``require``) on each covered task.
    """
    found: list[Issue] = []
    gate_tasks = {gate.task for gate in pb.gates.values()}
    approvers: dict[str, dict[str, str]] = defaultdict(dict)
    for _, _, task in pb.tasks():
        for gate_id in task.gates:
            gate = pb.gates.get(gate_id)
            if gate is None or gate.task == task.id:
                continue
            for role in gate.approvers:
                approvers[task.id].setdefault(role, f"approver of gate '{gate.id}'")
    for rule in pb.meta.rules.independence.values():
        for _, _, task in pb.tasks():
            if not _covers(rule, task, gate_tasks):
                continue
            subjects = _subjects(rule, task, pb, approvers)
            held = [(letter, role) for letter, role in task.raci.letters() if role in subjects]
            for letter, role in held:
                if letter not in rule.never:
                    continue
                why = f" ({subjects[role]})" if subjects[role] else ""
                file, loc = where.task(task, *_letter_loc(task, letter, role))
                found.append(
                    where.issue(
                        file,
                        loc,
                        "independence",
                        f"{rule.id}: role '{role}'{why} is {letter} on {task.kind} task "
                        f"'{task.id}'; {rule.statement}",
                    )
                )
            if rule.require and not any(letter in rule.require for letter, _ in held):
                file, loc = where.task(task, "raci")
                found.append(
                    where.issue(
                        file,
                        loc,
                        "independence",
                        f"{rule.id}: no {_describe(rule)} is {'/'.join(rule.require)} on "
                        f"{task.kind} task '{task.id}'; {rule.statement}",
                    )
                )
    return found


def _describe(rule: IndependenceRule) -> str:
    """The subjects of ``rule`` in words, e.g. "role 'model_validator' or line 2"."""
    parts = [f"role '{r}'" for r in rule.subjects.roles]
    parts += [f"line-{n} role" for n in rule.subjects.lines]
    if rule.subjects.gate_approvers:
        parts.append("gate approver")
    return " or ".join(parts)


def check_gates(pb: Playbook, where: Locator) -> list[Issue]:
    """A gate's approvers hold A or R on the gate's task; promotion flows name a gate."""
    found: list[Issue] = []
    index = pb.task_index()
    file = where.file_of("gates.yaml")
    for gate in pb.gates.values():
        if gate.task not in index:
            continue
        task = index[gate.task][2]
        for i, role in enumerate(gate.approvers):
            letters = task.raci.letters_of(role)
            if not {"A", "R"} & set(letters):
                found.append(
                    where.issue(
                        file,
                        ("gates", gate.id, "approvers", i),
                        "gate-approver",
                        f"approver '{role}' of gate '{gate.id}' holds "
                        f"{'/'.join(letters) or 'no letter'} on its task '{gate.task}'; "
                        "approvers must be A or R there",
                    )
                )
    arch = where.file_of("architecture.yaml")
    for flow in pb.flows.values():
        if flow.kind == "promotion" and flow.gate is None:
            found.append(
                where.issue(
                    arch,
                    ("flows", flow.id),
                    "promotion-gate",
                    f"promotion flow '{flow.id}' has no gate; every promotion must be gated",
                )
            )
    return found


# --------------------------------------------------------------------------------------------
# Scores and maturity
# --------------------------------------------------------------------------------------------


def check_scores(pb: Playbook, where: Locator) -> list[Issue]:
    """Weights sum to 100, every candidate scores every criterion from 1 to 5, target >= current."""
    found: list[Issue] = []
    file = where.file_of("tool_evaluation.yaml")
    total = sum(c.weight for c in pb.criteria.values())
    if total != 100:
        found.append(
            where.issue(
                file,
                ("criteria",),
                "weights",
                f"criteria weights sum to {total}, not 100 "
                f"({' + '.join(str(c.weight) for c in pb.criteria.values())})",
            )
        )
    for ev in pb.evaluations.values():
        for tool_id, cand in ev.candidates.items():
            loc = ("evaluations", ev.id, "candidates", tool_id, "scores")
            for crit, score in cand.scores.items():
                if not 1 <= score <= 5:
                    found.append(
                        where.issue(
                            file,
                            (*loc, crit),
                            "score-range",
                            f"score {score} for '{tool_id}' on '{crit}' is outside 1-5",
                        )
                    )
            missing = [c for c in pb.criteria if c not in cand.scores]
            if missing:
                found.append(
                    where.issue(
                        file,
                        loc,
                        "score-missing",
                        f"'{tool_id}' in evaluation '{ev.id}' has no score for: "
                        + ", ".join(missing),
                    )
                )
    file = where.file_of("gap_analysis.yaml")
    for cap in pb.capabilities.values():
        if cap.target < cap.current:
            found.append(
                where.issue(
                    file,
                    ("capabilities", cap.id, "target"),
                    "maturity",
                    f"capability '{cap.id}' has target {cap.target} below current {cap.current}",
                )
            )
    levels = sorted(pb.maturity_levels)
    if levels != [0, 1, 2, 3, 4]:
        found.append(
            where.issue(
                file,
                ("maturity_levels",),
                "maturity",
                f"maturity levels must be exactly 0-4, found {levels}",
            )
        )
    return found


# --------------------------------------------------------------------------------------------
# Warnings
# --------------------------------------------------------------------------------------------


def check_coverage(pb: Playbook, where: Locator) -> list[Issue]:
    """Warnings: idle or overloaded roles, unused tools, tasks without tools, placeholders."""
    found: list[Issue] = []
    roles_file = where.file_of("roles.yaml")
    tasks = [t for _, _, t in pb.tasks()]
    for role_id, load in role_workloads(pb).items():
        if load.flag == "idle":
            found.append(
                where.issue(
                    roles_file,
                    ("roles", role_id),
                    "role-idle",
                    f"role '{role_id}' is neither R nor A on any task",
                    "warning",
                )
            )
        elif load.flag == "overloaded":
            found.append(
                where.issue(
                    roles_file,
                    ("roles", role_id),
                    "role-overloaded",
                    f"role '{role_id}' is Accountable on {load.accountable} of {load.tasks} "
                    f"tasks ({load.share:.0%}), above the {load.limit:.0%} set in "
                    "data/playbook.yaml",
                    "warning",
                )
            )
    used = {tool for t in tasks for tool in t.tools}
    used |= {tool for uc in pb.use_cases.values() for step in uc.pipeline for tool in step.tools}
    tools_file = where.file_of("tools.yaml")
    for tool in pb.tools.values():
        if tool.id not in used:
            found.append(
                where.issue(
                    tools_file,
                    ("tools", tool.id),
                    "tool-unused",
                    f"tool '{tool.id}' is used by no task or use-case pipeline",
                    "warning",
                )
            )
    for task in tasks:
        if not task.tools:
            file, loc = where.task(task)
            found.append(
                where.issue(file, loc, "task-no-tool", f"task '{task.id}' lists no tool", "warning")
            )
    for file, source in sorted(where.sources.items()):
        if not PLACEHOLDER.search("\n".join(_texts(source.data))):
            continue  # one search per file; locate only where there is something to find
        for loc, text in _strings(source.data, ()):
            if PLACEHOLDER.search(text):
                found.append(
                    where.issue(
                        file,
                        loc,
                        "placeholder",
                        f"placeholder text to fill in: {text.strip()[:60]!r}",
                        "warning",
                    )
                )
    return found


def _texts(value: Any) -> Iterable[str]:
    """Every string in a YAML value (no locations: the cheap first pass of the search)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _strings(value: Any, loc: Loc) -> Iterable[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


CHECKS = (
    check_unique_ids,
    check_references,
    check_raci,
    check_task_kinds,
    check_independence,
    check_gates,
    check_scores,
    check_coverage,
    check_parameters,
    check_profile,
    check_inventory,
    check_sources,
    check_tiering,
    check_tool_fallbacks,
)


def check_playbook(pb: Playbook, sources: Mapping[str, SourceMap]) -> list[Issue]:
    """Run every check and return all issues found."""
    where = Locator(pb, sources)
    return [issue for check in CHECKS for issue in check(pb, where)]
