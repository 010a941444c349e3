"""The role catalog and the per-role pages."""

from __future__ import annotations

import re

import pytest

from playbook.data.model import Playbook
from playbook.render.roles import render_role_page, render_roles_index


def page_of(role_id: str) -> str:
    return f"people/roles/{role_id}.md"


def test_catalog_groups_roles_by_line_of_defence(pb: Playbook) -> None:
    md = render_roles_index(pb, "people/index.md")
    first, second = md.index("## First line"), md.index("## Second line")
    assert first < md.index("[Data scientist](roles/data_scientist.md)") < second
    assert md.index("[Model validator](roles/model_validator.md)") > second
    assert "## Third line" not in md  # the fixture has no third-line role


@pytest.mark.parametrize("role_id", ["business_owner", "data_scientist", "ml_engineer"])
def test_role_page_lists_each_task_with_its_letter(pb: Playbook, role_id: str) -> None:
    md = render_role_page(pb, page_of(role_id), role_id)
    tasks = md.split("## Tasks", 1)[1].split("## Gates approved", 1)[0]
    rows = re.findall(
        r"^\| \[[^\]]+\]\(\.\./\.\./process/\w+\.md#(\w+)\) \|.*raci--(\w)", tasks, re.M
    )
    expected = [
        (t.id, t.raci.letters_of(role_id)[0].lower())
        for _, _, t in pb.tasks()
        if t.raci.letters_of(role_id)
    ]
    assert rows == expected


def test_role_page_groups_tasks_by_phase(pb: Playbook) -> None:
    md = render_role_page(pb, page_of("ml_engineer"), "ml_engineer")
    assert md.index("### 1. Build") < md.index("### 2. Validate")


def test_role_page_lists_gates_use_cases_and_tools(pb: Playbook) -> None:
    owner = render_role_page(pb, page_of("business_owner"), "business_owner")
    assert "[Validation approval](../../governance/gates.md#validation_gate)" in owner
    assert "| [Client attrition](../../use-cases/churn.md) | Business owner |" in owner
    assert "This role owns no tool." in owner
    engineer = render_role_page(pb, page_of("ml_engineer"), "ml_engineer")
    assert "[MLflow](../../technology/tools.md#mlflow)" in engineer
    assert "| [Client attrition](../../use-cases/churn.md) | Delivery |" in engineer
    assert "This role approves no stage gate." in engineer


def test_role_page_lists_the_independence_rules_naming_it_or_its_line(pb: Playbook) -> None:
    validator = render_role_page(pb, page_of("model_validator"), "model_validator")
    scientist = render_role_page(pb, page_of("data_scientist"), "data_scientist")

    mrm = (
        "- [The model validator never builds the models it validates.]"
        "(../../governance/independence.md#rule-mrm_does_not_build)"
    )
    first_line = "(../../governance/independence.md#rule-first_line_does_not_validate)"
    assert "## Independence rules" in validator
    assert mrm in validator
    assert first_line not in validator  # the validator is second line
    assert first_line in scientist
    assert mrm not in scientist


def test_role_page_escapes_the_role_name(pb: Playbook) -> None:
    roles = dict(pb.roles)
    roles["ml_engineer"] = roles["ml_engineer"].model_copy(update={"name": "<b>x</b> | *y*"})
    md = render_role_page(
        pb.model_copy(update={"roles": roles}), page_of("ml_engineer"), "ml_engineer"
    )
    assert md.startswith("# &lt;b&gt;x&lt;/b&gt; \\| \\*y\\*\n")


def test_role_page_names_its_data_files(pb: Playbook) -> None:
    md = render_role_page(pb, page_of("ml_engineer"), "ml_engineer")
    note = next(line for line in md.splitlines() if 'class="pb-data-source"' in line)
    base = "https://example.org/fixture/playbook"
    for file in ("data/roles.yaml", "data/lifecycle/01-build.yaml", "data/use_cases/churn.yaml"):
        folder = file.rpartition("/")[0]
        # Each file is linked, or (past four files) the folder holding more than two of them.
        assert (
            f'<a href="{base}/edit/main/{file}"><code>{file}</code>' in note
            or f'<a href="{base}/tree/main/{folder}"><code>{folder}/</code>' in note
        ), file


def test_role_page_lists_the_other_names_of_the_role(pb: Playbook) -> None:
    roles = dict(pb.roles)
    roles["model_validator"] = roles["model_validator"].model_copy(
        update={"aliases": ["model validator", "MRM <b>"]}
    )
    md = render_role_page(
        pb.model_copy(update={"roles": roles}), page_of("model_validator"), "model_validator"
    )
    assert "**Also called:** model validator, MRM &lt;b&gt;\n" in md
    assert "Also called" not in render_role_page(pb, page_of("ml_engineer"), "ml_engineer")
