"""The materiality tiering page: the score sheet, tiers with their cadences, triggers, scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.data.params import parameters as policy_parameters
from playbook.render import links, parameters, refs
from playbook.render.common import data_note
from playbook.render.markdown import bullets, heading, markdown, table, text

if TYPE_CHECKING:
    from playbook.data.model import Playbook, TieringFile

TIERING = "governance/tiering.md"
SCORE_SHEET_TEMPLATE = "governance/templates/tiering_score_sheet.md"
#: The policy parameters that set each tier's cadence (``data/policy.yaml``).
CADENCES = (
    ("model_risk.periodic_review", "Periodic review at least every"),
    ("model_risk.full_revalidation", "Full revalidation at least every"),
)
DIMENSIONS = {
    "exposure": "Exposure: how far the output reaches",
    "purpose": "Purpose: what the output is used for",
}


def _param(pb: Playbook, page: str, name: str, scope: int | None = None) -> str:
    """A policy parameter's value linked to the parameters page, or a dash if it is undefined."""
    if name not in policy_parameters(pb):
        return "–"
    return parameters.render_param(pb, page, name, scope)


def _factor_table(sheet: TieringFile, dimension: str) -> str:
    factors = [f for f in sheet.factors.values() if f.dimension == dimension]
    width = max((len(f.levels) for f in factors), default=0)
    rows = [
        [f"**{text(f.name)}** ({text(f.question)})"]
        + [text(f.levels.get(level, "–")) for level in range(1, width + 1)]
        for f in factors
    ]
    return table(["Factor", *(str(level) for level in range(1, width + 1))], rows)


def _bands(pb: Playbook, sheet: TieringFile, page: str) -> str:
    rows = []
    for band in sorted(sheet.bands, key=lambda b: b.tier):
        rows.append(
            [
                f"**Tier {band.tier}**",
                f"{band.min_score}–{band.max_score}",
                markdown(band.validation).strip(),
                *(_param(pb, page, name, band.tier) for name, _ in CADENCES),
            ]
        )
    return table(["Tier", "Total score", "Validation", *(label for _, label in CADENCES)], rows)


def _assessments(pb: Playbook, sheet: TieringFile, page: str) -> str:
    factors = list(sheet.factors.values())
    rows = []
    for use_case_id, assessment in sheet.assessments.items():
        rows.append(
            [
                refs.use_case(pb, page, use_case_id),
                *(str(assessment.scores.get(f.id, "–")) for f in factors),
                str(sheet.score(assessment)),
                str(sheet.tier_of(assessment) or "–"),
                text(assessment.rationale),
            ]
        )
    headers = ["Use case", *(text(f.name) for f in factors), "Total", "Tier", "Rationale"]
    return table(headers, rows)


def render_tiering(pb: Playbook, page: str) -> str:
    """The tiering score sheet page.

    Args:
        pb: The playbook (``pb.tiering`` may be None: the page then says so).
        page: Source URI of the page (``governance/tiering.md``).

    Returns:
        Markdown: the factors by dimension, the tier bands with their review and revalidation
        intervals, the floors, the triggers and each use case's scores.
    """
    out = ["# Materiality tiering\n\n"]
    sheet = pb.tiering
    if sheet is None:
        note = data_note(pb, "policy.yaml")
        return out[0] + note + "No materiality score sheet is defined yet (data/tiering.yaml).\n"
    use_cases = [f"use_case:{u}" for u in sheet.assessments]
    out.append(data_note(pb, "tiering.yaml", "policy.yaml", *use_cases))
    out.append(markdown(sheet.summary).strip() + "\n\n")
    out.append(
        "Score each factor on its scale; the total gives the tier. The tier sets the depth of "
        "validation and the longest interval between reviews and revalidations; a trigger "
        "brings either forward. The blank sheet is the "
        f"[tiering score sheet template]({links.md_href(SCORE_SHEET_TEMPLATE, page)}).\n\n"
    )
    out.append(heading(2, "Score sheet", "score-sheet"))
    for dimension, title in DIMENSIONS.items():
        out.append(heading(3, text(title), f"dimension-{dimension}"))
        out.append(_factor_table(sheet, dimension) + "\n")
    out.append(heading(2, "Tiers and cadences", "tiers"))
    out.append(_bands(pb, sheet, page) + "\n")
    if sheet.floors:
        out.append(heading(3, "Floors", "floors"))
        out.append(
            bullets(
                f"{text(sheet.factors[f.factor].name if f.factor in sheet.factors else f.factor)}"
                f" at level {f.min_level} or above: at least tier {f.tier}. {text(f.reason)}"
                for f in sheet.floors
            )
            + "\n"
        )
    if sheet.triggers:
        out.append(heading(2, "Triggers", "triggers"))
        out.append(
            "Whatever the calendar says, these events bring a review or revalidation forward:\n\n"
        )
        out.append(
            table(
                ["Trigger", "When", "Response", "Decided at"],
                [
                    [
                        f"**{text(t.name)}**",
                        markdown(t.description).strip(),
                        markdown(t.response).strip(),
                        refs.gate(pb, page, t.gate),
                    ]
                    for t in sheet.triggers.values()
                ],
            )
            + "\n"
        )
    if sheet.assessments:
        out.append(heading(2, "Use-case scores", "assessments"))
        out.append(
            "Each use case's current scores; the validator checks that they give the tier the "
            "use case declares.\n\n"
        )
        out.append(_assessments(pb, sheet, page) + "\n")
    return "".join(out)
