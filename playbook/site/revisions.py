"""When a page's sources last changed, from git history, for the pages' "Last updated" date.

mkdocs-git-revision-date-localized-plugin dates hand-written pages by their Markdown file's last
commit. It dates generated pages, and every page outside a git checkout, with the clock and
ignores ``SOURCE_DATE_EPOCH``, so two builds of one commit would differ. Here a generated page
is dated by the last commit of the files it is generated from (its data file, its chapter), and
a page with no commit gets ``SOURCE_DATE_EPOCH`` when it is set (reproducible-builds.org).
"""

from __future__ import annotations

import functools
import os
import subprocess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path


def source_date_epoch() -> int | None:
    """``$SOURCE_DATE_EPOCH`` as an integer, or None when it is unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def _git(cwd: Path | str, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return proc.stdout if proc.returncode == 0 else None


@functools.cache
def _toplevel(directory: str) -> str | None:
    """The root of the git work tree holding ``directory``, or None outside one."""
    out = _git(directory, "rev-parse", "--show-toplevel")
    return out.strip() if out else None


@functools.cache
def _commit_times(toplevel: str, head: str) -> Mapping[str, int]:
    """Repository path to the author time of the last commit touching it (cached per HEAD)."""
    out = _git(toplevel, "log", "--format=@%at", "--name-only", "--no-renames", head) or ""
    times: dict[str, int] = {}
    stamp = 0
    for line in out.splitlines():
        if line.startswith("@"):
            stamp = int(line[1:])
        elif line and line not in times:  # newest first: the first sighting is the latest
            times[line] = stamp
    return times


def last_commit_time(path: Path) -> int | None:
    """Author time of the last commit that touched ``path`` (a file, or any file under a folder).

    None outside a git checkout, and for a path no commit touched (new, untracked).
    """
    path = path.resolve()
    directory = path if path.is_dir() else path.parent
    top = _toplevel(str(directory)) if directory.is_dir() else None
    if top is None:
        return None
    head = (_git(top, "rev-parse", "--verify", "--quiet", "HEAD") or "").strip()
    if not head:
        return None
    try:
        relative = path.relative_to(os.path.realpath(top)).as_posix()
    except ValueError:
        return None
    times = _commit_times(top, head)
    if path.is_dir():
        prefix = "" if relative == "." else relative + "/"
        found = [t for name, t in times.items() if name.startswith(prefix)]
        return max(found, default=None)
    return times.get(relative)


def revision_time(paths: Iterable[Path]) -> int | None:
    """The latest commit time over ``paths``, else ``$SOURCE_DATE_EPOCH``, else None."""
    found = [t for t in (last_commit_time(p) for p in paths) if t is not None]
    return max(found) if found else source_date_epoch()
