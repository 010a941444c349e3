"""The one workload rule: which roles are overloaded (too many A) or idle (neither R nor A).

The validator warns about them (:func:`playbook.data.checks.check_coverage`) and the RACI health
report flags them (:func:`playbook.render.raci.render_raci_health`); both ask here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from playbook.data.model import Playbook


@dataclass(frozen=True, slots=True)
class Workload:
    """One role's share of the lifecycle's tasks.

    Attributes:
        accountable: Tasks the role is Accountable for.
        tasks: Tasks in the lifecycle.
        share: ``accountable / tasks`` (0 without tasks).
        limit: The largest share of A allowed (``rules.max_accountable_share``).
        flag: ``"overloaded"`` above the limit, ``"idle"`` when neither R nor A on any task.
    """

    accountable: int
    tasks: int
    share: float
    limit: float
    flag: Literal["overloaded", "idle", ""]


def role_workloads(pb: Playbook) -> dict[str, Workload]:
    """Every role's workload, keyed by role id in data order."""
    tasks = [task for _, _, task in pb.tasks()]
    doing = Counter(role for t in tasks for letter, role in t.raci.letters() if letter in "RA")
    accountable = Counter(role for t in tasks for role in t.raci.accountable)
    limit = pb.meta.rules.max_accountable_share
    out: dict[str, Workload] = {}
    for role in pb.roles:
        share = accountable[role] / len(tasks) if tasks else 0.0
        flag: Literal["overloaded", "idle", ""] = (
            "overloaded" if share > limit else "" if doing[role] else "idle"
        )
        out[role] = Workload(accountable[role], len(tasks), share, limit, flag)
    return out
