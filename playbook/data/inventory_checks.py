"""Checks of the model registry's snapshot (``data/inventory.yaml``) against the playbook.

The registry must agree with the playbook: every model names a known use case and carries its
risk tier, every champion passed validation, every use case in production has a model, and
periodic reviews are not overdue (a warning, relative to :func:`playbook.data.inventory.as_of`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from playbook.data.inventory import CHAMPION, as_of, is_overdue
from playbook.data.issues import suggest
from playbook.data.model import CHAMPION_STATUSES

if TYPE_CHECKING:
    from datetime import date

    from playbook.data.issues import Issue
    from playbook.data.model import Playbook, RegisteredModel
    from playbook.data.sourcemap import Loc

INVENTORY = "inventory.yaml"


class Locator(Protocol):
    """What the checks need of :class:`playbook.data.checks.Locator` (not imported: it
    imports this module)."""

    def file_of(self, kind: str, key: str = "") -> str:
        """The data file holding a record of ``kind``, or a data file by name."""
        ...

    def issue(self, file: str, loc: Loc, code: str, message: str, severity: str = "error") -> Issue:
        """An issue at ``loc`` in ``file``."""
        ...


_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def check_inventory(pb: Playbook, where: Locator, today: date | None = None) -> list[Issue]:
    """Every registered model agrees with the playbook (see the module docstring).

    Args:
        pb: The playbook.
        where: Locates issues in the data files.
        today: The date reviews are due against; :func:`as_of` when None.
    """
    if pb.inventory is None:
        return []
    today = today or as_of()
    file = where.file_of(INVENTORY)
    found: list[Issue] = []
    for name, model in sorted(pb.inventory.models.items()):
        found += _check_model(pb, where, file, name, model, today)
    served = {m.tags.use_case for m in pb.inventory.models.values()}
    for uc in pb.use_cases.values():
        if uc.status == "production" and uc.id not in served:
            found.append(
                where.issue(
                    where.file_of("use_case", uc.id),
                    ("status",),
                    "unregistered-model",
                    f"use case '{uc.id}' is in production but no registered model in "
                    f"{file} names it (tag playbook.use_case)",
                )
            )
    return found


def _check_model(
    pb: Playbook, where: Locator, file: str, name: str, model: RegisteredModel, today: date
) -> list[Issue]:
    at = ("models", name)
    found: list[Issue] = []
    tags = model.tags
    use_case = pb.use_cases.get(tags.use_case)
    if use_case is None:
        hint = suggest(tags.use_case, sorted(pb.use_cases))
        found.append(
            where.issue(
                file,
                (*at, "tags", "playbook.use_case"),
                "unknown-ref",
                f"model {name!r}: unknown use case '{tags.use_case}'{hint}",
            )
        )
    elif tags.tier is not None and tags.tier != use_case.risk_tier:
        found.append(
            where.issue(
                file,
                (*at, "tags", "mrm.tier"),
                "tier-mismatch",
                f"model {name!r}: mrm.tier {tags.tier} differs from use case '{use_case.id}', "
                f"risk tier {use_case.risk_tier}",
            )
        )
    for alias, number in sorted(model.aliases.items()):
        if number not in model.versions:
            found.append(
                where.issue(
                    file,
                    (*at, "aliases", alias),
                    "unknown-ref",
                    f"model {name!r}: alias '{alias}' points at version {number}, "
                    "which the snapshot does not hold",
                )
            )
    champion = model.alias(CHAMPION)
    if champion is not None and champion[1].tags.status not in CHAMPION_STATUSES:
        number, version = champion
        loc = (*at, "versions", number, "tags", "validation.status")
        found.append(
            where.issue(
                file,
                loc if version.tags.status else (*at, "aliases", CHAMPION),
                "unapproved-champion",
                f"model {name!r}: champion version {number} is "
                f"{version.tags.status or 'not validated (no validation.status)'}; a champion "
                f"must be {' or '.join(CHAMPION_STATUSES)}",
            )
        )
    if is_overdue(model, today):
        found.append(
            where.issue(
                file,
                (*at, "tags", "mrm.next_review"),
                "overdue-review",
                f"model {name!r}: periodic review overdue: due {tags.next_review}, as of {today}",
                "warning",
            )
        )
    for key, value in (("mrm.owner", tags.owner), ("mrm.validator", tags.validator)):
        if value and _SLUG.match(value) and value not in pb.roles:
            hint = suggest(value, sorted(pb.roles))
            if hint:  # a role id with a typo; a person's name would not be this close
                found.append(
                    where.issue(
                        file,
                        (*at, "tags", key),
                        "unknown-ref",
                        f"model {name!r}: {key} '{value}' is not a role id{hint}",
                        "warning",
                    )
                )
    return found
