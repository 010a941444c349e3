"""Who signs: the Accountable approver of each gate, on gates, role pages and the home page."""

from __future__ import annotations

from playbook.data.loader import load_playbook
from playbook.data.model import Playbook
from playbook.render.dot import to_dot_gate_flow
from playbook.render.markdown import HTML_BLOCK_START
from playbook.render.signoff import (
    accountable_for,
    gate_flow_diagram,
    gate_signers,
    gates_approved_by,
    gates_signed_by,
    who_signs,
)
from tests.helpers import DATA

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
    assert block.startswith(f'{HTML_BLOCK_START}\n<div class="playbook-diagram pb-screens-wide">')
    assert block.count('<div class="playbook-diagram pb-screens-narrow">') == 1
    assert "each with the role that signs it" in block
    dot = seen[0]
    assert '"gate:validation_gate"' in dot
    assert "Signs: Model validator" in dot
    assert 'URL="./#validation_gate"' in dot
    assert 'class="pb-gate"' in dot


def test_gate_flow_has_two_columns_on_wide_screens_and_one_on_phones() -> None:
    pb = load_playbook(DATA).playbook
    assert pb is not None
    signers = {g.id: gate_signers(pb, g) for g in pb.gates.values()}
    wide = to_dot_gate_flow(pb, PAGE, signers)
    narrow = to_dot_gate_flow(pb, PAGE, signers, one_column=True)
    # Two columns: their tops side by side, and a dashed arrow into production.
    assert wide.count("rank=same") == 1
    assert 'tooltip="Into production"' in wide
    assert "rank=same" not in narrow
    assert narrow.count("->") == len(pb.gates) - 1
