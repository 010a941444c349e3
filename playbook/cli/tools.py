"""Finding the command-line tools the playbook runs (lychee, Zensical)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def installed_command(name: str) -> str | None:
    """``name`` beside this Python (a wheel installed in the same environment) or on PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.is_file() else shutil.which(name)
