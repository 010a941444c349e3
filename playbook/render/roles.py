"""The role catalog (grouped by line of defence) and one page per role."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from playbook.render import links, refs
from playbook.render.common import (
    LETTER_NAMES,
    LINES_OF_DEFENCE,
    data_note,
    letters,
    plural,
    roles_in_order,
    stage,
)
from playbook.render.independence import rule_anchor
from playbook.render.markdown import heading, markdown, table, text, unsearched
from playbook.render.raci import count_letters, letter_badge
from playbook.render.signoff import accountable_for

if TYPE_CHECKING:
    from playbook.data.model import Playbook, Role


def render_roles_index(pb: Playbook, page: str) -> str:
    """The role catalog: every role grouped by line of defence, with its workload."""
    counts = count_letters(t for _, _, t in pb.tasks())
    approves = Counter(a for g in pb.gates.values() for a in g.approvers)
    out = [
        "# Roles\n\n",
        data_note(pb, "roles.yaml"),
        f"The {plural(len(pb.roles), 'role')} that take part in the ML lifecycle, grouped by "
        "line of defence. The numbers count the tasks on which a role is Responsible (R) or "
        "Accountable (A), and the stage gates it approves. Open a role for its full list of "
        f"tasks, or see the [RACI matrix]({links.md_href(links.RACI_MATRIX, page)}) and the "
        f"[roll-up]({links.md_href(links.RACI_ROLLUP, page)}).\n\n",
    ]
    for line, title in LINES_OF_DEFENCE.items():
        members = [r for r in roles_in_order(pb) if r.line_of_defence == line]
        if not members:
            continue
        out.append(heading(2, text(title), f"line-{line}"))
        rows = [
            [
                refs.role(pb, page, r.id),
                text(r.team),
                str(counts.get(r.id, Counter())["R"]),
                str(counts.get(r.id, Counter())["A"]),
                str(approves[r.id]),
            ]
            for r in members
        ]
        out.append(table(["Role", "Team", "R", "A", "Gates approved"], rows))
        out.append("\n")
    return "".join(out)


def _use_case_files(pb: Playbook, role: Role) -> list[str]:
    return [
        f"use_case:{u.id}"
        for u in pb.use_cases.values()
        if role.id == u.owner or role.id in u.owner_roles
    ]


def render_role_page(pb: Playbook, page: str, role_id: str) -> str:
    """One role: what it does, every task where it holds a letter (by phase), its gates,
    the use cases and tools it owns, and any independence rule that binds it.
    """
    role = pb.roles[role_id]
    tasks = [(p, s, t) for p, s, t in pb.tasks() if t.raci.letters_of(role.id)]
    held = count_letters(t for _, _, t in tasks).get(role.id, Counter())
    out = [
        f"# {text(role.name)}\n\n",
        data_note(
            pb, "roles.yaml", "lifecycle", "gates.yaml", "tools.yaml", *_use_case_files(pb, role)
        ),
        accountable_for(pb, page, role.id),
        f"**Team:** {text(role.team)} · **Line of defence:** {role.line_of_defence} "
        f"({text(LINES_OF_DEFENCE[role.line_of_defence])})\n\n",
        (
            # Other names of the role weigh in search as its title does (Pagefind's h1 weight).
            f"**Also called:** {', '.join(text(a) for a in role.aliases)}\n"
            '{: data-pagefind-weight="7" }\n\n'
            if role.aliases
            else ""
        ),
        markdown(role.description).strip() + "\n\n",
    ]
    total = sum(1 for _ in pb.tasks())
    summary = ", ".join(
        f"{LETTER_NAMES[letter]} on {held[letter]}" for letter in letters(pb) if held[letter]
    )
    out.append("## Tasks { #tasks }\n\n")
    if not tasks:
        out.append(f"This role holds no letter on any of the {plural(total, 'task')}.\n\n")
    else:
        out.append(f"Holds a letter on {len(tasks)} of the {plural(total, 'task')}: {summary}.\n\n")
    for phase in pb.phases:
        mine = [(s, t) for p, s, t in tasks if p.id == phase.id]
        if not mine:
            continue
        # The tasks are indexed on their phase pages: repeating them here for every role would
        # make up an eighth of a large playbook's search index.
        out.append(
            heading(3, f"{phase.order}. {text(phase.name)}", f"phase-{phase.id}", searchable=False)
        )
        rows = []
        for sub, task in mine:
            letter = task.raci.letters_of(role.id)[0]
            sub_link = (
                f"[{text(sub.name)}]({links.md_href(links.phase_page(phase.id), page, sub.id)})"
            )
            rows.append([refs.task(pb, page, task.id), sub_link, letter_badge(letter)])
        out.append(unsearched(table(["Task", "Sub-phase", "Letter"], rows)))

    gates = [g for g in pb.gates.values() if role.id in g.approvers]
    out.append("## Gates approved { #gates }\n\n")
    if gates:
        out.append(
            table(
                ["Gate", "Stage change", "Review task"],
                [
                    [
                        refs.gate(pb, page, g.id),
                        f"{text(stage(g.from_stage))} → {text(stage(g.to_stage))}",
                        refs.task(pb, page, g.task),
                    ]
                    for g in gates
                ],
            )
        )
        out.append("\n")
    else:
        out.append("This role approves no stage gate.\n\n")

    cases = [u for u in pb.use_cases.values() if role.id == u.owner or role.id in u.owner_roles]
    out.append("## Use cases owned { #use-cases }\n\n")
    if cases:
        rows = []
        for u in cases:
            capacity = [
                label
                for label, holds in (
                    ("Business owner", role.id == u.owner),
                    ("Delivery", role.id in u.owner_roles),
                )
                if holds
            ]
            rows.append(
                [
                    refs.use_case(pb, page, u.id),
                    " and ".join(capacity),
                    text(u.status),
                    f"Tier {u.risk_tier}",
                ]
            )
        out.append(table(["Use case", "Ownership", "Status", "Risk tier"], rows))
        out.append("\n")
    else:
        out.append("This role owns no use case.\n\n")

    tools = [t for t in pb.tools.values() if t.owner == role.id]
    out.append("## Tools owned { #tools }\n\n")
    if tools:
        rows = [
            [
                refs.tool(pb, page, t.id),
                text(pb.categories[t.category].name) if t.category in pb.categories else "",
                f'<span class="pb-badge pb-badge--{t.status}">{t.status}</span>',
            ]
            for t in tools
        ]
        out.append(table(["Tool", "Category", "Status"], rows))
        out.append("\n")
    else:
        out.append("This role owns no tool.\n\n")

    rules = [
        r
        for r in pb.meta.rules.independence.values()
        if role.id in r.subjects.roles or role.line_of_defence in r.subjects.lines
    ]
    if rules:
        out.append("## Independence rules { #independence }\n\n")
        out.append(
            f"The [independence rules]({links.md_href(links.INDEPENDENCE, page)}) that name this "
            "role or its line of defence; the validator refuses a RACI that breaks them.\n\n"
        )
        for rule in rules:
            anchor = links.md_href(links.INDEPENDENCE, page, rule_anchor(rule.id))
            out.append(f"- [{text(rule.statement)}]({anchor})\n")
        out.append("\n")
    return "".join(out)
