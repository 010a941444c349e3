"""Golden files: every page the renderers generate from the fixture data, byte for byte.

One golden file per generated page (``tests/__snapshots__/test_golden/``), so each page-kind
renderer in ``playbook/render/`` (home, RACI matrix and roll-up, roles, phases, tools, overlay,
use cases, architecture, gaps, evaluation, gates, controls, traceability, data reference) has
its output pinned on fixture data; so are the pages of a split RACI matrix, roll-up and
overlay, which only a playbook far larger than the fixture gets.
Diagrams are stood in for by their DOT text, so a change to a diagram shows up too.

After an intended change of output, update the golden files and review their diff:

    make golden        # = .venv/bin/python -m pytest tests/test_golden.py --snapshot-update
"""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from playbook.data.loader import load_uncached
from playbook.render import raci, tools
from playbook.render.pages import Page, generated_pages
from tests.helpers import VALID

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


def _pages_of_a_large_playbook() -> dict[str, Page]:
    """The pages that differ when the RACI matrix, the roll-up and the overlay are split (as on
    a playbook far larger than the fixture), or exist only then: the fixture split at once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(raci, "SPLIT_CELLS", 0)
        patch.setattr(raci, "ROLLUP_SPLIT_CELLS", 0)
        patch.setattr(tools, "OVERLAY_SPLIT_PAIRS", 0)
        split = _pages()
    return {uri: page for uri, page in split.items() if uri not in PAGES or PAGES[uri] != page}


SPLIT = _pages_of_a_large_playbook()


@pytest.mark.parametrize(
    "uri", sorted(SPLIT), ids=[uri.removesuffix(".md").replace("/", ".") for uri in sorted(SPLIT)]
)
def test_page_of_a_large_playbook(uri: str, golden: SnapshotAssertion) -> None:
    assert SPLIT[uri].content == golden
