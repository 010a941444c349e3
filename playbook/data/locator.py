"""Where an issue found by a check goes: (record kind, id, key path) to ``data/FILE:LINE:COL``.

Its own module so that every ``check_*`` module can name it without importing
:mod:`playbook.data.checks`, which runs them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from playbook.data import kinds
from playbook.data.sourcemap import Loc, SourceMap

if TYPE_CHECKING:
    from collections.abc import Mapping

    from playbook.data.issues import Issue
    from playbook.data.model import Playbook, Task


class Locator:
    """Turns (record kind, id, key path) into issues located in the right data file."""

    def __init__(self, playbook: Playbook, sources: Mapping[str, SourceMap]) -> None:
        self.playbook = playbook
        self.sources = sources
        # Keyed by the task object, not its id: a task id repeated in another phase file is an
        # error, but each copy's other issues must still point into its own file.
        self._task_prefix: dict[int, tuple[str, Loc]] = {
            id(where.record): (where.file, where.loc)
            for _, where in kinds.locate(playbook, kinds.get("task"))
        }

    def file_of(self, kind: str, key: str = "") -> str:
        """The data file holding a record of ``kind`` (a kind name), or a data file by name."""
        found = next((k for k in kinds.top_level() if k.name == kind), None)
        return self.playbook.files[found.file_key(key) if found else kind]

    def issue(self, file: str, loc: Loc, code: str, message: str, severity: str = "error") -> Issue:
        """An issue at ``loc`` in ``file``."""
        source = self.sources.get(file) or SourceMap(file)
        return source.issue(loc, code, message, severity)

    def task(self, task: Task, *rest: Any) -> tuple[str, Loc]:
        """File and key path of a task (or of a key inside it)."""
        file, prefix = self._task_prefix[id(task)]
        return file, (*prefix, *rest)
