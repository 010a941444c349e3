"""Governance templates and the materiality tiering page, rendered from data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render.pages import generated_downloads
from playbook.render.printing import print_ready
from playbook.render.templates import (
    download_uri,
    render_template_download,
    render_template_page,
    render_templates_index,
)
from playbook.render.tiering import render_tiering
from tests.helpers import SCRIPT, VALID, copy_data, playbook_of, reference_data, write_yaml

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook

TEMPLATES = {
    "templates": {
        "validation_report": {
            "title": "Validation report",
            "owner": "model_validator",
            "produced_by": "approve_validation",
            "gates": ["validation_gate"],
            "controls": ["independent_validation"],
            "description": "The validator's conclusion and its evidence.",
            "sections": {
                "scope": {
                    "title": "Scope and independence",
                    "filled_by": ["model_validator"],
                    "guidance": "The version validated and its tier.",
                },
                "approval": {
                    "title": "Approval",
                    "filled_by": ["business_owner", "model_validator"],
                    "guidance": "Who approved, and when.",
                },
            },
        }
    }
}


def _with_templates(tmp_path: Path, templates: dict[str, object]) -> Playbook:
    data = copy_data(VALID, tmp_path / "data")
    write_yaml(data / "templates.yaml", templates)
    return playbook_of(data)


def test_template_page_lists_sections_roles_gates_and_the_download(tmp_path: Path) -> None:
    pb = _with_templates(tmp_path, TEMPLATES)
    page = render_template_page(
        pb, "governance/templates/validation_report.md", "validation_report"
    )
    assert page.startswith("# Validation report\n\n")
    assert "The validator's conclusion and its evidence." in page
    assert (
        "- **Accountable for the completed document:** "
        "[Model validator](../../people/roles/model_validator.md)"
    ) in page
    assert (
        "- **Needed at:** [Validation approval](../gates.md#validation_gate)\n"
        "- **Evidences controls:** [CTL-01 Independent validation before use]"
        "(../controls.md#independent_validation)\n"
        "- **File:** [Download as Markdown](downloads/validation_report.md)"
        '{ download="validation_report.md" }\n'
    ) in page
    assert (
        "| 2. Approval | [Business owner](../../people/roles/business_owner.md), "
        "[Model validator](../../people/roles/model_validator.md) | Who approved, and when. |"
    ) in page


def test_templates_index_links_each_page_and_file(tmp_path: Path) -> None:
    pb = _with_templates(tmp_path, TEMPLATES)
    page = render_templates_index(pb, "governance/templates/index.md")
    assert "The 1 document template the gates ask for" in page
    assert (
        "| [Validation report](validation_report.md) "
        "| [Model validator](../../people/roles/model_validator.md) "
    ) in page
    assert (
        '[Download as Markdown](downloads/validation_report.md){ download="validation_report.md" }'
        in page
    )


def test_download_is_a_blank_document_with_one_heading_per_section(tmp_path: Path) -> None:
    pb = _with_templates(tmp_path, TEMPLATES)
    assert generated_downloads(pb) == {
        download_uri("validation_report"): render_template_download(pb, "validation_report")
    }
    text = render_template_download(pb, "validation_report")
    assert text.splitlines()[:3] == [
        "# Validation report",
        "",
        "> Fixture Advisors. Accountable: Model validator. Needed at: Validation approval.",
    ]
    assert (
        "## 2. Approval\n\n_Filled by: Business owner, Model validator_\n\n"
        "> Who approved, and when.\n"
    ) in text


def test_no_templates_file_means_no_pages_and_no_downloads(pb: Playbook) -> None:
    assert pb.templates == {}
    assert generated_downloads(pb) == {}


def test_injected_script_in_a_template_is_escaped_on_its_page(tmp_path: Path) -> None:
    templates = {"templates": {"x": {**TEMPLATES["templates"]["validation_report"]}}}
    templates["templates"]["x"]["title"] = SCRIPT
    pb = _with_templates(tmp_path, templates)
    page = render_template_page(pb, "governance/templates/x.md", "x")
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_print_page_keeps_the_download_text_but_not_its_link() -> None:
    html = '<p><a download="a.md" href="downloads/a.md">Download as Markdown</a></p>'
    assert (
        print_ready(html, "governance/templates/a/") == "<p><span>Download as Markdown</span></p>"
    )


def test_reference_templates_cover_the_six_documents_the_gates_need() -> None:
    pb = playbook_of(reference_data())
    assert sorted(pb.templates) == [
        "incident_severity_matrix",
        "model_card",
        "ongoing_monitoring_plan",
        "tiering_score_sheet",
        "uat_signoff",
        "validation_report",
    ]
    for template in pb.templates.values():
        assert template.gates
        assert template.sections
        assert all(section.filled_by for section in template.sections.values())


def test_tiering_page_shows_tiers_with_cadences_from_policy_and_use_case_scores() -> None:
    pb = playbook_of(reference_data())
    page = render_tiering(pb, "governance/tiering.md")
    assert page.startswith("# Materiality tiering\n\n")
    assert "### Exposure: how far the output reaches { #dimension-exposure }" in page
    tier1 = next(line for line in page.splitlines() if line.startswith("| **Tier 1** | 15–20 |"))
    assert "[12 months](parameters.md#param-model_risk-periodic_review)" in tier1
    assert "[36 months](parameters.md#param-model_risk-full_revalidation)" in tier1
    assert "| [" + pb.use_cases["aml_suspicious_activity"].title + "](" in page
    assert "| **Confirmed performance breach** |" in page
    sheet = pb.tiering
    assert sheet is not None
    assert set(sheet.assessments) == set(pb.use_cases)
    for use_case_id, assessment in sheet.assessments.items():
        assert sheet.tier_of(assessment) == pb.use_cases[use_case_id].risk_tier
