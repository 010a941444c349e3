"""``mkdocs serve`` with a file watcher that reacts at once: ``python -m playbook.site.live serve``.

MkDocs's live-reload server polls the watched folders every 0.5 s, then waits 0.1 s for more
changes before it rebuilds: an edit waits 0.35 s on average before its rebuild starts. This
runs the same ``mkdocs`` command line with one change, the server's watcher: native file
events (inotify on Linux, FSEvents on macOS), falling back to polling every 0.1 s where the
system refuses them (a full inotify watch table), and a 0.05 s wait for more changes.
``playbook serve`` starts it.
"""

from __future__ import annotations

import sys
from typing import Any

import watchdog.observers
import watchdog.observers.polling
from mkdocs import livereload
from mkdocs.commands import serve as mkdocs_serve

#: Seconds without a further change before a rebuild starts (MkDocs waits 0.1 s).
BUILD_DELAY = 0.05
#: Seconds between two looks at the watched folders when native file events are refused.
POLL_INTERVAL = 0.1


class QuickReloadServer(livereload.LiveReloadServer):
    """MkDocs's live-reload server, watching with native file events."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.build_delay = BUILD_DELAY
        self.observer = watchdog.observers.Observer()  # type: ignore[assignment]

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """Watch ``path`` as MkDocs does; poll every watched path if native events fail."""
        try:
            super().watch(path, func, recursive=recursive)
        except OSError:
            watched = list(self._watched_paths)
            self.observer = watchdog.observers.polling.PollingObserver(timeout=POLL_INTERVAL)
            self._watched_paths.clear()
            self._watch_refs.clear()
            for each in watched:
                super().watch(each, recursive=recursive)


def main(argv: list[str] | None = None) -> None:
    """Run the ``mkdocs`` command line (``serve`` and its options) with the quick watcher."""
    from mkdocs.__main__ import cli

    mkdocs_serve.LiveReloadServer = QuickReloadServer  # type: ignore[attr-defined]
    cli.main(args=sys.argv[1:] if argv is None else argv, prog_name="mkdocs")


if __name__ == "__main__":
    main()
