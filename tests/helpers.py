"""Builders shared by the tests: data-folder copies, the invalid-case format, YAML edits."""

from __future__ import annotations

import functools
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from macros.loader import load_uncached
from macros.sourcemap import load_yaml

if TYPE_CHECKING:
    from collections.abc import Callable

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
WARNINGS = FIXTURES / "warnings"
DATA = ROOT / "data"


def copy_data(source: Path, dest: Path) -> Path:
    """Copy the YAML data files of ``source`` into ``dest`` (created) and return ``dest``."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("schema"))
    return dest


@functools.cache
def reference_data() -> Path:
    """The data folder the whole-dataset tests use: ``data/`` once it validates, else the fixture.

    The reference data is written alongside these tests; until it passes the validator, the
    fixture stands in for it so the property tests still exercise a complete playbook.
    """
    if DATA.is_dir() and load_uncached(DATA).ok:
        return DATA
    return VALID


# --------------------------------------------------------------------------------------------
# Invalid cases: tests/fixtures/invalid/<case>.yaml
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expected:
    """One issue a case must produce."""

    at: str  # "data/FILE:LINE:COL"
    code: str
    message: str  # a fragment of the message

    def matches(self, issue: dict[str, Any]) -> bool:
        """True when ``issue`` (from ``--format json``) is this one."""
        return (
            self.location_of(issue) == self.at
            and issue["code"] == self.code
            and self.message in issue["message"]
        )

    @staticmethod
    def location_of(issue: dict[str, Any]) -> str:
        """``FILE:LINE:COL`` of an issue as printed by ``--format json``."""
        return f"{issue['file']}:{issue['line']}:{issue['column']}"


@dataclass(frozen=True, slots=True)
class Case:
    """A broken variant of the valid fixture.

    A case file has ``description``, one or more edits, and ``expect``. An edit is ``file`` with
    ``content`` (the whole new text of that file, created if absent, encoded with ``encoding``,
    UTF-8 by default) or ``delete`` (a file to remove). ``files`` holds several edits.
    """

    name: str
    description: str
    edits: tuple[dict[str, Any], ...]
    expect: tuple[Expected, ...]

    def apply(self, data_dir: Path) -> None:
        """Break the data folder ``data_dir`` as this case describes."""
        for edit in self.edits:
            if "delete" in edit:
                (data_dir / edit["delete"]).unlink()
                continue
            path = data_dir / edit["file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(edit["content"].encode(edit.get("encoding", "utf-8")))


def load_case(path: Path) -> Case:
    """Read one case file."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    edits = spec.get("files") or [{k: v for k, v in spec.items() if k in _EDIT_KEYS}]
    return Case(
        name=path.stem,
        description=spec["description"],
        edits=tuple(edits),
        expect=tuple(Expected(**e) for e in spec["expect"]),
    )


_EDIT_KEYS = {"file", "content", "encoding", "delete"}


def load_cases(folder: Path) -> list[Case]:
    """Every case under ``folder``, sorted by name."""
    return [load_case(p) for p in sorted(folder.glob("*.yaml"))]


def broken_copy(case: Case, dest: Path) -> Path:
    """A copy of the valid fixture at ``dest`` with ``case`` applied."""
    copy_data(VALID, dest)
    case.apply(dest)
    return dest


def parse_json_issues(output: str) -> list[dict[str, Any]]:
    """The issues printed by ``playbook validate --format json``."""
    issues = json.loads(output)
    assert isinstance(issues, list)
    return issues


# --------------------------------------------------------------------------------------------
# Editing a data folder in place
# --------------------------------------------------------------------------------------------


def read_yaml(path: Path) -> Any:
    """The YAML at ``path`` as plain values (dates kept as strings, like the loader)."""
    source = load_yaml(path, path.name)
    assert not source.issues, source.issues
    return source.data


def write_yaml(path: Path, data: Any) -> None:
    """Dump ``data`` to ``path`` in key order."""
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )


def rewrite(data_dir: Path, relative: str, edit: Callable[[Any], Any]) -> None:
    """Apply ``edit`` to the parsed YAML of ``data_dir/relative`` and write the result back.

    ``edit`` changes the value in place and returns None, or returns a replacement.
    """
    path = data_dir / relative
    data = read_yaml(path)
    replaced = edit(data)
    write_yaml(path, data if replaced is None else replaced)
