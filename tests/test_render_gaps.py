"""The gap analysis page: heatmap cells, roadmap order and escaping."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from playbook.render.gaps import cell_kind, render_gap_analysis, roadmap
from tests.helpers import SCRIPT, VALID, copy_data, playbook_of, rewrite

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook

PAGE = "technology/gap-analysis.md"


def _capability(name: str, priority: str, current: int, target: int, horizon: str) -> Any:
    return {
        "name": name,
        "dimension": "process",
        "priority": priority,
        "current": current,
        "target": target,
        "horizon": horizon,
        "description": f"{name} capability.",
        "hurdles": ["No owner"],
        "recommendations": [{"text": "Adopt MLflow.", "tools": ["mlflow"]}],
    }


@pytest.fixture(name="pb")
def fixture_pb(tmp_path: Path) -> Playbook:
    """The fixture plus capabilities that exercise every sort key of the roadmap."""
    data = copy_data(VALID, tmp_path / "data")

    def edit(doc: dict[str, Any]) -> None:
        doc["capabilities"].update(
            low_big=_capability("Low priority, big gap", "low", 0, 4, "0-6 months"),
            high_far=_capability("High, gap 2, far", "high", 1, 3, "12-24 months"),
            high_small=_capability("High, gap 1", "high", 2, 3, "0-6 months"),
            medium_met=_capability("Medium, met", "medium", 3, 3, "6-12 months"),
        )

    rewrite(data, "gap_analysis.yaml", edit)
    return playbook_of(data)


def test_roadmap_sorts_by_priority_then_gap_then_horizon(pb: Playbook) -> None:
    assert [c.id for c in roadmap(pb)] == [
        "model_registry",  # high, gap 2, 0-6 months
        "high_far",  # high, gap 2, 12-24 months
        "high_small",  # high, gap 1
        "medium_met",
        "low_big",
    ]


def test_cell_kinds_mark_current_gap_and_target(pb: Playbook) -> None:
    cap = pb.capabilities["model_registry"]  # current 1, target 3
    assert [cell_kind(cap, level) for level in range(5)] == [
        "achieved",
        "current",
        "gap",
        "target",
        "beyond",
    ]
    assert cell_kind(pb.capabilities["medium_met"], 3) == "met"


def test_heatmap_is_readable_without_colour(pb: Playbook) -> None:
    page = render_gap_analysis(pb, PAGE)
    row = next(line for line in page.splitlines() if 'href="#model_registry"' in line)
    symbols = [s for s in ("■", "●", "→", "◎") if f'<span aria-hidden="true">{s}</span>' in row]
    assert symbols == ["■", "●", "→", "◎"]
    assert '<span class="pb-sr-only">current level</span>' in row
    assert '<td class="pb-heatmap__number">+2</td>' in row
    assert "Legend: ■ reached" in page


def test_page_has_scale_roadmap_and_anchored_capabilities(pb: Playbook) -> None:
    page = render_gap_analysis(pb, PAGE)
    assert page.startswith(
        '# Gap analysis and roadmap\n\n<p class="pb-data-source" '
        "data-search-exclude data-pagefind-ignore>"
    )
    assert "| 0 | Absent | No capability. |" in page
    assert "| 1 | [Model registry and promotion](#model_registry) | technology | high |" in page
    assert "### Model registry and promotion { #model_registry }" in page
    assert "- Adopt the MLflow registry with stage gates. ([MLflow](tools.md#mlflow))" in page
    assert page.index("{ #high_far }") < page.index("{ #low_big }")


def test_injected_script_is_shown_as_text(tmp_path: Path) -> None:
    data = copy_data(VALID, tmp_path / "data")
    rewrite(data, "tools.yaml", lambda d: d["tools"]["mlflow"].update(name=SCRIPT))
    rewrite(
        data,
        "gap_analysis.yaml",
        lambda d: d["capabilities"]["model_registry"].update(name=SCRIPT, hurdles=[SCRIPT]),
    )
    page = render_gap_analysis(playbook_of(data), PAGE)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
