"""The governance pages: gates, controls and traceability."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from playbook.render import governance
from playbook.render.governance import (
    control_tasks,
    render_controls,
    render_gates,
    render_traceability,
    untraced_controls,
)
from playbook.render.refs import control_code
from tests.helpers import SCRIPT, VALID, copy_data, playbook_of, reference_data, rewrite

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_gate_section_has_stages_task_approvers_criteria_and_links(pb: Playbook) -> None:
    page = render_gates(pb, "governance/gates.md")
    assert page.startswith(
        '# Stage gates\n\n<p class="pb-data-source" data-search-exclude data-pagefind-ignore>'
    )
    assert "## Validation approval { #validation_gate }" in page
    assert "**Moves a model from** Validation **to** Production" in page
    assert (
        "**Run by:** [Approve the validation](../process/validate.md#approve_validation) "
        "([Validate](../process/validate.md))"
    ) in page
    assert (
        "**Approvers:** [Model validator](../people/roles/model_validator.md), "
        "[Business owner](../people/roles/business_owner.md)"
    ) in page
    assert "| AUC on out-of-time holdout | ≥ 0.75 |  |" in page
    assert "- Validation report" in page
    assert "**Applied by use cases:** [Client attrition](../use-cases/churn.md)" in page
    assert (
        "**Enforces controls:** "
        "[CTL-01 Independent validation before use](controls.md#independent_validation)"
    ) in page
    assert (
        "**Guards architecture flows:** [Model registry](../technology/architecture.md#registry) → "
        "[Serving endpoint](../technology/architecture.md#endpoint)"
    ) in page


def test_controls_are_grouped_by_source_with_a_matrix(pb: Playbook) -> None:
    page = render_controls(pb, "governance/controls.md")
    assert "## Revised Guidance on Model Risk Management (SR 26-2) { #source-sr_26_2 }" in page
    assert (
        "[Revised Guidance on Model Risk Management (SR 26-2)]"
        "(https://www.federalreserve.gov/supervisionreg/srletters/srletters.htm), issued by "
        "Board of Governors of the Federal Reserve System, OCC and FDIC on 2026-04-17. "
        "**Status:** Current. **Applies:** Adopted by firm policy."
    ) in page
    assert "### CTL-01 Independent validation before use { #independent_validation }" in page
    assert '<div class="pb-card" markdown>' in page
    assert "**Citation:** Model validation and monitoring" in page
    assert (
        "**History:** formerly rested on [Supervisory Guidance on Model Risk Management "
        "(SR 11-7)](#source-sr_11_7)"
    ) in page
    # The matrix comes first, with codes and source names (not ids).
    assert page.index("## Controls matrix { #controls-matrix") < page.index("### CTL-01")
    assert (
        "| [CTL-01 Independent validation before use](#independent_validation) "
        "| [Revised Guidance on Model Risk Management (SR 26-2)](#source-sr_26_2) "
        "| [Validation approval](gates.md#validation_gate) | 1 | 1 |"
    ) in page
    assert (
        "**Answers use-case risks:** [Client attrition](../use-cases/churn.md): Biased outreach"
        in page
    )


def test_control_tasks_merge_both_directions_without_duplicates(pb: Playbook) -> None:
    assert control_tasks(pb, pb.controls["independent_validation"]) == ["approve_validation"]


def _untraced(tmp_path: Path) -> Playbook:
    data = copy_data(VALID, tmp_path / "data")

    def edit(doc: dict[str, Any]) -> None:
        doc["controls"]["orphan_control"] = {
            "title": "Orphaned control",
            "source": "sr_26_2",
            "description": "A control nobody enforces.",
            "enforced_at": {},
        }

    rewrite(data, "controls.yaml", edit)
    return playbook_of(data)


def test_untraced_controls_are_flagged(tmp_path: Path) -> None:
    pb = _untraced(tmp_path)
    assert untraced_controls(pb) == ["orphan_control"]
    page = render_traceability(pb, "governance/traceability.md")
    assert page.startswith("# Control traceability\n\n")
    assert '!!! danger "1 untraced control"' in page
    assert "    - [CTL-02 Orphaned control](controls.md#orphan_control)" in page
    assert "| **untraced** |" in page
    assert "**Untraced:** enforced by no task, gate or component." in page
    assert "1 of 2 controls are traced" in page


def test_fully_traced_fixture_says_so(pb: Playbook) -> None:
    page = render_traceability(pb, "governance/traceability.md")
    assert '!!! success "Every control is traced"' in page
    assert (
        "| [Independent validation before use](#trace-independent_validation) | sr\\_26\\_2 "
        "| 1 | 1 | 1 | 1 | traced |"
    ) in page
    section = page[page.index("{ #trace-independent_validation }") :]
    assert (
        "- **Tasks:** [Approve the validation](../process/validate.md#approve_validation)\n"
        "- **Gates:** [Validation approval](gates.md#validation_gate)\n"
        "- **Components:** [Model registry](../technology/architecture.md#registry)\n"
        "- **Use-case risks:**\n    - [Client attrition](../use-cases/churn.md): Biased outreach"
    ) in section


def test_injected_script_is_shown_as_text(tmp_path: Path) -> None:
    data = copy_data(VALID, tmp_path / "data")
    rewrite(data, "tools.yaml", lambda d: d["tools"]["mlflow"].update(name=SCRIPT))
    rewrite(data, "gates.yaml", lambda d: d["gates"]["validation_gate"].update(name=SCRIPT))
    rewrite(
        data,
        "controls.yaml",
        lambda d: d["controls"]["independent_validation"].update(title=SCRIPT, citation=SCRIPT),
    )
    rewrite(data, "controls.yaml", lambda d: d["sources"]["sr_26_2"].update(issuer=SCRIPT))
    pb = playbook_of(data)
    for page in (
        render_gates(pb, "governance/gates.md"),
        render_controls(pb, "governance/controls.md"),
        render_traceability(pb, "governance/traceability.md"),
    ):
        assert "<script" not in page
        assert ESCAPED in page


def test_reference_pages_anchor_every_gate_and_control() -> None:
    pb = playbook_of(reference_data())
    gates = render_gates(pb, "governance/gates.md")
    controls = render_controls(pb, "governance/controls.md")
    for gate_id in pb.gates:
        assert f"{{ #{gate_id} }}" in gates
    for control_id in pb.controls:
        assert f"{{ #{control_id} }}" in controls
    assert render_traceability(pb, "governance/traceability.md").count("\n| [") == len(pb.controls)


def test_control_codes_follow_the_data_order_and_pad_to_two_digits(pb: Playbook) -> None:
    assert [control_code(pb, c) for c in pb.controls] == ["CTL-01"]
    assert control_code(pb, "no_such_control") == ""
    many = pb.model_copy(
        update={"controls": {f"c{i}": pb.controls["independent_validation"] for i in range(120)}}
    )
    assert control_code(many, "c7") == "CTL-008"


def test_a_control_in_many_tasks_gives_their_number_and_links_the_traceability_list(
    pb: Playbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    control = next(iter(pb.controls.values()))
    tasks = control_tasks(pb, control)
    assert tasks
    listed = render_controls(pb, "governance/controls.md")
    assert "[traceability view](traceability.md#trace-" not in listed
    monkeypatch.setattr(governance, "CONTROL_TASKS_LISTED", len(tasks) - 1)
    page = render_controls(pb, "governance/controls.md")
    card = page.split(f"{{ #{control.id} }}", 1)[1].split("</div>", 1)[0]
    n = f"{len(tasks)} task" + ("s" if len(tasks) > 1 else "")
    link = f"traceability.md#trace-{control.id}"
    assert f"**Tasks:** {n}, listed in the [traceability view]({link})" in card
    assert "process/" not in card
    # The traceability view lists every one of them in that section.
    trace = render_traceability(pb, "governance/traceability.md")
    section = trace.split(f"{{ #trace-{control.id} }}", 1)[1].split("\n### ", 1)[0]
    assert [t for t in tasks if f"#{t})" in section] == tasks
