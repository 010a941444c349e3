"""The page renderers the registry of record kinds names (``PageSpec.render``).

Each has the one signature ``render(pb, page, ctx) -> str``: the playbook, the page's source
URI and a :class:`~playbook.render.pages.PageContext` (the validator's issues, the SVG renderer,
the hand-written pages and, on a page per record, the record's id). They adapt the renderers
of ``playbook.render.*``, whose own signatures say exactly what each page needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import links
from playbook.render.architecture import render_architecture
from playbook.render.dot import to_dot_use_case_pipeline
from playbook.render.evaluation import render_tool_evaluation
from playbook.render.gaps import render_gap_analysis
from playbook.render.governance import render_controls, render_gates, render_traceability
from playbook.render.home import lifecycle_diagram
from playbook.render.independence import render_independence
from playbook.render.inventory import (
    card_pages,
    render_model_card,
    render_model_inventory,
    render_tag_contract,
)
from playbook.render.pages import Page, page_from
from playbook.render.parameters import render_parameters_page
from playbook.render.process import render_phase_page, render_process_overview
from playbook.render.raci import (
    matrix_is_split,
    render_raci_index,
    render_raci_matrix,
    render_raci_rollup,
    render_raci_rollup_phase,
    rollup_is_split,
)
from playbook.render.roles import render_role_page, render_roles_index
from playbook.render.self_heal import render_self_heal
from playbook.render.signoff import gate_flow_diagram
from playbook.render.svg import diagram_html
from playbook.render.templates import render_template_page, render_templates_index
from playbook.render.tiering import render_tiering
from playbook.render.tools import (
    overlay_is_split,
    render_overlay,
    render_overlay_phase,
    render_tool_catalog,
)
from playbook.render.usecases import render_use_case, render_use_cases_index

if TYPE_CHECKING:
    from playbook.data.model import Playbook
    from playbook.render.pages import PageContext


def parameters(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The policy parameters reference: every governed number, its value, owner and citations."""
    return render_parameters_page(pb, page, ctx.docs)


def roles_index(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The roles overview."""
    return render_roles_index(pb, page)


def raci_matrix(pb: Playbook, page: str, ctx: PageContext) -> list[Page]:
    """The RACI matrix: one page, or an index and one page per phase when it is too big."""
    if not matrix_is_split(pb):
        matrix = render_raci_matrix(pb, page)
        return [page_from(pb, page, matrix, "roles.yaml", search=False, wide=True)]
    pages = [page_from(pb, page, render_raci_index(pb, page), "roles.yaml")]
    for phase in pb.phases:
        uri = links.raci_phase_page(phase.id)
        matrix = render_raci_matrix(pb, uri, phase.id)
        pages.append(page_from(pb, uri, matrix, f"phase:{phase.id}", search=False, wide=True))
    return pages


def raci_rollup(pb: Playbook, page: str, ctx: PageContext) -> list[Page]:
    """The RACI roll-up with the validator's warnings: one page, or its phase rows and a page of
    sub-phase rows per phase when it is too big."""
    split = rollup_is_split(pb)
    rollup = render_raci_rollup(pb, page, ctx.issues, split=split)
    pages = [page_from(pb, page, rollup, "roles.yaml", search=False, wide=True)]
    for phase in pb.phases if split else ():
        uri = links.raci_rollup_phase_page(phase.id)
        content = render_raci_rollup_phase(pb, uri, phase.id)
        pages.append(page_from(pb, uri, content, f"phase:{phase.id}", search=False, wide=True))
    return pages


def role_page(pb: Playbook, page: str, ctx: PageContext) -> str:
    """One role's page."""
    return render_role_page(pb, page, ctx.record)


def process_overview(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The lifecycle overview with its diagram."""
    return render_process_overview(pb, page, lifecycle_diagram(pb, page, ctx.svg))


def phase_page(pb: Playbook, page: str, ctx: PageContext) -> str:
    """One phase's page: its sub-phases and tasks."""
    return render_phase_page(pb, page, ctx.record)


def use_cases_index(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The use-case overview."""
    return render_use_cases_index(pb, page)


def use_case_page(pb: Playbook, page: str, ctx: PageContext) -> str:
    """One use case's deep dive with its pipeline diagram."""
    use_case = pb.use_cases[ctx.record]
    caption = f"The {use_case.title} pipeline: its lifecycle steps and stage gates."
    diagram = diagram_html(ctx.svg(to_dot_use_case_pipeline(pb, use_case, page)), caption)
    return render_use_case(pb, page, use_case.id, diagram)


def tool_catalog(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The tool catalog."""
    return render_tool_catalog(pb, page)


def overlay(pb: Playbook, page: str, ctx: PageContext) -> list[Page]:
    """The tools overlaid on the lifecycle: one page, or the matrix and a page of tool lists per
    phase when the lists are too big for one page."""
    split = overlay_is_split(pb)
    content = render_overlay(pb, page, split=split)
    pages = [page_from(pb, page, content, "tools.yaml", search=False, wide=True)]
    for phase in pb.phases if split else ():
        uri = links.overlay_phase_page(phase.id)
        lists = render_overlay_phase(pb, uri, phase.id)
        pages.append(page_from(pb, uri, lists, f"phase:{phase.id}", search=False))
    return pages


def architecture(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The reference architecture with its diagrams."""
    return render_architecture(pb, page, ctx.svg)


def gap_analysis(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The capability gap analysis."""
    return render_gap_analysis(pb, page)


def tool_evaluation(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The weighted tool evaluations."""
    return render_tool_evaluation(pb, page)


def gates(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The stage gates, with the gate flow."""
    return render_gates(pb, page, gate_flow_diagram(pb, page, ctx.svg))


def controls(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The controls and their sources."""
    return render_controls(pb, page)


def traceability(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The control traceability matrix."""
    return render_traceability(pb, page)


def independence(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The independence rules and the task kinds they select by."""
    return render_independence(pb, page)


def self_heal(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The self-heal policy and its actions."""
    return render_self_heal(pb, page)


def model_inventory(pb: Playbook, page: str, ctx: PageContext) -> list[Page]:
    """The model inventory for leaders, a model card per registered model, the tag contract;
    no page without ``data/inventory.yaml``."""
    if pb.inventory is None:
        return []
    pages = [page_from(pb, page, render_model_inventory(pb, page), "inventory.yaml", wide=True)]
    for name, uri in sorted(card_pages(pb).items(), key=lambda item: item[1]):
        use_case = pb.use_cases.get(pb.inventory.models[name].tags.use_case)
        owner = use_case.owner if use_case else None
        card = render_model_card(pb, uri, name)
        pages.append(page_from(pb, uri, card, "inventory.yaml", owner=owner))
    contract = render_tag_contract(pb, links.TAG_CONTRACT)
    pages.append(page_from(pb, links.TAG_CONTRACT, contract, "inventory.yaml"))
    return pages


def tiering(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The materiality tiering score sheet, tiers and cadences."""
    return render_tiering(pb, page)


def templates_index(pb: Playbook, page: str, ctx: PageContext) -> str:
    """The governance templates overview."""
    return render_templates_index(pb, page)


def template_page(pb: Playbook, page: str, ctx: PageContext) -> str:
    """One governance template: its sections and who fills each."""
    return render_template_page(pb, page, ctx.record)
