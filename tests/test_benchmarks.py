"""The benchmark's synthetic playbooks and its report (the timings themselves are not tested)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from benchmarks import search, serve
from benchmarks.scale import (
    BEGIN,
    END,
    Scale,
    calibration_project,
    summary,
    table,
    verdicts,
    write_docs,
)
from benchmarks.synthetic import generate
from playbook.data.issues import errors
from playbook.data.loader import load_uncached
from tests.helpers import DATA, playbook_of, tree_digest

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.slow
def test_synthetic_x10_is_valid_ten_times_the_work_and_deterministic(tmp_path: Path) -> None:
    reference = playbook_of(DATA)
    first = generate(tmp_path / "a", 10)
    result = load_uncached(first)
    assert errors(result.issues) == []
    pb = result.playbook
    assert pb is not None
    assert sum(1 for _ in pb.tasks()) == 10 * sum(1 for _ in reference.tasks())
    assert len(pb.use_cases) == 10 * len(reference.use_cases)
    assert len(reference.roles) < len(pb.roles) < 10 * len(reference.roles)  # roles grow slower
    assert tree_digest(first) == tree_digest(generate(tmp_path / "b", 10))


def _scale(build_s: float, **changes: float | str) -> Scale:
    values = {
        "validate_s": 0.2,
        "build_s": build_s,
        "warm_build_s": build_s,
        "peak_rss_mb": 100.0,
        "pages": 50,
        "largest_page_bytes": 100_000,
        "search_index_bytes": 1_000_000,
        "search_query_bytes": 500_000,
        "search_query": "model",
        "search_index_s": 0.5,
        "warm_diagram_renders": 0,
        "plain_build_s": build_s,
        "zensical_build_s": build_s / 2,
        "overhead_vs_plain": 1.0,
        "print_page_bytes": None,
        "print_build_s": None,
        "tasks": 1,
        "use_cases": 1,
        "tools": 1,
        "roles": 1,
        **changes,
    }
    return Scale(**values)  # type: ignore[arg-type]


def test_summary_ratios_and_verdicts() -> None:
    result = summary(
        {
            1: _scale(8.0, print_build_s=12.0, print_page_bytes=2_000_000),
            10: _scale(100.0, overhead_vs_plain=1.4, largest_page_bytes=2_000_000),
            30: _scale(300.0, validate_s=4.0, search_query_bytes=6_000_000),
        },
        calibration_s=100.0,
    )
    assert result["ratio_10_to_1"] == 12.5
    assert result["ratio_30_to_1"] == 37.5
    assert result["x30_vs_calibration"] == 3.0
    assert result["calibration_build_s"] == 100.0
    assert result["overhead_vs_plain"] == 1.4
    met = {label: ok for label, _, _, ok in verdicts(result)}
    assert met["x10 build / x1 build"] is False
    assert met["generator / plain Material (x10, warm)"] is False
    assert met["largest page at x10 (bytes)"] is False
    assert met["validation at x30 (s)"] is True
    assert met["x30 build / x1 build"] is False
    assert met["x30 cold build / calibration build"] is True
    assert met["search index at x10 (bytes)"] is True
    assert met["search payload of one query at x30 (bytes)"] is False
    assert "| x10 build / x1 build | 12 | 12.50 | **no** |" in table(result)
    assert result["engines"]["10"] == {
        "mkdocs": 100.0,
        "mkdocs_plain": 100.0,
        "zensical": 50.0,
        "mkdocs_cold": 100.0,
        "mkdocs_print_page": None,
        "pagefind_index": 0.5,
    }
    assert result["engines"]["1"]["mkdocs_print_page"] == 12.0
    assert "| zensical_build_s | 4.00 | 50.00 | 150.00 |" in table(result)
    assert "| print_build_s | 12.00 | not measured | not measured |" in table(result)
    assert "x30 cold build / calibration: **3.0**" in table(result)
    assert "| search_query_bytes | 500,000 | 500,000 | 6,000,000 |" in table(result)


def test_a_partial_run_says_what_it_did_not_measure() -> None:
    result = summary({1: _scale(8.0, overhead_vs_plain=1.1)})
    assert "ratio_10_to_1" not in result
    assert "ratio_30_to_1" not in result
    assert "calibration_build_s" not in result
    assert "overhead_vs_plain (x1, warm build / plain build): **1.1**" in table(result)
    rows = {label: (value, ok) for label, value, _, ok in verdicts(result)}
    assert rows["generator / plain Material (x10, warm)"] == (None, None)
    assert "| peak memory at x30 (MB) | 1,024 | not measured | n/a |" in table(result)


def test_write_docs_replaces_only_its_block(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# Title\n\nBefore.\n\n{BEGIN}\nold\n{END}\n\nAfter.\n", encoding="utf-8")
    write_docs(f"{BEGIN}\nnew\n{END}", page)
    assert page.read_text(encoding="utf-8") == (
        f"# Title\n\nBefore.\n\n{BEGIN}\nnew\n{END}\n\nAfter.\n"
    )
    page.write_text("# No block\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no <!-- benchmarks:begin -->"):
        write_docs(f"{BEGIN}\nnew\n{END}", page)


def test_the_calibration_site_is_plain_material_on_one_paragraph_pages(tmp_path: Path) -> None:
    project = calibration_project(tmp_path, pages=12)
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == (
        "site_name: Calibration\ntheme:\n  name: material\n"
    )
    pages = sorted((project / "docs").glob("*.md"))
    assert len(pages) == 13  # and the home page
    assert pages[0].name == "index.md"
    assert pages[1].read_text(encoding="utf-8").count("\n\n") == 1  # a title and one paragraph


def test_serve_block_has_a_row_per_scale_and_judges_each_against_its_target() -> None:
    def result(scale: int, times: list[float]) -> dict[str, Any]:
        target = serve.TARGETS[scale]
        return {
            "first_build_s": 5.0,
            "reflect_s": times,
            "reflect_median_s": sorted(times)[1],
            "reflect_max_s": max(times),
            "whole_site_s": [4.0 * scale, 4.5 * scale, 4.25 * scale],
            "pages": 80 * scale,
            "pages_converted": [20, 20, 20],
            "rebuild_cpu_s": [1.5, None, 1.25],
            "target_s": target,
            "met": max(times) <= target,
        }

    block = serve.docs_block({1: result(1, [0.8, 0.9, 0.95]), 10: result(10, [3.5, 4.0, 3.2])})
    assert block.startswith(serve.BEGIN)
    assert block.endswith(serve.END)
    rows = [line for line in block.splitlines() if line.startswith("| x")]
    assert len(rows) == 2
    assert rows[0].startswith("| x1 | 80 |")
    assert "| 1.50, ?, 1.25 s |" in rows[0]  # CPU per edit, unknown without /proc
    assert "| 0.80, 0.90, 0.95 s | 4.00, 4.50, 4.25 s |" in rows[0]  # shown, then the whole site
    assert rows[0].endswith("| 1 s: met |")
    assert rows[1].startswith("| x10 | 800 |")
    assert rows[1].endswith("| 3 s: **not met** |")


def test_typical_queries_come_from_the_data_and_only_search_files_count(tmp_path: Path) -> None:
    pb = playbook_of(DATA)
    one, two = search.typical_queries(pb)
    assert " " not in one
    assert sum(one in task.name.lower() for _, _, task in pb.tasks()) > 5
    assert len(two.split()) == 2
    assert two in {role.name for role in pb.roles.values()}
    (tmp_path / "pagefind" / "fragment").mkdir(parents=True)
    (tmp_path / "pagefind" / "fragment" / "a.pf_fragment").write_bytes(b"x" * 300)
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_bytes(b"{}")
    (tmp_path / "index.html").write_bytes(b"<html>" * 100)
    base = "http://127.0.0.1:1/"
    urls = [base, f"{base}search/search_index.json", f"{base}pagefind/fragment/a.pf_fragment"]
    assert search._bytes(tmp_path, base, urls) == 302
