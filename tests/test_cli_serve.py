"""``playbook serve``: a live preview at the root of its address that follows data edits.

The server runs as a child process on a free port of 127.0.0.1, as ``make serve`` runs it.
Waits are generous deadlines for a shared machine, not timings: the preview latency is
measured by ``python -m benchmarks.serve``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import ROOT, make_project, rewrite
from tests.playbook_cli import run_playbook

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

DEADLINE = 180.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str) -> tuple[str, str] | None:
    """The final URL (after redirects) and body of ``url``, or None while it does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.geturl(), response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, needle: str) -> tuple[str, str]:
    start = time.monotonic()
    while time.monotonic() - start < DEADLINE:
        found = _fetch(url)
        if found is not None and needle in found[1]:
            return found
        time.sleep(0.2)
    pytest.fail(f"{url} never served a page containing {needle!r}")


@pytest.fixture(name="served")
def fixture_served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """A fixture project served by ``playbook serve`` on a free port: its URL, data, process."""
    config, data = make_project(tmp_path / "project")
    port = _free_port()
    cmd = [sys.executable, "-m", "playbook.cli", "serve", "--config", str(config)]
    cmd += ["--addr", f"127.0.0.1:{port}"]
    # The server's own temporary folders (the sites it builds) go here, to be checked.
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)}
    server = subprocess.Popen(
        cmd,
        cwd=config.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/", data, server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.slow
def test_serve_answers_at_the_root_follows_edits_and_cleans_up(
    served: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    url, data, server = served
    final, home = _wait_for(url, "</html>")
    assert final == url  # not redirected under the path of the published site_url
    assert "Fixture Playbook" in home
    # The preview leaves the print page out, so no button leads to it ("print this page" stays).
    assert 'md-icon playbook-print"' not in home
    assert "playbook-print-page" in home

    def rename(doc: Any) -> None:
        doc["roles"]["ml_engineer"]["name"] = "Machine learning engineer (edited)"

    rewrite(data, "roles.yaml", rename)
    # The page viewed shows it first; the rest of the site (here the nav of another role's
    # page, not viewed before) once the whole site is rebuilt.
    _wait_for(f"{url}people/roles/ml_engineer/", "Machine learning engineer (edited)")
    _wait_for(f"{url}people/roles/data_scientist/", "Machine learning engineer (edited)")

    os.killpg(server.pid, signal.SIGTERM)
    assert server.wait(timeout=60) == 0
    assert sorted(p.name for p in data.parent.glob(".playbook-serve-*")) == []
    # The sites it built are gone too.
    assert sorted(p.name for p in (data.parent.parent / "temp").iterdir()) == []


def test_serve_refuses_invalid_data_with_its_location(tmp_path: Path) -> None:
    config, data = make_project(tmp_path / "project")

    def break_raci(doc: Any) -> None:
        doc["roles"]["ml_engineer"]["team"] = ["not", "a", "string"]

    rewrite(data, "roles.yaml", break_raci)
    result = run_playbook("serve", "--config", config, "--addr", f"127.0.0.1:{_free_port()}")
    assert result.code == 1
    assert "roles.yaml:" in result.err
    assert "team" in result.err
    assert sorted(p.name for p in config.parent.glob(".playbook-serve-*")) == []


def test_serve_without_a_config_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_playbook("serve", "--config", tmp_path / "nope.yml")
    assert result.code == 2
    assert "nope.yml" in result.error_line
