"""The search engine setting, and Pagefind failing: a one-line error and a failed build."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from playbook.site import pagefind
from tests.helpers import make_project, mkdocs_build


def _failing_binary(folder: Path) -> Path:
    """A stand-in for Pagefind that says what went wrong, over two lines, and exits 3."""
    script = folder / "pagefind-that-fails"
    script.write_text(
        "#!/bin/sh\necho 'Running Pagefind' \necho 'Error: the disk is full' >&2\nexit 3\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_the_default_engine_is_pagefind_and_others_are_refused() -> None:
    assert pagefind.search_engine({}) == "pagefind"
    assert pagefind.search_engine({"search_engine": "material"}) == "material"
    with pytest.raises(pagefind.PagefindError) as error:
        pagefind.search_engine({"search_engine": "lunr"})
    assert str(error.value) == (
        "mkdocs.yml: extra.search_engine is 'lunr'; use one of: pagefind, material"
    )


def test_a_failing_indexer_is_one_line_and_leaves_no_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setenv(pagefind.BINARY_ENV, str(_failing_binary(tmp_path)))
    with pytest.raises(pagefind.PagefindError) as error:
        pagefind.index_site(site)
    assert str(error.value) == (
        f"Pagefind failed to index {site.resolve()} (exit 3): Error: the disk is full"
    )
    assert not (site / "pagefind").exists()


def test_a_missing_indexer_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "no-such-pagefind"
    monkeypatch.setenv(pagefind.BINARY_ENV, str(missing))
    with pytest.raises(pagefind.PagefindError) as error:
        pagefind.index_site(tmp_path)
    assert str(error.value) == f"Pagefind could not run ({missing}): No such file or directory"


def test_the_bundled_indexer_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pagefind.BINARY_ENV, raising=False)
    assert Path(pagefind.executable()).is_file()


@pytest.mark.slow
def test_build_fails_with_one_line_when_pagefind_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _ = make_project(tmp_path / "project")
    monkeypatch.setenv(pagefind.BINARY_ENV, str(_failing_binary(tmp_path)))
    site = tmp_path / "site"
    proc = mkdocs_build(config, site)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert errors == [
        f"ERROR   -  Pagefind failed to index {site.resolve()} (exit 3): Error: the disk is full"
    ], output
    assert "Traceback" not in output
    assert not (site / "pagefind").exists()


@pytest.mark.slow
def test_build_refuses_an_unknown_search_engine(tmp_path: Path) -> None:
    config, _ = make_project(tmp_path / "project", extra={"search_engine": "lunr"})
    proc = mkdocs_build(config, tmp_path / "site")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "mkdocs.yml: extra.search_engine is 'lunr'; use one of: pagefind, material" in output
    assert "Traceback" not in output
