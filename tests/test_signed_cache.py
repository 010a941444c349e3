"""Cache entries only this machine's builds wrote: signed, and anything else reads as missing."""

from __future__ import annotations

import hashlib
import os
import stat
from typing import TYPE_CHECKING

import pytest

from playbook import signed_cache
from playbook.signed_cache import SignedStore, key_path

if TYPE_CHECKING:
    from pathlib import Path

KEY = hashlib.sha256(b"a page").hexdigest()
OTHER = hashlib.sha256(b"another page").hexdigest()


@pytest.fixture(name="project")
def fixture_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout, with the user's cache (and so the signing key) outside it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    project = tmp_path / "project"
    project.mkdir()
    return project


def _store(project: Path, name: str = "pages") -> SignedStore:
    return SignedStore(project / ".cache" / name, name, project)


def test_an_entry_reads_back_and_its_key_is_private(project: Path) -> None:
    store = _store(project)
    assert store.active
    store.write(KEY, '{"content": "<p>Hi</p>"}')
    assert _store(project).read(KEY) == '{"content": "<p>Hi</p>"}'
    assert key_path().parent.parent.name == "user-cache"
    assert stat.S_IMODE(key_path().stat().st_mode) == 0o600
    assert len(key_path().read_bytes()) == signed_cache.KEY_BYTES


def test_a_planted_or_altered_entry_reads_as_missing(project: Path) -> None:
    store = _store(project)
    entry = project / ".cache" / "pages" / f"{KEY}.json"
    entry.parent.mkdir(parents=True)
    entry.write_text('{"content": "<script>planted</script>"}', encoding="utf-8")
    assert store.read(KEY) is None  # no signature at all
    entry.write_text("0" * 64 + '\n{"content": "<script>planted</script>"}', encoding="utf-8")
    assert store.read(KEY) is None  # a signature-shaped line that is not one
    store.write(KEY, '{"content": "<p>Hi</p>"}')
    signature = entry.read_bytes().split(b"\n", 1)[0]
    entry.write_bytes(signature + b'\n{"content": "<script>planted</script>"}')
    assert store.read(KEY) is None  # a real signature over other content


def test_an_entry_is_worthless_under_another_name_or_in_another_store(project: Path) -> None:
    pages = _store(project)
    pages.write(KEY, "<p>Hi</p>")
    written = (project / ".cache" / "pages" / f"{KEY}.json").read_bytes()
    (project / ".cache" / "pages" / f"{OTHER}.json").write_bytes(written)
    assert pages.read(OTHER) is None
    diagrams = SignedStore(project / ".cache" / "pages", "diagrams", project)
    assert diagrams.read(KEY) is None


def test_an_entry_signed_with_another_key_reads_as_missing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(project).write(KEY, "<p>Hi</p>")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    assert _store(project).read(KEY) is None


def test_the_store_is_off_when_the_key_would_live_in_the_checkout(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(project / ".cache"))
    store = _store(project)
    assert not store.active
    store.write(KEY, "<p>Hi</p>")
    assert not (project / ".cache" / "pages").exists()


def test_the_store_is_off_when_its_folder_leads_out_of_the_checkout(
    project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / ".cache").symlink_to(outside, target_is_directory=True)
    store = _store(project)
    assert not store.active
    store.write(KEY, "<p>Hi</p>")
    assert list(outside.iterdir()) == []


def test_a_planted_symlink_or_fifo_reads_as_missing_without_blocking(
    project: Path, tmp_path: Path
) -> None:
    store = _store(project)
    store.write(KEY, "<p>Hi</p>")
    folder = project / ".cache" / "pages"
    secret = tmp_path / "secret"
    secret.write_text("x", encoding="utf-8")
    (folder / f"{KEY}.json").unlink()
    (folder / f"{KEY}.json").symlink_to(secret)
    assert store.read(KEY) is None
    os.mkfifo(folder / f"{OTHER}.json")
    assert store.read(OTHER) is None


def test_eviction_removes_only_unused_entries(project: Path) -> None:
    store = _store(project)
    store.write(KEY, "<p>old</p>")
    folder = project / ".cache" / "pages"
    (folder / "notes.txt").write_text("not an entry", encoding="utf-8")
    store.forget_use()
    store.write(OTHER, "<p>new</p>")
    assert store.evict_unused() == 1
    assert sorted(p.name for p in folder.iterdir()) == [f"{OTHER}.json", "notes.txt"]


def test_the_store_is_off_without_a_home_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(signed_cache.Path, "home", staticmethod(no_home))
    store = _store(project)
    assert not store.active
    assert store.read(KEY) is None
