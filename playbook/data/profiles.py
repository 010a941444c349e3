"""Content profiles: the content bar a playbook declares it meets (``profile:`` in playbook.yaml).

The reference playbook declares ``profile: reference``: its quantities (roles, phases, tasks,
use-case depth, tools, architecture, gates, controls, cited regulations) are checked by
``playbook validate`` as located warnings, which ``--strict`` (CI) turns into failures; a
scaffolded entry (``playbook new``) is below the bar until filled in, as its ``TODO`` text is. A
fork that replaces the content removes the line (or
declares its own bar here) and is held only to the rules every playbook keeps.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sized

    from playbook.data.issues import Issue
    from playbook.data.locator import Locator
    from playbook.data.model import Playbook


CODE = "profile"
_SENTENCE_END = re.compile(r"[.!?](\s|$)")

#: Each use case's prose sections and the least characters each holds.
USE_CASE_PROSE = {
    "business_problem": 300,
    "value_hypothesis": 300,
    "model_approach": 300,
    "deployment": 300,
    "architecture": 300,
}
#: Each use case's lists and the least items each holds.
USE_CASE_LISTS = {
    "kpis": 4,
    "data_sources": 3,
    "features": 5,
    "pipeline": 6,
    "monitoring": 3,
    "retrain_triggers": 2,
    "risks": 3,
}
#: Regulations the reference playbook cites (ids in controls.yaml's sources).
REFERENCE_SOURCES = ("sr_26_2", "occ_2026_13", "reg_bi", "finra_2111", "nist_ai_rmf")


class _Bar:
    """Collects the shortfalls of one profile, each located in the file that falls short."""

    def __init__(self, pb: Playbook, where: Locator, name: str) -> None:
        self.pb = pb
        self.where = where
        self.name = name
        self.issues: list[Issue] = []

    def short(self, file: str, loc: tuple[str | int, ...], message: str) -> None:
        message = f"profile '{self.name}': {message}"
        self.issues.append(self.where.issue(file, loc, CODE, message, "warning"))

    def at_least(self, file: str, key: str, things: Sized, least: int, what: str) -> None:
        if len(things) < least:
            self.short(file, (key,), f"{len(things)} {what}, at least {least} expected")

    def covers(
        self, file: str, key: str, found: Collection[str], needed: set[str], what: str
    ) -> None:
        if missing := sorted(needed - set(found)):
            self.short(file, (key,), f"no {what} {', '.join(missing)}")


def check_reference(pb: Playbook, where: Locator) -> list[Issue]:
    """The reference playbook's content bar: quantities and depth of every part."""
    bar = _Bar(pb, where, "reference")
    meta, roles = where.file_of("playbook"), where.file_of("role")
    bar.at_least(roles, "roles", pb.roles, 12, "roles")
    lines = {str(r.line_of_defence) for r in pb.roles.values()}
    bar.covers(roles, "roles", lines, {"1", "2", "3"}, "role in line of defence")
    if len(pb.phases) != 8:
        bar.short(meta, ("profile",), f"{len(pb.phases)} lifecycle phases, 8 expected")
    sub_phases = [s for p in pb.phases for s in p.sub_phases.values()]
    bar.at_least(meta, "profile", sub_phases, 24, "sub-phases")
    tasks = [task for _, _, task in pb.tasks()]
    bar.at_least(meta, "profile", tasks, 100, "tasks")
    for task in tasks:
        sentences = len(_SENTENCE_END.findall(task.description.strip()))
        if len(task.description) < 150 or sentences < 2:
            bar.short(
                *where.task(task, "description"),
                f"task '{task.id}': description of {len(task.description)} characters and "
                f"{sentences} sentences, at least 150 and 2 expected",
            )
        for key in ("inputs", "outputs", "tools"):
            if not getattr(task, key):
                bar.short(*where.task(task), f"task '{task.id}' lists no {key}")
    _use_cases(bar)
    _technology(bar)
    _governance(bar)
    return bar.issues


def _use_cases(bar: _Bar) -> None:
    pb, where = bar.pb, bar.where
    meta = where.file_of("playbook")
    bar.at_least(meta, "profile", pb.use_cases, 6, "use cases")
    patterns = {u.deployment_pattern for u in pb.use_cases.values()}
    bar.at_least(meta, "profile", patterns, 3, "deployment patterns among the use cases")
    for uc in pb.use_cases.values():
        file = where.file_of("use_case", uc.id)
        for key, least in USE_CASE_PROSE.items():
            if len(getattr(uc, key)) < least:
                bar.short(
                    file,
                    (key,),
                    f"use case '{uc.id}': {key} of {len(getattr(uc, key))} characters, "
                    f"at least {least} expected",
                )
        for key, least in USE_CASE_LISTS.items():
            bar.at_least(file, key, getattr(uc, key), least, f"{key} in use case '{uc.id}'")


def _technology(bar: _Bar) -> None:
    pb, where = bar.pb, bar.where
    tools, architecture = where.file_of("tool"), where.file_of("component")
    bar.at_least(tools, "tools", pb.tools, 30, "tools")
    statuses = {t.status for t in pb.tools.values()}
    bar.covers(tools, "tools", statuses, {"adopt", "trial", "assess", "hold"}, "tool with status")
    bar.at_least(architecture, "components", pb.components, 12, "components")
    environments = {c.environment for c in pb.components.values()}
    bar.covers(architecture, "components", environments, {"dev", "staging", "prod"}, "component in")
    flow_kinds = {f.kind for f in pb.flows.values()}
    needed = {"promotion", "rollback", "feedback", "deployment"}
    bar.covers(architecture, "flows", flow_kinds, needed, "flow of kind")
    bar.at_least(where.file_of("capability"), "capabilities", pb.capabilities, 15, "capabilities")
    evaluation = where.file_of("evaluation")
    bar.at_least(evaluation, "criteria", pb.criteria, 8, "evaluation criteria")
    bar.at_least(evaluation, "evaluations", pb.evaluations, 2, "tool evaluations")
    for ev in pb.evaluations.values():
        if len(ev.candidates) < 3:
            bar.short(
                evaluation,
                ("evaluations", ev.id, "candidates"),
                f"evaluation '{ev.id}' compares {len(ev.candidates)} candidates, at least 3 "
                "expected",
            )


def _governance(bar: _Bar) -> None:
    pb, where = bar.pb, bar.where
    gates, controls = where.file_of("gate"), where.file_of("control")
    bar.at_least(gates, "gates", pb.gates, 8, "gates")
    for gate in pb.gates.values():
        if len(gate.criteria) < 2 or not gate.approvers:
            bar.short(
                gates,
                ("gates", gate.id),
                f"gate '{gate.id}' needs at least 2 criteria and an approver",
            )
    bar.at_least(controls, "controls", pb.controls, 20, "controls")
    for control in pb.controls.values():
        enforced = control.enforced_at
        if not (enforced.gates or enforced.tasks or enforced.components):
            bar.short(
                controls,
                ("controls", control.id, "enforced_at"),
                f"control '{control.id}' is enforced at no gate, task or component",
            )
    bar.covers(controls, "sources", pb.sources, set(REFERENCE_SOURCES), "source")


#: Profile name to its check. A fork adds its own bar here, or declares no profile.
PROFILES: dict[str, Callable[[Playbook, Locator], list[Issue]]] = {"reference": check_reference}


def check_profile(pb: Playbook, where: Locator, profile: str | None = "declared") -> list[Issue]:
    """The content bar of ``profile``: by default the one ``data/playbook.yaml`` declares.

    Args:
        pb: The playbook.
        where: Locates the issues.
        profile: A name in :data:`PROFILES`, None for no bar, or ``"declared"``.
    """
    name = pb.meta.profile if profile == "declared" else profile
    return PROFILES[name](pb, where) if name else []
