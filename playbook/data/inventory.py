"""What the model registry's snapshot means: each model's red/amber/green status, and its page slug.

Pure apart from :func:`as_of`, which reads ``SOURCE_DATE_EPOCH``: statuses and the overdue
check are relative to that date, or to today's (UTC) when it is unset.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal

from playbook.data.model import CHAMPION_STATUSES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from playbook.data.model import Playbook, RegisteredModel, UseCase

Rag = Literal["green", "amber", "red", "not_live"]

#: Display order and label of each status.
RAG_LABELS: dict[Rag, str] = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "not_live": "Not live",
}

#: The rule behind each status, as the leadership page states it (first match wins).
RAG_RULE: tuple[tuple[Rag, str], ...] = (
    (
        "red",
        "the use case is in production but the model has no `champion` alias; or the champion's"
        " validation status is not approved or conditional; or the periodic review is overdue",
    ),
    (
        "not_live",
        "no `champion` alias and the use case is not in production yet",
    ),
    (
        "amber",
        "the champion is approved with conditions, has open validation findings, or has no"
        " next review date",
    ),
    ("green", "the champion is approved, has no open findings and its review is not yet due"),
)

CHAMPION = "champion"
CHALLENGER = "challenger"


def as_of() -> date:
    """The date statuses are computed for: ``$SOURCE_DATE_EPOCH`` (UTC) if set, else today."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC).date()
    return datetime.now(UTC).date()


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """A registered model's standing: its status, why, and its champion and challenger."""

    rag: Rag
    reasons: tuple[str, ...]
    champion: int | None
    challenger: int | None
    overdue: bool


def is_overdue(model: RegisteredModel, today: date) -> bool:
    """True when the model's next review date has passed."""
    due = model.tags.next_review
    return due is not None and due < today


def model_status(model: RegisteredModel, use_case: UseCase | None, today: date) -> ModelStatus:
    """The model's red/amber/green status by :data:`RAG_RULE`, with the reasons that set it."""
    champion = model.alias(CHAMPION)
    challenger = model.alias(CHALLENGER)
    overdue = is_overdue(model, today)
    numbers = (champion[0] if champion else None, challenger[0] if challenger else None)
    red: list[str] = []
    amber: list[str] = []
    in_production = use_case is not None and use_case.status == "production"
    if champion is None:
        if not in_production:
            return ModelStatus("not_live", ("not in production",), *numbers, overdue)
        red.append("no champion alias")
    else:
        number, version = champion
        status = version.tags.status
        if status not in CHAMPION_STATUSES:
            red.append(f"champion v{number} is {status or 'not validated'}")
        elif status == "conditional":
            amber.append(f"champion v{number} approved with conditions")
        findings = version.tags.findings_open or 0
        if findings:
            amber.append(f"{findings} open finding{'s' * (findings != 1)}")
    if overdue:
        red.append(f"review overdue since {model.tags.next_review}")
    elif model.tags.next_review is None:
        amber.append("no next review date")
    if red:
        return ModelStatus("red", tuple(red + amber), *numbers, overdue)
    if amber:
        return ModelStatus("amber", tuple(amber), *numbers, overdue)
    return ModelStatus("green", ("approved, no open findings",), *numbers, overdue)


def models_of(pb: Playbook, use_case_id: str) -> list[RegisteredModel]:
    """The registered models whose ``playbook.use_case`` tag names ``use_case_id``, by name."""
    if pb.inventory is None:
        return []
    return [m for _, m in sorted(pb.inventory.models.items()) if m.tags.use_case == use_case_id]


def open_findings(model: RegisteredModel) -> int:
    """Open validation findings on the model's champion (0 without one)."""
    champion = model.alias(CHAMPION)
    return (champion[1].tags.findings_open or 0) if champion else 0


def model_facts(model: RegisteredModel) -> dict[str, str]:
    """What a reviewer of a registry change reads about a model, as label to plain text."""
    facts = {
        "use case": model.tags.use_case,
        "tier": str(model.tags.tier or "(none)"),
        "owner": model.tags.owner or "(none)",
        "next review": str(model.tags.next_review or "(none)"),
    }
    for alias in (CHAMPION, CHALLENGER):
        found = model.alias(alias)
        if found is None:
            facts[alias] = "(none)"
            continue
        number, version = found
        tags = version.tags
        facts[alias] = f"v{number}"
        status = tags.status or "not validated"
        facts[f"{alias} validation"] = (
            f"{status} ({tags.validated_on})" if tags.validated_on else status
        )
        if alias == CHAMPION:
            facts["open findings"] = str(tags.findings_open or 0)
    return facts


def model_slugs(names: Iterable[str]) -> dict[str, str]:
    """A page slug for each registered model name: lower case, ASCII letters, digits and '-'.

    Registry names are free text, so two names can give one slug (``Churn v2`` and
    ``churn-v2``): the later one, by name, gets a numbered suffix.
    """
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names):
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80].strip("-") or "model"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs[name] = slug
    return slugs
