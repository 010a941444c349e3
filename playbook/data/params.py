"""The policy parameters: every governed number, defined once, under one dotted name.

Three kinds of record define parameters, and this module gathers them into one registry:

- ``data/policy.yaml``: firm-wide values, ``<area>.<id>`` (``monitoring.psi_alert``);
- a gate criterion with an ``id``: ``gates.<gate>.<id>``, valued at its threshold;
- a use case's KPI with an ``id`` and its value case: ``use_cases.<use case>.<id>``.

Chapters cite a parameter with the ``param`` macro and data text with a ``[[param:NAME]]``
placeholder (:data:`PLACEHOLDER`), so changing the value in its one place changes every page.
Value cases are computed here from their inputs, and checked against the intake rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from playbook.data.issues import suggest
from playbook.data.quantity import Quantity, significant

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from playbook.data.issues import Issue
    from playbook.data.model import Playbook, UseCase
    from playbook.data.sourcemap import Loc

#: A placeholder in data text: ``[[param:monitoring.psi_alert]]``, with an optional scope
#: (``[[param:deployment.challenger_period|aml_suspicious_activity]]``), or a deliberate
#: literal ``[[literal:6 years]]`` the number lint leaves alone. The renderer replaces both
#: with plain, escaped text; data never reaches Jinja.
PLACEHOLDER = re.compile(r"\[\[(param|literal):([^\[\]|]{1,120})(?:\|([^\[\]]{1,64}))?\]\]")
#: A ``param`` or ``param_table`` macro call in a hand-written page, and its first argument.
MACRO_CALL = re.compile(r"""\bparam(?:_table)?\(\s*(["'])([^"'\n]{0,120})\1""")
#: Parameter names: dotted slugs.
NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
#: The gate criterion whose threshold every value case must meet (benefit over run cost).
INTAKE_RULE = "gates.intake_approval.benefit_cost_ratio"
_CACHE = "_parameters_cache"


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter as the pages, the lint and the export see it.

    Attributes:
        name: The dotted name prose cites.
        label: What the number is, in words.
        value: The value (the default when it varies by scope); None when only scoped values
            exist.
        varies_by: ``tier`` or ``use_case`` when the value varies, else ``""``.
        values: Scope key (a tier as ``"1"``, or a use-case id) to its value, sorted.
        owner: The role id that answers for the value.
        area: The group it is listed under (a policy area id, ``gates`` or ``use_cases``).
        area_name: The group's title.
        file: The data file that defines it.
        loc: The key path of its definition in that file.
        description: Markdown: what it governs (or, for computed figures, the formula).
        computed: True for a value-case figure worked out from its inputs.
    """

    name: str
    label: str
    value: Quantity | None
    owner: str
    area: str
    area_name: str
    file: str
    loc: Loc
    description: str
    varies_by: str = ""
    values: tuple[tuple[str, Quantity], ...] = ()
    computed: bool = False

    def at(self, scope: str | int | None) -> Quantity | None:
        """The value for a tier or use case (the default when that scope is not listed)."""
        if scope is not None:
            for key, value in self.values:
                if key == str(scope):
                    return value
        return self.value

    @property
    def anchor(self) -> str:
        """The parameter's anchor on the parameters page."""
        return "param-" + self.name.replace(".", "-")


@dataclass(slots=True)
class ValueFigures:
    """A use case's value case worked out: every figure by id, and what went wrong."""

    figures: dict[str, Quantity] = field(default_factory=dict)
    formulas: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[Loc, str]] = field(default_factory=list)
    ratio: Decimal | None = None  # benefit over run cost, unrounded: what the rule checks


def value_figures(use_case: UseCase) -> ValueFigures:
    """The inputs, the steps (products), the run cost (a sum) and the benefit-to-cost ratio."""
    out = ValueFigures()
    case = use_case.value_case
    if case is None:
        return out
    # Steps multiply exact amounts; only the figures shown are rounded (three digits).
    exact: dict[str, Quantity] = {}
    for key, item in case.inputs.items():
        out.figures[key] = exact[key] = item.value
    for key, step in case.steps.items():
        amount, units, ok = Decimal(1), [], True
        for index, ref in enumerate(step.product):
            factor = exact.get(ref)
            if factor is None:
                known = sorted(out.figures)
                out.problems.append(
                    (
                        ("value_case", "steps", key, "product", index),
                        f"value_case.steps.{key}: unknown input or earlier step '{ref}'"
                        + suggest(ref, known),
                    )
                )
                ok = False
                continue
            amount *= factor.fraction
            if factor.unit not in ("", "%", "x"):
                units.append(factor.unit)
        if len(set(units)) > 1:
            out.problems.append(
                (
                    ("value_case", "steps", key),
                    f"value_case.steps.{key}: multiplies {' and '.join(sorted(set(units)))};"
                    " a step may carry at most one unit",
                )
            )
            ok = False
        if ok:
            unit = units[0] if units else ""
            exact[key] = Quantity(amount, unit)
            out.figures[key] = Quantity(significant(amount, 3), unit)
            out.formulas[key] = " × ".join(str(out.figures[r]) for r in step.product)
    cost = sum((item.value.amount for item in case.run_cost.values()), Decimal(0))
    out.figures["run_cost"] = Quantity(cost, "USD")
    out.formulas["run_cost"] = " + ".join(str(i.value) for i in case.run_cost.values())
    for key, item in case.run_cost.items():
        if item.value.unit != "USD":
            out.problems.append(
                (
                    ("value_case", "run_cost", key, "value"),
                    f"value_case.run_cost.{key}: a run cost is in dollars (got {item.value})",
                )
            )
    benefit = exact.get(case.benefit)
    if benefit is None:
        out.problems.append(
            (
                ("value_case", "benefit"),
                f"value_case.benefit: '{case.benefit}' is not a step" + suggest(case.benefit, []),
            )
        )
    elif benefit.unit != "USD":
        out.problems.append(
            (("value_case", "benefit"), f"value_case.benefit: '{case.benefit}' is not in dollars")
        )
    elif cost > 0:
        out.ratio = benefit.amount / cost
        out.figures["benefit_cost_ratio"] = Quantity(significant(out.ratio, 2), "x")
        shown = out.figures[case.benefit]
        out.formulas["benefit_cost_ratio"] = f"{shown} ÷ {out.figures['run_cost']}"
    return out


def _scoped(values: Mapping[Any, Quantity]) -> tuple[tuple[str, Quantity], ...]:
    return tuple(sorted((str(k), v) for k, v in values.items()))


def _collect(pb: Playbook) -> dict[str, Param]:
    found: dict[str, Param] = {}
    if pb.policy is not None:
        policy_file = pb.files.get("policy.yaml", "data/policy.yaml")
        for area in pb.policy.areas.values():
            for p in area.parameters.values():
                name = f"{area.id}.{p.id}"
                found[name] = Param(
                    name=name,
                    label=p.name,
                    value=p.value,
                    varies_by=p.varies_by or "",
                    values=_scoped(p.values),
                    owner=p.owner,
                    area=area.id,
                    area_name=area.name,
                    file=policy_file,
                    loc=("areas", area.id, "parameters", p.id),
                    description=p.description,
                )
    gates_file = pb.files.get("gates.yaml", "data/gates.yaml")
    for gate in pb.gates.values():
        task = pb.task_index().get(gate.task)
        owner = task[2].raci.accountable[0] if task else gate.approvers[0]
        for index, criterion in enumerate(gate.criteria):
            if criterion.id is None or criterion.quantity is None:
                continue
            name = f"gates.{gate.id}.{criterion.id}"
            found[name] = Param(
                name=name,
                label=criterion.metric,
                value=criterion.quantity,
                owner=owner,
                area="gates",
                area_name="Stage gate criteria",
                file=gates_file,
                loc=("gates", gate.id, "criteria", index),
                description=f"{gate.name}: {criterion.operator} threshold. {criterion.note}",
            )
    for uc in pb.use_cases.values():
        found |= _use_case_params(pb, uc)
    return dict(sorted(found.items()))


def _use_case_params(pb: Playbook, uc: UseCase) -> dict[str, Param]:
    """A use case's KPIs with an id, and its value-case figures."""
    file = pb.files.get(f"use_case:{uc.id}", f"data/use_cases/{uc.id}.yaml")
    entries: list[tuple[str, str, Quantity, Loc, str, bool]] = []
    for index, kpi in enumerate(uc.kpis):
        if kpi.id is not None:
            bound = "at least" if kpi.direction == "at_least" else "at most"
            entries.append(
                (
                    kpi.id,
                    kpi.name,
                    kpi.quantity,
                    ("kpis", index),
                    f"{kpi.kind} target, {bound}.",
                    False,
                )
            )
            if kpi.baseline is not None:
                baseline = Quantity.parse(kpi.baseline).with_unit(kpi.unit)
                where: Loc = ("kpis", index, "baseline")
                label = f"{kpi.name} (baseline)"
                entries.append((f"{kpi.id}_baseline", label, baseline, where, "measured.", False))
    if uc.value_case is not None:
        figures = value_figures(uc)
        case = uc.value_case
        labels: dict[str, tuple[str, Loc, str]] = {
            k: (v.name, ("value_case", "inputs", k), v.source) for k, v in case.inputs.items()
        }
        labels |= {k: (v.name, ("value_case", "steps", k), "") for k, v in case.steps.items()}
        labels["run_cost"] = ("Annual run cost", ("value_case", "run_cost"), "")
        labels["benefit_cost_ratio"] = (
            "Annual benefit over annual run cost",
            ("value_case", "benefit"),
            "",
        )
        for key, quantity in figures.figures.items():
            label, loc, source = labels[key]
            formula = figures.formulas.get(key)
            about = f"computed, {formula}." if formula else f"input; source: {source}"
            entries.append((key, label, quantity, loc, about, formula is not None))
    return {
        f"use_cases.{uc.id}.{key}": Param(
            name=f"use_cases.{uc.id}.{key}",
            label=label,
            value=value,
            owner=uc.owner,
            area="use_cases",
            area_name="Use-case targets and value cases",
            file=file,
            loc=loc,
            description=f"{uc.title}: {about}",
            computed=computed,
        )
        for key, label, value, loc, about, computed in entries
    }


def parameters(pb: Playbook) -> Mapping[str, Param]:
    """Every parameter of the playbook by name, sorted; built once per playbook object."""
    cached = pb.__dict__.get(_CACHE)
    if cached is None:
        cached = _collect(pb)
        pb.__dict__[_CACHE] = cached
    return cached


def unknown_name(name: str, known: Iterable[str]) -> str:
    """The message for a parameter name that is not defined, with a did-you-mean."""
    return f"unknown parameter '{name}'{suggest(name, sorted(known))}"


def placeholders(text: str) -> Iterable[re.Match[str]]:
    """Every ``[[param:...]]`` and ``[[literal:...]]`` placeholder in ``text``."""
    return PLACEHOLDER.finditer(text)


def check_parameters(pb: Playbook, where: Any) -> list[Issue]:
    """Parameter definitions, scopes, owners, lint terms, data placeholders and value cases.

    ``where`` is the :class:`playbook.data.checks.Locator` of the checks.
    """
    found: list[Issue] = []
    known = parameters(pb)
    if pb.policy is not None:
        file = pb.files.get("policy.yaml", "data/policy.yaml")
        for area in pb.policy.areas.values():
            for p in area.parameters.values():
                loc = ("areas", area.id, "parameters", p.id)
                found += _check_scope(pb, where, file, loc, p.varies_by, p.value, p.values)
        for term, names in pb.policy.terms.items():
            for index, name in enumerate(names):
                if name not in known:
                    found.append(
                        where.issue(
                            file, ("terms", term, index), "unknown-param", unknown_name(name, known)
                        )
                    )
    gates_file = pb.files.get("gates.yaml", "data/gates.yaml")
    for gate in pb.gates.values():
        for index, criterion in enumerate(gate.criteria):
            if criterion.param is not None and criterion.param not in known:
                found.append(
                    where.issue(
                        gates_file,
                        ("gates", gate.id, "criteria", index, "param"),
                        "unknown-param",
                        unknown_name(criterion.param, known),
                    )
                )
    for file, source in sorted(where.sources.items()):
        found += _check_placeholders(where, file, source.data, known)
    found += _check_value_cases(pb, where, known)
    return found


def _check_scope(
    pb: Playbook,
    where: Any,
    file: str,
    loc: Loc,
    varies_by: str | None,
    value: Quantity | None,
    values: Mapping[Any, Quantity],
) -> list[Issue]:
    if varies_by is None:
        if values:
            return [
                where.issue(
                    file,
                    (*loc, "values"),
                    "param-scope",
                    "values per scope need 'varies_by: tier' or 'varies_by: use_case'",
                )
            ]
        if value is None:
            return [where.issue(file, loc, "param-scope", "a parameter needs a 'value'")]
        return []
    found: list[Issue] = []
    if not values:
        found.append(
            where.issue(file, loc, "param-scope", f"varies_by {varies_by}: list its 'values'")
        )
    for key in values:
        if varies_by == "tier" and not isinstance(key, int):
            found.append(
                where.issue(
                    file, (*loc, "values", key), "param-scope", f"'{key}' is not a risk tier (1-3)"
                )
            )
        elif varies_by == "use_case" and key not in pb.use_cases:
            found.append(
                where.issue(
                    file,
                    (*loc, "values", key),
                    "unknown-ref",
                    f"unknown use case '{key}'" + suggest(str(key), sorted(pb.use_cases)),
                )
            )
    return found


def _check_placeholders(
    where: Any, file: str, data: Any, known: Mapping[str, Param]
) -> list[Issue]:
    found: list[Issue] = []
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*loc, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in enumerate(value))
        elif isinstance(value, str) and "[[" in value:
            for match in PLACEHOLDER.finditer(value):
                kind, name, scope = match.group(1), match.group(2).strip(), match.group(3)
                if kind != "param":
                    continue
                if name not in known:
                    found.append(where.issue(file, loc, "unknown-param", unknown_name(name, known)))
                elif scope is not None and known[name].at(scope.strip()) is known[name].value:
                    found.append(
                        where.issue(
                            file,
                            loc,
                            "param-scope",
                            f"parameter '{name}' has no value for '{scope.strip()}'",
                        )
                    )
    return found


def _check_value_cases(pb: Playbook, where: Any, known: Mapping[str, Param]) -> list[Issue]:
    found: list[Issue] = []
    rule = known.get(INTAKE_RULE)
    gate = pb.gates.get("intake_approval")
    criterion = (
        next((c for c in gate.criteria if c.id == "benefit_cost_ratio"), None) if gate else None
    )
    for uc in pb.use_cases.values():
        if uc.value_case is None:
            continue
        file = pb.files.get(f"use_case:{uc.id}", f"data/use_cases/{uc.id}.yaml")
        result = value_figures(uc)
        found += [where.issue(file, loc, "value-case", msg) for loc, msg in result.problems]
        ratio = result.figures.get("benefit_cost_ratio")
        if ratio is None or result.ratio is None or rule is None or criterion is None:
            continue
        if rule.value is None:
            continue
        if not _meets(result.ratio, criterion.operator, rule.value.amount):
            benefit = result.figures[uc.value_case.benefit]
            found.append(
                where.issue(
                    file,
                    ("value_case", "benefit"),
                    "value-case",
                    f"value_case: benefit {benefit} over run cost {result.figures['run_cost']}"
                    f" is {ratio}, which fails the intake rule ({INTAKE_RULE}"
                    f" {criterion.operator} {rule.value})",
                )
            )
    return found


def _meets(value: Decimal, operator: str, threshold: Decimal) -> bool:
    return {
        ">=": value >= threshold,
        "<=": value <= threshold,
        ">": value > threshold,
        "<": value < threshold,
        "==": value == threshold,
    }[operator]
