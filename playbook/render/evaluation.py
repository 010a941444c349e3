"""The tool evaluation page (technology/tool-evaluation.md): weighted scoring and sensitivity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from playbook.render import links, refs
from playbook.render.charts import Bar, bar_chart
from playbook.render.common import data_note, plural
from playbook.render.markdown import bullets, heading, markdown, table, text
from playbook.render.tools import category_anchor

if TYPE_CHECKING:
    from collections.abc import Mapping

    from playbook.data.model import Evaluation, Playbook

#: How far a single weight moves in the sensitivity check, in points (weights sum to 100).
STEP = 10
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class WeightMove:
    """One sensitivity scenario: a criterion's weight moved, the others rescaled.

    Attributes:
        criterion: The criterion whose weight moved.
        delta: The intended move in points (+10 or -10).
        weight: The criterion's new weight (clamped to 0-100).
        weights: Every criterion's weight in the scenario (sums to 100).
        totals: Candidate id to its weighted total (1-5 scale) under these weights.
        winner: The top candidate (the baseline winner keeps a tie).
        flips: True when another candidate now beats the baseline winner.
        tied: True when another candidate now ties the baseline winner.
    """

    criterion: str
    delta: int
    weight: float
    weights: dict[str, float]
    totals: dict[str, float]
    winner: str
    flips: bool
    tied: bool


def weighted_totals(evaluation: Evaluation, weights: Mapping[str, float]) -> dict[str, float]:
    """Each candidate's weighted total on the 1-5 scale for the given weights (sum 100)."""
    return {
        cand_id: sum(weights.get(c, 0.0) * s for c, s in cand.scores.items()) / 100
        for cand_id, cand in evaluation.candidates.items()
    }


def ranking(totals: Mapping[str, float]) -> list[str]:
    """Candidate ids best first; ties keep data order."""
    order = list(totals)
    return sorted(order, key=lambda c: (-round(totals[c], 9), order.index(c)))


def moved_weights(base: Mapping[str, float], criterion: str, delta: float) -> dict[str, float]:
    """Move one weight by ``delta`` points and rescale the others to keep the sum at 100.

    The moved weight is clamped to 0-100. The other weights keep their proportions; when they
    are all zero they share the remainder equally.
    """
    total = sum(base.values())
    new = min(max(base[criterion] + delta, 0.0), total)
    others = {c: w for c, w in base.items() if c != criterion}
    rest = sum(others.values())
    remainder = total - new
    if rest > 0:
        scaled = {c: w * remainder / rest for c, w in others.items()}
    else:
        scaled = {c: remainder / len(others) for c in others} if others else {}
    return {c: (new if c == criterion else scaled[c]) for c in base}


def sensitivity(pb: Playbook, evaluation: Evaluation, step: int = STEP) -> list[WeightMove]:
    """Every single-weight move of ±``step`` points and whether it changes the winner.

    Args:
        pb: The playbook (its criteria and weights).
        evaluation: The evaluation whose candidates are re-scored.
        step: Points to move each weight by.

    Returns:
        One :class:`WeightMove` per criterion and direction, in criteria order (+ before -).
        Moves that cannot change anything (a weight already at 0 or 100) are left out.
    """
    base = {c: float(crit.weight) for c, crit in pb.criteria.items()}
    if not base or not evaluation.candidates:
        return []
    leader = ranking(weighted_totals(evaluation, base))[0]
    moves: list[WeightMove] = []
    for criterion in base:
        for delta in (step, -step):
            weights = moved_weights(base, criterion, delta)
            if abs(weights[criterion] - base[criterion]) < _EPSILON:
                continue
            totals = weighted_totals(evaluation, weights)
            rivals = [c for c in totals if c != leader]
            flips = any(totals[c] > totals[leader] + _EPSILON for c in rivals)
            tied = not flips and any(abs(totals[c] - totals[leader]) <= _EPSILON for c in rivals)
            winner = ranking(totals)[0] if flips else leader
            moves.append(
                WeightMove(
                    criterion=criterion,
                    delta=delta,
                    weight=weights[criterion],
                    weights=weights,
                    totals=totals,
                    winner=winner,
                    flips=flips,
                    tied=tied,
                )
            )
    return moves


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def _points(value: float) -> str:
    return f"{value:.4g}"


def _candidate_name(pb: Playbook, tool_id: str) -> str:
    found = pb.tools.get(tool_id)
    return found.name if found else tool_id


def _sensitivity_text(pb: Playbook, evaluation: Evaluation) -> str:
    base = {c: float(crit.weight) for c, crit in pb.criteria.items()}
    leader = ranking(weighted_totals(evaluation, base))[0]
    moves = sensitivity(pb, evaluation)
    name = text(_candidate_name(pb, leader))
    changing = [m for m in moves if m.flips or m.tied]
    if not changing:
        return (
            f"**Sensitivity:** {name} stays the winner under every ±{STEP}-point move of a "
            f"single weight (the other weights rescaled to keep the total at 100); "
            f"{plural(len(moves), 'scenario')} checked.\n\n"
        )
    lines = []
    for move in changing:
        crit = text(pb.criteria[move.criterion].name)
        before = _points(base[move.criterion])
        after = _points(move.weight)
        if move.flips:
            outcome = (
                f"{text(_candidate_name(pb, move.winner))} wins "
                f"({_fmt(move.totals[move.winner])} against {_fmt(move.totals[leader])})"
            )
        else:
            outcome = f"{name} ties at {_fmt(move.totals[leader])}"
        lines.append(f"{crit} {before} → {after}: {outcome}")
    flips = any(m.flips for m in changing)
    one = len(changing) == 1
    verdict = ("changes" if one else "change") + (" the winner" if flips else " it into a tie")
    return (
        f"**Sensitivity:** the choice of {name} is sensitive to the weights: "
        f"{len(changing)} of the {len(moves)} single-weight moves of ±{STEP} points "
        f"(the other weights rescaled) {verdict}:\n\n" + bullets(lines) + "\n"
    )


def _chart(
    pb: Playbook, evaluation: Evaluation, totals: Mapping[str, float], order: list[str]
) -> str:
    """Weighted totals as bars, each with a whisker over its range under the sensitivity moves."""
    moves = sensitivity(pb, evaluation)
    moved = [weighted_totals(evaluation, move.weights) for move in moves]
    bars = [
        Bar(
            _candidate_name(pb, c),
            totals[c],
            note=_fmt(totals[c]),
            kind="winner" if i == 0 else "default",
            low=min([totals[c], *(m[c] for m in moved)]),
            high=max([totals[c], *(m[c] for m in moved)]),
        )
        for i, c in enumerate(order)
    ]
    words = "; ".join(f"{_candidate_name(pb, c)} {_fmt(totals[c])}" for c in order)
    description = (
        f"Weighted totals out of 5, highest first: {words}. The whisker on each bar spans its "
        f"total under every ±{STEP}-point move of a single weight."
    )
    return bar_chart(
        f"{evaluation.title}: weighted totals",
        description,
        bars,
        maximum=5,
        ticks=[(v, str(v)) for v in range(6)],
    )


def _evaluation(pb: Playbook, page: str, evaluation: Evaluation) -> str:
    criteria = list(pb.criteria.values())
    totals = {c: pb.weighted_total(cand) for c, cand in evaluation.candidates.items()}
    order = ranking(totals)
    rank_of = {c: i for i, c in enumerate(order, start=1)}
    # Criteria as rows and candidates as columns: a handful of candidates fit across the page,
    # ten criteria would not.
    cands = list(evaluation.candidates)
    winner = order[0] if order else None

    def strong(cell: str, cand_id: str) -> str:
        return f"**{cell}**" if cand_id == winner else cell

    headers = ["Criterion", "Weight"]
    headers += [strong(refs.tool(pb, page, c), c) for c in cands]
    rows = [
        [
            text(crit.name),
            str(crit.weight),
            *(
                str(evaluation.candidates[c].scores[crit.id])
                if crit.id in evaluation.candidates[c].scores
                else "–"
                for c in cands
            ),
        ]
        for crit in criteria
    ]
    rows.append(["**Weighted total**", "100", *(strong(_fmt(totals[c]), c) for c in cands)])
    rows.append(["**Rank**", "", *(strong(str(rank_of[c]), c) for c in cands)])
    category = pb.categories.get(evaluation.category)
    category_link = (
        f"[{text(category.name)}]"
        f"({links.md_href(links.TOOLS, page, category_anchor(evaluation.category))})"
        if category
        else text(evaluation.category)
    )
    ranking_line = "; ".join(
        f"{i}. {text(_candidate_name(pb, c))} {_fmt(totals[c])}" for i, c in enumerate(order, 1)
    )
    notes = bullets(
        f"{refs.tool(pb, page, cand_id)}: {text(cand.notes)}"
        for cand_id, cand in evaluation.candidates.items()
    )
    return (
        heading(2, text(evaluation.title), evaluation.id)
        + f"Category: {category_link} · {plural(len(evaluation.candidates), 'candidate')}\n\n"
        + markdown(evaluation.context).strip()
        + "\n\n"
        + table(headers, rows)
        + f"\n**Ranking:** {ranking_line}.\n\n"
        + _chart(pb, evaluation, totals, order)
        + _sensitivity_text(pb, evaluation)
        + "**Candidate notes**\n\n"
        + notes
        + "\n**Decision**\n\n"
        + markdown(evaluation.decision).strip()
        + "\n\n"
    )


def render_tool_evaluation(pb: Playbook, page: str) -> str:
    """Criteria and weights, then per evaluation: scores, ranking, sensitivity and decision.

    Args:
        pb: The playbook.
        page: Source URI of the page (``technology/tool-evaluation.md``).

    Returns:
        Markdown; each evaluation has a section anchored by its id.
    """
    total_weight = sum(c.weight for c in pb.criteria.values())
    out = [
        "# Tool evaluation\n\n",
        data_note(pb, "tool_evaluation.yaml"),
        "Candidate tools are scored from 1 (poor) to 5 (excellent) against weighted criteria. "
        "A candidate's weighted total is the sum of weight × score divided by 100, so it stays "
        f"on the 1-5 scale. Each evaluation is stress-tested by moving every weight by ±{STEP} "
        "points (the other weights rescaled to keep the total at 100) to see whether the "
        "winner changes.\n\n",
        "## Criteria and weights { #criteria }\n\n",
        table(
            ["Criterion", "Weight", "What it measures"],
            [[text(c.name), str(c.weight), text(c.description)] for c in pb.criteria.values()]
            + [["**Total**", f"**{total_weight}**", ""]],
        ),
        "\n",
    ]
    if pb.evaluations:
        out.append(
            "Evaluations: "
            + ", ".join(
                f"[{text(ev.title)}]({links.md_href(page, page, ev.id)})"
                for ev in pb.evaluations.values()
            )
            + ".\n\n"
        )
    out.extend(_evaluation(pb, page, ev) for ev in pb.evaluations.values())
    return "".join(out)
