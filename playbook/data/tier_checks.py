"""Checks on the materiality score sheet (``data/tiering.yaml``).

The sheet must be usable as written: each factor's levels run 1, 2, ... without gaps; the
bands cover every possible total exactly once; floors and assessments name real factors and
levels; and each assessed use case's scores give the ``risk_tier`` its file declares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playbook.data.issues import Issue
    from playbook.data.locator import Locator
    from playbook.data.model import Playbook, TieringFile


def check_tiering(pb: Playbook, where: Locator) -> list[Issue]:
    """The score sheet is complete and consistent, and use cases sit in the tier they score.

    Errors: ``tier-scale`` (levels not 1..n, bands with gaps or overlaps, a floor or score
    outside a factor's scale, an unknown or missing factor) and ``tier-mismatch`` (an assessed
    use case whose scores give another tier than its ``risk_tier``).
    """
    sheet = pb.tiering
    if sheet is None:
        return []
    file = where.file_of("tiering.yaml")
    found = _scales(sheet, where, file)
    for index, floor in enumerate(sheet.floors):
        loc: tuple[str | int, ...] = ("floors", index)
        factor = sheet.factors.get(floor.factor)
        if factor is None:
            message = f"floor names unknown factor '{floor.factor}'"
            found.append(where.issue(file, (*loc, "factor"), "tier-scale", message))
        elif floor.min_level not in factor.levels:
            message = f"factor '{factor.id}' has no level {floor.min_level}"
            found.append(where.issue(file, (*loc, "min_level"), "tier-scale", message))
    for use_case_id, assessment in sheet.assessments.items():
        loc = ("assessments", use_case_id)
        scored_ok = True
        for factor_id, level in assessment.scores.items():
            factor = sheet.factors.get(factor_id)
            if factor is None or level not in factor.levels:
                what = f"unknown factor '{factor_id}'" if factor is None else f"level {level}"
                scope = "" if factor is None else f" for factor '{factor_id}'"
                found.append(
                    where.issue(file, (*loc, "scores", factor_id), "tier-scale", f"{what}{scope}")
                )
                scored_ok = False
        missing = sorted(set(sheet.factors) - set(assessment.scores))
        if missing:
            message = f"use case '{use_case_id}' is not scored on " + ", ".join(missing)
            found.append(where.issue(file, (*loc, "scores"), "tier-scale", message))
            scored_ok = False
        use_case = pb.use_cases.get(use_case_id)
        tier = sheet.tier_of(assessment)
        if scored_ok and use_case is not None and tier is not None and tier != use_case.risk_tier:
            found.append(
                where.issue(
                    file,
                    loc,
                    "tier-mismatch",
                    f"use case '{use_case_id}' scores {sheet.score(assessment)}, which is tier"
                    f" {tier}, but its risk_tier is {use_case.risk_tier}",
                )
            )
    return found


def _scales(sheet: TieringFile, where: Locator, file: str) -> list[Issue]:
    """Levels run 1..n for each factor; bands tile every possible total exactly once."""
    found: list[Issue] = []
    for factor in sheet.factors.values():
        if sorted(factor.levels) != list(range(1, len(factor.levels) + 1)):
            message = f"factor '{factor.id}' levels must run 1 to {len(factor.levels)}"
            found.append(where.issue(file, ("factors", factor.id, "levels"), "tier-scale", message))
    lowest = sum(min(f.levels) for f in sheet.factors.values())
    highest = sum(max(f.levels) for f in sheet.factors.values())
    covered: dict[int, int] = {}
    for index, band in enumerate(sheet.bands):
        for total in range(band.min_score, band.max_score + 1):
            if total in covered:
                message = f"score {total} is in two bands (tiers {covered[total]} and {band.tier})"
                found.append(where.issue(file, ("bands", index), "tier-scale", message))
                break
            covered[total] = band.tier
    gaps = [t for t in range(lowest, highest + 1) if t not in covered]
    if gaps:
        message = (
            f"bands must cover every total from {lowest} to {highest}; not covered: "
            + ", ".join(str(g) for g in gaps)
        )
        found.append(where.issue(file, ("bands",), "tier-scale", message))
    return found
