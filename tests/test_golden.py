"""Golden files: every page the renderers generate from the fixture data, byte for byte.

One golden file per generated page (``tests/__snapshots__/test_golden/``), so each page-kind
renderer in ``playbook/render/`` (home, RACI matrix and roll-up, roles, phases, tools, overlay,
use cases, architecture, gaps, evaluation, gates, controls, traceability, data reference) has
its output pinned on fixture data; the index of a split RACI matrix and the pages of a split
roll-up, which only a playbook far larger than the fixture gets, are pinned on their own.
Diagrams are stood in for by their DOT text, so a change to a diagram shows up too.

After an intended change of output, update the golden files and review their diff:

    make golden        # = .venv/bin/python -m pytest tests/test_golden.py --snapshot-update
"""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from playbook.data.loader import load_uncached
from playbook.render import links
from playbook.render.pages import Page, generated_pages
from playbook.render.raci import render_raci_index, render_raci_rollup, render_raci_rollup_phase
from tests.helpers import VALID, playbook_of

#: A hand-written page for the home page's audience cards.
DOCS = {"audiences/leader.md": "# Leaders\n\nWhat the playbook asks of a leader.\n"}


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """One readable ``.md`` golden file per snapshot."""

    _write_mode = WriteMode.TEXT
    file_extension = "md"


def dot_as_svg(dot: str) -> str:
    """Stands in for Graphviz: an empty labelled SVG that carries the DOT text it was given."""
    return (
        '<svg class="playbook-diagram" role="img" aria-label="x"><title>x</title>'
        f"<!-- DOT\n{dot.rstrip()}\n--></svg>"
    )


def _pages() -> dict[str, Page]:
    result = load_uncached(VALID)
    assert result.playbook is not None, result.issues
    pages = generated_pages(result.playbook, result.issues, dot_as_svg, DOCS)
    return {page.src_uri: page for page in pages}


PAGES = _pages()


@pytest.fixture(name="golden")
def fixture_golden(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(MarkdownSnapshot)


@pytest.mark.parametrize(
    "uri", sorted(PAGES), ids=[uri.removesuffix(".md").replace("/", ".") for uri in sorted(PAGES)]
)
def test_page(uri: str, golden: SnapshotAssertion) -> None:
    assert PAGES[uri].content == golden


def test_split_raci_matrix_index(golden: SnapshotAssertion) -> None:
    assert render_raci_index(playbook_of(VALID), links.RACI_MATRIX) == golden


def test_split_raci_rollup(golden: SnapshotAssertion) -> None:
    assert render_raci_rollup(playbook_of(VALID), links.RACI_ROLLUP, split=True) == golden


def test_split_raci_rollup_phase_page(golden: SnapshotAssertion) -> None:
    pb = playbook_of(VALID)
    phase = pb.phases[0]
    page = links.raci_rollup_phase_page(phase.id)
    assert render_raci_rollup_phase(pb, page, phase.id) == golden
