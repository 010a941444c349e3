"""Policy parameters: typed quantities, the registry, the macros, data placeholders, the page."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from playbook.data.loader import load_uncached
from playbook.data.params import parameters
from playbook.data.quantity import Quantity
from playbook.render.page_macros import MacroContext, page_macros
from playbook.render.parameters import (
    citations,
    render_param,
    render_param_table,
    render_parameters_page,
    resolve_placeholders,
)
from tests.helpers import playbook_of, reference_data, rewrite

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook


@pytest.fixture(name="ref", scope="module")
def fixture_ref() -> Playbook:
    """The reference playbook, loaded once."""
    return playbook_of(reference_data())


@pytest.mark.parametrize(
    ("written", "amount", "unit", "shown"),
    [
        ("5 business days", "5", "business days", "5 business days"),
        ("1 business days", "1", "business days", "1 business day"),
        ("0.10", "0.10", "", "0.10"),
        (0.25, "0.25", "", "0.25"),
        ("99.5%", "99.5", "%", "99.5%"),
        ("3x", "3", "x", "3×"),
        ("$0.6m", "600000.0", "USD", "$0.6m"),
        ("$2.1bn", "2100000000.0", "USD", "$2.1bn"),
        ("$45,000", "45000", "USD", "$45,000"),
        ("110,000 households", "110000", "households", "110,000 households"),
        ("150 ms", "150", "ms", "150 ms"),
    ],
)
def test_quantities_read_as_written_and_print_as_prose(
    written: object, amount: str, unit: str, shown: str
) -> None:
    quantity = Quantity.parse(written)
    assert quantity.amount == Decimal(amount)
    assert quantity.unit == unit
    assert str(quantity) == shown


@pytest.mark.parametrize("bad", ["5 busines days", "about five", "$3 days", "2k", True])
def test_a_quantity_with_an_unknown_unit_is_an_error(bad: object) -> None:
    with pytest.raises(ValueError, match=r"quantity|number|dollar|scale"):
        Quantity.parse(bad)


def test_percentages_multiply_as_fractions() -> None:
    assert Quantity.parse("34%").fraction == Decimal("0.34")
    assert Quantity.parse("3x").fraction == 3


def test_policy_file_gate_criteria_and_kpis_are_parameters(ref: Playbook) -> None:
    known = parameters(ref)
    psi = known["monitoring.psi_alert"]
    assert str(psi.value) == "0.25"
    assert psi.file == "data/policy.yaml"
    assert psi.owner in ref.roles
    assert all(name.count(".") >= 1 for name in known)
    assert list(known) == sorted(known)


def test_param_macro_links_the_value_to_its_row(ref: Playbook) -> None:
    rendered = render_param(ref, "process/monitoring.md", "monitoring.psi_alert")
    assert rendered == "[0.25](../governance/parameters.md#param-monitoring-psi_alert)"


def test_unknown_parameter_fails_with_the_page_location_and_a_suggestion(ref: Playbook) -> None:
    page = "process/example.md"
    source = '# Example\n\nDrift above {{ param("monitoring.psi_alrt") }} is a breach.\n'
    ctx = MacroContext(
        playbook=lambda: ref,
        page=lambda: page,
        svg=lambda dot: dot,
        docs=lambda: {page: source},
    )
    macro = page_macros(ctx)["param"]
    with pytest.raises(ValueError, match="did you mean") as raised:
        macro("monitoring.psi_alrt")
    assert str(raised.value).startswith("docs/process/example.md:3:16: unknown parameter")
    assert "'monitoring.psi_alert'" in str(raised.value)


def test_a_scoped_parameter_renders_as_a_table(reference_copy: Path) -> None:
    def scoped(data: dict) -> dict:
        data["areas"]["monitoring"]["parameters"]["psi_alert"].update(
            {"varies_by": "tier", "values": {1: "0.20", 2: "0.25", 3: "0.30"}}
        )
        del data["areas"]["monitoring"]["parameters"]["psi_alert"]["value"]
        return data

    rewrite(reference_copy, "policy.yaml", scoped)
    pb = playbook_of(reference_copy)
    table = render_param_table(pb, "process/monitoring.md", "monitoring.psi_alert")
    assert "| Tier 1 | 0.20 |" in table
    assert "| Tier 3 | 0.30 |" in table
    assert render_param(pb, "index.md", "monitoring.psi_alert", 2).startswith("[0.25]")
    with pytest.raises(ValueError, match="varies by tier"):
        render_param(pb, "index.md", "monitoring.psi_alert")


def test_data_placeholders_become_plain_values(reference_copy: Path) -> None:
    def cite(data: dict) -> dict:
        data["summary"] = "Drift above [[param:monitoring.psi_alert]] (a [[literal:0.3]] example)."
        return data

    rewrite(reference_copy, "use_cases/client_attrition.yaml", cite)
    pb = playbook_of(reference_copy)
    resolved = resolve_placeholders(pb)
    assert resolved.use_cases["client_attrition"].summary == "Drift above 0.25 (a 0.3 example)."
    assert pb.use_cases["client_attrition"].summary.startswith("Drift above [[param:")
    assert "use-cases/client_attrition.md" in citations(pb, {})["monitoring.psi_alert"]


def test_unknown_placeholder_in_data_is_a_located_error(reference_copy: Path) -> None:
    def cite(data: dict) -> dict:
        data["summary"] = "Drift above [[param:monitoring.psi_alrt]] is a breach."
        return data

    rewrite(reference_copy, "use_cases/client_attrition.yaml", cite)
    issues = [i for i in load_uncached(reference_copy).issues if i.code == "unknown-param"]
    assert [(i.file, i.severity) for i in issues] == [
        ("data/use_cases/client_attrition.yaml", "error")
    ]
    assert "did you mean 'monitoring.psi_alert'" in issues[0].message
    assert issues[0].line > 1


def test_parameters_page_lists_value_unit_owner_and_citing_pages(ref: Playbook) -> None:
    docs = {"process/monitoring.md": 'PSI above {{ param("monitoring.psi_alert") }} alerts.'}
    page = render_parameters_page(ref, "governance/parameters.md", docs)
    assert page.startswith("# Policy parameters\n")
    row = next(line for line in page.splitlines() if "{ #param-monitoring-psi_alert }" in line)
    assert "| 0.25 |" in row
    assert "(../people/roles/model_validator.md)" in row
    assert "(../process/monitoring.md)" in row


def test_value_case_is_computed_from_its_inputs(ref: Playbook) -> None:
    known = parameters(ref)
    benefit = known["use_cases.client_attrition.annual_benefit"].value
    assert benefit is not None
    # $2.1bn x 34% x 18% x 0.85%, to three significant digits
    assert benefit.amount == Decimal("1.09E+6")
    assert benefit.unit == "USD"
    assert str(known["use_cases.client_attrition.run_cost"].value) == "$0.32m"
    assert known["use_cases.client_attrition.annual_benefit"].computed


def test_a_value_case_below_the_intake_rule_is_a_located_error(reference_copy: Path) -> None:
    def costly(data: dict) -> dict:
        data["value_case"]["run_cost"]["support"]["value"] = "$600,000"
        return data

    rewrite(reference_copy, "use_cases/client_attrition.yaml", costly)
    issues = [i for i in load_uncached(reference_copy).issues if i.code == "value-case"]
    text = (reference_copy / "use_cases/client_attrition.yaml").read_text(encoding="utf-8")
    line = text[: text.index("\n  benefit:")].count("\n") + 2
    assert [(i.file, i.line, i.severity) for i in issues] == [
        ("data/use_cases/client_attrition.yaml", line, "error")
    ]
    assert (
        "fails the intake rule (gates.intake_approval.benefit_cost_ratio >= 3" in issues[0].message
    )


def test_an_unknown_input_in_a_value_case_step_is_an_error(reference_copy: Path) -> None:
    def typo(data: dict) -> dict:
        data["value_case"]["steps"]["annual_benefit"]["product"] = ["retained_assets", "fee_rte"]
        return data

    rewrite(reference_copy, "use_cases/client_attrition.yaml", typo)
    issues = [i for i in load_uncached(reference_copy).issues if i.code == "value-case"]
    assert any("unknown input or earlier step 'fee_rte'" in i.message for i in issues)
    assert any("did you mean 'fee_rate'" in i.message for i in issues)


def test_a_gate_criterion_naming_a_scoped_parameter_shows_each_value(ref: Playbook) -> None:
    from playbook.render.governance import render_gates

    page = render_gates(ref, "governance/gates.md")
    row = next(line for line in page.splitlines() if "Challenger evaluation period" in line)
    assert "AML alert prioritisation for suspicious activity monitoring: 90 days" in row
    assert "otherwise 30 days" in row
    assert "(parameters.md#param-refresh-challenger_period)" in row
