"""Page dates from git history, and SOURCE_DATE_EPOCH when a file has none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from playbook.site.revisions import last_commit_time, revision_time, source_date_epoch
from tests.test_cli_diff import GIT_ENV, commit_all, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(name="repo")
def fixture_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with ``data/a.yaml`` committed at t1 and ``docs/b.md`` at t2 > t1."""
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "docs").mkdir()
    (repo / "data" / "a.yaml").write_text("a: 1\n")
    git(repo, "init", "--quiet")
    commit_all(repo, "a")
    (repo / "docs" / "b.md").write_text("# B\n")
    monkeypatch.setitem(GIT_ENV, "GIT_AUTHOR_DATE", "2026-02-01T00:00:00Z")
    commit_all(repo, "b")
    return repo


T1 = 1767607200  # 2026-01-05T10:00:00Z, GIT_AUTHOR_DATE of the tests' commits
T2 = 1769904000  # 2026-02-01T00:00:00Z


def test_a_file_is_dated_by_its_last_commit(repo: Path) -> None:
    assert last_commit_time(repo / "data" / "a.yaml") == T1
    assert last_commit_time(repo / "docs" / "b.md") == T2


def test_a_folder_is_dated_by_its_newest_file(repo: Path) -> None:
    assert last_commit_time(repo / "data") == T1
    assert last_commit_time(repo) == T2
    assert revision_time([repo / "data", repo / "docs" / "b.md"]) == T2


def test_without_a_commit_source_date_epoch_is_used(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    untracked = repo / "data" / "new.yaml"
    untracked.write_text("n: 1\n")
    outside = tmp_path / "plain.md"
    outside.write_text("# Plain\n")
    assert last_commit_time(untracked) is None
    assert last_commit_time(outside) is None
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert revision_time([untracked, outside]) is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert revision_time([untracked, outside]) == 1700000000
    assert revision_time([untracked, repo / "data" / "a.yaml"]) == T1


@pytest.mark.parametrize(("value", "expected"), [("123", 123), ("", None), ("soon", None)])
def test_source_date_epoch(
    value: str, expected: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert source_date_epoch() == expected
