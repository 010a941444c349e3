"""Weighted scoring and the weight-sensitivity check of the tool evaluation page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from playbook.render.evaluation import (
    moved_weights,
    ranking,
    render_tool_evaluation,
    sensitivity,
    weighted_totals,
)
from tests.helpers import VALID, copy_data, playbook_of, reference_data, rewrite

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook


def _scored(tmp_path: Path, weights: dict[str, int], scores: dict[str, dict[str, int]]) -> Any:
    """The fixture with criteria weights and the two candidates' scores replaced."""
    data = copy_data(VALID, tmp_path / "data")

    def edit(doc: dict[str, Any]) -> None:
        for criterion, weight in weights.items():
            doc["criteria"][criterion]["weight"] = weight
        for candidate, values in scores.items():
            doc["evaluations"]["tracking"]["candidates"][candidate]["scores"] = values

    rewrite(data, "tool_evaluation.yaml", edit)
    return playbook_of(data)


def test_weighted_totals_match_the_model(pb: Playbook) -> None:
    evaluation = pb.evaluations["tracking"]
    weights = {c: float(x.weight) for c, x in pb.criteria.items()}
    totals = weighted_totals(evaluation, weights)
    assert totals == pytest.approx({"mlflow": 4.4, "github_actions": 2.8})
    for cand_id, cand in evaluation.candidates.items():
        assert pb.weighted_total(cand) == pytest.approx(totals[cand_id])
    assert ranking(totals) == ["mlflow", "github_actions"]


def test_moved_weights_keep_the_others_in_proportion() -> None:
    moved = moved_weights({"a": 50.0, "b": 30.0, "c": 20.0}, "a", 10)
    assert moved == pytest.approx({"a": 60.0, "b": 24.0, "c": 16.0})
    assert sum(moved.values()) == pytest.approx(100)


def test_moved_weights_clamp_at_zero() -> None:
    moved = moved_weights({"a": 5.0, "b": 95.0}, "a", -10)
    assert moved == pytest.approx({"a": 0.0, "b": 100.0})


def test_fixture_winner_holds_under_every_move(pb: Playbook) -> None:
    moves = sensitivity(pb, pb.evaluations["tracking"])
    assert [(m.criterion, m.delta) for m in moves] == [
        ("fit", 10),
        ("fit", -10),
        ("cost", 10),
        ("cost", -10),
    ]
    assert not any(m.flips or m.tied for m in moves)
    assert {m.winner for m in moves} == {"mlflow"}
    for move in moves:
        assert sum(move.weights.values()) == pytest.approx(100)


def test_fixture_page_reports_a_stable_winner(pb: Playbook) -> None:
    page = render_tool_evaluation(pb, "technology/tool-evaluation.md")
    assert page.startswith('# Tool evaluation\n\n<p class="pb-data-source"')
    assert "| **Weighted total** | 100 | **4.40** | 2.80 |" in page
    assert "MLflow stays the winner under every ±10-point move" in page
    assert "4 scenarios checked" in page


def test_a_ten_point_move_that_flips_the_winner_is_reported(tmp_path: Path) -> None:
    # fit 55 / cost 45: MLflow 3.20, GitHub Actions 2.80. Fit 45 / cost 55 reverses it.
    pb = _scored(
        tmp_path,
        {"fit": 55, "cost": 45},
        {"mlflow": {"fit": 5, "cost": 1}, "github_actions": {"fit": 1, "cost": 5}},
    )
    moves = sensitivity(pb, pb.evaluations["tracking"])
    flips = [(m.criterion, m.delta) for m in moves if m.flips]
    assert flips == [("fit", -10), ("cost", 10)]
    flip = next(m for m in moves if m.flips)
    assert flip.winner == "github_actions"
    assert flip.weights == pytest.approx({"fit": 45.0, "cost": 55.0})
    assert flip.totals == pytest.approx({"mlflow": 2.8, "github_actions": 3.2})
    page = render_tool_evaluation(pb, "technology/tool-evaluation.md")
    assert "2 of the 4 single-weight moves" in page
    assert "change the winner" in page
    assert "Regulatory fit 55 → 45: GitHub Actions wins (3.20 against 2.80)" in page
    assert "Total cost 45 → 55: GitHub Actions wins (3.20 against 2.80)" in page


def test_a_move_that_only_ties_is_reported_as_a_tie(tmp_path: Path) -> None:
    # fit 60 / cost 40: MLflow 3.40, GitHub Actions 3.00; at 50 / 50 both score 3.00.
    pb = _scored(
        tmp_path,
        {"fit": 60, "cost": 40},
        {"mlflow": {"fit": 5, "cost": 1}, "github_actions": {"fit": 3, "cost": 3}},
    )
    moves = sensitivity(pb, pb.evaluations["tracking"])
    assert not any(m.flips for m in moves)
    assert [(m.criterion, m.delta) for m in moves if m.tied] == [("fit", -10), ("cost", 10)]
    page = render_tool_evaluation(pb, "technology/tool-evaluation.md")
    assert "change it into a tie" in page
    assert "MLflow ties at 3.00" in page


def test_reference_evaluations_check_every_criterion_both_ways() -> None:
    pb = playbook_of(reference_data())
    for evaluation in pb.evaluations.values():
        moves = sensitivity(pb, evaluation)
        # A weight already at 100 cannot move up; weights are never 0.
        possible = {
            (c, d) for c, x in pb.criteria.items() for d in (10, -10) if d < 0 or x.weight < 100
        }
        assert {(m.criterion, m.delta) for m in moves} == possible
    page = render_tool_evaluation(pb, "technology/tool-evaluation.md")
    for evaluation in pb.evaluations.values():
        assert f"{{ #{evaluation.id} }}" in page
