"""Every cell of the RACI matrix, read back from the rendered HTML, is the model's letter.

The matrix is parsed as a browser would read it (each ``<td>`` of a task's row under its role's
column) and compared with the data's R, A, S, C and I lists, read straight off the model: a
renderer that prints a wrong letter, drops one, or shifts a column fails here, for the
reference data and for the fixture.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from playbook.data.model import Playbook
from playbook.render import links
from playbook.render.raci import render_raci_matrix, render_raci_rollup, render_raci_rollup_phase
from tests.helpers import DATA, VALID, playbook_of

#: The letters of the model, in the order the data lists them.
LETTERS = ("R", "A", "S", "C", "I")


class MatrixReader(HTMLParser):
    """The cells of a rendered matrix: ``(task id, role id) -> the cell's text``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.columns: list[str] = []
        self.cells: dict[tuple[str, str], str] = {}
        self._task: str | None = None
        self._cell: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "th" and "raci-role" in (attr.get("class") or "").split():
            self.columns.append(str(attr["data-role"]))
        elif tag == "tr":
            self._task = attr.get("data-task")
        elif tag == "td" and self._task is not None:
            # A cell's role is its column's, as a browser (and the filters) read it.
            position = len([k for k in self.cells if k[0] == self._task])
            role = self.columns[position]
            self._cell = (self._task, role)
            assert self._cell not in self.cells, f"two cells for {self._cell}"
            self.cells[self._cell] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
        elif tag == "tr":
            self._task = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self.cells[self._cell] += data.strip()


def model_letters(pb: Playbook) -> dict[tuple[str, str], str]:
    """``(task id, role id) -> letter`` for every task and role, ``""`` where none is held."""
    expected = {(task.id, role): "" for _, _, task in pb.tasks() for role in pb.roles}
    for _, _, task in pb.tasks():
        for letter in LETTERS:
            held = getattr(task.raci, letter)
            for role in [held] if isinstance(held, str) else held:
                assert expected[(task.id, role)] == "", f"{task.id}: {role} holds two letters"
                expected[(task.id, role)] = letter
    return expected


def read_matrix(markdown: str) -> MatrixReader:
    reader = MatrixReader()
    reader.feed(markdown)
    reader.close()
    return reader


@pytest.fixture(name="playbook", scope="module", params=[DATA, VALID], ids=["reference", "fixture"])
def fixture_playbook(request: pytest.FixtureRequest) -> Playbook:
    return playbook_of(request.param)


def test_every_cell_of_the_matrix_is_the_models_letter(playbook: Playbook) -> None:
    expected = model_letters(playbook)
    reader = read_matrix(render_raci_matrix(playbook, links.RACI_MATRIX))
    assert sorted(reader.columns) == sorted(playbook.roles)
    assert reader.cells.keys() == expected.keys()
    wrong = {
        cell: (got, expected[cell]) for cell, got in reader.cells.items() if got != expected[cell]
    }
    assert not wrong, (
        f"{len(wrong)} cells differ from the model (task, role): (shown, data): {wrong}"
    )
    assert any(expected.values())


def test_every_phase_page_of_a_split_matrix_holds_the_models_letters(playbook: Playbook) -> None:
    expected = model_letters(playbook)
    for phase in playbook.phases:
        page = links.raci_phase_page(phase.id)
        reader = read_matrix(render_raci_matrix(playbook, page, phase.id))
        ours = {k: v for k, v in expected.items() if k[0] in {t.id for _, t in phase.tasks()}}
        assert reader.cells == ours, phase.id


class RollupReader(HTMLParser):
    """The cells of a rendered roll-up: ``(phase id, sub-phase id or "", role id) -> text``.

    Also each cell's ``data-count`` and heat class, so pages of a split roll-up can be compared
    with the one-page roll-up cell for cell.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.columns: list[str] = []
        self.cells: dict[tuple[str, str, str], str] = {}
        self.shading: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._row: tuple[str, str] | None = None
        self._position = 0
        self._cell: tuple[str, str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if tag == "th" and "raci-role" in classes:
            self.columns.append(str(attr["data-role"]))
        elif tag == "tr" and {"raci-rollup-phase", "raci-rollup-sub"} & set(classes):
            self._row = (str(attr["data-phase"]), attr.get("data-subphase") or "")
            self._position = 0
        elif tag == "td" and self._row is not None:
            role = self.columns[self._position]
            self._position += 1
            assert attr.get("data-role") == role, f"{self._row}: a cell is not under {role}"
            self._cell = (*self._row, role)
            assert self._cell not in self.cells, f"two cells for {self._cell}"
            self.cells[self._cell] = ""
            self.shading[self._cell] = (str(attr.get("class")), str(attr.get("data-count")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self.cells[self._cell] += data.strip()


def read_rollup(markdown: str) -> RollupReader:
    reader = RollupReader()
    reader.feed(markdown)
    reader.close()
    return reader


def model_counts(pb: Playbook, *, phases: bool, subs: bool) -> dict[tuple[str, str, str], str]:
    """The roll-up's cells counted off the model's letters: ``"R2A1"``, in R, A, S, C, I order.

    Keys are ``(phase id, "", role id)`` for phase rows and ``(phase id, sub-phase id, role
    id)`` for sub-phase rows.
    """
    letter_of = model_letters(pb)
    groups: list[tuple[str, str, list[str]]] = []
    for phase in pb.phases:
        if phases:
            groups.append((phase.id, "", [t.id for _, t in phase.tasks()]))
        if subs:
            groups += [(phase.id, s.id, list(s.tasks)) for s in phase.sub_phases.values()]
    cells = {}
    for phase_id, sub_id, task_ids in groups:
        for role in pb.roles:
            held = [letter_of[(task_id, role)] for task_id in task_ids]
            cells[(phase_id, sub_id, role)] = "".join(
                f"{x}{held.count(x)}" for x in LETTERS if held.count(x)
            )
    return cells


def test_every_cell_of_the_rollup_is_counted_from_the_models_letters(playbook: Playbook) -> None:
    reader = read_rollup(render_raci_rollup(playbook, links.RACI_ROLLUP))
    assert sorted(reader.columns) == sorted(playbook.roles)
    expected = model_counts(playbook, phases=True, subs=True)
    assert reader.cells.keys() == expected.keys()
    wrong = {c: (got, expected[c]) for c, got in reader.cells.items() if got != expected[c]}
    assert not wrong, f"{len(wrong)} cells differ from the model: (shown, counted): {wrong}"
    assert any(expected.values())


def test_a_split_rollup_shows_every_cell_once_as_the_one_page_rollup_does(
    playbook: Playbook,
) -> None:
    whole = read_rollup(render_raci_rollup(playbook, links.RACI_ROLLUP))
    index = read_rollup(render_raci_rollup(playbook, links.RACI_ROLLUP, split=True))
    # The roll-up page keeps the phase rows only.
    assert index.cells == model_counts(playbook, phases=True, subs=False)
    subs: dict[tuple[str, str, str], str] = {}
    for phase in playbook.phases:
        page = read_rollup(
            render_raci_rollup_phase(playbook, links.raci_rollup_phase_page(phase.id), phase.id)
        )
        ours = {k: v for k, v in page.cells.items() if k[1]}
        # A phase's page: its own row, then its sub-phase rows, shaded as on the one page.
        assert {k[0] for k in page.cells} == {phase.id}
        assert {k: v for k, v in page.cells.items() if not k[1]} == {
            k: v for k, v in index.cells.items() if k[0] == phase.id
        }
        assert {k: page.shading[k] for k in page.cells} == {k: whole.shading[k] for k in page.cells}
        assert not subs.keys() & ours.keys()
        subs.update(ours)
    assert subs == model_counts(playbook, phases=False, subs=True)
