"""``mkdocs serve`` with a file watcher that reacts at once: ``python -m playbook.site.live serve``.

MkDocs's live-reload server polls the watched folders every 0.5 s, then waits 0.1 s for more
changes before it rebuilds: an edit waits 0.35 s on average before its rebuild starts. This
runs the same ``mkdocs`` command line with one change, the server's watcher: native file
events (inotify on Linux, FSEvents on macOS), falling back to polling every 0.1 s where the
system refuses them (a full inotify watch table), a 0.05 s wait for more changes, and only
changes count (a build reading its sources is no reason for another).
``playbook serve`` starts it.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import watchdog.events
import watchdog.observers
import watchdog.observers.polling
from mkdocs import livereload
from mkdocs.commands import serve as mkdocs_serve

#: Seconds without a further change before a rebuild starts (MkDocs waits 0.1 s).
BUILD_DELAY = 0.05
#: Seconds between two looks at the watched folders when native file events are refused.
POLL_INTERVAL = 0.1


#: The file events that mean a change. Native watchers also report files opened and closed
#: unwritten, which every build does to the files it reads: those must not start a rebuild.
CHANGES = frozenset(
    {
        watchdog.events.EVENT_TYPE_CREATED,
        watchdog.events.EVENT_TYPE_MODIFIED,
        watchdog.events.EVENT_TYPE_DELETED,
        watchdog.events.EVENT_TYPE_MOVED,
        watchdog.events.EVENT_TYPE_CLOSED,
    }
)


class QuickReloadServer(livereload.LiveReloadServer):
    """MkDocs's live-reload server, watching with native file events."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.build_delay = BUILD_DELAY
        self.observer = watchdog.observers.Observer()  # type: ignore[assignment]

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """Rebuild when a file under ``path`` changes (as MkDocs's ``watch``, on changes only).

        Where the system refuses native events (a full inotify watch table), every watched
        path is polled instead.
        """
        path = os.path.abspath(path)
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1
        try:
            self._watch_refs[path] = self.observer.schedule(
                self._handler(), path, recursive=recursive
            )
        except OSError:
            self.observer = watchdog.observers.polling.PollingObserver(timeout=POLL_INTERVAL)
            for each in self._watched_paths:
                self._watch_refs[each] = self.observer.schedule(
                    self._handler(), each, recursive=recursive
                )

    def _handler(self) -> watchdog.events.FileSystemEventHandler:
        def changed(event: watchdog.events.FileSystemEvent) -> None:
            if event.is_directory or event.event_type not in CHANGES:
                return
            with self._rebuild_cond:
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = changed  # type: ignore[method-assign]
        return handler


def main(argv: list[str] | None = None) -> None:
    """Run the ``mkdocs`` command line (``serve`` and its options) with the quick watcher."""
    from mkdocs.__main__ import cli

    mkdocs_serve.LiveReloadServer = QuickReloadServer  # type: ignore[attr-defined]
    cli.main(args=sys.argv[1:] if argv is None else argv, prog_name="mkdocs")


if __name__ == "__main__":
    main()
