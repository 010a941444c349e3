"""Builders shared by the tests: data-folder copies, the invalid-case format, YAML edits,
fixture projects, site-tree digests, a local HTTP server and Pagefind's index.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gzip
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from playbook.cli.build import PRINT_PAGE_ENV
from playbook.data.loader import load_uncached
from playbook.data.sourcemap import load_yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from playbook.data.model import Playbook

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
WARNINGS = FIXTURES / "warnings"
DATA = ROOT / "data"
#: A data string that must reach every page as text, never as a script.
SCRIPT = "<script>alert(1)</script>"


def copy_data(source: Path, dest: Path) -> Path:
    """Copy the YAML data files of ``source`` into ``dest`` (created) and return ``dest``."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("schema"))
    return dest


def playbook_of(data: Path) -> Playbook:
    """The playbook of a data folder that must validate (the test fails with its issues)."""
    result = load_uncached(data)
    assert result.playbook is not None, result.issues
    return result.playbook


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


# --------------------------------------------------------------------------------------------
# A project folder: the real config, macros and theme with the fixture data
# --------------------------------------------------------------------------------------------

#: The fixture's one hand-written chapter (``process/build.md``, named by its ``build`` phase).
CHAPTER = """\
---
description: How the fixture builds models.
---

# Build

## How we build { #how-we-build }

We build with care: {{ ref('task', 'package_model') }} is one of {{ count('tasks') }} tasks.
"""


def make_project(
    project: Path,
    *,
    chapter: str = CHAPTER,
    extra: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> tuple[Path, Path]:
    """A project folder using the real config, macros and theme overrides with fixture data.

    Args:
        project: An empty (or missing) folder to fill.
        chapter: The Markdown of the fixture's phase chapter, ``docs/process/build.md``.
        extra: More ``extra:`` settings for the generated ``mkdocs.yml``.
        settings: More top-level settings for it (``site_url``).

    Returns:
        The config file and the (writable) data folder.
    """
    # mkdocs-macros imports `module_name` from the config file's folder, and hooks and
    # custom_dir resolve against it too, so the project folder links to the real ones.
    project.mkdir(parents=True, exist_ok=True)
    for name in ("macros", "playbook", "overrides"):
        (project / name).symlink_to(ROOT / name, target_is_directory=True)
    docs = project / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    (docs / "process").mkdir()
    (docs / "process" / "build.md").write_text(chapter, encoding="utf-8")
    data = copy_data(VALID, project / "data")
    config = project / "mkdocs.yml"
    settings = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": "docs",
        "watch": [],
        "extra": {"playbook_data": str(data), **(extra or {})},
        **(settings or {}),
    }
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return config, data


def mkdocs_build(
    config: Path, site: Path, *, print_page: bool = False
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``config`` into ``site``, in a child process; with the print
    page (opt-in) when ``print_page``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if print_page:
        env[PRINT_PAGE_ENV] = "true"
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        cwd=config.parent,
        env=env,
        check=False,
    )


def link_project(folder: Path, **settings: Any) -> Path:
    """A project folder linking the repository's data, docs, macros and theme overrides.

    Its ``mkdocs.yml`` inherits the repository's and adds ``settings``. MkDocs resolves the
    docs, hooks and theme overrides, and the playbook its diagram cache, against the project
    folder: a build from it is the real site, drawn with an empty diagram cache.

    Returns:
        The project's ``mkdocs.yml``.
    """
    folder.mkdir(parents=True)
    for name in ("data", "docs", "macros", "playbook", "overrides"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    config = folder / "mkdocs.yml"
    inherit = {"INHERIT": str(ROOT / "mkdocs.yml"), **settings}
    config.write_text(yaml.safe_dump(inherit, sort_keys=False), encoding="utf-8")
    return config


def mkdocs_config(project: Path) -> Any:
    """A validated MkDocs config of ``project`` (its ``mkdocs.yml`` need not exist), with an
    empty ``docs/``, for tests that convert pages in-process."""
    from mkdocs.config.defaults import MkDocsConfig

    (project / "docs").mkdir(parents=True)
    config = MkDocsConfig(config_file_path=str(project / "mkdocs.yml"))
    config.load_dict(
        {
            "site_name": "Test",
            "docs_dir": str(project / "docs"),
            "site_dir": str(project / "site"),
        }
    )
    errors, _ = config.validate()
    assert errors == []
    config.plugins._current_plugin = "tests"  # File.generated names the plugin generating it
    return config


# --------------------------------------------------------------------------------------------
# Comparing built sites
# --------------------------------------------------------------------------------------------


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: its POSIX path relative to ``folder`` -> SHA-256 (hex)."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def describe_difference(first: Path, second: Path, *, lines: int = 20) -> str | None:
    """None when two folders hold the same files and bytes, else the first difference.

    The description names the first differing (or missing) file in path order and, for text,
    shows the first ``lines`` lines of a unified diff.
    """
    one, two = tree_digest(first), tree_digest(second)
    for name in sorted(one.keys() | two.keys()):
        if name not in two or name not in one:
            side = second if name not in two else first
            return f"{name} is missing from {side}"
        if one[name] == two[name]:
            continue
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        try:
            text_a, text_b = a.decode("utf-8"), b.decode("utf-8")
        except UnicodeDecodeError:
            common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
            return f"{name} differs (binary; sizes {len(a)} and {len(b)}, first byte {common})"
        diff = difflib.unified_diff(
            text_a.splitlines(),
            text_b.splitlines(),
            str(first / name),
            str(second / name),
            n=1,
            lineterm="",
        )
        shown = [line if len(line) < 200 else line[:200] + "..." for line in diff]
        return f"{name} differs:\n" + "\n".join(shown[:lines])
    return None


# --------------------------------------------------------------------------------------------
# A local HTTP server (127.0.0.1 only: the tests never reach the network)
# --------------------------------------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files like ``python -m http.server`` without logging every request."""

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: pytest would show the log for every failing test."""


@contextlib.contextmanager
def http_server(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run ``handler`` on 127.0.0.1 (a free port) in a thread; yield the base URL, no slash."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve_folder(folder: Path) -> contextlib.AbstractContextManager[str]:
    """Serve the files of ``folder`` on 127.0.0.1; the context yields the base URL."""
    return http_server(functools.partial(QuietHandler, directory=str(folder)))


# --------------------------------------------------------------------------------------------
# Pagefind's index
# --------------------------------------------------------------------------------------------

#: What Pagefind 1.x writes before the JSON of a fragment, inside its gzip stream.
_FRAGMENT_SIGNATURE = b"pagefind_dcd"


def pagefind_fragments(site: Path) -> dict[str, dict[str, Any]]:
    """The pages Pagefind indexed in ``site``: URL (``/process/build/``) -> its fragment, the
    JSON the browser loads to show a result (``content``, ``meta``, ``anchors``)."""
    pages = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes()).removeprefix(_FRAGMENT_SIGNATURE)
        fragment = json.loads(raw)
        pages[fragment["url"]] = fragment
    return pages
