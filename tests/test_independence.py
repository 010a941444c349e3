"""The independence rule engine: the reference rules on the reference data, then fuzzed RACIs.

The fuzz tests give one task of the reference playbook a random kind, random gates and a random
RACI, run :func:`check_independence` and compare what it reports for that task with an oracle
written straight from the rules' definition in data/playbook.yaml: every violation is reported,
once, with nothing else, and a RACI repaired to comply reports nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from playbook.data.checks import Locator, check_independence
from playbook.data.loader import load_uncached
from playbook.data.model import TASK_KINDS, IndependenceRule, Playbook, Raci, Task
from tests.helpers import DATA

if TYPE_CHECKING:
    from collections.abc import Callable

    from playbook.data.loader import LoadResult

# The example count comes from the hypothesis profile (conftest.py): 80 in `make test` and CI,
# a few in `make test-fast`.
SETTINGS = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="module", name="reference")
def fixture_reference() -> LoadResult:
    result = load_uncached(DATA)
    assert result.playbook is not None, result.issues
    return result


def test_reference_rules_each_carry_reason_source_and_citation(reference: LoadResult) -> None:
    pb = reference.playbook
    assert pb is not None
    rules = pb.meta.rules.independence
    assert len(rules) >= 9
    for rule in rules.values():
        assert rule.source in pb.sources, rule.id
        assert len(rule.reason) > 80, rule.id
        assert len(rule.citation) > 20, rule.id
        # every rule selects something real: its roles exist and some task is covered
        assert set(rule.subjects.roles) <= set(pb.roles), rule.id
        assert any(_covered(pb, rule, t) for _, _, t in pb.tasks()), rule.id


def test_reference_data_breaks_no_rule_and_every_task_has_a_kind(reference: LoadResult) -> None:
    pb = reference.playbook
    assert pb is not None
    assert check_independence(pb, Locator(pb, reference.sources)) == []
    assert {t.kind for _, _, t in pb.tasks()} == set(TASK_KINDS)


# --------------------------------------------------------------------------------------------
# The oracle: the rules' meaning, read straight from their fields
# --------------------------------------------------------------------------------------------


def _covered(pb: Playbook, rule: IndependenceRule, task: Task) -> bool:
    sel = rule.tasks
    return (
        (not sel.kinds or task.kind in sel.kinds)
        and task.kind not in sel.except_kinds
        and (not sel.gate_reviews or any(g.task == task.id for g in pb.gates.values()))
    )


def _is_subject(pb: Playbook, rule: IndependenceRule, task: Task, role: str) -> bool:
    who = rule.subjects
    approves = any(
        role in pb.gates[g].approvers and pb.gates[g].task != task.id
        for g in task.gates
        if g in pb.gates
    )
    return (
        role in who.roles
        or pb.roles[role].line_of_defence in who.lines
        or (who.gate_approvers and approves)
    )


def _expected(pb: Playbook, task: Task) -> set[tuple[str, str, str]]:
    """(rule id, role or '', letter or '') for every breach on ``task``."""
    found: set[tuple[str, str, str]] = set()
    for rule in pb.meta.rules.independence.values():
        if not _covered(pb, rule, task):
            continue
        held = [(x, r) for x, r in task.raci.letters() if _is_subject(pb, rule, task, r)]
        found |= {(rule.id, r, x) for x, r in held if x in rule.never}
        if rule.require and not any(x in rule.require for x, _ in held):
            found.add((rule.id, "", ""))
    return found


_NEVER = re.compile(r"^(\w+): role '(\w+)'(?: \([^)]*\))? is ([RACIS]) on \w+ task '(\w+)';")
_REQUIRE = re.compile(r"^(\w+): no .* on \w+ task '(\w+)';")


def _reported(pb: Playbook, sources: Any, task: Task) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for issue in check_independence(pb, Locator(pb, sources)):
        if (m := _NEVER.match(issue.message)) and m.group(4) == task.id:
            found.append((m.group(1), m.group(2), m.group(3)))
        elif (m := _REQUIRE.match(issue.message)) and m.group(2) == task.id:
            found.append((m.group(1), "", ""))
    return found


def _with_task(pb: Playbook, task: Task) -> Playbook:
    """``pb`` with the task of the same id replaced by ``task``."""
    phases = []
    for phase in pb.phases:
        subs = {}
        for sub in phase.sub_phases.values():
            tasks = {tid: (task if tid == task.id else t) for tid, t in sub.tasks.items()}
            subs[sub.id] = sub.model_copy(update={"tasks": tasks})
        phases.append(phase.model_copy(update={"sub_phases": subs}))
    return pb.model_copy(update={"phases": phases})


@st.composite
def _random_task(draw: st.DrawFn, pb: Playbook) -> Task:
    """A reference task with a random kind, random gates and a random, one-letter-per-role RACI."""
    tasks = [t for _, _, t in pb.tasks()]
    # gate review tasks are drawn often: the gate-approver subjects leave out a task's own gate
    gate_tasks = [t for t in tasks if any(g.task == t.id for g in pb.gates.values())]
    base = draw(st.one_of(st.sampled_from(gate_tasks), st.sampled_from(tasks)))
    own = [g.id for g in pb.gates.values() if g.task == base.id]
    roles = draw(st.permutations(sorted(pb.roles)))
    cut = sorted(draw(st.lists(st.integers(1, len(roles)), min_size=3, max_size=3)))
    accountable, responsible = roles[0], list(roles[1 : cut[0] + 1])
    consulted, informed = list(roles[cut[0] + 1 : cut[1] + 1]), list(roles[cut[1] + 1 : cut[2]])
    raci = Raci(R=responsible, A=accountable, C=consulted, I=informed)
    return base.model_copy(
        update={
            "kind": draw(st.sampled_from(sorted(TASK_KINDS))),
            "gates": sorted(
                set(draw(st.lists(st.sampled_from(sorted(pb.gates)), max_size=3)))
                | set(own if draw(st.booleans()) else [])
            ),
            "raci": raci,
        }
    )


def _repaired(pb: Playbook, task: Task) -> Task:
    """``task`` with every forbidden letter dropped and every required letter supplied."""
    rules = list(pb.meta.rules.independence.values())

    def allowed(letter: str, role: str) -> bool:
        return not any(
            _covered(pb, r, task) and _is_subject(pb, r, task, role) and letter in r.never
            for r in rules
        )

    letters: dict[str, list[str]] = {x: [] for x in "RACI"}
    for letter, role in task.raci.letters():
        if allowed(letter, role):
            letters[letter].append(role)
    fixed = task.model_copy(update={"raci": Raci(**letters)})  # type: ignore[arg-type]
    for rule in rules:
        if _covered(pb, rule, fixed) and (rule.id, "", "") in _expected(pb, fixed):
            held = {r for _, r in fixed.raci.letters()}
            role = next(
                (
                    r
                    for r in sorted(pb.roles)
                    if r not in held
                    and _is_subject(pb, rule, fixed, r)
                    and any(allowed(x, r) for x in rule.require if x != "A")
                ),
                None,
            )
            # Rules can contradict on odd kinds (a gate review of kind `audit` needs a second-line
            # R or A that the audit rule forbids): no compliant RACI exists, so skip the example.
            assume(role is not None)
            assert role is not None
            letter = next(x for x in rule.require if x != "A" and allowed(x, role))
            letters[letter].append(role)
            fixed = fixed.model_copy(update={"raci": Raci(**letters)})  # type: ignore[arg-type]
    return fixed


def _for_random_tasks(reference: LoadResult, check: Callable[[Playbook, Task], None]) -> None:
    """Run ``check(pb, task)`` on random variations of reference tasks."""
    pb = reference.playbook
    assert pb is not None
    SETTINGS(given(_random_task(pb))(lambda task: check(pb, task)))()


def test_fuzzed_raci_reports_every_breach_and_nothing_else(reference: LoadResult) -> None:
    def check(pb: Playbook, task: Task) -> None:
        changed = _with_task(pb, task)
        reported = _reported(changed, reference.sources, task)
        assert sorted(reported) == sorted(_expected(changed, task))

    _for_random_tasks(reference, check)


def test_fuzzed_raci_repaired_to_comply_reports_nothing(reference: LoadResult) -> None:
    def check(pb: Playbook, task: Task) -> None:
        fixed = _repaired(pb, task)
        changed = _with_task(pb, fixed)
        assert _expected(changed, fixed) == set()
        assert _reported(changed, reference.sources, fixed) == []

    _for_random_tasks(reference, check)
