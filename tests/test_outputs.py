"""Output folders and files: nothing in the checkout can be overwritten, odd paths fail in one
line, a run holds a lock, and a stopped build leaves no temporary folder or MkDocs child behind.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from playbook.cli.outputs import (
    MARKER,
    OutputError,
    Terminated,
    check_output,
    interrupts_raise,
    output_lock,
    work_folder,
)
from tests.helpers import make_project
from tests.playbook_cli import run_playbook


def tree_digest(folder: Path) -> str:
    """Every path and file content under ``folder`` (links not followed), hashed."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(name="project")
def fixture_project(tmp_path: Path) -> Path:
    config, _ = make_project(tmp_path / "checkout")
    (config.parent / ".git").mkdir()
    (config.parent / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return config.parent


#: Output paths, relative to the project, that would destroy part of the checkout.
REFUSED = [".", "..", "data", "data/out", "docs", "docs/sub/site", ".git", ".git/site", "/"]


@pytest.mark.parametrize("out", REFUSED)
@pytest.mark.parametrize("command", ["build", "render"])
def test_build_and_render_refuse_an_output_in_the_checkout(
    project: Path, command: str, out: str
) -> None:
    before = tree_digest(project)
    run = run_playbook(command, "--config", "mkdocs.yml", "--out", out, cwd=project)
    assert run.code == 2
    assert "refusing" in run.error_line
    assert tree_digest(project) == before


@pytest.mark.parametrize("out", ["data/playbook.yaml", "docs/x.pdf", ".git/HEAD", "/", "data"])
def test_file_outputs_refuse_the_checkout(project: Path, out: str) -> None:
    before = tree_digest(project)
    json_run = run_playbook("export", "json", "--data", "data", "--out", out, cwd=project)
    csv_run = run_playbook("export", "raci", "--format", "csv", "--out", out, cwd=project)
    pdf_run = run_playbook("pdf", "--config", "mkdocs.yml", "--out", out, cwd=project)
    for run in (json_run, csv_run, pdf_run):
        assert run.code == 2
        assert run.error_line
    assert tree_digest(project) == before


def test_a_non_empty_folder_without_the_marker_is_not_replaced(project: Path) -> None:
    mine = project.parent / "my-notes"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me\n", encoding="utf-8")
    run = run_playbook("render", "--config", "mkdocs.yml", "--out", mine, cwd=project)
    assert run.code == 2
    assert MARKER in run.error_line
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me\n"


def test_render_marks_its_output_and_may_replace_it_again(project: Path) -> None:
    out = project / "rendered"
    first = run_playbook("render", "--config", "mkdocs.yml", "--out", out, cwd=project)
    assert first.code == 0, first.err
    assert (out / MARKER).is_file()
    again = run_playbook("render", "--config", "mkdocs.yml", "--out", out, cwd=project)
    assert again.code == 0, again.err
    # The work happened under the git-ignored .cache/, and nothing is left there or beside.
    assert sorted(p.name for p in (project / ".cache" / "builds").iterdir() if p.is_dir()) == []
    assert not [p for p in project.iterdir() if p.name.startswith(".rendered")]


@pytest.mark.parametrize(
    "out", ["/dev/full", "/proc/playbook/out.json", "/dev/null/x.json", "/sys/x.json"]
)
def test_unwritable_file_outputs_fail_in_one_line(valid_data: Path, out: str) -> None:
    run = run_playbook("export", "json", "--data", valid_data, "--out", out)
    assert run.code == 2
    assert "cannot write" in run.error_line


@pytest.mark.parametrize("out", ["/proc/playbook-site", "/dev/null/site", "/dev/full"])
def test_unwritable_output_folders_fail_in_one_line(project: Path, out: str) -> None:
    run = run_playbook("render", "--config", "mkdocs.yml", "--out", out, cwd=project)
    assert run.code == 2
    assert run.error_line


def test_check_output_accepts_a_new_folder_beside_the_sources(project: Path) -> None:
    assert check_output(project / "site", project, [project / "data"]) == project / "site"


def test_a_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with (
        output_lock(out, tmp_path),
        pytest.raises(OutputError, match="another playbook run"),
        output_lock(out, tmp_path),
    ):
        pass
    with output_lock(out, tmp_path):  # released: free again
        pass


def test_sigterm_raises_inside_the_block_so_cleanup_runs(tmp_path: Path) -> None:
    tmp = work_folder(tmp_path / "site", tmp_path, "building")

    def stopped_build() -> None:
        with interrupts_raise():
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)  # the handler interrupts this
            finally:
                tmp.rmdir()

    with pytest.raises(Terminated):
        stopped_build()
    assert not tmp.exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_the_mkdocs_child_is_stopped_with_its_parent(tmp_path: Path) -> None:
    """A parent killed with SIGKILL (no cleanup at all) still takes its child with it."""
    pid_file = tmp_path / "child.pid"
    parent = textwrap.dedent(
        f"""
        import subprocess, sys, time
        from playbook.cli.outputs import child_dies_with_parent
        child = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(600)"],
            preexec_fn=child_dies_with_parent(),
        )
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(600)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", parent])
    try:
        while not pid_file.exists() or not pid_file.read_text():
            assert proc.poll() is None
            time.sleep(0.05)
        child = int(pid_file.read_text())
    finally:
        proc.kill()
        proc.wait()
    # The kernel sends the orphan SIGTERM; wait (up to 10 s) until it is gone or a zombie.
    for _ in range(200):
        if not _running(child):
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"child {child} outlived its parent")


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.slow
def test_a_build_stopped_with_sigterm_leaves_no_work_folder_or_child(project: Path) -> None:
    cmd = [sys.executable, "-m", "playbook.cli", "build", "--config", "mkdocs.yml"]
    build = subprocess.Popen(cmd, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = project / ".cache" / "builds"
    try:
        # Wait (up to 3 minutes) until MkDocs runs in a work folder, then stop the build.
        for _ in range(1800):
            children = _children(build.pid)
            if children and any(p.is_dir() for p in work.glob("site.building-*")):
                break
            assert build.poll() is None, "the build ended before it could be stopped"
            time.sleep(0.1)
        else:
            pytest.fail("the build never started MkDocs")
        build.send_signal(signal.SIGTERM)
        assert build.wait(timeout=60) != 0
    finally:
        if build.poll() is None:
            build.kill()
    assert not any(work.glob("site.building-*"))
    assert not (project / "site").exists()
    for child in children:
        for _ in range(200):
            if not _running(child):
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"MkDocs ({child}) outlived the stopped build")


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text(encoding="utf-8")
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found
