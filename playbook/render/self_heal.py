"""The self-heal policy page (governance/self-heal.md): allowed automatic actions, their
conditions and limits, how each run is logged and reviewed, and who uses which action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import links, refs
from playbook.render.common import data_note
from playbook.render.markdown import bullets, heading, markdown, table, text

if TYPE_CHECKING:
    from playbook.data.model import Playbook, SelfHealAction


def action_link(pb: Playbook, page: str, action_id: str) -> str:
    """A link to an action's section on the self-heal page (plain text for an unknown id)."""
    found = pb.self_heal.actions.get(action_id)
    if found is None:
        return text(action_id)
    return f"[{text(found.name)}]({links.md_href(links.SELF_HEAL, page, action_id)})"


def _action(pb: Playbook, page: str, action: SelfHealAction) -> str:
    users = [
        [refs.use_case(pb, page, uc.id), text(use.applies)]
        for uc in pb.use_cases.values()
        for use in uc.self_heal
        if use.action == action.id
    ]
    out = [
        heading(2, text(action.name), action.id),
        f"**Trigger.** {text(action.trigger)}\n\n",
        f"**What it does.** {text(action.response)}\n\n",
        "**Conditions the validator approves**\n\n",
        bullets(text(c) for c in action.conditions),
        "\n**Limits**\n\n",
        bullets(text(x) for x in action.limits),
        "\n",
        table(
            ["Runs on", "Alerts at once", "Reviewed by", "Review"],
            [
                [
                    refs.tools(pb, page, action.runs_on),
                    refs.role(pb, page, action.paged),
                    refs.role(pb, page, action.reviewer),
                    text(action.review_within),
                ]
            ],
        ),
        "\n",
    ]
    if users:
        out += ["**Used by**\n\n", table(["Use case", "How it applies"], users), "\n"]
    else:
        out.append("No use case uses this action yet.\n\n")
    return "".join(out)


def render_self_heal(pb: Playbook, page: str) -> str:
    """The whole policy: summary, approval, change record, review, limits, then each action."""
    policy = pb.self_heal
    approver = refs.role(pb, page, policy.approved_by)
    gate = refs.gate(pb, page, policy.approved_at)
    out = [
        "# Self-heal policy\n\n",
        data_note(pb, "self_heal.yaml"),
        markdown(policy.summary),
        "\n\n",
        f"Which actions a model may use, with its parameters, is approved by the {approver} "
        f"at the {gate} gate and recorded with the validation approval.\n\n",
        table(
            ["Action", "Trigger"],
            [[action_link(pb, page, a.id), text(a.trigger)] for a in policy.actions.values()],
        ),
        "\n",
        heading(2, "Every run is a change", "change-record"),
        markdown(policy.change_record),
        "\n\n",
        heading(2, "Every run is reviewed", "review"),
        markdown(policy.review),
        "\n\n",
        heading(2, "Never automatic", "never-automatic"),
        bullets(text(x) for x in policy.never_automatic),
        "\n",
    ]
    out += [_action(pb, page, action) for action in policy.actions.values()]
    return "".join(out)
