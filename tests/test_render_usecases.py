"""The use-case index and deep dives."""

from __future__ import annotations

from playbook.data.model import Playbook
from playbook.render.usecases import render_use_case, render_use_cases_index

PAGE = "use-cases/churn.md"


def test_index_row_shows_status_tier_owner_and_pattern(pb: Playbook) -> None:
    md = render_use_cases_index(pb, "use-cases/index.md")
    row = next(line for line in md.splitlines() if line.startswith("| [Client attrition]"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[0] == "[Client attrition](churn.md)"
    assert "playbook-badge--production" in cells[1]
    assert cells[2] == "Tier 2"
    assert cells[3] == "[Business owner](../people/roles/business_owner.md)"
    assert cells[4] == "Batch scoring"


def test_index_puts_production_before_development(pb: Playbook) -> None:
    early = pb.use_cases["churn"].model_copy(update={"id": "aaa", "status": "development"})
    md = render_use_cases_index(
        pb.model_copy(update={"use_cases": {"aaa": early, **pb.use_cases}}), "use-cases/index.md"
    )
    assert md.index("(churn.md)") < md.index("(aaa.md)")


def test_deep_dive_has_every_section_in_order(pb: Playbook) -> None:
    md = render_use_case(pb, PAGE, "churn", "<div>diagram</div>")
    sections = [
        "## Business problem",
        "## Value hypothesis",
        "### KPIs",
        "## Data",
        "### Features",
        "## Model approach",
        "## Pipeline",
        "<div>diagram</div>",
        "## Gates applied",
        "## Deployment",
        "## Monitoring",
        "## Retraining and self-healing",
        "## Risks and controls",
        "## Architecture",
    ]
    positions = [md.index(s) for s in sections]
    assert positions == sorted(positions)


def test_deep_dive_tables_link_tasks_tools_gates_controls_components(pb: Playbook) -> None:
    md = render_use_case(pb, PAGE, "churn")
    assert "| AUC | Model | – | ≥ 0.8 |" in md
    assert "| CRM | Client interactions. | **Yes** |" in md
    assert (
        "| 1 | [Train the candidate model](../process/build.md#train_candidate_model) "
        "| [Build](../process/build.md) | [MLflow](../technology/tools.md#mlflow) |"
    ) in md
    assert "[Validation approval](../governance/gates.md#validation_gate) (validation →" in md
    assert (
        "[CTL-01 Independent validation before use]"
        "(../governance/controls.md#independent_validation)" in md
    )
    assert "[Model registry](../technology/architecture.md#registry) (dev)" in md
    assert "| PSI | &gt; 0.2 | Retrain. |" in md


def test_deep_dive_escapes_plain_text_fields(pb: Playbook) -> None:
    churn = pb.use_cases["churn"].model_copy(
        update={"title": "<script>x</script>", "features": ["a | b", "*bold*"]}
    )
    md = render_use_case(pb.model_copy(update={"use_cases": {"churn": churn}}), PAGE, "churn")
    assert md.startswith("# &lt;script&gt;x&lt;/script&gt;\n")
    assert "- a \\| b\n- \\*bold\\*\n" in md
