"""The model inventory without MLflow: statuses, checks, pages, hostile registry text, diff."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
import yaml

from playbook.cli.diff import diff_playbooks, render_changes
from playbook.data.inventory import model_slugs, model_status
from playbook.data.loader import load_uncached
from playbook.data.model import RegisteredModel
from playbook.render import links
from playbook.render.home import render_home
from playbook.render.inventory import (
    render_model_card,
    render_model_inventory,
    render_portfolio,
    render_tag_contract,
    render_use_case_models,
)
from playbook.render.inventory_chart import render_tier_chart
from tests.helpers import SCRIPT, playbook_of

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook

HEADER = "# yaml-language-server: $schema=schema/inventory.schema.json\n"


def _model(
    aliases: dict[str, int], versions: dict[int, dict[str, object]], **tags: object
) -> RegisteredModel:
    return RegisteredModel.model_validate(
        {
            "id": "m",
            "tags": {
                "playbook.use_case": "churn",
                **{k.replace("_", ".", 1): v for k, v in tags.items()},
            },
            "aliases": aliases,
            "versions": {n: {"tags": t} for n, t in versions.items()},
        }
    )


def _inventory(data: Path, models: dict[str, object]) -> Path:
    (data / "inventory.yaml").write_text(HEADER + yaml.safe_dump({"models": models}), "utf-8")
    return data


def _churn_model(status: str = "approved", **extra: object) -> dict[str, object]:
    return {
        "tags": {"playbook.use_case": "churn", "mrm.tier": 2, **extra},
        "aliases": {"champion": 3},
        "versions": {3: {"tags": {"validation.status": status}}},
    }


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------

TODAY = date(2027, 1, 15)


@pytest.mark.parametrize(
    ("model", "production", "rag"),
    [
        (
            _model(
                {"champion": 1},
                {1: {"validation.status": "approved"}},
                mrm_next_review="2027-06-01",
            ),
            True,
            "green",
        ),
        (
            _model(
                {"champion": 1},
                {1: {"validation.status": "conditional"}},
                mrm_next_review="2027-06-01",
            ),
            True,
            "amber",
        ),
        (
            _model(
                {"champion": 1},
                {1: {"validation.status": "approved", "validation.findings_open": 2}},
                mrm_next_review="2027-06-01",
            ),
            True,
            "amber",
        ),
        (_model({"champion": 1}, {1: {"validation.status": "approved"}}), True, "amber"),
        (
            _model(
                {"champion": 1}, {1: {"validation.status": "pending"}}, mrm_next_review="2027-06-01"
            ),
            True,
            "red",
        ),
        (
            _model(
                {"champion": 1},
                {1: {"validation.status": "approved"}},
                mrm_next_review="2027-01-14",
            ),
            True,
            "red",
        ),
        (_model({}, {1: {"validation.status": "approved"}}), True, "red"),
        (_model({}, {1: {"validation.status": "pending"}}), False, "not_live"),
    ],
    ids=[
        "green",
        "conditional",
        "findings",
        "no-review-date",
        "pending",
        "overdue",
        "no-champion",
        "not-live",
    ],
)
def test_model_status_follows_the_stated_rule(
    pb: Playbook, model: RegisteredModel, production: bool, rag: str
) -> None:
    use_case = pb.use_cases["churn"].model_copy(
        update={"status": "production" if production else "development"}
    )

    assert model_status(model, use_case, TODAY).rag == rag


def test_overdue_review_is_a_warning_at_the_review_date(valid_data: Path) -> None:
    _inventory(valid_data, {"churn-model": _churn_model(**{"mrm.next_review": "2020-01-31"})})

    result = load_uncached(valid_data)

    assert result.ok
    (issue,) = result.issues
    lines = (valid_data / "inventory.yaml").read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "mrm.next_review:" in text)
    assert (issue.file, issue.line, issue.column, issue.severity, issue.code) == (
        "data/inventory.yaml",
        line,
        7,
        "warning",
        "overdue-review",
    )
    assert "model 'churn-model': periodic review overdue: due 2020-01-31" in issue.message


def test_review_is_due_against_source_date_epoch(
    valid_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _inventory(valid_data, {"churn-model": _churn_model(**{"mrm.next_review": "2030-03-01"})})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_900_000_000))  # 2030-03-17

    (issue,) = load_uncached(valid_data).issues
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_800_000_000))  # 2027-01-15

    assert issue.code == "overdue-review"
    assert "due 2030-03-01, as of 2030-03-17" in issue.message
    assert load_uncached(valid_data).issues == []


def test_a_misspelt_role_id_in_mrm_owner_is_a_warning_and_a_name_is_not(valid_data: Path) -> None:
    _inventory(
        valid_data,
        {
            "churn-model": _churn_model(**{"mrm.owner": "Dana Whitfield"}),
            "churn-model-2": _churn_model(**{"mrm.validator": "model_validatr"}),
        },
    )

    issues = load_uncached(valid_data).issues

    assert [(i.severity, i.code, i.message) for i in issues] == [
        (
            "warning",
            "unknown-ref",
            "model 'churn-model-2': mrm.validator 'model_validatr' is not a role id "
            "(did you mean 'model_validator'?)",
        )
    ]


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@pytest.fixture(name="hostile")
def fixture_hostile(valid_data: Path) -> Playbook:
    """The fixture with a registry whose every free-text value is an attack."""
    model = _churn_model(
        **{"mrm.owner": SCRIPT, "mrm.limitations": "{{ config }} | [x](javascript:alert(1))"}
    )
    model["description"] = SCRIPT + " {% include 'x' %}"
    return playbook_of(_inventory(valid_data, {f"{SCRIPT} churn": model}))


def test_registry_text_reaches_every_page_as_text(hostile: Playbook) -> None:
    name = f"{SCRIPT} churn"
    slug = model_slugs([name])[name]
    page = links.model_page(slug)
    rendered = [
        render_model_inventory(hostile, links.MODEL_INVENTORY),
        render_model_card(hostile, page, name),
        render_use_case_models(hostile, links.use_case_page("churn"), "churn"),
    ]

    assert slug == "script-alert-1-script-churn"
    for markdown in rendered:
        assert "<script" not in markdown
        assert "{{" not in markdown
        assert "{%" not in markdown
        assert "[x](javascript:" not in markdown  # the brackets are escaped: no link
    card = rendered[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card


def test_leadership_page_has_one_row_per_model_the_rule_and_a_chart(
    pb: Playbook, valid_data: Path
) -> None:
    data = _inventory(
        valid_data,
        {
            "churn-model": _churn_model("conditional", **{"mrm.next_review": "2099-01-01"}),
            "churn-challenger": {"tags": {"playbook.use_case": "churn"}},
        },
    )
    playbook = playbook_of(data)

    page = render_model_inventory(playbook, links.MODEL_INVENTORY)

    rows = [line for line in page.splitlines() if line.startswith("| [churn")]
    assert len(rows) == 2
    # red first: a use case in production whose model has no champion
    assert rows[0].startswith("| [churn-challenger]")
    assert "playbook-badge--rag-red" in rows[0]
    assert "playbook-badge--rag-amber" in rows[1]
    assert "## How the status is set" in page
    assert '<svg class="playbook-chart"' in page
    assert '<title id="inventory-chart-title">' in page
    assert "Tier 2: 1 red, 1 amber." in page


def test_chart_gives_each_count_as_text_and_has_no_blank_line() -> None:
    svg = render_tier_chart({1: {"green": 3}, 2: {"red": 1, "not_live": 2}, 3: {}}, "Models")

    assert "\n\n" not in svg.strip()
    assert "Tier 1: 3 green. Tier 2: 1 red, 2 not live. Tier 3: no models." in svg
    assert svg.count("<rect") == 3 + 4  # three segments and four legend keys


def test_home_portfolio_counts_and_links_to_the_inventory(valid_data: Path) -> None:
    data = _inventory(
        valid_data,
        {
            "churn-model": {
                **_churn_model(),
                "versions": {
                    3: {"tags": {"validation.status": "approved", "validation.findings_open": 4}}
                },
            }
        },
    )
    playbook = playbook_of(data)

    block = render_portfolio(playbook, links.HOME, {links.MODEL_INVENTORY})
    home = render_home(playbook, links.HOME, available={links.MODEL_INVENTORY})

    assert block in home
    numbers = [line for line in block.splitlines() if "playbook-stat__n" in line]
    assert [n.split('__n">')[1].split("<")[0] for n in numbers] == ["1", "0", "4"]
    assert 'href="governance/model-inventory/"' in block


def test_no_inventory_means_no_block_and_no_model_section(pb: Playbook) -> None:
    assert render_portfolio(pb, links.HOME, {links.MODEL_INVENTORY}) == ""
    assert render_use_case_models(pb, links.use_case_page("churn"), "churn") == ""


def test_tag_contract_lists_every_tag(pb: Playbook) -> None:
    page = render_tag_contract(pb, links.TAG_CONTRACT)

    for tag in (
        "playbook.use_case",
        "mrm.tier",
        "mrm.owner",
        "mrm.validator",
        "mrm.next_review",
        "mrm.vendor",
        "mrm.limitations",
        "validation.status",
        "validation.date",
        "validation.findings_open",
        "validation.report",
    ):
        assert f"| `{tag}` |" in page


def test_model_slugs_are_unique_for_names_that_collide() -> None:
    assert model_slugs(["Churn v2", "churn-v2", "///"]) == {
        "///": "model",
        "Churn v2": "churn-v2",
        "churn-v2": "churn-v2-2",
    }


# --------------------------------------------------------------------------------------------
# Diff
# --------------------------------------------------------------------------------------------


def test_diff_reports_a_new_champion_and_its_validation(tmp_path: Path, valid_data: Path) -> None:
    model = _churn_model()
    model["versions"][4] = {
        "tags": {"validation.status": "conditional", "validation.date": "2027-01-02"}
    }  # type: ignore[index]
    old = playbook_of(_inventory(valid_data, {"churn-model": model}))
    model["aliases"] = {"champion": 4, "challenger": 3}
    new = playbook_of(_inventory(valid_data, {"churn-model": model}))

    report = render_changes(diff_playbooks(old, new), "main", "HEAD")

    assert "### Champions and validation" in report
    assert "- **churn model (churn-model)** changed" in report
    assert "    - champion: v3 → v4" in report
    assert "    - champion validation: approved → conditional (2027-01-02)" in report
    assert "    - challenger: (none) → v3" in report


def test_json_export_holds_the_inventory(pb: Playbook, valid_data: Path) -> None:
    from playbook.cli.export import export_document

    playbook = playbook_of(_inventory(valid_data, {"churn-model": _churn_model()}))

    assert export_document(pb)["inventory"] is None
    exported = export_document(playbook)["inventory"]["models"]["churn-model"]
    assert exported["aliases"] == {"champion": 3}
    assert exported["versions"]["3"]["tags"] == {
        "validation.status": "approved",
        "validation.date": None,
        "validation.findings_open": None,
        "validation.report": None,
    }
