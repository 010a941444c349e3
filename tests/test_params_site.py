"""A parameter changed in data changes every built page that shows it (a full site build)."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import copy_data, link_project, mkdocs_build, reference_data, rewrite

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow

#: The reproducibility tolerance of the validation-entry gate: written once, in gates.yaml,
#: and cited by the gates page, a phase page, the tool evaluation and the parameters page.
OLD, NEW = "0.005", "0.004"
_HIDDEN = re.compile(r"<(svg|script|style)\b.*?</\1>", re.DOTALL)


def _visible(page: str) -> str:
    """A built page's text as a reader sees it (no markup, diagrams or scripts)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", _HIDDEN.sub("", page)))


def _shows(text: str, value: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(value)}(?!\d)", text) is not None


def test_changing_a_parameter_changes_every_page_and_leaves_no_old_value(tmp_path: Path) -> None:
    config = link_project(tmp_path / "project")
    (tmp_path / "project" / "data").unlink()
    data = copy_data(reference_data(), tmp_path / "project" / "data")

    def change(doc: dict[str, Any]) -> None:
        criteria = doc["gates"]["validation_entry"]["criteria"]
        criterion = next(c for c in criteria if c.get("id") == "reproducibility")
        assert str(criterion["threshold"]) == OLD
        criterion["threshold"] = float(NEW)

    rewrite(data, "gates.yaml", change)
    site = tmp_path / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr[-3000:]
    pages = {
        p.relative_to(site).as_posix(): _visible(p.read_text("utf-8")) for p in site.rglob("*.html")
    }
    assert sorted(uri for uri, text in pages.items() if _shows(text, OLD)) == []
    showing = {uri for uri, text in pages.items() if _shows(text, NEW)}
    assert {
        "governance/parameters/index.html",
        "governance/gates/index.html",
        "process/model_development/index.html",
        "technology/tool-evaluation/index.html",
    } <= showing
