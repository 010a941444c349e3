"""The tool catalog and the tool-by-lifecycle overlay."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from playbook.render import links, tools
from playbook.render.tools import (
    overlay_counts,
    render_overlay,
    render_overlay_phase,
    render_tool_catalog,
)
from tests.helpers import SCRIPT, VALID, copy_data, playbook_of, reference_data, rewrite

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook


def test_catalog_groups_tools_by_category_with_anchors_and_badges(pb: Playbook) -> None:
    page = render_tool_catalog(pb, "technology/tools.md")
    assert page.startswith(
        '# Tool catalog\n\n<p class="pb-data-source" data-search-exclude data-pagefind-ignore>'
    )
    assert "## Experiment tracking { #category-experiment_tracking }" in page
    assert "### MLflow { #mlflow }" in page
    assert page.index("{ #category-experiment_tracking }") < page.index("{ #mlflow }")
    assert page.index("{ #mlflow }") < page.index("{ #category-ci_cd }")
    assert (
        '<span class="pb-badge pb-badge--adopt">adopt</span> · Environments: dev, prod · '
        "Owner: [ML engineer](../people/roles/ml_engineer.md) · [Website](https://mlflow.org)"
    ) in page


def test_catalog_says_where_each_tool_is_used(pb: Playbook) -> None:
    page = render_tool_catalog(pb, "technology/tools.md")
    mlflow = page[page.index("{ #mlflow }") : page.index("{ #category-ci_cd }")]
    assert "- **Used in 2 tasks:**" in mlflow
    assert (
        "    - [Build](../process/build.md): "
        "[Train the candidate model](../process/build.md#train_candidate_model)"
    ) in mlflow
    assert "- **Use cases:** [Client attrition](../use-cases/churn.md)" in mlflow
    assert "- **Architecture components:** [Model registry](architecture.md#registry)" in mlflow
    assert "[Model registry and promotion](gap-analysis.md#model_registry)" in mlflow
    assert "[Experiment tracking](tool-evaluation.md#tracking)" in mlflow


def test_overlay_counts_tasks_per_phase(pb: Playbook) -> None:
    counts = overlay_counts(pb)
    assert {phase: len(tasks) for phase, tasks in counts["mlflow"].items()} == {
        "build": 1,
        "validate": 1,
    }
    assert {phase: len(tasks) for phase, tasks in counts["github_actions"].items()} == {"build": 1}


def test_overlay_matrix_links_counts_to_the_phase_lists(pb: Playbook) -> None:
    page = render_overlay(pb, "technology/overlay.md")
    assert page.startswith("# Tool-by-lifecycle overlay\n\n")
    row = next(line for line in page.splitlines() if line.startswith('<tr><th scope="row">'))
    assert row.startswith('<tr><th scope="row"><a href="../tools/#mlflow">MLflow</a></th>')
    assert row.count('<a href="#overlay-') == 2
    assert row.endswith("<td>2</td></tr>")
    assert '<a href="../../process/build/" title="Build">1. Build</a>' in page
    assert "### 1. Build { #overlay-build }" in page
    assert '<a id="overlay-build-mlflow"></a>[MLflow](tools.md#mlflow)' in page
    assert "\n\n" not in page[page.index("<table>") : page.index("</table>")]


def test_injected_script_is_shown_as_text(tmp_path: Path) -> None:
    data = copy_data(VALID, tmp_path / "data")
    rewrite(data, "tools.yaml", lambda d: d["tools"]["mlflow"].update(name=SCRIPT))
    rewrite(
        data,
        "tools.yaml",
        lambda d: d["categories"]["ci_cd"].update(name=SCRIPT, description=SCRIPT),
    )
    pb = playbook_of(data)
    for page in (
        render_tool_catalog(pb, "technology/tools.md"),
        render_overlay(pb, "technology/overlay.md"),
    ):
        assert "<script" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_reference_catalog_anchors_every_tool() -> None:
    pb = playbook_of(reference_data())
    page = render_tool_catalog(pb, "technology/tools.md")
    for tool_id in pb.tools:
        assert page.count(f"{{ #{tool_id} }}") == 1
    overlay = render_overlay(pb, "technology/overlay.md")
    assert overlay.count('<tr><th scope="row">') == len(pb.tools)


def _ids(markdown: str) -> set[str]:
    """The anchors a page defines: heading ids (attr_list) and raw HTML ids."""
    return set(re.findall(r"\{ #([^ }]+)", markdown)) | set(re.findall(r' id="([^"]+)"', markdown))


def test_a_split_overlay_links_each_count_to_its_phase_page_and_the_catalog_to_its_row(
    pb: Playbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tools, "OVERLAY_SPLIT_PAIRS", 0)
    overlay = render_overlay(pb, links.OVERLAY, split=True)
    phase_pages = {
        p.id: render_overlay_phase(pb, links.overlay_phase_page(p.id), p.id) for p in pb.phases
    }
    counts = overlay_counts(pb)
    # Every count of the matrix links the tool's item on its phase's page, which lists the
    # tool's tasks in that phase; the overlay page lists no task.
    cells = re.findall(r'<a href="([a-z_]+)/#(overlay-[a-z_-]+)" title="[^"]+">(\d+)</a>', overlay)
    assert len(cells) == sum(len(per_phase) for per_phase in counts.values()) > 0
    for phase_id, anchor, n in cells:
        assert anchor in _ids(phase_pages[phase_id]), anchor
        tool_id = anchor.removeprefix(f"overlay-{phase_id}-")
        item = phase_pages[phase_id].split(f'id="{anchor}"', 1)[1].split("\n", 1)[0]
        tasks = re.findall(r"\]\(\.\./\.\./process/[a-z_]+\.md#([a-z_]+)\)", item)
        assert tasks == [t.id for t in counts[tool_id][phase_id]]
        assert len(tasks) == int(n)
    assert "process/" not in overlay.split("## Tools by phase", 1)[1]
    for phase in pb.phases:
        assert f"(overlay/{phase.id}.md)" in overlay
    # The catalog points each used tool at its row of the matrix instead of listing its tasks.
    catalog = render_tool_catalog(pb, links.TOOLS)
    rows = re.findall(r"\[its row of the overlay\]\(overlay\.md#([a-z_-]+)\)", catalog)
    assert sorted(rows) == sorted(f"tool-row-{t}" for t, per in counts.items() if per)
    assert set(rows) <= _ids(overlay)
    assert "process/" not in catalog
