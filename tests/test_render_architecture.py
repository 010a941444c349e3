"""The reference architecture page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.data.loader import load_uncached
from playbook.render.architecture import render_architecture
from playbook.render.dot import to_dot_environment, to_dot_environments
from tests.helpers import SCRIPT, VALID, copy_data, playbook_of, rewrite

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playbook.data.model import Playbook

PAGE = "technology/architecture.md"


def _stub(seen: list[str]) -> Callable[[str], str]:
    def svg(dot: str) -> str:
        seen.append(dot)
        return '<svg width="10pt" class="playbook-diagram" aria-label="x"><title>x</title></svg>'

    return svg


def test_page_embeds_an_overview_and_one_diagram_per_environment(pb: Playbook) -> None:
    seen: list[str] = []
    page = render_architecture(pb, PAGE, _stub(seen))
    assert seen == [
        to_dot_environments(pb, PAGE),
        to_dot_environment(pb, PAGE, "dev"),
        to_dot_environment(pb, PAGE, "prod"),
    ]
    assert page.startswith(
        '# Reference architecture\n\n<p class="pb-data-source" '
        "data-search-exclude data-pagefind-ignore>"
    )
    assert '<div class="playbook-diagram">' in page
    assert "<title>The reference architecture: 2 components in 2 environments" in page


def test_environments_hold_their_anchored_components(pb: Playbook) -> None:
    page = render_architecture(pb, PAGE, _stub([]))
    assert "### Development { #environment-dev }" in page
    assert "#### Model registry { #registry }" in page
    assert page.index("{ #environment-dev }") < page.index("{ #registry }")
    assert page.index("{ #registry }") < page.index("{ #environment-prod }")
    assert "- **Tools:** [MLflow](tools.md#mlflow)" in page
    assert (
        "- **Controls enforced here:** "
        "[CTL-01 Independent validation before use]"
        "(../governance/controls.md#independent_validation)"
    ) in page


def test_flows_table_and_deployment_gating(pb: Playbook) -> None:
    page = render_architecture(pb, PAGE, _stub([]))
    assert (
        "| promote approved model | [Model registry](#registry) | [Serving endpoint](#endpoint) "
        "| promotion | [Validation approval](../governance/gates.md#validation_gate) |"
    ) in page
    gating = page[page.index("{ #deployment-gating }") :]
    assert "**Model registry → Serving endpoint**: promote approved model. Guarded by " in gating
    assert "approved by [Model validator](../people/roles/model_validator.md)" in gating
    assert "Ungated promotions" not in gating


def test_an_ungated_promotion_is_flagged(tmp_path: Path) -> None:
    data = copy_data(VALID, tmp_path / "data")
    rewrite(data, "architecture.yaml", lambda d: d["flows"]["promote"].pop("gate") and None)
    result = load_uncached(data)
    assert result.playbook is not None
    page = render_architecture(result.playbook, PAGE, _stub([]))
    assert "**Not guarded by any gate.**" in page
    assert '!!! warning "Ungated promotions"' in page


def test_injected_script_is_shown_as_text(tmp_path: Path) -> None:
    data = copy_data(VALID, tmp_path / "data")
    rewrite(data, "tools.yaml", lambda d: d["tools"]["mlflow"].update(name=SCRIPT))
    rewrite(
        data,
        "architecture.yaml",
        lambda d: (
            d["components"]["registry"].update(name=SCRIPT)
            or d["flows"]["promote"].update(label=SCRIPT)
        ),
    )
    page = render_architecture(playbook_of(data), PAGE, _stub([]))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
