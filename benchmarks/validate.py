"""How long validation takes: ``python -m benchmarks.validate [--data DIR] [--repeat N]``.

Times ``load_uncached`` (read, parse, shape-check, cross-check; no memo) on the reference data,
and ``yaml.safe_load`` of the same files as a yardstick. The two are measured alternately in
one process, so the ratio holds on a noisy machine even when the absolute times do not. The
target is well under a second for the reference data, since every ``mkdocs serve`` reload and
every pre-commit run pays it once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from playbook.data import sourcemap
from playbook.data.issues import errors, warnings
from playbook.data.loader import data_files, load_uncached

ROOT = Path(__file__).resolve().parent.parent
#: Seconds the reference data should stay well under.
TARGET = 1.0


@dataclass(frozen=True, slots=True)
class Timing:
    """The measurements of one benchmark run."""

    files: int
    size: int
    errors: int
    warnings: int
    load: list[float]
    safe_load: list[float]

    @property
    def ratio(self) -> float:
        """Median validator time over median ``yaml.safe_load`` time."""
        return statistics.median(self.load) / statistics.median(self.safe_load)


def _yaml_files(data_dir: Path) -> list[Path]:
    return [p for p in data_files(data_dir) if "schema" not in p.relative_to(data_dir).parts[:1]]


def _safe_load_all(paths: list[Path]) -> None:
    for path in paths:
        yaml.safe_load(path.read_text(encoding="utf-8"))


def measure(data_dir: Path, repeat: int) -> Timing:
    """Time ``repeat`` cold validator runs and ``repeat`` baseline runs, alternately."""
    paths = _yaml_files(data_dir)
    load: list[float] = []
    safe: list[float] = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = load_uncached(data_dir)
        load.append(time.perf_counter() - start)
        start = time.perf_counter()
        _safe_load_all(paths)
        safe.append(time.perf_counter() - start)
    assert result is not None
    return Timing(
        files=len(paths),
        size=sum(p.stat().st_size for p in paths),
        errors=len(errors(result.issues)),
        warnings=len(warnings(result.issues)),
        load=load,
        safe_load=safe,
    )


def report(data_dir: Path, timing: Timing) -> str:
    """The benchmark's printed summary."""
    median = statistics.median(timing.load)
    parser = "libyaml" if sourcemap._Loader is not sourcemap._PyLoader else "pure Python"
    verdict = "OK" if median < TARGET / 2 else ("close" if median < TARGET else "OVER")
    return "\n".join(
        [
            f"data: {data_dir} ({timing.files} files, {timing.size:,} bytes); parser: {parser}",
            f"load_uncached:  median {median:.3f} s over {len(timing.load)} cold runs "
            f"(min {min(timing.load):.3f}, max {max(timing.load):.3f}); "
            f"{timing.errors} errors, {timing.warnings} warnings",
            f"yaml.safe_load: median {statistics.median(timing.safe_load):.3f} s "
            "(same files, pure-Python SafeLoader)",
            f"ratio: validator / safe_load = {timing.ratio:.2f}",
            f"target: well under {TARGET:.0f} s: {verdict}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="data folder")
    parser.add_argument("--repeat", type=int, default=5, help="cold runs to take the median of")
    parser.add_argument(
        "--pure-python", action="store_true", help="parse with PyYAML's Python parser, not libyaml"
    )
    args = parser.parse_args(argv)
    if args.pure_python:
        sourcemap._Loader = sourcemap._PyLoader
    if not args.data.is_dir():
        print(f"benchmark: error: data folder '{args.data}' not found", file=sys.stderr)
        return 2
    if args.repeat < 1:
        print("benchmark: error: --repeat must be at least 1", file=sys.stderr)
        return 2
    print(report(args.data, measure(args.data, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
