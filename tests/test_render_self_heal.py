"""The self-heal policy page and the use-case sections that cite it."""

from __future__ import annotations

from playbook.data.model import Playbook
from playbook.render.independence import render_independence
from playbook.render.self_heal import render_self_heal
from playbook.render.usecases import render_use_case
from tests.helpers import SCRIPT

PAGE = "governance/self-heal.md"


def test_policy_page_lists_each_action_with_conditions_limits_and_review(pb: Playbook) -> None:
    md = render_self_heal(pb, PAGE)

    assert md.startswith("# Self-heal policy\n")
    assert "## Fall back to the champion { #fallback_to_champion }" in md
    assert "- The previous version is approved and inside its validity period.\n" in md
    assert "- Once per release.\n" in md
    # who approves, at which gate, and who reviews each run
    assert "[Model validator](../people/roles/model_validator.md)" in md
    assert "[Validation approval](gates.md#validation_gate)" in md
    assert "## Never automatic { #never-automatic }" in md
    assert "- Promoting a version that has not passed its gates.\n" in md


def test_policy_page_shows_which_use_cases_use_an_action(pb: Playbook) -> None:
    md = render_self_heal(pb, PAGE)

    assert (
        "| [Client attrition](../use-cases/churn.md) | A model that fails its checksum is "
        "replaced by the previous version. |"
    ) in md


def test_use_case_cites_the_policy_action_it_uses(pb: Playbook) -> None:
    md = render_use_case(pb, "use-cases/churn.md", "churn", "")

    assert "[self-heal policy](../governance/self-heal.md)" in md
    assert "| [Fall back to the champion](../governance/self-heal.md#fallback_to_champion) |" in md


def test_data_text_is_escaped_on_both_pages(pb: Playbook) -> None:
    actions = dict(pb.self_heal.actions)
    actions["fallback_to_champion"] = actions["fallback_to_champion"].model_copy(
        update={"name": SCRIPT, "trigger": SCRIPT}
    )
    policy = pb.self_heal.model_copy(update={"actions": actions, "never_automatic": [SCRIPT]})
    rules = dict(pb.meta.rules.independence)
    rules["mrm_does_not_build"] = rules["mrm_does_not_build"].model_copy(
        update={"statement": SCRIPT, "reason": SCRIPT}
    )
    meta = pb.meta.model_copy(
        update={"rules": pb.meta.rules.model_copy(update={"independence": rules})}
    )
    hostile = pb.model_copy(update={"self_heal": policy, "meta": meta})

    for md in (
        render_self_heal(hostile, PAGE),
        render_independence(hostile, "governance/independence.md"),
    ):
        assert SCRIPT not in md
        assert "&lt;script&gt;" in md


def test_independence_page_gives_each_rule_its_reason_and_source(pb: Playbook) -> None:
    md = render_independence(pb, "governance/independence.md")

    assert (
        "## The model validator never builds the models it validates. { #rule-mrm_does_not_build }"
        in md
    )
    assert "- **Why:** A validator who trained the model cannot challenge it objectively.\n" in md
    assert (
        "- **Source:** [Supervisory Guidance on Model Risk Management (SR 11-7)]"
        "(controls.md#source-sr_11_7), Section V\n" in md
    )
    assert "| `develop` |" in md
