"""``mkdocs serve`` with broken data: keep serving the last good playbook, with the errors shown.

A build fails on invalid data; a preview must not. While serving (:func:`enable`, from the
hooks' ``on_startup``), :func:`load` returns the last playbook that loaded without errors and
remembers the current errors, which :func:`banner` turns into a notice at the top of every
page. The hooks and the macros both load through here, so a page's macros see the same
playbook as its generated pages. The state lives here, not in ``hooks.py``, which MkDocs runs
anew on every rebuild.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.data.issues import errors, format_text
from playbook.data.loader import LoadResult, load_playbook
from playbook.safety import escape

if TYPE_CHECKING:
    from pathlib import Path

_serving = False
_last_good: dict[str, LoadResult] = {}
_errors: dict[str, str] = {}
#: During a build (:func:`pin`), the playbook each data folder loaded as, by folder.
_pinned: dict[str, LoadResult] | None = None


def enable() -> None:
    """Serve the last good playbook when the data breaks (``mkdocs serve`` only)."""
    global _serving
    _serving = True


def load(data_dir: Path) -> LoadResult:
    """The playbook under ``data_dir``; while serving, the last good one if it now has errors.

    The result has errors only when there is no good playbook to fall back on (or when not
    serving): the caller fails the build then.
    """
    key = str(data_dir.resolve())
    if _pinned is not None and key in _pinned:
        return _pinned[key]
    result = _load(data_dir, key)
    if _pinned is not None:
        _pinned[key] = result
    return result


def pin() -> None:
    """From now until :func:`unpin`, :func:`load` returns what it first returned for a folder.

    One build asks for the playbook hundreds of times (from the hooks and macros of every
    page); the loader's own check that no data file changed lists the data folder each time.
    """
    global _pinned
    _pinned = {}


def unpin() -> None:
    """Check the data files again on every :func:`load` (between builds)."""
    global _pinned
    _pinned = None


def _load(data_dir: Path, key: str) -> LoadResult:
    result = load_playbook(data_dir)
    if result.playbook is not None and not errors(result.issues):
        _last_good[key] = result
        _errors.pop(key, None)
        return result
    if _serving and key in _last_good:
        _errors[key] = format_text(result.issues)
        return _last_good[key]
    return result


def banner(data_dir: Path) -> str:
    """HTML for the top of each page while the served data has errors, else ``""``."""
    found = _errors.get(str(data_dir.resolve()))
    if not found:
        return ""
    return (
        '<div class="admonition failure" role="alert">'
        '<p class="admonition-title">The playbook data has errors: this preview shows the last '
        "version that loaded. Fix these and save:</p>"
        f"<pre><code>{escape(found)}</code></pre></div>\n"
    )
