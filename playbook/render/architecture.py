"""The reference architecture page (technology/architecture.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import refs
from playbook.render.common import data_note, plural
from playbook.render.dot import (
    environment_anchor,
    environment_ids,
    to_dot_environment,
    to_dot_environments,
)
from playbook.render.markdown import bullets, heading, markdown, table, text
from playbook.render.svg import diagram_html

if TYPE_CHECKING:
    from collections.abc import Callable

    from playbook.data.model import Component, Flow, Playbook

#: How each flow kind is drawn, for the legend (matches ``playbook.render.dot.FLOW_STYLES``).
FLOW_KINDS: dict[str, tuple[str, str]] = {
    "promotion": ("bold violet line, labelled with its gate", "a model version moves on"),
    "deployment": ("teal line", "an artefact or configuration is deployed"),
    "data": ("thin grey line", "data, events or credentials flow"),
    "feedback": ("dotted green line", "outcomes or triggers flow back for the next cycle"),
    "rollback": ("dashed red line", "the previous known-good version is restored"),
}


def _component_name(pb: Playbook, component_id: str) -> str:
    found = pb.components.get(component_id)
    return found.name if found else component_id


def _component(pb: Playbook, page: str, comp: Component) -> str:
    facts = []
    if comp.tools:
        facts.append("**Tools:** " + refs.tools(pb, page, list(comp.tools)))
    controls = [c.id for c in pb.controls.values() if comp.id in c.enforced_at.components]
    if controls:
        facts.append(
            "**Controls enforced here:** " + ", ".join(refs.control(pb, page, c) for c in controls)
        )
    cases = [u.id for u in pb.use_cases.values() if comp.id in u.components]
    if cases:
        facts.append("**Use cases:** " + ", ".join(refs.use_case(pb, page, u) for u in cases))
    outgoing = [f for f in pb.flows.values() if f.source == comp.id]
    incoming = [f for f in pb.flows.values() if f.target == comp.id]
    if incoming:
        facts.append(
            "**Receives from:** " + ", ".join(refs.component(pb, page, f.source) for f in incoming)
        )
    if outgoing:
        facts.append(
            "**Sends to:** " + ", ".join(refs.component(pb, page, f.target) for f in outgoing)
        )
    return (
        heading(4, text(comp.name), comp.id)
        + markdown(comp.description).strip()
        + "\n\n"
        + bullets(facts)
        + "\n"
    )


def _flow_row(pb: Playbook, page: str, flow: Flow) -> list[str]:
    return [
        text(flow.label),
        refs.component(pb, page, flow.source),
        refs.component(pb, page, flow.target),
        text(flow.kind),
        refs.gate(pb, page, flow.gate) if flow.gate else "",
    ]


def _gating(pb: Playbook, page: str) -> str:
    promotions = [f for f in pb.flows.values() if f.kind == "promotion"]
    if not promotions:
        return "No flow in the architecture is a promotion.\n\n"
    items = []
    for flow in promotions:
        route = (
            f"**{text(_component_name(pb, flow.source))} → "
            f"{text(_component_name(pb, flow.target))}**: {text(flow.label)}. "
        )
        gate = pb.gates.get(flow.gate) if flow.gate else None
        if gate is None:
            items.append(route + "**Not guarded by any gate.**")
            continue
        items.append(
            route + f"Guarded by {refs.gate(pb, page, gate.id)} "
            f"({text(gate.from_stage)} → {text(gate.to_stage)}), run by "
            f"{refs.task(pb, page, gate.task)} and approved by "
            f"{refs.roles(pb, page, list(gate.approvers))}."
        )
    out = bullets(items) + "\n"
    ungated = [f for f in promotions if not (f.gate and f.gate in pb.gates)]
    if ungated:
        out += (
            '!!! warning "Ungated promotions"\n\n'
            f"    {plural(len(ungated), 'promotion flow')} "
            "move a model without a stage gate. Name the gate in `data/architecture.yaml`.\n\n"
        )
    gated_other = [f for f in pb.flows.values() if f.kind != "promotion" and f.gate]
    if gated_other:
        out += (
            "These flows also wait on a gate's decision:\n\n"
            + bullets(
                f"{refs.component(pb, page, f.source)} → {refs.component(pb, page, f.target)} "
                f"({text(f.kind)}): {text(f.label)}; gate {refs.gate(pb, page, f.gate or '')}"
                for f in gated_other
            )
            + "\n"
        )
    return out


def render_architecture(pb: Playbook, page: str, svg: Callable[[str], str]) -> str:
    """The reference architecture: diagram, environments and components, flows and gating.

    Args:
        pb: The playbook.
        page: Source URI of the page (``technology/architecture.md``).
        svg: Turns DOT text into inline SVG (``playbook.render.svg.render_svg``).

    Returns:
        Markdown. Environments are anchored ``environment-<id>``, components by their id.
    """
    envs = environment_ids(pb)
    caption = (
        f"The reference architecture: {plural(len(pb.components), 'component')} in "
        f"{plural(len(envs), 'environment')}, and the stage gates on the "
        f"{plural(len(pb.flows), 'flow')} between them. Select an environment for its "
        "components, or an arrow's gate."
    )
    legend = table(
        ["Flow kind", "Drawn as", "Meaning"],
        [[text(kind), text(drawn), text(meaning)] for kind, (drawn, meaning) in FLOW_KINDS.items()],
    )
    out = [
        "# Reference architecture\n\n",
        data_note(pb, "architecture.yaml"),
        "How models move from development to production: segmented environments, the "
        "components in each, and the flows between them. Every promotion between environments "
        "passes a stage gate.\n\n",
        diagram_html(svg(to_dot_environments(pb, page)), caption),
        legend,
        "\n## Environments and segmentation { #environments }\n\n",
        table(
            ["Environment", "Components"],
            [
                [
                    f"[{text(pb.environments[e].name)}](#{environment_anchor(e)})",
                    ", ".join(
                        refs.component(pb, page, c.id)
                        for c in pb.components.values()
                        if c.environment == e
                    ),
                ]
                for e in envs
            ],
        ),
        "\n",
    ]
    for env_id in envs:
        env = pb.environments[env_id]
        out.append(heading(3, text(env.name), environment_anchor(env_id)))
        out.append(markdown(env.description).strip() + "\n\n")
        members = [c for c in pb.components.values() if c.environment == env_id]
        if not members:
            out.append("No component runs in this environment.\n\n")
        else:
            env_caption = (
                f"{env.name}: {plural(len(members), 'component')} and their flows; dashed "
                "boxes are other environments. Select a component to read about it."
            )
            out.append(diagram_html(svg(to_dot_environment(pb, page, env_id)), env_caption))
        out.extend(_component(pb, page, comp) for comp in members)
    out += [
        "## Flows { #flows }\n\n",
        table(
            ["Flow", "From", "To", "Kind", "Gate"],
            (_flow_row(pb, page, f) for f in pb.flows.values()),
        ),
        "\n## Deployment gating { #deployment-gating }\n\n",
        "Each promotion flow and the stage gate that guards it: no model version crosses it "
        "until the gate's approvers have signed.\n\n",
        _gating(pb, page),
    ]
    return "".join(out)
