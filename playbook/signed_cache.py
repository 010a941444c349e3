"""Cache files under ``.cache/`` that only this machine's builds can have written.

Anyone opening a pull request controls every file of the checkout, a committed ``.cache/``
folder included: a planted cache entry must never reach the site. Every entry here is signed
with an HMAC-SHA256 whose key lives outside the checkout (:func:`key_path`, created with mode
0600 on first use); an entry that fails the check (no signature, a wrong one, an entry copied
under another name or into another store) reads as missing, and the caller rebuilds it.
Entries are plain text (JSON or SVG), never pickles: nothing in a cache file is ever run.

A file is ``<signature>\\n<payload>``; the signature covers the store's name, the entry's key
(its file name) and the payload. Writes are atomic (a temporary file renamed over the entry),
and reads refuse anything but a regular file (a planted symlink or FIFO reads as missing).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import re
import secrets
import stat
import tempfile
from pathlib import Path

#: Bytes of the signing key.
KEY_BYTES = 32
#: What an entry's key looks like (a SHA-256 in hex); nothing else is read, written or evicted.
_KEY = re.compile(r"^[0-9a-f]{64}$")
#: Larger files are not read (the largest page of a 3,000-task playbook is about 5 MB).
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def key_path() -> Path:
    """Where the signing key lives: ``$XDG_CACHE_HOME/playbook/cache.key``, else under
    ``~/.cache``: the user's cache, outside any checkout."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "playbook" / "cache.key"


@functools.lru_cache(maxsize=4)
def _load_key(path: Path) -> bytes | None:
    try:
        key = _read_regular(path, KEY_BYTES + 1)
        if key is None:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=".cache.key.", dir=path.parent)  # mode 0600
            try:
                os.write(fd, secrets.token_bytes(KEY_BYTES))
                os.fsync(fd)
                os.close(fd)
                # A link fails when another build made the key first: then use that one.
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
            key = _read_regular(path, KEY_BYTES + 1)
    except OSError:
        return None
    return key if key is not None and len(key) == KEY_BYTES else None


def signing_key(project: Path) -> bytes | None:
    """This machine's signing key, or None when there is none to trust.

    None when the key cannot be read or made, or when it lies inside ``project``: a key in the
    checkout is a key a pull request can write.
    """
    try:
        path = key_path()
        if path.resolve().is_relative_to(project.resolve()):
            return None
    except (OSError, RuntimeError):  # no home folder to be found, a symlink loop
        return None
    return _load_key(path)


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else None."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        return handle.read(limit + 1)


class SignedStore:
    """One folder of signed entries (``.cache/pages``, ``.cache/diagrams``).

    Args:
        folder: Where the entries live; created on the first write.
        name: The store's name, signed with each entry so that one store's entries are
            worthless in another.
        project: The checkout the folder belongs to. The store is off (every read misses,
            writes do nothing) when ``folder`` leads out of it, e.g. through a planted symlink,
            or when no key outside it can be had.
        suffix: The entries' file-name suffix.
    """

    def __init__(self, folder: Path, name: str, project: Path, suffix: str = ".json") -> None:
        self.folder = folder
        self.name = name
        self.suffix = suffix
        self._key = signing_key(project) if _inside(folder, project) else None
        #: Keys read or written since :meth:`forget_use`.
        self.used: set[str] = set()

    @property
    def active(self) -> bool:
        """True when entries are read and written."""
        return self._key is not None

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{self.suffix}"

    def _sign(self, key: str, payload: bytes) -> str:
        assert self._key is not None
        message = b"\0".join((self.name.encode(), key.encode(), payload))
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def read(self, key: str) -> str | None:
        """The payload stored under ``key``, if this machine's builds wrote it; else None."""
        if self._key is None or not _KEY.match(key):
            return None
        data = _read_regular(self._path(key), MAX_ENTRY_BYTES)
        if data is None:
            return None
        signature, _, payload = data.partition(b"\n")
        if not hmac.compare_digest(signature, self._sign(key, payload).encode()):
            return None
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            return None
        self.used.add(key)
        return text

    def write(self, key: str, payload: str) -> None:
        """Store ``payload`` under ``key``, signed, atomically; a failure to write is ignored
        (the cache only saves time)."""
        if self._key is None or not _KEY.match(key):
            return
        body = payload.encode("utf-8")
        signed = self._sign(key, body).encode() + b"\n" + body
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(signed)
                os.replace(tmp, self._path(key))
            finally:
                Path(tmp).unlink(missing_ok=True)
        self.used.add(key)

    def evict_unused(self) -> int:
        """Delete the entries not read or written since :meth:`forget_use`; how many went.

        Only files named like an entry are touched, and only when the store is on.
        """
        if self._key is None or not self.folder.is_dir():
            return 0
        removed = 0
        for path in self.folder.iterdir():
            key = path.name[: -len(self.suffix)] if path.name.endswith(self.suffix) else ""
            if _KEY.match(key) and key not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed

    def forget_use(self) -> None:
        """Start a new build: no entry counts as used yet."""
        self.used.clear()


def _inside(folder: Path, project: Path) -> bool:
    try:
        return folder.resolve().is_relative_to(project.resolve())
    except (OSError, RuntimeError):
        return False
