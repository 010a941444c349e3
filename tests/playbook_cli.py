"""Run the ``playbook`` command in-process, the way a user runs it: through ``main``.

``main`` is what turns usage errors into one ``playbook: error:`` line and exit code 2, so the
CLI tests call it rather than the Click group (whose standalone mode prints usage blocks).
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from playbook.cli.commands import main

ERROR = "playbook: error: "


@dataclass(frozen=True, slots=True)
class Run:
    """What one ``playbook`` invocation did."""

    code: int
    out: str
    err: str

    @property
    def error_line(self) -> str:
        """The stderr of a failed run, which must be exactly one ``playbook: error:`` line."""
        lines = self.err.splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got:\n{self.err}"
        assert lines[0].startswith(ERROR), lines[0]
        return lines[0].removeprefix(ERROR)


def run_playbook(*args: str | os.PathLike[str], cwd: Path | None = None) -> Run:
    """Run ``playbook ARGS...`` in ``cwd`` (default: the current folder) and capture it all."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with (
        contextlib.chdir(cwd or Path.cwd()),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            main([os.fspath(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Run(code, out.getvalue(), err.getvalue())
