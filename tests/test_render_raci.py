"""The RACI matrix, the roll-up heatmap and the RACI health report."""

from __future__ import annotations

import re

import pytest

from playbook.data.issues import Issue
from playbook.data.model import Playbook
from playbook.render.raci import (
    HEAT_LEVELS,
    count_letters,
    heat_level,
    render_raci_health,
    render_raci_matrix,
    render_raci_rollup,
)
from tests.helpers import SCRIPT

MATRIX = "people/raci.md"
ROLLUP = "people/raci-rollup.md"


def renamed(pb: Playbook, role_id: str, name: str) -> Playbook:
    """``pb`` with one role's display name replaced."""
    roles = dict(pb.roles)
    roles[role_id] = roles[role_id].model_copy(update={"name": name})
    return pb.model_copy(update={"roles": roles})


def test_matrix_has_one_row_per_task_in_lifecycle_order(pb: Playbook) -> None:
    html = render_raci_matrix(pb, MATRIX)
    rows = re.findall(r'<tr data-task="([a-z0-9_]+)" data-phase="([a-z0-9_]+)"', html)
    assert rows == [(t.id, p.id) for p, _, t in pb.tasks()]


def test_matrix_rows_name_every_role_holding_a_letter(pb: Playbook) -> None:
    html = render_raci_matrix(pb, MATRIX)
    for _, _, task in pb.tasks():
        match = re.search(rf'data-task="{task.id}"[^>]*data-roles="([^"]*)"', html)
        assert match is not None
        assert set(match.group(1).split()) == {r for _, r in task.raci.letters()}


def test_matrix_cells_are_colour_coded_by_letter(pb: Playbook) -> None:
    html = render_raci_matrix(pb, MATRIX)
    row = html.split('data-task="train_candidate_model"', 1)[1].split("</tr>", 1)[0]
    # Roles in column order: business owner, data scientist, ML engineer, model validator.
    cells = re.findall(r'<td class="raci raci--([a-z])" title="([^"]+)">', row)
    assert cells == [
        ("a", "Business owner: Accountable"),
        ("r", "Data scientist: Responsible"),
        ("c", "ML engineer: Consulted"),
        ("i", "Model validator: Informed"),
    ]


def test_matrix_links_tasks_to_their_anchor_and_roles_to_their_page(pb: Playbook) -> None:
    html = render_raci_matrix(pb, MATRIX)
    assert '<a href="../../process/build/#train_candidate_model">' in html
    assert '<a href="../roles/ml_engineer/"' in html


def test_matrix_groups_rows_by_phase_for_the_filters(pb: Playbook) -> None:
    html = render_raci_matrix(pb, MATRIX)
    groups = re.findall(r'<tbody class="raci-group" data-phase="([a-z0-9_]+)">', html)
    assert groups == [p.id for p in pb.phases]
    assert "data-raci-matrix" in html


def test_matrix_escapes_role_names(pb: Playbook) -> None:
    html = render_raci_matrix(renamed(pb, "ml_engineer", SCRIPT), MATRIX)
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_legend_shows_support_only_in_rasci_playbooks(pb: Playbook) -> None:
    assert "Support" not in render_raci_matrix(pb, MATRIX)
    rasci = pb.model_copy(update={"meta": pb.meta.model_copy(update={"raci_letters": "RASCI"})})
    assert "<strong>Support</strong>" in render_raci_matrix(rasci, MATRIX)


@pytest.mark.parametrize(
    ("count", "busiest", "level"),
    [(0, 10, 0), (1, 10, 1), (2, 10, 1), (5, 10, 3), (10, 10, HEAT_LEVELS), (3, 0, 0)],
)
def test_heat_level_scales_against_the_busiest_cell(count: int, busiest: int, level: int) -> None:
    assert heat_level(count, busiest) == level


def test_count_letters_counts_each_letter_per_role(pb: Playbook) -> None:
    counts = count_letters(t for _, _, t in pb.tasks())
    assert counts["data_scientist"] == {"R": 2, "I": 1}
    assert counts["business_owner"] == {"A": 1, "R": 1}


def test_rollup_has_a_row_per_phase_and_sub_phase_with_counts(pb: Playbook) -> None:
    html = render_raci_rollup(pb, ROLLUP)
    assert re.findall(r'class="raci-rollup-phase" data-phase="([a-z_]+)"', html) == [
        "build",
        "validate",
    ]
    assert len(re.findall(r'class="raci-rollup-sub"', html)) == 2
    build = html.split('class="raci-rollup-phase" data-phase="build"', 1)[1].split("</tr>", 1)[0]
    # Data scientist is R on both build tasks: the busiest cell of the phase rows.
    assert f'class="raci-heat-{HEAT_LEVELS}" data-role="data_scientist" data-count="2"' in build
    assert ">R2</span>" in build


def test_health_report_flags_overloaded_and_idle_roles(pb: Playbook) -> None:
    strict = pb.model_copy(
        update={
            "meta": pb.meta.model_copy(
                update={"rules": pb.meta.rules.model_copy(update={"max_accountable_share": 0.3})}
            )
        }
    )
    report = render_raci_health(strict, ROLLUP)
    rows = {line.split("|")[1].strip(): line for line in report.splitlines() if "roles/" in line}
    # Three tasks: one A each for business owner, ML engineer, validator (33% > 30%).
    assert "**Overloaded**" in rows["[Business owner](roles/business_owner.md)"]
    assert "**Overloaded**" not in rows["[Data scientist](roles/data_scientist.md)"]


def test_health_report_lists_validator_warnings_by_kind(pb: Playbook) -> None:
    issues = [
        Issue("data/tools.yaml", 12, 3, "warning", "tool-unused", "tool 'x' is used by no task"),
        Issue("data/roles.yaml", 4, 3, "warning", "role-idle", "role 'y' is idle"),
        Issue("data/roles.yaml", 9, 3, "error", "unknown-ref", "not a warning"),
        Issue("data/gates.yaml", 2, 1, "warning", "placeholder", "placeholder <b>TBD</b>"),
    ]
    report = render_raci_health(pb, ROLLUP, issues)
    assert "reported 3 warnings" in report
    assert report.index("#### Idle roles") < report.index("#### Unused tools")
    assert "(`data/tools.yaml:12`)" in report
    assert "not a warning" not in report
    assert "#### Other warnings" in report
    assert "<b>" not in report


def test_health_report_says_so_when_there_are_no_warnings(pb: Playbook) -> None:
    assert "The validator reports no warnings." in render_raci_health(pb, ROLLUP, [])
