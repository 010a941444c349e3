"""The process overview and the phase pages."""

from __future__ import annotations

import re

from playbook.data.model import Playbook
from playbook.render.common import CHAPTER_SLOT
from playbook.render.process import gates_of_phase, render_phase_page, render_process_overview


def test_phase_page_anchors_sub_phases_and_tasks_at_their_ids(pb: Playbook) -> None:
    for phase in pb.phases:
        md = render_phase_page(pb, f"process/{phase.id}.md", phase.id)
        assert re.findall(r"^## .+ \{ #(\w+) \}$", md, re.M) == list(phase.sub_phases)
        assert re.findall(r"^### .+ \{ #(\w+) \}$", md, re.M) == [t.id for _, t in phase.tasks()]


def test_phase_page_has_one_chapter_slot_between_summary_and_tasks(pb: Playbook) -> None:
    md = render_phase_page(pb, "process/build.md", "build")
    assert md.count(CHAPTER_SLOT) == 1
    assert md.index("Build the model.") < md.index(CHAPTER_SLOT) < md.index("## Training")


def test_task_lists_its_facts_and_raci_with_links(pb: Playbook) -> None:
    md = render_phase_page(pb, "process/validate.md", "validate")
    task = md.split("{ #approve_validation }", 1)[1]
    assert "Inputs\n:   Validation report\n" in task
    assert "Tools\n:   [MLflow](../technology/tools.md#mlflow)" in task
    assert "Gates fed\n:   [Validation approval](../governance/gates.md#validation_gate)" in task
    assert (
        "Controls\n:   [CTL-01 Independent validation before use](../governance/controls.md#"
        in task
    )
    assert "| Responsible | Accountable | Informed |" in task
    assert (
        "| [Business owner](../people/roles/business_owner.md) "
        "| [Model validator](../people/roles/model_validator.md) "
        "| [Data scientist](../people/roles/data_scientist.md), "
        "[ML engineer](../people/roles/ml_engineer.md) |"
    ) in task


def test_phase_page_links_neighbouring_phases(pb: Playbook) -> None:
    first = render_phase_page(pb, "process/build.md", "build")
    assert "Next: [Validate](validate.md)" in first
    assert "Previous:" not in first
    assert "Previous: [Build](build.md)" in render_phase_page(pb, "process/validate.md", "validate")


def test_gates_belong_to_the_phase_of_their_review_task(pb: Playbook) -> None:
    assert [g.id for g in gates_of_phase(pb, pb.phases[1])] == ["validation_gate"]
    assert gates_of_phase(pb, pb.phases[0]) == []


def test_overview_links_every_phase_and_sub_phase(pb: Playbook) -> None:
    md = render_process_overview(pb, "process/index.md", '<div class="playbook-diagram"></div>')
    assert '<div class="playbook-diagram"></div>' in md
    assert "## 1. Build { #phase-build }" in md
    assert "[Training](build.md#training): 2 tasks" in md
    assert "[Independent review](validate.md#review): 1 task" in md
    assert "**Gates:** [Validation approval](../governance/gates.md#validation_gate)" in md


def test_markdown_fields_cannot_inject_jinja_or_scripts(pb: Playbook) -> None:
    phase = pb.phases[0]
    sub = phase.sub_phases["training"]
    task = sub.tasks["train_candidate_model"].model_copy(
        update={"description": "{{ 7*7 }} {% raw %} <script>x</script>", "name": "{#c#} a"}
    )
    sub = sub.model_copy(update={"tasks": {**sub.tasks, task.id: task}})
    phase = phase.model_copy(update={"sub_phases": {"training": sub}})
    md = render_phase_page(
        pb.model_copy(update={"phases": [phase, *pb.phases[1:]]}), "p.md", "build"
    )
    assert "{{" not in md
    assert "{%" not in md
    assert "{#c" not in md
    assert "<script" not in md
