"""The independence rules page (governance/independence.md): task kinds and each rule."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from playbook.data.model import TASK_KINDS
from playbook.render import refs
from playbook.render.common import LETTER_NAMES, LINES_OF_DEFENCE, data_note
from playbook.render.markdown import heading, table, text
from playbook.render.sources import source_link

if TYPE_CHECKING:
    from playbook.data.model import IndependenceRule, Playbook


def rule_anchor(rule_id: str) -> str:
    """The anchor of a rule's section on the independence page."""
    return f"rule-{rule_id}"


def _subjects(pb: Playbook, page: str, rule: IndependenceRule) -> str:
    parts = [refs.role(pb, page, r) for r in rule.subjects.roles]
    parts += [text(LINES_OF_DEFENCE.get(n, f"Line {n}")) for n in rule.subjects.lines]
    if rule.subjects.gate_approvers:
        parts.append("the approvers of each gate the task feeds (not on the gate's own review)")
    return "; ".join(parts)


def _tasks(rule: IndependenceRule) -> str:
    selector = rule.tasks
    kinds = ", ".join(f"`{k}`" for k in selector.kinds) if selector.kinds else "every kind"
    words = f"tasks of kind {kinds}" if selector.kinds else "tasks of every kind"
    if selector.except_kinds:
        words += " except " + ", ".join(f"`{k}`" for k in selector.except_kinds)
    if selector.gate_reviews:
        words += ", only where the task runs a gate's review"
    return words


def _letters(rule: IndependenceRule) -> str:
    if rule.never:
        return "never " + " or ".join(LETTER_NAMES[x] for x in rule.never)
    return "at least one holds " + " or ".join(LETTER_NAMES[x] for x in rule.require)


def _source(pb: Playbook, page: str, rule: IndependenceRule) -> str:
    return f"{source_link(pb, page, rule.source)}, {text(rule.citation)}"


def render_independence(pb: Playbook, page: str) -> str:
    """Task kinds with their counts, then every independence rule with reason and source."""
    rules = pb.meta.rules.independence
    counts: Counter[str] = Counter(t.kind for _, _, t in pb.tasks() if t.kind)
    kinds = TASK_KINDS.items()
    out = [
        "# Independence rules\n\n",
        data_note(pb, "playbook.yaml", "lifecycle"),
        "Separation of duties is checked, not just described: every task has a **kind**, every "
        "role a line of defence, and `playbook validate` refuses any RACI that breaks one of "
        f"the {len(rules)} rules below, naming the file, line and column. Each rule selects "
        "tasks by kind and roles by id, line of defence or gate approval.\n\n",
        heading(2, "Task kinds", "task-kinds"),
        table(
            ["Kind", "Meaning", "Tasks"],
            [[f"`{kind}`", text(meaning), str(counts[kind])] for kind, meaning in kinds],
        ),
        "\n",
    ]
    for rule in rules.values():
        out += [
            heading(2, text(rule.statement), rule_anchor(rule.id)),
            f"- **Who:** {_subjects(pb, page, rule)}\n",
            f"- **On:** {_tasks(rule)}\n",
            f"- **Letters:** {text(_letters(rule))}\n",
            f"- **Why:** {text(rule.reason)}\n",
            f"- **Source:** {_source(pb, page, rule)}\n",
            f"- **Rule id:** `{rule.id}`\n\n",
        ]
    return "".join(out)
