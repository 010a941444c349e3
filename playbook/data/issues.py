"""Problems found in playbook data, each with the file, line and column it points at."""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Issue:
    """One problem: where it is, how bad, a stable code and a human message."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"
        )


class PlaybookError(Exception):
    """Raised by adapters when the data has errors; carries every issue found."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = sorted(issues)
        super().__init__(format_text(self.issues))


def errors(issues: Iterable[Issue]) -> list[Issue]:
    """Only the issues of severity ``error``."""
    return [i for i in issues if i.severity == "error"]


def warnings(issues: Iterable[Issue]) -> list[Issue]:
    """Only the issues of severity ``warning``."""
    return [i for i in issues if i.severity == "warning"]


def format_text(issues: Iterable[Issue]) -> str:
    """One line per issue, sorted by file and line, then a count."""
    ordered = sorted(issues)
    n_err, n_warn = len(errors(ordered)), len(warnings(ordered))
    lines = [str(i) for i in ordered]
    lines.append(f"{n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}")
    return "\n".join(lines)


def format_json(issues: Iterable[Issue]) -> str:
    """A JSON list of ``{file, line, column, severity, code, message}``."""
    return json.dumps([asdict(i) for i in sorted(issues)], indent=2)


def suggest(name: str, candidates: list[str]) -> str:
    """`` (did you mean 'x'?)`` when a close candidate exists, else ''."""
    match = difflib.get_close_matches(str(name), candidates, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
