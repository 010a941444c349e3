"""How soon ``playbook serve`` shows an edited data file: ``python -m benchmarks.serve [--json]``.

Starts ``playbook serve`` on a copy of the project (reference data, x1) on a free local port,
waits for the first build, then renames a role in ``data/roles.yaml`` and polls the role's page
over HTTP until the new name appears. The time from the write to the first response showing
the new name is what an author waits for: MkDocs's file watcher polls every 0.5 s, waits 0.1 s
for more changes, then rebuilds the whole site. Each round renames the role again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any, TextIO

from benchmarks.scale import machine, make_project, write_docs
from playbook.data.sourcemap import load_yaml

#: Seconds within which the site should show an edit (the issue's target).
TARGET = 3.0
#: The role renamed: its page is rebuilt and its name appears on many others.
ROLE = "sre"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, needle: str, timeout: float, interval: float = 0.05) -> float | None:
    """Seconds until ``url`` serves a page containing ``needle``, or None after ``timeout``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = _get(url)
        if body is not None and needle in body:
            return time.perf_counter() - start
        time.sleep(interval)
    return None


class _Log:
    """The server's output, read by a thread as it comes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.lines.append(raw.decode(errors="replace").rstrip())

    def builds(self) -> int:
        """How many builds the server has finished."""
        return sum("Documentation built in" in line for line in list(self.lines))

    def wait_for_builds(self, count: int, timeout: float) -> bool:
        """Wait until the server has finished ``count`` builds (it runs one at a time)."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.builds() >= count:
                return True
            time.sleep(0.1)
        return False


def rename_role(roles: Path, role_id: str, name: str) -> None:
    """Rewrite the ``name:`` line of one role in ``roles.yaml``, leaving the rest as it was."""
    source = load_yaml(roles, roles.name)
    line = source.marks[("roles", role_id, "name")].line
    lines = roles.read_text(encoding="utf-8").splitlines(keepends=True)
    key, _, _ = lines[line - 1].partition(":")
    lines[line - 1] = f"{key}: {name}\n"
    roles.write_text("".join(lines), encoding="utf-8")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and the ``mkdocs serve`` it started (its whole process group)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def measure(rounds: int = 3, log: TextIO | None = None) -> dict[str, Any]:
    """Start the server on a fresh x1 project and time ``rounds`` edits."""
    with tempfile.TemporaryDirectory(prefix="playbook-serve-") as tmp:
        project = make_project(Path(tmp), 1)
        port = _free_port()
        url = f"http://127.0.0.1:{port}/people/roles/{ROLE}/"
        env = {
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "PLAYBOOK_DATA": str(project / "data"),
        }
        cmd = [sys.executable, "-m", "playbook.cli.commands", "serve", "--config", "mkdocs.yml"]
        cmd += ["--addr", f"127.0.0.1:{port}"]
        # Its own session: `playbook serve` runs `mkdocs serve` as a child, and both must stop.
        server = subprocess.Popen(
            cmd,
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert server.stdout is not None
        log_lines = _Log(server.stdout)
        try:
            first = _wait_for(url, "</html>", timeout=300, interval=0.2)
            # An edit made while a build runs waits for it: start each from an idle server.
            if first is None or not log_lines.wait_for_builds(1, timeout=300):
                tail = "\n".join(log_lines.lines[-30:])
                raise RuntimeError(f"playbook serve did not come up:\n{tail}")
            time.sleep(1.0)  # let the file watcher take its first snapshot
            times: list[float] = []
            for n in range(rounds):
                name = f"Site reliability engineer, edit {n + 1} at {time.time():.0f}"
                rename_role(project / "data" / "roles.yaml", ROLE, name)
                seconds = _wait_for(url, name, timeout=120)
                if seconds is None:
                    raise RuntimeError("the edited role name never appeared")
                times.append(seconds)
                if log is not None:
                    print(f"[serve] edit {n + 1}: {seconds:.2f} s", file=log, flush=True)
                if not log_lines.wait_for_builds(n + 2, timeout=300):
                    raise RuntimeError("a rebuild never finished")
                time.sleep(1.0)
        finally:
            _stop(server)
    return {
        "first_build_s": round(first, 2),
        "reflect_s": [round(t, 2) for t in times],
        "reflect_median_s": round(statistics.median(times), 2),
        "reflect_max_s": round(max(times), 2),
        "target_s": TARGET,
    }


BEGIN = "<!-- serve:begin -->"
END = "<!-- serve:end -->"


def docs_block(result: dict[str, Any]) -> str:
    """The serve block of ``docs/benchmarks.md``."""
    info = machine()
    verdict = "met" if result["reflect_max_s"] <= TARGET else "**not met**"
    times = ", ".join(f"{t:.2f}" for t in result["reflect_s"])
    return "\n".join(
        [
            BEGIN,
            "<!-- Generated by `python -m benchmarks.serve --write-docs`: edit outside it. -->",
            "",
            f"Measured on {time.strftime('%Y-%m-%d')} on the machine described above "
            f"({info['cores']} cores, load average "
            f"{', '.join(map(str, info['load_average']))} when the run ended).",
            "",
            "| First build served | Each edit shown after | Median | Slowest | Target |",
            "| ---: | ---: | ---: | ---: | --- |",
            f"| {result['first_build_s']:.2f} s | {times} s | "
            f"{result['reflect_median_s']:.2f} s | {result['reflect_max_s']:.2f} s | "
            f"{TARGET:.0f} s: {verdict} |",
            END,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=3, help="edits to time")
    parser.add_argument(
        "--write-docs", action="store_true", help="update the serve block of docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    result = measure(max(1, args.rounds), log=sys.stderr)
    if args.write_docs:
        write_docs(docs_block(result), begin=BEGIN, end_marker=END)
        print("updated docs/benchmarks.md", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        verdict = "met" if result["reflect_median_s"] <= TARGET else "NOT met"
        print(
            f"first build served after {result['first_build_s']} s; an edited role name showed "
            f"after {', '.join(map(str, result['reflect_s']))} s (median "
            f"{result['reflect_median_s']} s; target {TARGET} s: {verdict})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
