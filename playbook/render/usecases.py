"""The use-case index and one deep-dive page per use case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.data.params import INTAKE_RULE, parameters, value_figures
from playbook.data.quantity import Quantity
from playbook.render import links, refs
from playbook.render import parameters as parameters_render
from playbook.render.common import data_note, plural, stage
from playbook.render.inventory import render_use_case_models
from playbook.render.markdown import bullets, html, markdown, table, text
from playbook.render.self_heal import action_link

if TYPE_CHECKING:
    from playbook.data.model import Kpi, Playbook, UseCase

PATTERN_NAMES = {
    "batch": "Batch scoring",
    "online": "Online (real-time) serving",
    "shadow": "Shadow deployment",
    "champion_challenger": "Champion / challenger",
    "canary": "Canary release",
}

STATUS_ORDER = ("production", "validation", "development", "proposed", "retired")


def badge(kind: str, value: str, label: str | None = None) -> str:
    """A status pill as HTML: ``<span class="playbook-badge playbook-badge--<value>">``."""
    return (
        f'<span class="playbook-badge playbook-badge--{html(value)}" '
        f'title="{html(kind)}">{html(label or value)}</span>'
    )


def _badges(uc: UseCase) -> str:
    return (
        '<p class="playbook-badges">'
        + badge("Status", uc.status)
        + " "
        + badge("Model risk tier", f"tier-{uc.risk_tier}", f"Tier {uc.risk_tier}")
        + " "
        + badge("Deployment pattern", "pattern", PATTERN_NAMES[uc.deployment_pattern])
        + "</p>\n\n"
    )


def render_use_cases_index(pb: Playbook, page: str) -> str:
    """Every use case with its status, risk tier, business owner and deployment pattern."""
    cases = sorted(
        pb.use_cases.values(), key=lambda u: (STATUS_ORDER.index(u.status), u.risk_tier, u.id)
    )
    files = [f"use_case:{u.id}" for u in cases]
    rows = [
        [
            refs.use_case(pb, page, u.id),
            badge("Status", u.status),
            f"Tier {u.risk_tier}",
            refs.role(pb, page, u.owner),
            text(PATTERN_NAMES[u.deployment_pattern]),
        ]
        for u in cases
    ]
    summaries = "".join(
        f"{refs.use_case(pb, page, u.id)}\n:   {text(u.summary)}\n\n" for u in cases
    )
    return (
        "# Use cases\n\n"
        + data_note(pb, *files)
        + f"The {plural(len(cases), 'use case')} the playbook is applied to, from the "
        "furthest along to the newest. Risk tier 1 is the highest model risk: it gets the "
        "deepest validation and the most frequent review. Each deep dive follows the same "
        "outline: problem, value, data, model, pipeline, gates, deployment, monitoring, "
        "risks and architecture.\n\n"
        + table(["Use case", "Status", "Risk tier", "Business owner", "Deployment"], rows)
        + "\n## In brief { #in-brief }\n\n"
        + summaries
    )


def _value_case(pb: Playbook, page: str, uc: UseCase) -> str:
    """The value case: inputs with sources, computed steps, run cost and the intake rule."""
    case = uc.value_case
    if case is None:
        return ""
    figures = value_figures(uc)
    rows = [[text(i.name), text(i.value), text(i.source)] for i in case.inputs.values()]
    rows += [
        [f"**{text(step.name)}**", f"**{text(figures.figures[key])}**", text(figures.formulas[key])]
        for key, step in case.steps.items()
        if key in figures.figures
    ]
    rows += [[text(i.name), text(i.value), text(i.source)] for i in case.run_cost.values()]
    rows.append(
        [
            "**Annual run cost**",
            f"**{text(figures.figures['run_cost'])}**",
            "Sum of the items above",
        ]
    )
    ratio = figures.figures.get("benefit_cost_ratio")
    rule = parameters(pb).get(INTAKE_RULE)
    if ratio is not None:
        against = (
            f"at least {parameters_render.render_param(pb, page, INTAKE_RULE)} at intake"
            if rule
            else ""
        )
        rows.append(["**Benefit over run cost**", f"**{text(ratio)}**", against])
    return (
        "### Value case { #value-case }\n\n"
        "Computed from the inputs by the validator, which checks the ratio against the intake "
        "rule; no total is typed by hand.\n\n"
        + table(["Figure", "Value", "Source or formula"], rows)
        + "\n"
    )


def _kpi_row(kpi: Kpi) -> list[str]:
    sign = "≥" if kpi.direction == "at_least" else "≤"
    baseline = (
        Quantity.parse(kpi.baseline).with_unit(kpi.unit) if kpi.baseline is not None else None
    )
    return [
        text(kpi.name),
        text(kpi.kind.capitalize()),
        text(baseline) if baseline is not None else "–",
        f"{sign} {text(kpi.quantity)}",
    ]


def render_use_case(pb: Playbook, page: str, use_case_id: str, diagram: str = "") -> str:
    """A use-case deep dive.

    Args:
        pb: The playbook.
        page: Source URI of the page.
        use_case_id: The use case to render.
        diagram: The pipeline diagram as HTML (SVG), or '' to leave it out.
    """
    uc = pb.use_cases[use_case_id]
    index = pb.task_index()
    out = [
        f"# {text(uc.title)}\n\n",
        data_note(pb, f"use_case:{uc.id}"),
        _badges(uc),
        f"{text(uc.summary)}\n\n",
        f"**Business owner:** {refs.role(pb, page, uc.owner)} · "
        f"**Delivery:** {refs.roles(pb, page, list(uc.owner_roles))}\n\n",
        render_use_case_models(pb, page, uc.id),
        "## Business problem { #business-problem }\n\n",
        markdown(uc.business_problem).strip() + "\n\n",
        "## Value hypothesis { #value-hypothesis }\n\n",
        markdown(uc.value_hypothesis).strip() + "\n\n",
        _value_case(pb, page, uc),
        "### KPIs { #kpis }\n\n",
        table(["KPI", "Kind", "Baseline", "Target"], [_kpi_row(k) for k in uc.kpis]),
        "\n## Data { #data }\n\n",
        table(
            ["Source", "Description", "Contains PII"],
            [
                [text(s.name), text(s.description), "**Yes**" if s.contains_pii else "No"]
                for s in uc.data_sources
            ],
        ),
        "\n### Features { #features }\n\n",
        bullets(text(f) for f in uc.features),
        "\n## Model approach { #model-approach }\n\n",
        markdown(uc.model_approach).strip() + "\n\n",
        "## Pipeline { #pipeline }\n\n",
    ]
    if diagram:
        out.append(diagram.strip() + "\n\n")
    steps = []
    for number, step in enumerate(uc.pipeline, start=1):
        found = index.get(step.task)
        steps.append(
            [
                str(number),
                refs.task(pb, page, step.task),
                refs.phase(pb, page, found[0].id) if found else "",
                refs.tools(pb, page, list(step.tools)),
                text(step.note),
            ]
        )
    out.append(table(["Step", "Task", "Phase", "Tools", "Note"], steps))
    out.append("\n## Gates applied { #gates }\n\n")
    out.append(
        bullets(
            f"{refs.gate(pb, page, g)} ({text(stage(pb.gates[g].from_stage))} → "
            f"{text(stage(pb.gates[g].to_stage))})"
            if g in pb.gates
            else text(g)
            for g in uc.gates
        )
    )
    out.append("\n## Deployment { #deployment }\n\n")
    out.append(f"**Pattern:** {text(PATTERN_NAMES[uc.deployment_pattern])}\n\n")
    out.append(markdown(uc.deployment).strip() + "\n\n")
    out.append("## Monitoring { #monitoring }\n\n")
    out.append(
        table(
            ["Signal", "Alert threshold", "Action"],
            [[text(m.signal), text(m.threshold), text(m.action)] for m in uc.monitoring],
        )
    )
    out.append("\n## Retraining and self-healing { #retraining }\n\n**Retrain triggers**\n\n")
    out.append(bullets(text(t) for t in uc.retrain_triggers))
    if uc.self_heal:
        policy = f"[self-heal policy]({links.md_href(links.SELF_HEAL, page)})"
        out.append(
            f"\n**Automatic responses**, each an action of the {policy} that the validator "
            "approved for this model:\n\n"
        )
        out.append(
            table(
                ["Action", "How it applies here"],
                [[action_link(pb, page, s.action), text(s.applies)] for s in uc.self_heal],
            )
        )
    out.append("\n## Risks and controls { #risks }\n\n")
    out.append(
        table(
            ["Risk", "Mitigation", "Controls"],
            [
                [
                    text(r.risk),
                    text(r.mitigation),
                    ", ".join(refs.control(pb, page, c) for c in r.controls),
                ]
                for r in uc.risks
            ],
        )
    )
    out.append("\n## Architecture { #architecture }\n\n")
    out.append(markdown(uc.architecture).strip() + "\n\n")
    if uc.components:
        out.append("**Components used:**\n\n")
        out.append(
            bullets(
                f"{refs.component(pb, page, c)} ({text(pb.components[c].environment)})"
                if c in pb.components
                else text(c)
                for c in uc.components
            )
        )
    return "".join(out)
