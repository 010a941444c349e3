"""How the site build scales with the playbook: ``python -m benchmarks.scale [--json]``.

At each scale (x1 is the reference data, x10 and x30 the synthetic playbook of
:mod:`benchmarks.synthetic`) the project is copied into a temporary folder with that data, then
measured in child processes:

- ``validate_s``: ``load_uncached`` of the data (read, parse, shape and cross-reference checks),
  timed inside a child process, so interpreter start-up is not counted;
- ``build_s``: a cold ``mkdocs build --strict`` (empty diagram cache), wall clock;
- ``warm_build_s``: the same again with unchanged data and a warm diagram cache;
- ``peak_rss_mb``: the largest resident set of those builds (``ru_maxrss`` of the child);
- ``pages``: ``index.html`` files in the site; ``largest_page_bytes``: the largest of them,
  not counting the print page (the whole playbook in one page, for the PDF), which is given
  as ``print_page_bytes``; ``search_index_bytes``: all the search files in the site, that is
  Pagefind's whole bundle (``pagefind/``, of which a query loads a few pieces) plus Material's
  ``search/search_index.json`` (its settings only, when Pagefind searches);
- ``search_query_bytes``: what a browser loads to answer one query (:mod:`benchmarks.search`:
  Chromium on the site served on 127.0.0.1), the larger of a one-word and a two-word query
  taken from the data (``search_query`` names it); ``search_index_s``: Pagefind's indexing
  of the cold build (the hooks log it);
- ``warm_diagram_renders``: how many diagrams Graphviz drew on the warm build (the hooks log
  ``diagrams: N rendered, M cached``);
- ``plain_build_s``: a strict build of the same pages rendered by ``playbook render`` with a
  plain Material config (the site's theme, extensions and other plugins; no macros, no hooks):
  the floor for the generator. ``overhead_vs_plain`` is ``warm_build_s / plain_build_s``;
- ``zensical_build_s``: a strict Zensical build of the same rendered tree (the second engine,
  ``playbook build --engine zensical``), its cache cleared; ``engines`` in the JSON puts the
  three builds of each scale side by side;
- ``print_build_s`` and ``print_page_bytes``: the build with the print page (opt-in:
  ``playbook build --print-page``, the PDF and the published site), at the scales of
  ``--print-scales`` (x1 and x10 by default); None elsewhere.

Once per run, ``calibration_build_s`` times plain Material on 1,000 one-paragraph pages (no
generator, the theme's defaults): the unit for the machine's speed. ``x30_vs_calibration`` is
the x30 cold build in that unit, and ``ratio_30_to_1`` the x30 cold build over the x1 one.

The machine this runs on may be shared: compare the ratios of one run rather than absolute
times across runs. ``--repeat N`` takes the fastest of N warm and plain builds, alternated.
``--write-docs`` replaces the results block of ``docs/benchmarks.md`` with this run's numbers,
and ``--profile`` adds where the time of a cold x10 build goes (cProfile, by component).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks.search import query_bytes, typical_queries
from benchmarks.synthetic import generate
from playbook.cli.build import PRINT_PAGE_ENV
from playbook.cli.zensical import zensical_executable
from playbook.data.loader import load_uncached

ROOT = Path(__file__).resolve().parent.parent
SCALES = (1, 10, 30)
DOCS_PAGE = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- benchmarks:begin -->"
END = "<!-- benchmarks:end -->"
#: The page that holds the whole playbook for printing (print-site plugin).
PRINT_PAGE = "print_page/index.html"
_DIAGRAMS = re.compile(r"diagrams: (\d+) rendered, (\d+) cached")
_SEARCH_INDEX = re.compile(r"search: Pagefind indexed the site in ([\d.]+) s")

#: Pages of the calibration site.
CALIBRATION_PAGES = 1000

#: The issue's targets: (label, key, limit, scale or None for a top-level number).
TARGETS: tuple[tuple[str, str, float, int | None], ...] = (
    ("x30 cold build / calibration build", "x30_vs_calibration", 3.5, None),
    ("x30 build / x1 build", "ratio_30_to_1", 35, None),
    ("x10 build / x1 build", "ratio_10_to_1", 12, None),
    ("generator / plain Material (x10, warm)", "overhead_vs_plain", 1.3, 10),
    ("diagram renders on a warm build (x1)", "warm_diagram_renders", 0, 1),
    ("diagram renders on a warm build (x10)", "warm_diagram_renders", 0, 10),
    ("diagram renders on a warm build (x30)", "warm_diagram_renders", 0, 30),
    ("largest page at x10 (bytes)", "largest_page_bytes", 1_500_000, 10),
    ("search index at x10 (bytes)", "search_index_bytes", 5_000_000, 10),
    ("largest page at x30 (bytes)", "largest_page_bytes", 1_500_000, 30),
    ("search payload of one query at x30 (bytes)", "search_query_bytes", 5_000_000, 30),
    ("validation at x30 (s)", "validate_s", 5, 30),
    ("peak memory at x30 (MB)", "peak_rss_mb", 1024, 30),
)


@dataclass(frozen=True, slots=True)
class Build:
    """One ``mkdocs build`` in a child process."""

    seconds: float
    peak_rss_mb: float
    rendered: int | None  # diagrams Graphviz drew, from the hooks' log line
    output: str


@dataclass(frozen=True, slots=True)
class Scale:
    """The measurements at one scale (the keys of the ``--json`` output)."""

    validate_s: float
    build_s: float
    warm_build_s: float
    peak_rss_mb: float
    pages: int
    largest_page_bytes: int
    search_index_bytes: int
    search_query_bytes: int
    search_query: str
    search_index_s: float | None
    warm_diagram_renders: int
    plain_build_s: float
    zensical_build_s: float
    overhead_vs_plain: float
    print_page_bytes: int | None
    print_build_s: float | None
    tasks: int
    use_cases: int
    tools: int
    roles: int


# --------------------------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------------------------


def _env(project: Path) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PLAYBOOK_DATA": str(project / "data")}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> Build:
    """Run ``cmd`` and measure its wall time and peak RSS (``os.wait4``, Linux: KiB)."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{output[-4000:]}")
    found = _DIAGRAMS.findall(output)
    return Build(
        seconds=seconds,
        peak_rss_mb=usage.ru_maxrss / 1024,
        rendered=int(found[-1][0]) if found else None,
        output=output,
    )


def mkdocs_build(project: Path, config: str, site: str, *, print_page: bool = False) -> Build:
    """A strict build of ``project/config`` into ``project/site``, with the print page when
    ``print_page`` (it is opt-in)."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", site]
    env = _env(project)
    if print_page:
        env[PRINT_PAGE_ENV] = "true"
    return _run(cmd, project, env)


def calibration_project(folder: Path, pages: int = CALIBRATION_PAGES) -> Path:
    """Plain Material on ``pages`` one-paragraph pages: no generator, the theme's defaults."""
    project = folder / "calibration"
    docs = project / "docs"
    docs.mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        "site_name: Calibration\ntheme:\n  name: material\n", encoding="utf-8"
    )
    width = len(str(pages))
    for number in range(1, pages + 1):
        (docs / f"page-{number:0{width}d}.md").write_text(
            f"# Page {number}\n\nThis page is one of {pages} that time a plain Material build "
            f"on this machine; it is number {number}.\n",
            encoding="utf-8",
        )
    (docs / "index.md").write_text("# Calibration\n\nA plain site.\n", encoding="utf-8")
    return project


def calibrate(folder: Path) -> float:
    """Seconds of a strict build of :func:`calibration_project`."""
    return round(mkdocs_build(calibration_project(folder), "mkdocs.yml", "site").seconds, 2)


_VALIDATE = """\
import json, sys, time
from pathlib import Path
from playbook.data.issues import errors
from playbook.data.loader import load_uncached
start = time.perf_counter()
result = load_uncached(Path(sys.argv[1]))
seconds = time.perf_counter() - start
pb = result.playbook
print(json.dumps({
    "seconds": seconds,
    "errors": [str(i) for i in errors(result.issues)][:20],
    "tasks": sum(1 for _ in pb.tasks()) if pb else 0,
    "use_cases": len(pb.use_cases) if pb else 0,
    "tools": len(pb.tools) if pb else 0,
    "roles": len(pb.roles) if pb else 0,
}))
"""


def validate(project: Path) -> dict[str, Any]:
    """Time ``load_uncached`` of the project's data in a fresh interpreter."""
    cmd = [sys.executable, "-c", _VALIDATE, str(project / "data")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"validation crashed:\n{proc.stderr[-4000:]}")
    found: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    if found["errors"]:
        raise RuntimeError("the benchmark data does not validate:\n" + "\n".join(found["errors"]))
    return found


def render_plain(project: Path) -> None:
    """``playbook render`` the project into ``rendered/`` with a plain config beside it."""
    cmd = [sys.executable, "-m", "playbook.cli", "render", "--out", "rendered"]
    cmd += ["--config", "mkdocs.yml", "--mkdocs-config", "mkdocs.plain.yml"]
    _run(cmd, project, _env(project))


def render_zensical(project: Path) -> None:
    """``playbook render --engine zensical`` into ``zensical/docs``, its config beside it."""
    cmd = [sys.executable, "-m", "playbook.cli", "render", "--engine", "zensical"]
    cmd += ["--out", "zensical/docs", "--config", "mkdocs.yml"]
    cmd += ["--zensical-config", "zensical/zensical.yml"]
    _run(cmd, project, _env(project))


def zensical_build(project: Path) -> Build:
    """A strict Zensical build of the rendered tree, its cache cleared first (a cold build)."""
    cmd = [zensical_executable(), "build", "--strict", "--clean", "-f", "zensical.yml"]
    return _run(cmd, project / "zensical", _env(project))


# --------------------------------------------------------------------------------------------
# One scale
# --------------------------------------------------------------------------------------------


def make_project(folder: Path, scale: int) -> Path:
    """A copy of the project (config, theme overrides, docs) with the data at ``scale``."""
    project = folder / f"x{scale}"
    project.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copytree(ROOT / "docs", project / "docs")
    # mkdocs-macros loads ``macros`` and MkDocs the hooks in ``playbook/site`` from the config's
    # folder.
    for package in ("macros", "playbook"):
        (project / package).symlink_to(ROOT / package, target_is_directory=True)
    if scale == 1:
        shutil.copytree(ROOT / "data", project / "data", ignore=shutil.ignore_patterns("schema"))
    else:
        generate(project / "data", scale)
    return project


def _site_sizes(site: Path) -> tuple[int, int, int]:
    """Pages, the largest page (print page aside) and the search files: Material's index and
    Pagefind's bundle."""
    pages = sorted(site.rglob("index.html"))
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in pages}
    sizes.pop(PRINT_PAGE, None)
    index = site / "search" / "search_index.json"
    bundle = sum(f.stat().st_size for f in (site / "pagefind").rglob("*") if f.is_file())
    return (
        len(sizes),
        max(sizes.values(), default=0),
        (index.stat().st_size if index.is_file() else 0) + bundle,
    )


def search_query(project: Path) -> tuple[str, int]:
    """The costlier of a one-word and a two-word query on the built site: (query, bytes)."""
    playbook = load_uncached(project / "data").playbook
    if playbook is None:
        raise RuntimeError("the benchmark data does not load")
    loaded = query_bytes(project / "site", typical_queries(playbook))
    return max(loaded.items(), key=lambda item: item[1])


def measure(
    folder: Path, scale: int, repeat: int = 1, log: Any = None, *, print_page: bool = False
) -> Scale:
    """Every measurement at one scale, in a new project under ``folder``."""

    def say(message: str) -> None:
        if log is not None:
            print(f"[x{scale}] {message}", file=log, flush=True)

    project = make_project(folder, scale)
    checked = validate(project)
    say(f"validated {checked['tasks']} tasks in {checked['seconds']:.2f} s")
    cold = mkdocs_build(project, "mkdocs.yml", "site")
    say(f"cold build {cold.seconds:.1f} s ({cold.rendered} diagrams drawn)")
    render_plain(project)
    render_zensical(project)
    warm: list[Build] = []
    plain: list[Build] = []
    zensical: list[Build] = []
    for _ in range(repeat):
        warm.append(mkdocs_build(project, "mkdocs.yml", "site"))
        say(f"warm build {warm[-1].seconds:.1f} s ({warm[-1].rendered} diagrams drawn)")
        plain.append(mkdocs_build(project, "mkdocs.plain.yml", "site-plain"))
        say(f"plain build {plain[-1].seconds:.1f} s")
        zensical.append(zensical_build(project))
        say(f"Zensical build {zensical[-1].seconds:.1f} s")
    fastest = min(warm, key=lambda b: b.seconds)
    floor = min(plain, key=lambda b: b.seconds)
    pages, largest, search = _site_sizes(project / "site")
    query, query_size = search_query(project)
    say(f"search for {query!r} loaded {query_size:,} bytes")
    indexed = _SEARCH_INDEX.findall(cold.output)
    printed: Build | None = None
    if print_page:
        printed = mkdocs_build(project, "mkdocs.yml", "site-print", print_page=True)
        say(f"build with the print page {printed.seconds:.1f} s")
    print_file = project / "site-print" / PRINT_PAGE
    return Scale(
        validate_s=round(checked["seconds"], 3),
        build_s=round(cold.seconds, 2),
        warm_build_s=round(fastest.seconds, 2),
        peak_rss_mb=round(max(b.peak_rss_mb for b in [cold, *warm]), 1),
        pages=pages,
        largest_page_bytes=largest,
        search_index_bytes=search,
        search_query_bytes=query_size,
        search_query=query,
        search_index_s=round(float(indexed[-1]), 2) if indexed else None,
        warm_diagram_renders=max(b.rendered or 0 for b in warm),
        plain_build_s=round(floor.seconds, 2),
        zensical_build_s=round(min(b.seconds for b in zensical), 2),
        overhead_vs_plain=round(fastest.seconds / floor.seconds, 3),
        print_page_bytes=print_file.stat().st_size if printed else None,
        print_build_s=round(printed.seconds, 2) if printed else None,
        tasks=checked["tasks"],
        use_cases=checked["use_cases"],
        tools=checked["tools"],
        roles=checked["roles"],
    )


# --------------------------------------------------------------------------------------------
# Where the time goes
# --------------------------------------------------------------------------------------------

#: Components of a build: label and the functions whose cumulative time is theirs, as
#: (file path suffix, function name). Time inside a later component's functions is taken out
#: of an earlier one that calls them (the search index is built while pages are written).
COMPONENTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("load and check the data", (("playbook/data/loader.py", "load_playbook"),)),
    ("generate pages (playbook.render.pages)", (("playbook/render/pages.py", "generated_pages"),)),
    ("Markdown to HTML (Python-Markdown)", (("mkdocs/structure/pages.py", "render"),)),
    (
        "search index (Material)",
        (
            ("material/plugins/search/plugin.py", "on_page_context"),
            ("material/plugins/search/plugin.py", "on_post_build"),
        ),
    ),
    ("print page (print-site)", (("mkdocs_print_site_plugin/plugin.py", "on_post_build"),)),
    ("search index (Pagefind)", (("playbook/site/pagefind.py", "index_site"),)),
    (
        "page templates (theme, nav) and writing",
        (
            ("mkdocs/commands/build.py", "_build_page"),
            ("mkdocs/commands/build.py", "_build_theme_template"),
        ),
    ),
)


def profile_build(project: Path, out: Path) -> list[tuple[str, float, float]]:
    """cProfile a cold build (the project's caches emptied: a warm build converts only changed
    pages): (component, seconds under the profiler, share of the build)."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "mkdocs", "build"]
    cmd += ["--strict", "-f", "mkdocs.yml", "-d", "site-profile"]
    _run(cmd, project, _env(project))
    stats: dict[Any, Any] = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]

    def cumulative(suffix: str, name: str) -> float:
        return sum(
            row[3]
            for (file, _, func), row in stats.items()
            if func == name and file.replace("\\", "/").endswith(suffix)
        )

    total = cumulative("mkdocs/commands/build.py", "build")
    found = {label: sum(cumulative(*f) for f in funcs) for label, funcs in COMPONENTS}
    # Material's search plugin and print-site run inside _build_page (on_page_context).
    found["page templates (theme, nav) and writing"] -= found["search index (Material)"]
    found["page templates (theme, nav) and writing"] = max(
        0.0, found["page templates (theme, nav) and writing"]
    )
    found["everything else (MkDocs, other plugins)"] = max(0.0, total - sum(found.values()))
    return [(label, seconds, seconds / total if total else 0.0) for label, seconds in found.items()]


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = ""
    with_info = Path("/proc/cpuinfo")
    if with_info.is_file():
        for line in with_info.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / 1024 / 1024
    versions = {}
    for name in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "pydantic", "PyYAML"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    graphviz = shutil.which("dot")
    dot_version = ""
    if graphviz:
        proc = subprocess.run([graphviz, "-V"], capture_output=True, text=True, check=False)
        dot_version = (proc.stderr or proc.stdout).strip()
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "graphviz": dot_version or "graphviz-pure",
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else [],
        **versions,
    }


def summary(scales: dict[int, Scale], calibration_s: float | None = None) -> dict[str, Any]:
    """The ``--json`` object."""
    out: dict[str, Any] = {"scales": {str(k): asdict(v) for k, v in scales.items()}}
    if calibration_s is not None:
        out["calibration_build_s"] = calibration_s
        out["calibration_pages"] = CALIBRATION_PAGES
        if 30 in scales:
            out["x30_vs_calibration"] = round(scales[30].build_s / calibration_s, 2)
    if 1 in scales and 10 in scales:
        out["ratio_10_to_1"] = round(scales[10].build_s / scales[1].build_s, 2)
        out["ratio_10_to_1_warm"] = round(scales[10].warm_build_s / scales[1].warm_build_s, 2)
    if 1 in scales and 30 in scales:
        out["ratio_30_to_1"] = round(scales[30].build_s / scales[1].build_s, 2)
    headline = 10 if 10 in scales else next(iter(scales))
    out["overhead_vs_plain"] = scales[headline].overhead_vs_plain
    out["overhead_scale"] = headline
    # Each engine's build of the same pages, side by side: MkDocs with the generator's hooks
    # (warm), plain Material on the rendered tree, and Zensical on the rendered tree.
    out["engines"] = {
        str(k): {
            "mkdocs": v.warm_build_s,
            "mkdocs_plain": v.plain_build_s,
            "zensical": v.zensical_build_s,
            "mkdocs_cold": v.build_s,
            "mkdocs_print_page": v.print_build_s,
            "pagefind_index": v.search_index_s,
        }
        for k, v in scales.items()
    }
    return out


def verdicts(result: dict[str, Any]) -> list[tuple[str, float | None, float, bool | None]]:
    """Each target: (label, value measured or None when not, limit, met)."""
    rows: list[tuple[str, float | None, float, bool | None]] = []
    for label, key, limit, scale in TARGETS:
        where = result["scales"].get(str(scale)) if scale is not None else result
        value = where.get(key) if where else None
        rows.append((label, value, limit, None if value is None else value <= limit))
    return rows


def table(result: dict[str, Any]) -> str:
    """The results as a Markdown table per scale, the ratios and the targets."""
    scales = result["scales"]
    keys = [
        ("tasks / use cases / tools / roles", None),
        ("validate_s", "s"),
        ("build_s", "s"),
        ("warm_build_s", "s"),
        ("plain_build_s", "s"),
        ("zensical_build_s", "s"),
        ("print_build_s", "s"),
        ("overhead_vs_plain", "x"),
        ("peak_rss_mb", "MB"),
        ("pages", ""),
        ("largest_page_bytes", "B"),
        ("search_index_bytes", "B"),
        ("search_query_bytes", "B"),
        ("search_query", ""),
        ("search_index_s", "s"),
        ("print_page_bytes", "B"),
        ("warm_diagram_renders", ""),
    ]
    head = "| | " + " | ".join(f"x{k}" for k in scales) + " |"
    rule = "| --- |" + " ---: |" * len(scales)
    rows = [head, rule]
    for key, _unit in keys:
        if key.startswith("tasks"):
            cells = [
                f"{s['tasks']:,} / {s['use_cases']} / {s['tools']} / {s['roles']}"
                for s in scales.values()
            ]
        else:
            cells = [_fmt(s[key]) for s in scales.values()]
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    lines = ["\n".join(rows), ""]
    if "calibration_build_s" in result:
        lines.append(
            f"- calibration build (plain Material, {result['calibration_pages']:,} one-paragraph "
            f"pages): **{result['calibration_build_s']:.2f} s**"
            + (
                f"; x30 cold build / calibration: **{result['x30_vs_calibration']}**"
                if "x30_vs_calibration" in result
                else ""
            )
        )
    if "ratio_30_to_1" in result:
        lines.append(f"- ratio_30_to_1 (cold builds): **{result['ratio_30_to_1']}**")
    if "ratio_10_to_1" in result:
        lines.append(
            f"- ratio_10_to_1 (cold builds): **{result['ratio_10_to_1']}** "
            f"(warm builds: {result['ratio_10_to_1_warm']})"
        )
    lines.append(
        f"- overhead_vs_plain (x{result['overhead_scale']}, warm build / plain build): "
        f"**{result['overhead_vs_plain']}**"
    )
    lines += ["", "| Target | Limit | Measured | Met |", "| --- | ---: | ---: | --- |"]
    for label, value, limit, met in verdicts(result):
        shown = "not measured" if value is None else _fmt(value)
        mark = "n/a" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {label} | {_fmt(limit)} | {shown} | {mark} |")
    return "\n".join(lines) + "\n"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if value is None:
        return "not measured"
    return str(value)


def profile_table(rows: list[tuple[str, float, float]]) -> str:
    """Where the time of a build goes, as a Markdown table."""
    lines = ["| Component | Share of the build |", "| --- | ---: |"]
    lines += [f"| {label} | {share:.0%} |" for label, _, share in rows]
    return "\n".join(lines) + "\n"


def docs_block(result: dict[str, Any], profile: list[tuple[str, float, float]] | None) -> str:
    """The generated part of ``docs/benchmarks.md``."""
    info = result["machine"]
    load = ", ".join(map(str, info["load_average"]))
    parts = [
        BEGIN,
        "<!-- Generated by `python -m benchmarks.scale --write-docs`: edit outside this block. -->",
        "",
        f"Measured on {time.strftime('%Y-%m-%d')}: {info['cores']} cores ({info['cpu']}), "
        f"{info['memory_gb']} GB of memory, load average {load} "
        f"when the run ended; {info['os']}; Python {info['python']}, MkDocs {info['mkdocs']}, "
        f"Material {info['mkdocs-material']}, mkdocs-macros {info['mkdocs-macros-plugin']}, "
        f"pydantic {info['pydantic']}, PyYAML {info['PyYAML']}; {info['graphviz']}.",
        "",
        table(result),
    ]
    if profile:
        parts += [
            f"Where the time of a cold x{result.get('profile_scale', 10)} build goes "
            "(cProfile; the profiler slows Python code down, so read shares, not seconds):",
            "",
            profile_table(profile),
        ]
    parts.append(END)
    return "\n".join(parts)


def write_docs(
    block: str, page: Path = DOCS_PAGE, begin: str = BEGIN, end_marker: str = END
) -> None:
    """Replace the block between ``begin`` and ``end_marker`` (both kept) with ``block``.

    ``block`` starts with ``begin`` and ends with ``end_marker``.
    """
    text = page.read_text(encoding="utf-8")
    start, end = text.find(begin), text.find(end_marker)
    if start < 0 or end < start:
        raise SystemExit(f"{page}: no {begin} ... {end_marker} block to replace")
    page.write_text(text[:start] + block + text[end + len(end_marker) :], encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run every scale, print the table or the JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--scales", default=",".join(map(str, SCALES)), help="comma-separated (default 1,10,30)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="warm and plain builds per scale")
    parser.add_argument(
        "--print-scales",
        default="1,10",
        help="scales also built with the print page (default 1,10; '' for none)",
    )
    parser.add_argument("--no-calibration", action="store_true", help="skip the calibration build")
    parser.add_argument("--profile", action="store_true", help="also profile a cold x10 build")
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS_PAGE.name}")
    parser.add_argument("--keep", type=Path, default=None, help="keep the projects in this folder")
    args = parser.parse_args(argv)
    try:
        wanted = [int(s) for s in args.scales.split(",") if s.strip()]
        printed = {int(s) for s in args.print_scales.split(",") if s.strip()}
    except ValueError:
        parser.error("--scales and --print-scales take integers, e.g. 1,10,30")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    folder = Path(tempfile.mkdtemp(prefix="playbook-scale-")) if args.keep is None else args.keep
    if args.keep is not None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    try:
        calibration = None
        if not args.no_calibration:
            calibration = calibrate(folder)
            print(f"calibration build {calibration:.1f} s", file=sys.stderr, flush=True)
        scales = {
            k: measure(folder, k, args.repeat, log=sys.stderr, print_page=k in printed)
            for k in wanted
        }
        result = summary(scales, calibration)
        result["machine"] = machine()
        profile = None
        if args.profile:
            target = 10 if 10 in scales else wanted[0]
            result["profile_scale"] = target
            print(f"[x{target}] profiling a cold build", file=sys.stderr, flush=True)
            profile = profile_build(folder / f"x{target}", folder / "build.prof")
            result["profile"] = {label: round(share, 3) for label, _, share in profile}
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    if args.write_docs:
        write_docs(docs_block(result, profile))
        print(f"updated {DOCS_PAGE.relative_to(ROOT)}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(table(result), end="")
        if profile:
            print("\n" + profile_table(profile), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
