"""The model inventory: the leadership page, one model card per registered model, the model
status on use-case pages, the portfolio block of the home page and the tag-contract reference.

Everything here comes from ``data/inventory.yaml``, a snapshot of the MLflow registry whose
names, descriptions and tag values anyone with registry access controls: they are escaped as
plain text (never Markdown), and URLs were checked by the model to be https:// addresses
without any character that could end a Markdown link.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING

from playbook.data import model as m
from playbook.data.inventory import (
    CHALLENGER,
    CHAMPION,
    RAG_LABELS,
    RAG_RULE,
    ModelStatus,
    as_of,
    model_slugs,
    model_status,
    models_of,
    open_findings,
)
from playbook.render import links, refs
from playbook.render.common import data_note, plural
from playbook.render.inventory_chart import render_tier_chart
from playbook.render.markdown import heading, html, table, text
from playbook.render.reference import type_name

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import date

    from playbook.data.inventory import Rag
    from playbook.data.model import ModelVersion, Playbook, RegisteredModel

INVENTORY_FILE = "inventory.yaml"
_RAG_ORDER = tuple(RAG_LABELS)
_NONE = "–"


def slugs(pb: Playbook) -> dict[str, str]:
    """Registered model name to its model card's slug."""
    return model_slugs(pb.inventory.models) if pb.inventory else {}


def card_pages(pb: Playbook) -> dict[str, str]:
    """Registered model name to its model card's source URI."""
    return {name: links.model_page(slug) for name, slug in slugs(pb).items()}


def status_of(pb: Playbook, model: RegisteredModel, today: date) -> ModelStatus:
    """The model's status against its use case (None when the use case is unknown)."""
    return model_status(model, pb.use_cases.get(model.tags.use_case), today)


def rag_badge(status: ModelStatus) -> str:
    """The status as a badge whose tooltip gives the reasons."""
    reasons = "; ".join(status.reasons)
    return (
        f'<span class="playbook-badge playbook-badge--rag-{status.rag}" '
        f'title="{html(reasons)}">{html(RAG_LABELS[status.rag])}</span>'
    )


def _who(pb: Playbook, page: str, value: str | None) -> str:
    """A role link when the tag holds a role id, else the name as text."""
    if not value:
        return _NONE
    return refs.role(pb, page, value) if value in pb.roles else text(value)


def _card_link(pb: Playbook, page: str, name: str) -> str:
    return f"[{text(name)}]({links.md_href(card_pages(pb)[name], page)})"


def _version(number: int | None) -> str:
    return _NONE if number is None else f"v{number}"


def _headline_version(model: RegisteredModel) -> tuple[int, ModelVersion] | None:
    """The champion, else the latest version the snapshot holds."""
    champion = model.alias(CHAMPION)
    if champion is not None:
        return champion
    if not model.versions:
        return None
    number = max(model.versions)
    return number, model.versions[number]


def _validation(model: RegisteredModel) -> tuple[str, str]:
    """The headline version's validation status and date, as text."""
    found = _headline_version(model)
    if found is None:
        return _NONE, _NONE
    tags = found[1].tags
    status = text(tags.status) if tags.status else "not validated"
    return status, str(tags.validated_on) if tags.validated_on else _NONE


def _ordered(pb: Playbook, today: date) -> list[tuple[str, RegisteredModel, ModelStatus]]:
    """Every model with its status: red first, then by tier and name."""
    if pb.inventory is None:
        return []
    rows = [(name, mdl, status_of(pb, mdl, today)) for name, mdl in pb.inventory.models.items()]
    return sorted(
        rows, key=lambda r: (_RAG_ORDER.index(r[2].rag), _tier(pb, r[1]) or 9, r[0].lower(), r[0])
    )


def _tier(pb: Playbook, model: RegisteredModel) -> int | None:
    if model.tags.tier is not None:
        return model.tags.tier
    use_case = pb.use_cases.get(model.tags.use_case)
    return use_case.risk_tier if use_case else None


# --------------------------------------------------------------------------------------------
# Portfolio figures (the leadership page and the home page)
# --------------------------------------------------------------------------------------------


def _figures(pb: Playbook, today: date) -> list[tuple[int, str]]:
    rows = _ordered(pb, today)
    live = [r for r in rows if r[2].champion is not None]
    return [
        (len(live), "models in production"),
        (sum(1 for r in rows if r[2].overdue), "overdue reviews"),
        (sum(open_findings(r[1]) for r in live), "open findings"),
        (sum(1 for r in rows if r[2].rag == "red"), "models at red"),
        (sum(1 for r in rows if r[2].challenger is not None), "challengers"),
    ]


def _stat_tiles(figures: list[tuple[int, str]], href: str | None) -> str:
    items = []
    for number, label in figures:
        inner = (
            f'<span class="playbook-stat__n">{number}</span>'
            f'<span class="playbook-stat__label">{html(label)}</span>'
        )
        if href:
            items.append(f'<a class="playbook-stat" href="{href}">{inner}</a>')
        else:
            items.append(f'<span class="playbook-stat">{inner}</span>')
    return '<div class="playbook-stats">\n' + "\n".join(items) + "\n</div>\n\n"


def render_portfolio(pb: Playbook, page: str, available: Collection[str] = ()) -> str:
    """The home page's portfolio at a glance: live models, overdue reviews, open findings.

    '' without an inventory. The tiles link to the model inventory when ``available`` holds it.
    """
    if pb.inventory is None:
        return ""
    today = as_of()
    target = links.href(links.MODEL_INVENTORY, page) if links.MODEL_INVENTORY in available else None
    figures = _figures(pb, today)[:3]
    more = (
        f"See the [model inventory]({links.md_href(links.MODEL_INVENTORY, page)}) for every "
        "model's status, validation and next review.\n\n"
        if target
        else ""
    )
    return (
        heading(2, "Models at a glance", "portfolio")
        + f"From the model registry, as of {today}.\n\n"
        + _stat_tiles(figures, target)
        + more
    )


# --------------------------------------------------------------------------------------------
# The leadership page
# --------------------------------------------------------------------------------------------


def render_model_inventory(pb: Playbook, page: str) -> str:
    """Every registered model's status for leaders, with the rule that sets it and a chart."""
    today = as_of()
    rows = _ordered(pb, today)
    contract = links.md_href(links.TAG_CONTRACT, page)
    out = [
        "# Model inventory\n\n",
        data_note(pb, INVENTORY_FILE),
        f"Which models run in production, whether each was validated and approved, which "
        "reviews are due, and which champion has a challenger: "
        f"{plural(len(rows), 'registered model')} in the firm's MLflow model registry, as of "
        f"**{today}**. The registry is read nightly into `data/inventory.yaml`; the "
        f"[tag contract]({contract}) says which tags each model carries.\n\n",
        _stat_tiles(_figures(pb, today), None),
    ]
    counts: dict[int, Counter[Rag]] = {tier: Counter() for tier in (1, 2, 3)}
    for _, model, status in rows:
        counts.setdefault(_tier(pb, model) or 3, Counter())[status.rag] += 1
    out.append(heading(2, "Status by risk tier", "by-tier"))
    out.append(render_tier_chart(counts, "Registered models by risk tier and status"))
    out.append(heading(2, "Models", "models"))
    body = []
    for name, model, status in rows:
        validation, validated_on = _validation(model)
        headline = _headline_version(model)
        body.append(
            [
                _card_link(pb, page, name),
                rag_badge(status),
                refs.use_case(pb, page, model.tags.use_case),
                f"Tier {_tier(pb, model)}" if _tier(pb, model) else _NONE,
                _who(pb, page, model.tags.owner),
                f"{_version(status.champion)} / {_version(status.challenger)}",
                validation if validated_on == _NONE else f"{validation}, {validated_on}",
                _findings(headline[1] if headline else None),
                _review(model, today),
            ]
        )
    headers = ["Model", "Status", "Use case", "Tier", "Owner", "Champion / challenger"]
    headers += ["Validation", "Open findings", "Next review"]
    out.append(table(headers, body) if body else "The registry holds no model yet.\n")
    out.append(
        "\nValidation, date and findings are the champion's; for a model without one, its "
        "latest version's.\n\n"
    )
    out.append(heading(2, "How the status is set", "status-rule"))
    out.append("The first rule that applies sets a model's status:\n\n")
    out += [f"- **{RAG_LABELS[rag]}**: {rule}.\n" for rag, rule in RAG_RULE]
    out.append(
        f"\nDates are compared with {today}: the build's date, or `SOURCE_DATE_EPOCH` when it "
        "is set. A review date in the past is also a validator warning.\n"
    )
    return "".join(out)


def _findings(version: ModelVersion | None) -> str:
    if version is None or version.tags.findings_open is None:
        return _NONE
    return str(version.tags.findings_open)


def _review(model: RegisteredModel, today: date) -> str:
    due = model.tags.next_review
    if due is None:
        return _NONE
    return f"**{due} (overdue)**" if due < today else str(due)


# --------------------------------------------------------------------------------------------
# Model cards
# --------------------------------------------------------------------------------------------


def _run(pb: Playbook, version: ModelVersion) -> str:
    ui = pb.inventory.ui_url if pb.inventory else None
    if version.run_link:
        return f"[run]({version.run_link})"
    if version.run_id and version.experiment_id and ui:
        url = f"{ui}/#/experiments/{version.experiment_id}/runs/{version.run_id}"
        return f"[run]({url})"
    return f"`{version.run_id}`" if version.run_id else _NONE


def _version_rows(pb: Playbook, model: RegisteredModel) -> list[list[str]]:
    by_version: dict[int, list[str]] = {}
    for alias, number in sorted(model.aliases.items()):
        by_version.setdefault(number, []).append(alias)
    rows = []
    for number in sorted(model.versions, reverse=True):
        version = model.versions[number]
        tags = version.tags
        report = f"[report]({tags.report})" if tags.report else _NONE
        rows.append(
            [
                f"v{number}",
                text(", ".join(by_version.get(number, []))) or _NONE,
                text(tags.status) if tags.status else "not validated",
                str(tags.validated_on) if tags.validated_on else _NONE,
                _NONE if tags.findings_open is None else str(tags.findings_open),
                report,
                _run(pb, version),
            ]
        )
    return rows


def render_model_card(pb: Playbook, page: str, name: str) -> str:
    """One registered model's card: purpose, owners, tier, data, validation, limitations,
    monitoring, and links to its runs and validation reports."""
    assert pb.inventory is not None
    today = as_of()
    model = pb.inventory.models[name]
    status = status_of(pb, model, today)
    use_case = pb.use_cases.get(model.tags.use_case)
    keys = [INVENTORY_FILE] + ([f"use_case:{use_case.id}"] if use_case else [])
    tier = _tier(pb, model)
    badges = [rag_badge(status)]
    if tier:
        badges.append(
            f'<span class="playbook-badge playbook-badge--tier-{tier}" '
            f'title="Model risk tier">Tier {tier}</span>'
        )
    if model.tags.vendor == "true":
        badges.append('<span class="playbook-badge" title="Third-party model">Vendor</span>')
    out = [
        f"# {text(name)}\n\n",
        data_note(pb, *keys),
        '<p class="playbook-badges">' + " ".join(badges) + "</p>\n\n",
    ]
    if model.description:
        out.append(f"{text(model.description)}\n\n")
    out.append(f"**Status:** {text('; '.join(status.reasons))}.\n\n")
    out.append(heading(2, "Purpose", "purpose"))
    if use_case:
        out.append(
            f"Serves the use case {refs.use_case(pb, page, use_case.id)}: "
            f"{text(use_case.summary)}\n\n"
        )
    else:
        out.append(f"Tagged with the unknown use case `{text(model.tags.use_case)}`.\n\n")
    facts = [
        ["Model owner", _who(pb, page, model.tags.owner)],
        ["Business owner", refs.role(pb, page, use_case.owner) if use_case else _NONE],
        ["Independent validator", _who(pb, page, model.tags.validator)],
        ["Risk tier", f"Tier {tier}" if tier else _NONE],
        ["Vendor model", {"true": "Yes", "false": "No"}.get(model.tags.vendor or "", _NONE)],
        ["Champion", _version(status.champion)],
        ["Challenger", _version(status.challenger)],
        ["Next review", _review(model, today)],
    ]
    out.append(heading(2, "Ownership and review", "ownership"))
    body = "".join(f"{term}\n:   {value}\n\n" for term, value in facts)
    out.append(f'<div class="playbook-facts" markdown>\n\n{body}</div>\n\n')
    out.append(heading(2, "Validation", "validation"))
    out.append(
        table(
            ["Version", "Aliases", "Validation", "Date", "Open findings", "Report", "Run"],
            _version_rows(pb, model),
        )
        if model.versions
        else "The registry holds no version of this model yet.\n"
    )
    out.append("\n" + heading(2, "Limitations", "limitations"))
    out.append(
        f"{text(model.tags.limitations)}\n\n"
        if model.tags.limitations
        else "None recorded in the registry (tag `mrm.limitations`).\n\n"
    )
    if use_case:
        uc_page = links.use_case_page(use_case.id)
        out.append(heading(2, "Data", "data"))
        out.append(
            table(
                ["Source", "Contains PII"],
                [
                    [text(s.name), "**Yes**" if s.contains_pii else "No"]
                    for s in use_case.data_sources
                ],
            )
        )
        out.append(f"\nDetails on the [use-case page]({links.md_href(uc_page, page, 'data')}).\n\n")
        out.append(heading(2, "Monitoring", "monitoring"))
        out.append(
            table(
                ["Signal", "Alert threshold", "Action"],
                [[text(s.signal), text(s.threshold), text(s.action)] for s in use_case.monitoring],
            )
        )
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Use-case pages
# --------------------------------------------------------------------------------------------


def render_use_case_models(pb: Playbook, page: str, use_case_id: str) -> str:
    """The live status of a use case's registered models ('' without an inventory)."""
    if pb.inventory is None:
        return ""
    today = as_of()
    found = models_of(pb, use_case_id)
    out = [heading(2, "Model status", "model-status")]
    if not found:
        out.append("No registered model names this use case yet (tag `playbook.use_case`).\n\n")
        return "".join(out)
    rows = []
    for model in found:
        status = status_of(pb, model, today)
        validation, validated_on = _validation(model)
        rows.append(
            [
                _card_link(pb, page, model.id),
                rag_badge(status),
                _version(status.champion),
                _version(status.challenger),
                f"{validation} ({validated_on})" if validated_on != _NONE else validation,
                _review(model, today),
            ]
        )
    out.append(
        table(["Model", "Status", "Champion", "Challenger", "Validation", "Next review"], rows)
    )
    inventory = links.md_href(links.MODEL_INVENTORY, page)
    out.append(
        f"\nFrom the model registry as of {today}; see the [model inventory]({inventory}).\n\n"
    )
    return "".join(out)


# --------------------------------------------------------------------------------------------
# The tag contract
# --------------------------------------------------------------------------------------------


@functools.cache
def _contract_rows(model: type[m.Record]) -> tuple[tuple[str, str, str, str], ...]:
    return tuple(
        (
            f"`{field.alias}`",
            type_name(field.annotation, [*field.metadata, field])
            .replace("`", "")
            .replace("\\|", ","),
            "yes" if field.is_required() else "no",
            text(field.description or ""),
        )
        for field in model.model_fields.values()
    )


def render_tag_contract(pb: Playbook, page: str) -> str:
    """What the registry must hold for the inventory: tags on models and versions, aliases."""
    statuses = ", ".join(f"`{s}`" for s in m.CHAMPION_STATUSES)
    return "".join(
        [
            "# Model registry tag contract\n\n",
            data_note(pb, INVENTORY_FILE),
            "The [model inventory]"
            f"({links.md_href(links.MODEL_INVENTORY, page)}) reads the MLflow model registry. "
            "For the registry to answer a leader's questions, every registered model carries "
            "the tags below. `playbook inventory pull --tracking-uri URI` reads them into "
            "`data/inventory.yaml` (other tags are left out) and `playbook validate` checks "
            "them against the playbook.\n\n",
            heading(2, "Registered-model tags", "model-tags"),
            table(["Tag", "Value", "Required", "Meaning"], _contract_rows(m.ModelTags)),
            "\n" + heading(2, "Model-version tags", "version-tags"),
            table(["Tag", "Value", "Required", "Meaning"], _contract_rows(m.VersionTags)),
            "\n" + heading(2, "Aliases", "aliases"),
            f"- `{CHAMPION}`: the version in production. It must be validated {statuses}.\n",
            f"- `{CHALLENGER}`: a version run beside the champion for comparison.\n\n",
            "Aliases replace the registry's deprecated stages (Staging, Production); the pull "
            "ignores stages.\n\n",
            heading(2, "What the validator refuses", "checks"),
            "- a model whose `playbook.use_case` is not a use case of the playbook;\n",
            "- a `mrm.tier` that differs from the use case's risk tier;\n",
            f"- a champion whose `validation.status` is not {statuses};\n",
            "- a use case in production that no registered model names;\n",
            "- and it warns when `mrm.next_review` is in the past (an overdue review), or when "
            "`mrm.owner` or `mrm.validator` looks like a misspelt role id.\n\n",
            heading(2, "Pull a registry", "pull"),
            "```bash\n"
            "pip install -e '.[registry]'\n"
            "playbook inventory pull --tracking-uri https://mlflow.example.com\n"
            "playbook inventory pull --tracking-uri databricks   # with DATABRICKS_HOST/TOKEN set\n"
            "playbook validate\n"
            "```\n\n"
            "The pull keeps each model's aliased versions and its latest one, and no timestamps: "
            "pulling an unchanged registry rewrites the same file. "
            "`.github/workflows/inventory-sync.yml` pulls nightly and opens a pull request "
            "when the registry changed.\n",
        ]
    )
