"""How soon ``playbook serve`` shows an edited data file: ``python -m benchmarks.serve [--json]``.

For each scale (``--scales 1,10``: the reference data and the x10 synthetic playbook of
:mod:`benchmarks.synthetic`), starts ``playbook serve`` on a fresh copy of the project on a
free local port, waits for the first build, then renames a role in ``data/roles.yaml`` and
polls the role's page over HTTP until the new name appears. The time from the write to the
first response showing the new name is what an author waits for: the file watcher sees the
write (native file events, ``playbook.site.live``), waits 0.05 s for more changes, rebuilds
the pages the browser viewed (here, the role's page that the benchmark polls) and serves them,
then rebuilds the whole site, reusing what did not change, and serves it when it is complete.
The time until that rebuild is served is reported too. Each round renames the role again. The
server's CPU seconds per edit (from ``/proc``) are reported beside the wall times: on a shared
machine they move less with the other work.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
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

#: Seconds within which the site should show an edit, by scale (the issue's targets).
TARGETS = {1: 1.0, 10: 3.0}
#: The scales measured by default.
SCALES = (1, 10)
#: The role renamed: its page is rebuilt and its name appears on many others (at every scale).
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

    def page_counts(self) -> list[tuple[int, int]]:
        """Pages converted and taken from the cache, per finished build."""
        found = (_PAGES.search(line) for line in list(self.lines))
        return [(int(m.group(1)), int(m.group(2))) for m in found if m]

    def wait_for_builds(self, count: int, timeout: float) -> bool:
        """Wait until the server has finished ``count`` builds (it runs one at a time)."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.builds() >= count:
                return True
            time.sleep(0.1)
        return False


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of ``pid``'s descendants (the ``mkdocs serve`` it runs),
    from ``/proc``; None where there is no ``/proc``."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    pending = [pid]
    try:
        while pending:
            current = pending.pop()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            for child in map(int, children):
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
                pending.append(child)
    except (OSError, ValueError, IndexError):
        return None
    return total


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


def measure(scale: int = 1, rounds: int = 3, log: TextIO | None = None) -> dict[str, Any]:
    """Start the server on a fresh project at ``scale`` and time ``rounds`` edits."""
    with tempfile.TemporaryDirectory(prefix="playbook-serve-") as tmp:
        project = make_project(Path(tmp), scale)
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
            first = _wait_for(url, "</html>", timeout=900, interval=0.2)
            # An edit made while a build runs waits for it: start each from an idle server.
            if first is None or not log_lines.wait_for_builds(1, timeout=900):
                tail = "\n".join(log_lines.lines[-30:])
                raise RuntimeError(f"playbook serve did not come up:\n{tail}")
            time.sleep(1.0)  # let the file watcher take its first snapshot
            times: list[float] = []
            whole: list[float] = []  # until the whole rebuilt site is served
            cpu: list[float | None] = []
            for n in range(rounds):
                name = f"Site reliability engineer, edit {n + 1} at {time.time():.0f}"
                before = cpu_seconds(server.pid)
                written = time.perf_counter()
                rename_role(project / "data" / "roles.yaml", ROLE, name)
                seconds = _wait_for(url, name, timeout=600)
                if seconds is None:
                    raise RuntimeError("the edited role name never appeared")
                times.append(seconds)
                if not log_lines.wait_for_builds(n + 2, timeout=600):
                    raise RuntimeError("a rebuild never finished")
                whole.append(time.perf_counter() - written)
                if log is not None:
                    print(
                        f"[serve] x{scale} edit {n + 1}: {seconds:.2f} s, whole site "
                        f"{whole[-1]:.2f} s",
                        file=log,
                        flush=True,
                    )
                after = cpu_seconds(server.pid)
                cpu.append(None if before is None or after is None else round(after - before, 2))
                time.sleep(1.0)
        finally:
            _stop(server)
    counts = log_lines.page_counts()
    target = TARGETS.get(scale)
    return {
        "first_build_s": round(first, 2),
        "reflect_s": [round(t, 2) for t in times],
        "reflect_median_s": round(statistics.median(times), 2),
        "reflect_max_s": round(max(times), 2),
        # Until the rest of the site (every other page, the nav, search) shows the edit too.
        "whole_site_s": [round(t, 2) for t in whole],
        "pages": sum(counts[0]) if counts else None,
        # Per rebuild after an edit: pages converted again (the rest came from the cache).
        "pages_converted": [converted for converted, _ in counts[1:]],
        # CPU seconds the server used from each write until its rebuild finished: less
        # sensitive than the wall time to other work on a shared machine.
        "rebuild_cpu_s": cpu,
        "target_s": target,
        "met": None if target is None else max(times) <= target,
    }


_PAGES = re.compile(r"pages: (\d+) converted, (\d+) cached")
BEGIN = "<!-- serve:begin -->"
END = "<!-- serve:end -->"


def _verdict(result: dict[str, Any]) -> str:
    if result["target_s"] is None:
        return "none"
    met = "met" if result["met"] else "**not met**"
    return f"{result['target_s']:.0f} s: {met}"


def docs_block(results: dict[int, dict[str, Any]]) -> str:
    """The serve block of ``docs/benchmarks.md``: a row per scale."""
    info = machine()
    rows = []
    for scale, result in sorted(results.items()):
        times = ", ".join(f"{t:.2f}" for t in result["reflect_s"])
        converted = ", ".join(map(str, result["pages_converted"]))
        cpu = ", ".join("?" if c is None else f"{c:.2f}" for c in result["rebuild_cpu_s"])
        whole = ", ".join(f"{t:.2f}" for t in result["whole_site_s"])
        rows.append(
            f"| x{scale} | {result['pages']} | {result['first_build_s']:.2f} s | {times} s | "
            f"{whole} s | {cpu} s | {converted} | {result['reflect_median_s']:.2f} s | "
            f"{result['reflect_max_s']:.2f} s | {_verdict(result)} |"
        )
    return "\n".join(
        [
            BEGIN,
            "<!-- Generated by `python -m benchmarks.serve --write-docs`: edit outside it. -->",
            "",
            f"Measured on {time.strftime('%Y-%m-%d')} on the machine described above "
            f"({info['cores']} cores, load average "
            f"{', '.join(map(str, info['load_average']))} when the run ended).",
            "",
            "| Scale | Pages | First build served | Each edit shown after "
            "| Whole site rebuilt after | Server CPU per edit | Pages converted again | Median "
            "| Slowest | Target |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            *rows,
            END,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the measurement at each scale and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=3, help="edits to time per scale")
    parser.add_argument(
        "--scales", default=",".join(map(str, SCALES)), help="comma-separated (default 1,10)"
    )
    parser.add_argument(
        "--write-docs", action="store_true", help="update the serve block of docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    scales = [int(part) for part in args.scales.split(",") if part.strip()]
    results = {scale: measure(scale, max(1, args.rounds), log=sys.stderr) for scale in scales}
    if args.write_docs:
        write_docs(docs_block(results), begin=BEGIN, end_marker=END)
        print("updated docs/benchmarks.md", file=sys.stderr)
    if args.json:
        report = {
            "scales": {str(scale): result for scale, result in results.items()},
            "load_average": machine()["load_average"],
            "met": all(r["met"] is not False for r in results.values()),
        }
        print(json.dumps(report, indent=2))
    else:
        for scale, result in results.items():
            print(
                f"x{scale}: first build served after {result['first_build_s']} s; an edited role "
                f"name showed after {', '.join(map(str, result['reflect_s']))} s (slowest "
                f"{result['reflect_max_s']} s; target {_verdict(result).replace('**', '')})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
