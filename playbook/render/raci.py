"""The RACI matrix, the phase-by-role roll-up with its heatmap, and the RACI health report.

The matrix and the roll-up are raw HTML tables: Markdown tables cannot carry the ``data-*``
attributes and CSS classes that the filters (``docs/assets/javascripts/raci.js``) and the colour
coding need. Both stay complete and readable without JavaScript.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from playbook.data.issues import warnings
from playbook.data.workload import role_workloads
from playbook.render import links, refs
from playbook.render.charts import Bar, bar_chart
from playbook.render.common import (
    LETTER_NAMES,
    data_note,
    letters,
    plural,
    roles_in_order,
)
from playbook.render.markdown import HTML_BLOCK_END, HTML_BLOCK_START, admonition, html, table, text
from playbook.render.refs import role as role_ref

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from playbook.data.issues import Issue
    from playbook.data.model import Letter, Phase, Playbook, Role, Task

#: Heatmap levels: a cell's share of the busiest cell, rounded up into 0-5.
HEAT_LEVELS = 5


def letter_badge(letter: Letter, title: str = "") -> str:
    """A colour-coded RACI letter as HTML (``<span class="raci raci--r">R</span>``)."""
    label = html(title or LETTER_NAMES[letter])
    return f'<span class="raci raci--{letter.lower()}" title="{label}">{letter}</span>'


def render_legend(pb: Playbook) -> str:
    """The letter legend shown above the matrix and the roll-up."""
    meaning = {
        "R": "does the work; at least one per task",
        "A": "signs off and answers for the outcome; exactly one per task",
        "S": "supports the responsible roles",
        "C": "consulted before the work is done (two-way)",
        "I": "informed after the work is done (one-way)",
    }
    items = "".join(
        f"<li>{letter_badge(letter)} <strong>{LETTER_NAMES[letter]}</strong>: "
        f"{meaning[letter]}</li>"
        for letter in letters(pb)
    )
    return f'<ul class="raci-legend">{items}</ul>\n\n'


def _role_header(role: Role, page: str) -> str:
    url = links.href(links.role_page(role.id), page)
    return (
        f'<th scope="col" class="raci-role" data-role="{html(role.id)}">'
        f'<a href="{url}" title="{html(role.name)} ({html(role.team)})">'
        f"<span>{html(role.name)}</span></a></th>"
    )


def _cell(letter: Letter | None, role: Role) -> str:
    """A cell of the matrix: its role is its column, as the header row says (``data-role``).

    Cells carry no ``data-role`` of their own: most are empty, and on a large playbook the
    attribute alone was most of the page (the filters find a role's cell by its column).
    """
    if letter is None:
        return "<td></td>"
    title = html(f"{role.name}: {LETTER_NAMES[letter]}")
    return f'<td class="raci raci--{letter.lower()}" title="{title}">{letter}</td>'


#: Above this many cells (tasks times roles) the matrix gets one page per phase, and
#: ``people/raci.md`` becomes their index. The whole matrix of a playbook ten times the
#: reference size (1,100 tasks by 45 roles) is almost 3 MB of HTML in one page.
SPLIT_CELLS = 20_000


def matrix_is_split(pb: Playbook, budget: int | None = None) -> bool:
    """True when the matrix is too big for one page (more than ``budget`` cells)."""
    n_tasks = sum(1 for _ in pb.tasks())
    return n_tasks * len(pb.roles) > (SPLIT_CELLS if budget is None else budget)


def _phase_rows(pb: Playbook, phase: Phase, page: str, roles: Sequence[Role]) -> list[str]:
    """One phase of the matrix: a ``<tbody>`` with its sub-phase and task rows."""
    width = len(roles) + 1
    out = [
        f'<tbody class="raci-group" data-phase="{html(phase.id)}">\n',
        f'<tr class="raci-phase-row"><th scope="rowgroup" colspan="{width}">'
        f'<a href="{links.href(links.phase_page(phase.id), page)}">'
        f"{phase.order}. {html(phase.name)}</a></th></tr>\n",
    ]
    for sub in phase.sub_phases.values():
        out.append(
            f'<tr class="raci-subphase-row" data-subphase="{html(sub.id)}">'
            f'<th scope="rowgroup" colspan="{width}">'
            f'<a href="{links.href(links.phase_page(phase.id), page, sub.id)}">'
            f"{html(sub.name)}</a></th></tr>\n"
        )
        for task in sub.tasks.values():
            held: dict[str, Letter] = {}
            for letter, role_id in task.raci.letters():
                held.setdefault(role_id, letter)
            holders = " ".join(html(r) for _, r in task.raci.letters())
            url = links.href(links.phase_page(phase.id), page, task.id)
            out.append(
                f'<tr data-task="{html(task.id)}" data-phase="{html(phase.id)}" '
                f'data-subphase="{html(sub.id)}" data-roles="{holders}">'
                f'<th scope="row"><a href="{url}">{html(task.name)}</a></th>'
                + "".join(_cell(held.get(r.id), r) for r in roles)
                + "</tr>\n"
            )
    out.append("</tbody>\n")
    return out


def render_raci_matrix(pb: Playbook, page: str, phase_id: str | None = None) -> str:
    """The RACI matrix: one row per task grouped by phase and sub-phase, one column per role.

    Each task row carries ``data-task``, ``data-phase`` and ``data-roles`` (the roles holding
    any letter) for the filters; task names link to the task's anchor on its phase page.

    Args:
        pb: The playbook.
        page: Source URI of the page.
        phase_id: Only this phase's tasks (a page of the split matrix); None for every phase.
    """
    roles = roles_in_order(pb)
    phases = [p for p in pb.phases if phase_id is None or p.id == phase_id]
    n_tasks = sum(1 for p in phases for _ in p.tasks())
    if phase_id is None:
        title = "# RACI matrix\n\n"
        scope = f"each of the {plural(n_tasks, 'task')} of the lifecycle"
        narrow = "Use the filters to narrow the matrix to one phase or one role."
    else:
        phase = phases[0]
        title = f"# RACI matrix: {phase.order}. {text(phase.name)}\n\n"
        scope = f"each of the {plural(n_tasks, 'task')} of {refs.phase(pb, page, phase.id)}"
        narrow = (
            "Use the filters to narrow the matrix to one role; the "
            f"[matrix index]({links.md_href(links.RACI_MATRIX, page)}) lists the other phases."
        )
    out = [
        title,
        data_note(
            pb, "roles.yaml", *(["lifecycle"] if phase_id is None else [f"phase:{phase_id}"])
        ),
        f"Who does what on {scope}, for "
        f"{plural(len(roles), 'role')}. Columns are grouped by line of defence; select a task "
        f"to open its description, or a role to see all of its work. {narrow} The "
        f"[roll-up]({links.md_href(links.RACI_ROLLUP, page)}) counts the letters per phase.\n\n",
        render_legend(pb),
        # The table is marked as an HTML block built whole (see markdown.html_block).
        f"{HTML_BLOCK_START}\n",
        '<div class="raci-scroll" data-raci-scroll>\n',
        '<table class="raci-matrix" data-raci-matrix>\n',
        '<thead><tr><th scope="col" class="raci-task-col">Task</th>',
        "".join(_role_header(r, page) for r in roles),
        "</tr></thead>\n",
    ]
    for phase in phases:
        out += _phase_rows(pb, phase, page, roles)
    out.append(f"</table>\n</div>\n{HTML_BLOCK_END}\n\n")
    return "".join(out)


def render_raci_index(pb: Playbook, page: str) -> str:
    """The index of a split matrix: one row per phase, linking its page of the matrix."""
    roles = roles_in_order(pb)
    n_tasks = sum(1 for _ in pb.tasks())
    rows = [
        [
            f"[{phase.order}. {text(phase.name)}]"
            f"({links.md_href(links.raci_phase_page(phase.id), page)})",
            str(len(phase.sub_phases)),
            str(sum(1 for _ in phase.tasks())),
        ]
        for phase in pb.phases
    ]
    return "".join(
        [
            "# RACI matrix\n\n",
            data_note(pb, "roles.yaml", "lifecycle"),
            f"Who does what on each of the {plural(n_tasks, 'task')} of the lifecycle, for "
            f"{plural(len(roles), 'role')}. The matrix is too big for one page, so it has one "
            "page per phase; each has filters by role and letter. A role's page lists all of "
            "its work across the phases, and the "
            f"[roll-up]({links.md_href(links.RACI_ROLLUP, page)}) counts the letters per phase "
            "and sub-phase.\n\n",
            render_legend(pb),
            table(["Phase", "Sub-phases", "Tasks"], rows),
        ]
    )


# --------------------------------------------------------------------------------------------
# Roll-up and heatmap
# --------------------------------------------------------------------------------------------


def count_letters(tasks: Iterable[Task]) -> dict[str, Counter[str]]:
    """Role id to a Counter of the letters it holds across ``tasks``."""
    counts: dict[str, Counter[str]] = {}
    for task in tasks:
        for letter, role in task.raci.letters():
            counts.setdefault(role, Counter())[letter] += 1
    return counts


def heat_level(count: int, busiest: int) -> int:
    """A heatmap level from 0 (nothing) to :data:`HEAT_LEVELS` (the busiest cell)."""
    if count <= 0 or busiest <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * count / busiest)))


def _rollup_cells(
    counts: dict[str, Counter[str]], roles: Sequence[Role], shown: Sequence[Letter], busiest: int
) -> str:
    cells = []
    for role in roles:
        held = counts.get(role.id, Counter())
        total = sum(held[letter] for letter in shown)
        parts = " ".join(
            f'<span class="raci-count raci--{letter.lower()}" '
            f'title="{LETTER_NAMES[letter]} on {plural(held[letter], "task")}">'
            f"{letter}{held[letter]}</span>"
            for letter in shown
            if held[letter]
        )
        cells.append(
            f'<td class="raci-heat-{heat_level(total, busiest)}" data-role="{html(role.id)}" '
            f'data-count="{total}">{parts}</td>'
        )
    return "".join(cells)


#: Above this many sub-phase cells (sub-phases times roles) the roll-up keeps one row per
#: phase, and each phase's sub-phase rows get a page of their own. The roll-up of a playbook ten
#: times the reference size (300 sub-phases by 45 roles) is almost 2 MB of HTML in one page; the
#: reference playbook (about 700 cells) stays on one page.
ROLLUP_SPLIT_CELLS = 6_000


def rollup_is_split(pb: Playbook, budget: int | None = None) -> bool:
    """True when the roll-up is too big for one page (more than ``budget`` sub-phase cells)."""
    n_subs = sum(len(p.sub_phases) for p in pb.phases)
    return n_subs * len(pb.roles) > (ROLLUP_SPLIT_CELLS if budget is None else budget)


class _Rollup:
    """The letter counts of the roll-up and the two shading scales, shared by its pages.

    Phase rows and sub-phase rows are shaded on separate scales (each against its busiest cell
    in the whole playbook), so a heavy sub-phase stands out even within a heavy phase, and a
    cell reads the same on the roll-up and on a phase's page of a split roll-up.
    """

    def __init__(self, pb: Playbook) -> None:
        self.roles = roles_in_order(pb)
        self.shown = letters(pb)
        self.phases = {p.id: count_letters(t for _, t in p.tasks()) for p in pb.phases}
        self.subs = {
            (p.id, s.id): count_letters(s.tasks.values())
            for p in pb.phases
            for s in p.sub_phases.values()
        }
        self.top_phase = self._busiest(self.phases.values())
        self.top_sub = self._busiest(self.subs.values())

    def _busiest(self, groups: Iterable[dict[str, Counter[str]]]) -> int:
        return max(
            (sum(c[letter] for letter in self.shown) for g in groups for c in g.values()),
            default=0,
        )

    def head(self, page: str) -> list[str]:
        """The start of the table, marked as an HTML block built whole (``html_block``)."""
        return [
            f"{HTML_BLOCK_START}\n",
            '<div class="raci-scroll" data-raci-scroll>\n',
            '<table class="raci-rollup" data-raci-rollup>\n',
            '<thead><tr><th scope="col" class="raci-task-col">Phase / sub-phase</th>',
            "".join(_role_header(r, page) for r in self.roles),
            "</tr></thead>\n<tbody>\n",
        ]

    def phase_row(self, phase: Phase, page: str, more: str = "") -> str:
        n_tasks = sum(1 for _ in phase.tasks())
        return (
            f'<tr class="raci-rollup-phase" data-phase="{html(phase.id)}"><th scope="row">'
            f'<a href="{links.href(links.phase_page(phase.id), page)}">'
            f"{phase.order}. {html(phase.name)}</a> "
            f'<span class="raci-tasks">({plural(n_tasks, "task")})</span>{more}</th>'
            + _rollup_cells(self.phases[phase.id], self.roles, self.shown, self.top_phase)
            + "</tr>\n"
        )

    def sub_rows(self, phase: Phase, page: str) -> list[str]:
        out = []
        for sub in phase.sub_phases.values():
            url = links.href(links.phase_page(phase.id), page, sub.id)
            counts = self.subs[(phase.id, sub.id)]
            out.append(
                f'<tr class="raci-rollup-sub" data-phase="{html(phase.id)}" '
                f'data-subphase="{html(sub.id)}"><th scope="row">'
                f'<a href="{url}">{html(sub.name)}</a> '
                f'<span class="raci-tasks">({plural(len(sub.tasks), "task")})</span></th>'
                + _rollup_cells(counts, self.roles, self.shown, self.top_sub)
                + "</tr>\n"
            )
        return out


def render_raci_rollup(
    pb: Playbook, page: str, issues: Sequence[Issue] = (), *, split: bool = False
) -> str:
    """Phase and sub-phase by role: counts of each letter, shaded by the number of tasks.

    The RACI health report (:func:`render_raci_health`) follows the table.

    Args:
        pb: The playbook.
        page: Source URI of the page.
        issues: The validator's issues, listed by the health report.
        split: One row per phase only, each linking its page of sub-phase rows
            (:func:`render_raci_rollup_phase`); for a roll-up too big for one page.
    """
    rollup = _Rollup(pb)
    if split:
        scope = (
            "per phase; each phase's page breaks it down by sub-phase (the roll-up is too big "
            "for one page)"
        )
    else:
        scope = "per phase and sub-phase"
    out = [
        "# RACI roll-up\n\n",
        data_note(pb, "roles.yaml", "lifecycle"),
        f"How many tasks each role holds a letter on, {scope}. Darker cells "
        "mean more tasks: use it to spot roles that are stretched across the lifecycle, and "
        "phases where one role carries most of the load. The "
        f"[full matrix]({links.md_href(links.RACI_MATRIX, page)}) shows the individual tasks; "
        f"the [RACI health](#raci-health) report below lists the validator's warnings.\n\n",
        render_legend(pb),
        *rollup.head(page),
    ]
    for phase in pb.phases:
        if split:
            url = links.href(links.raci_rollup_phase_page(phase.id), page)
            out.append(rollup.phase_row(phase, page, f' · <a href="{url}">by sub-phase</a>'))
        else:
            out += [rollup.phase_row(phase, page), *rollup.sub_rows(phase, page)]
    out.append(_ROLLUP_END)
    out.append(render_raci_health(pb, page, issues))
    return "".join(out)


#: The end of a roll-up table and of its HTML block (see :meth:`_Rollup.head`).
_ROLLUP_END = f"</tbody>\n</table>\n</div>\n{HTML_BLOCK_END}\n\n"


def render_raci_rollup_phase(pb: Playbook, page: str, phase_id: str) -> str:
    """One phase's page of a split roll-up: the phase's row, then one row per sub-phase."""
    rollup = _Rollup(pb)
    phase = next(p for p in pb.phases if p.id == phase_id)
    matrix = links.raci_phase_page(phase.id) if matrix_is_split(pb) else links.RACI_MATRIX
    return "".join(
        [
            f"# RACI roll-up: {phase.order}. {text(phase.name)}\n\n",
            data_note(pb, "roles.yaml", f"phase:{phase.id}"),
            "How many tasks each role holds a letter on in each sub-phase of "
            f"{refs.phase(pb, page, phase.id)}, shaded on the same scale as the "
            f"[roll-up]({links.md_href(links.RACI_ROLLUP, page)}), which lists the other "
            f"phases. The [RACI matrix]({links.md_href(matrix, page)}) shows the individual "
            "tasks.\n\n",
            render_legend(pb),
            *rollup.head(page),
            rollup.phase_row(phase, page),
            *rollup.sub_rows(phase, page),
            _ROLLUP_END,
        ]
    )


# --------------------------------------------------------------------------------------------
# RACI health
# --------------------------------------------------------------------------------------------

#: Validator warning codes shown in the health report, with their section titles.
HEALTH_SECTIONS = {
    "role-overloaded": "Overloaded roles",
    "role-idle": "Idle roles",
    "tool-unused": "Unused tools",
    "task-no-tool": "Tasks without tools",
}


def _health_chart(bars: list[Bar], n_tasks: int) -> str:
    """Each role's Responsible-or-Accountable load as a bar, flagged roles coloured."""
    busiest = max((bar.value for bar in bars), default=0)
    if not busiest:
        return ""
    step = max(1, round(busiest / 4))
    words = "; ".join(f"{bar.label}: {bar.note}" for bar in bars)
    return bar_chart(
        "RACI health: tasks per role",
        f"Tasks on which each role is Responsible (R) or Accountable (A), of {n_tasks}: {words}.",
        bars,
        maximum=busiest,
        ticks=[(v, str(v)) for v in range(0, int(busiest) + 1, step)],
    )


def render_raci_health(pb: Playbook, page: str, issues: Sequence[Issue] = ()) -> str:
    """Per-role workload (letter counts, share of A) and the validator's warnings by kind."""
    tasks = [t for _, _, t in pb.tasks()]
    counts = count_letters(tasks)
    limit = pb.meta.rules.max_accountable_share
    shown = letters(pb)
    workloads = role_workloads(pb)
    rows = []
    bars = []
    for role in roles_in_order(pb):
        held = counts.get(role.id, Counter())
        load = workloads[role.id]
        bars.append(
            Bar(
                role.name,
                held["R"] + held["A"],
                note=f"{held['R']} R · {held['A']} A" + (f" · {load.flag}" if load.flag else ""),
                kind=load.flag or "default",
            )
        )
        rows.append(
            [
                role_ref(pb, page, role.id),
                str(role.line_of_defence),
                *(str(held[letter]) for letter in shown),
                f"{load.share:.0%}",
                f"**{load.flag.capitalize()}**" if load.flag else "",
            ]
        )
    out = [
        "## RACI health { #raci-health }\n\n",
        f"Workload per role across all {plural(len(tasks), 'task')}. A role is flagged "
        f"*overloaded* when it is Accountable on more than {limit:.0%} of the tasks (the limit "
        "set in `data/playbook.yaml`), and *idle* when it is neither Responsible nor "
        "Accountable anywhere.\n\n",
        _health_chart(bars, len(tasks)),
        table(["Role", "Line", *shown, "Share of A", "Flag"], rows),
        "\n### Validator warnings { #validator-warnings }\n\n",
    ]
    found = warnings(issues)
    if not found:
        out.append(admonition("success", "No warnings", "The validator reports no warnings."))
        return "".join(out)
    out.append(
        f"The validator reported {plural(len(found), 'warning')}. Warnings do not fail the "
        "build; fix them in the data file and line shown.\n\n"
    )
    grouped: dict[str, list[Issue]] = {}
    for issue in found:
        grouped.setdefault(issue.code if issue.code in HEALTH_SECTIONS else "", []).append(issue)
    for code, title in [*HEALTH_SECTIONS.items(), ("", "Other warnings")]:
        if code not in grouped:
            continue
        out.append(f"#### {title}\n\n")
        out.extend(
            f"- {text(issue.message)} (`{issue.file}:{issue.line}`)\n" for issue in grouped[code]
        )
        out.append("\n")
    return "".join(out)
