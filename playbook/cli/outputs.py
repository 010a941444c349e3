"""Where ``build``, ``render``, ``pdf`` and ``export`` may write, and how they replace a folder.

An output path comes from a command line a contributor may have written (a Makefile, a CI
step in a pull request), so it is checked before anything is deleted:

- never the file system root or the home folder, never the project root or a folder holding
  it, and never the data, docs or ``.git`` folder, inside them or holding them;
- a non-empty folder is replaced only when an earlier run wrote it: it holds :data:`MARKER`;
- one run at a time per output (:func:`output_lock`); the work happens in a temporary folder
  under the git-ignored ``.cache/`` (or beside the output when it is outside the project),
  removed on failure, Ctrl-C or SIGTERM (:func:`interrupts_raise`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import functools
import hashlib
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from playbook.safety import shorten

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from types import FrameType

#: The file every output folder gets, so a later run knows it may replace the folder.
MARKER = ".playbook-output"
MARKER_TEXT = (
    "Written by playbook: 'playbook build' and 'playbook render' may replace this folder.\n"
)


class OutputError(Exception):
    """The output path is refused, or cannot be written; the message is one line."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(
    out: Path, project: Path, protected: Iterable[Path] = (), *, folder: bool = True
) -> Path:
    """The resolved output path, after refusing any that could destroy the checkout.

    Args:
        out: The path given on the command line.
        project: The project root (the folder of mkdocs.yml, or of the data folder).
        protected: Further folders never written into, nor holding the output (data, docs).
        folder: True for an output folder (replaced as a whole), False for one output file.

    Raises:
        OutputError: The path is refused; the message says why.
    """
    target = out.resolve()
    shown = shorten(out)
    root, home = Path(target.anchor), Path.home().resolve()
    project = project.resolve()
    if target in (root, home) or _inside(project, target):
        raise OutputError(f"refusing to write into '{shown}': it holds the project or the system")
    for keep in [project / ".git", *protected]:
        keep = keep.resolve()
        if _inside(target, keep) or _inside(keep, target):
            raise OutputError(f"refusing to write into '{shown}': it overlaps '{shorten(keep)}'")
    if folder:
        if target.exists() and not target.is_dir():
            raise OutputError(f"'{shown}' exists and is not a folder")
        if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
            raise OutputError(
                f"refusing to replace '{shown}': it is not empty and no earlier playbook run "
                f"wrote it (no {MARKER} file); choose a new or empty folder"
            )
    elif target.is_dir():
        raise OutputError(f"'{shown}' is a folder; give a file name")
    return target


def _work_parent(out: Path, project: Path) -> Path:
    """Under ``.cache/`` (git-ignored) when ``out`` is in the project, else beside ``out``."""
    project = project.resolve()
    return project / ".cache" / "builds" if project in out.parents else out.parent


def work_folder(out: Path, project: Path, purpose: str) -> Path:
    """A new temporary folder to build ``out`` in, on the same file system as ``out``."""
    parent = _work_parent(out, project)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{out.name}.{purpose}-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot write beside '{shorten(out)}': {_reason(exc)}") from exc


def mark(folder: Path) -> None:
    """Write :data:`MARKER` into a finished output folder."""
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def _reason(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, "") or type(exc).__name__


def write_error(path: Path, exc: OSError) -> OutputError:
    """An :class:`OutputError` saying why ``path`` could not be written, in one line."""
    return OutputError(f"cannot write '{shorten(path)}': {_reason(exc)}")


@contextlib.contextmanager
def output_lock(out: Path, project: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out``, or fail at once if another run holds it.

    The lock file sits where :func:`work_folder` works, named after ``out``'s full path.

    Raises:
        OutputError: Another run holds the lock, or the lock cannot be created.
    """
    digest = hashlib.sha256(str(out).encode()).hexdigest()[:16]
    lock = _work_parent(out, project) / f".{out.name}.{digest}.playbook-lock"
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = lock.open("a")
    except OSError as exc:
        raise write_error(lock, exc) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"another playbook run is writing '{shorten(out)}'; try again when it is done"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def replace_folder(new: Path, out: Path) -> None:
    """Replace ``out`` with ``new`` by renames on one file system; ``out`` is never half-written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    old = out.with_name(f".{out.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    try:
        new.rename(out)
    except OSError:
        if old.exists():
            old.rename(out)
        raise
    if old.exists():
        shutil.rmtree(old)


@contextlib.contextmanager
def publishing(
    out: Path, project: Path, purpose: str, recheck: Callable[[], object] | None = None
) -> Iterator[Path]:
    """Yield a temporary folder to fill; on success it replaces ``out`` (marked), else it goes.

    The whole run holds :func:`output_lock` and turns SIGTERM into an exception, so a stopped
    run leaves no temporary folder. ``recheck`` runs once the lock is held (the output may
    have changed while waiting for it).

    Raises:
        OutputError: The lock is taken, or ``out`` cannot be written.
    """
    with interrupts_raise(), output_lock(out, project):
        if recheck is not None:
            recheck()
        tmp = work_folder(out, project, purpose)
        try:
            yield tmp
            mark(tmp)
            replace_folder(tmp, out)
        except OSError as exc:
            raise write_error(out, exc) from exc
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that ``finally`` blocks clean up and children are killed."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextlib.contextmanager
def interrupts_raise() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (Ctrl-C already raises).

    ``subprocess.run`` kills its child when interrupted, and ``finally`` blocks remove
    temporary folders, so a stopped build leaves neither behind. Only the main thread can set
    signal handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_PR_SET_PDEATHSIG = 1


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


def child_dies_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` asking Linux to send the child SIGTERM when this process dies.

    So a killed ``playbook build`` does not leave MkDocs running. None where there is no
    ``prctl`` (not Linux).
    """
    libc = _libc()
    if libc is None or not hasattr(libc, "prctl"):
        return None
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec
