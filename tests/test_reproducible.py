"""Two builds of the real playbook are byte for byte the same.

The first build uses the repository's ``mkdocs.yml`` and its diagram cache; the second runs from
a project folder linking the same files, so it starts with an empty diagram cache (Graphviz
draws every diagram afresh) and any absolute path leaking into the output shows as a
difference. The two also run under different hash seeds, which would reorder anything iterated
out of a set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.cli.build import build
from tests.helpers import ROOT, describe_difference, link_project, tree_digest

#: 2023-11-14 22:13:20 UTC: the date of anything that has no commit (reproducible-builds.org).
EPOCH = "1700000000"


@pytest.mark.slow
def test_two_builds_of_the_real_site_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("PLAYBOOK_DATA", raising=False)

    monkeypatch.setenv("PYTHONHASHSEED", "1")
    first = build(tmp_path / "first", config=ROOT / "mkdocs.yml")
    monkeypatch.setenv("PYTHONHASHSEED", "2")
    project = link_project(tmp_path / "project")
    second = build(tmp_path / "second", config=project)

    assert any((project.parent / ".cache" / "diagrams").iterdir()), "no diagram was drawn"
    difference = describe_difference(first, second)
    assert difference is None, difference
    digest = tree_digest(first)
    assert {
        "index.html",
        "sitemap.xml",
        "sitemap.xml.gz",
        "search/search_index.json",
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
    } <= set(digest)
    assert any(name.startswith("pagefind/fragment/") for name in digest)
    assert len(digest) > 50
