"""``playbook pdf``: the single print page of the playbook, printed by headless Chromium.

Without Chromium the PDF tests skip outside CI and fail in CI (``CI=true``): see the
``chromium`` fixture in conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from playbook.cli.build import PRINT_PAGE_ENV, mkdocs_build
from tests.helpers import ROOT, make_project
from tests.playbook_cli import run_playbook

#: A test that prints with Chromium (or needs one found to get past the command's first check).
needs_chromium = pytest.mark.usefixtures("chromium")


def _text(pdf: Path, pages: int | None = None) -> str:
    reader = PdfReader(pdf)
    return "\n".join(page.extract_text() or "" for page in reader.pages[:pages])


@pytest.fixture(name="fixture_site", scope="module")
def fixture_fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project's site, built once for this module."""
    config, _ = make_project(tmp_path_factory.mktemp("project"))
    site = config.parent / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", PRINT_PAGE_ENV: "true"}
    mkdocs_build(config, site, env)
    return site


@pytest.mark.slow
def test_the_print_page_holds_every_page_with_working_anchors(fixture_site: Path) -> None:
    html = (fixture_site / "print_page" / "index.html").read_text(encoding="utf-8")
    assert 'id="print-site-cover-page"' in html
    for key in ("people-raci", "process-build", "technology-overlay", "governance-gates"):
        assert f'id="{key}"' in html, key
    # Ids print-site leaves alone get the page's key, so the print page's links find them.
    assert 'id="technology-overlay-overlay-build-mlflow"' in html
    assert 'href="#technology-overlay-overlay-build-mlflow"' in html
    assert 'xlink:href="#process-build' in html


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_pdf_of_a_built_site_has_pages_and_the_title(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "playbook.pdf"
    result = run_playbook("pdf", "--site", fixture_site, "--out", out)
    assert result.code == 0, result.err
    assert result.out == f"wrote {out}\n"
    assert len(PdfReader(out).pages) > 1
    text = _text(out)
    assert "MLOps Playbook" in text  # the cover page: the site name
    assert "Fixture Playbook" in text  # the home page: the playbook's title from the data
    assert "Train the candidate model" in text


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_pdf_of_the_real_playbook(tmp_path: Path) -> None:
    out = tmp_path / "playbook.pdf"
    result = run_playbook("pdf", "--out", out, cwd=ROOT)
    assert result.code == 0, result.err
    reader = PdfReader(out)
    assert len(reader.pages) > 50
    assert "MLOps Playbook" in _text(out, pages=2)


def test_missing_chromium_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYBOOK_CHROMIUM", "/nonexistent/chromium")
    result = run_playbook("pdf", "--out", tmp_path / "x.pdf", cwd=tmp_path)
    assert result.code == 2
    assert result.error_line.startswith("Chromium was not found: install it")
    assert not (tmp_path / "x.pdf").exists()


@needs_chromium
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "nowhere"], "site folder 'nowhere' not found"),
        (["--site", "."], "print_page/index.html not found: build the site with --print-page"),
        (["--config", "none.yml"], "MkDocs config 'none.yml' not found"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = run_playbook("pdf", *args, "--out", tmp_path / "x.pdf", cwd=tmp_path)
    assert result.code == 2
    assert message in result.error_line


@pytest.mark.slow
def test_a_failing_chromium_is_one_line_and_exit_1(
    fixture_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'first line' >&2\necho 'crashed' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PLAYBOOK_CHROMIUM", str(fake))
    result = run_playbook("pdf", "--site", fixture_site, "--out", tmp_path / "x.pdf")
    assert result.code == 1
    assert result.error_line.endswith(": first line crashed")
