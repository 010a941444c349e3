"""Who signs: the Accountable approver of each gate, on gates, role pages and the home page."""

from __future__ import annotations

from playbook.data.model import Playbook
from playbook.render.signoff import (
    accountable_for,
    gate_flow_diagram,
    gate_signers,
    gates_approved_by,
    gates_signed_by,
    who_signs,
)

PAGE = "governance/gates.md"


def test_the_signer_is_the_accountable_role_of_the_gate_task(pb: Playbook) -> None:
    gate = pb.gates["validation_gate"]
    assert gate_signers(pb, gate) == ["model_validator"]
    assert gates_signed_by(pb, ["model_validator"]) == [gate]
    assert gates_signed_by(pb, ["business_owner"]) == []
    # An approver who is not Accountable co-approves; the signer does not also co-approve.
    assert gates_approved_by(pb, ["business_owner"]) == [gate]
    assert gates_approved_by(pb, ["model_validator"]) == []


def test_who_signs_names_the_accountable_first_and_the_other_approvers(pb: Playbook) -> None:
    line = who_signs(pb, PAGE, pb.gates["validation_gate"])
    assert line.startswith("**Who signs?** [")
    assert line.index("(Accountable), with") < line.index("../people/roles/business_owner.md")
    assert line.count("\n") == 2


def test_role_page_line_lists_signed_gates_and_task_count(pb: Playbook) -> None:
    page = "people/roles/model_validator.md"
    line = accountable_for(pb, page, "model_validator")
    assert line.startswith("**You are accountable for** signing 1 stage gate (")
    assert "../../governance/gates.md#validation_gate" in line
    assert line.endswith(" and 1 lifecycle task.\n\n")
    assert "no gate and no task" in accountable_for(pb, page, "data_scientist")


def test_gate_flow_names_each_gate_and_its_signer(pb: Playbook) -> None:
    seen: list[str] = []

    def svg(dot: str) -> str:
        seen.append(dot)
        return '<svg width="10pt" class="playbook-diagram" aria-label="x"><title>x</title></svg>'

    block = gate_flow_diagram(pb, PAGE, svg)
    assert block.startswith('<div class="playbook-diagram">')
    assert "each with the role that signs it" in block
    dot = seen[0]
    assert '"gate:validation_gate"' in dot
    assert "Signs: Model validator" in dot
    assert 'URL="./#validation_gate"' in dot
    assert 'class="pb-gate"' in dot
