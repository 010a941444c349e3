"""Finding a Chromium, and printing a page to PDF with it (headless)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)

#: Flags that keep headless Chromium off the network and quiet on these machines.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)

INSTALL_HINT = (
    "Chromium was not found: install it (Debian/Ubuntu: 'apt-get install chromium'; "
    "macOS: 'brew install --cask chromium') or set PLAYBOOK_CHROMIUM to its path"
)


class BrowserError(Exception):
    """Chromium is missing or failed."""


def find_chromium() -> str | None:
    """The Chromium executable: $PLAYBOOK_CHROMIUM, a known path, or one on PATH."""
    configured = os.environ.get("PLAYBOOK_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_to_pdf(page: Path, out: Path, timeout: float = 180) -> Path:
    """Render the local HTML file ``page`` to ``out`` as PDF."""
    chromium = find_chromium()
    if chromium is None:
        raise BrowserError(INSTALL_HINT)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)  # a PDF left from an earlier run must not pass for this one
    with tempfile.TemporaryDirectory(prefix="playbook-chromium-") as profile:
        cmd = [
            chromium,
            *HEADLESS_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={out}",
            page.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"Chromium did not finish printing within {timeout:.0f} s") from exc
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        detail = " ".join(proc.stderr.split())[-300:] or f"exit code {proc.returncode}"
        raise BrowserError(f"Chromium could not print {page}: {detail}")
    return out
