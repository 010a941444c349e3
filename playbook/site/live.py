"""``mkdocs serve`` with a file watcher that reacts at once: ``python -m playbook.site.live serve``.

MkDocs's live-reload server polls the watched folders every 0.5 s, then waits 0.1 s for more
changes before it rebuilds: an edit waits 0.35 s on average before its rebuild starts. This
runs the same ``mkdocs`` command line with one change, the server's watcher: native file
events (inotify on Linux, FSEvents on macOS), falling back to polling every 0.1 s where the
system refuses them (a full inotify watch table), a 0.05 s wait for more changes, and only
changes count (a build reading its sources is no reason for another).

It also shows an edit to the data or a page first where the reader is looking
(:class:`PreviewServer`): the
pages its browsers have open are made again alone and written over their old copies
(:mod:`playbook.site.refresh`), the browsers reload, and only then is the whole site rebuilt,
into a fresh folder that replaces the served one when it is complete. A further edit during
that rebuild stops it and starts over. ``playbook serve`` starts it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import watchdog.events
import watchdog.observers
import watchdog.observers.polling
from mkdocs import livereload
from mkdocs.commands import serve as mkdocs_serve
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import _serve_url as livereload_url
from mkdocs.plugins import BasePlugin

from playbook.render.pages import data_dir
from playbook.site.refresh import BuiltSite, Capture, refresh

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger(__name__)

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
        #: The files changed since the last rebuild started.
        self.changed: set[str] = set()

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
                self.changed.update(
                    os.fsdecode(path) for path in (event.src_path, event.dest_path) if path
                )
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = changed  # type: ignore[method-assign]
        return handler


#: How many of the pages browsers viewed last are shown first after a data edit.
VIEWED_PAGES = 4
#: Seconds after its last request that a page still counts as viewed.
VIEWED_FOR = 600.0


class Cancelled(Exception):
    """A newer edit arrived while the site was rebuilding: the rebuild is abandoned."""


class _Stop(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Stops a build between two pages once ``cancelled()`` is true."""

    def __init__(self, cancelled: Callable[[], bool]) -> None:
        self.cancelled = cancelled

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        """Before reading a page."""
        self._check()
        return page

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """After rendering a page."""
        self._check()
        return output

    def _check(self) -> None:
        if self.cancelled():
            _quiet.active = True  # MkDocs logs the page it stopped on as an error
            raise Cancelled


class _Quiet(logging.Filter):
    """Drops MkDocs's messages about the page a cancelled build stopped on."""

    active = False

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every message but those of a build being cancelled."""
        return not self.active


_quiet = _Quiet()


class PreviewSite:
    """The preview's site: every complete build in a folder of its own (:attr:`built`).

    Args:
        load: Loads the config for a build into the given folder.
        serve_url: The preview's address, given to MkDocs's build.
    """

    def __init__(self, load: Callable[[str], MkDocsConfig], serve_url: str) -> None:
        self.load = load
        self.serve_url = serve_url
        #: The last complete build.
        self.built: BuiltSite | None = None
        #: Checked between pages: true stops the build (:class:`Cancelled`).
        self.cancelled: Callable[[], bool] = lambda: False

    def build(self, config: MkDocsConfig | None = None) -> BuiltSite | None:
        """Build the whole site into a fresh folder (the first ``config``'s own); return the
        build it replaces.

        Raises:
            Cancelled: ``cancelled()`` became true; the new folder is removed.
        """
        folder = config.site_dir if config else tempfile.mkdtemp(prefix="playbook-preview-")
        capture = Capture()
        _quiet.active = False
        try:
            config = config or self.load(folder)
            config.plugins["playbook-preview-capture"] = capture
            config.plugins["playbook-preview-stop"] = _Stop(self.cancelled)
            build(config, serve_url=self.serve_url)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            _quiet.active = False
        assert capture.site is not None  # set by a complete build
        old, self.built = self.built, capture.site
        return old

    def refresh(self, changed: Iterable[str], urls: list[str]) -> list[str]:
        """Rebuild the pages at ``urls`` first if only data files and pages (Markdown in the
        docs folder) changed: those rebuilt. Any other change (the config, the theme, the
        macros, an asset) changes how every page is made, and waits for the whole rebuild."""
        if self.built is None or not urls:
            return []
        config = self.built.config
        data = data_dir(config.config_file_path, config.extra).resolve()
        docs = Path(config.docs_dir).resolve()
        paths = [Path(path).resolve() for path in changed]
        if not paths or not all(
            path.is_relative_to(data) or (path.is_relative_to(docs) and path.suffix == ".md")
            for path in paths
        ):
            return []
        return refresh(self.built, urls)


class PreviewServer(QuickReloadServer):
    """The live-reload server, showing a data edit on the viewed pages before the rest.

    After an edit it rebuilds the pages its browsers viewed last (:meth:`PreviewSite.refresh`)
    and reloads them, then rebuilds the whole site into a new folder and serves that one when
    it is complete, reloading the browsers again only if their pages changed once more (the
    navigation names a renamed page, say). Until then the other pages are the last build's.
    """

    def __init__(self, site: PreviewSite, **kwargs: Any) -> None:
        assert site.built is not None  # serve after the first build
        super().__init__(builder=site.build, root=str(site.built.site_dir), **kwargs)
        self.site = site
        self.error_handler = self._error_page
        self._viewed: dict[str, float] = {}
        self._viewed_lock = threading.Lock()
        self._retired: Path | None = None

    def serve_request(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Serve as MkDocs does, noting the page asked for (or, for a browser waiting for a
        reload, the page it shows)."""
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
        if path.startswith("/livereload/"):
            path = urlsplit(environ.get("HTTP_REFERER", "")).path
        if path.endswith(("/", ".html")) and path.startswith(self.mount_path):
            url = quote(path[len(self.mount_path) :].removesuffix("index.html"))
            with self._viewed_lock:
                self._viewed[url] = time.monotonic()
        return super().serve_request(environ, start_response)

    def viewed(self, since: float | None = None) -> list[str]:
        """The URLs of the pages viewed last, the latest first; with ``since`` (a
        ``time.monotonic()``), every page viewed from then on."""
        now = time.monotonic()
        with self._viewed_lock:
            if since is not None:
                recent = [(t, url) for url, t in self._viewed.items() if t >= since]
                return [url for _, url in sorted(recent, reverse=True)]
            recent = [(t, url) for url, t in self._viewed.items() if now - t <= VIEWED_FOR]
        return [url for _, url in sorted(recent, reverse=True)[:VIEWED_PAGES]]

    def _error_page(self, code: int) -> bytes | None:
        with contextlib.suppress(OSError):
            return (Path(self.root) / f"{code}.html").read_bytes()
        return None

    def _build_loop(self) -> None:
        while True:
            with self._rebuild_cond:
                while not self._rebuild_cond.wait_for(
                    lambda: self._want_rebuild or self._shutdown, timeout=self.shutdown_delay
                ):
                    pass  # wake up now and then, so that Ctrl-C is seen everywhere
                if self._shutdown:
                    break
                log.info("Detected file changes")
                while self._rebuild_cond.wait(timeout=self.build_delay):
                    log.debug("Waiting for file changes to stop happening")
                self._wanted_epoch = livereload._timestamp()
                self._want_rebuild = False
                changed, self.changed = self.changed, set()
            start = time.monotonic()
            shown = self.site.refresh(changed, self.viewed())
            if shown:
                log.info(
                    "Showed the edit on %s in %.2f s; rebuilding the rest",
                    ", ".join(f"/{url}" for url in shown),
                    time.monotonic() - start,
                )
                self._reload_browsers()
            self._rebuild(shown, since=start)

    def _rebuild(self, shown: list[str], since: float) -> None:
        self.site.cancelled = lambda: self._want_rebuild or self._shutdown
        try:
            old = self.site.build()
        except Cancelled:
            log.info("Newer changes: rebuilding again")
            return
        except Exception as exc:  # as MkDocs's own loop: say so and keep serving
            if isinstance(exc, SystemExit):
                print(exc, file=sys.stderr)
            else:
                traceback.print_exc()
            log.error(
                "An error happened during the rebuild. The server will appear stuck until "
                "build errors are resolved."
            )
            return
        assert self.site.built is not None
        # The pages shown first, and those served from the last build meanwhile: reload their
        # browsers if the rebuild changed them.
        seen = dict.fromkeys([*shown, *self.viewed(since)])
        changed_again = not shown or any(_differs(old, self.site.built, url) for url in seen)
        self.root = str(self.site.built.site_dir)
        # The folder replaced now may still be read by a request that began before: it goes at
        # the next swap.
        if self._retired is not None:
            shutil.rmtree(self._retired, ignore_errors=True)
        self._retired = old.site_dir if old is not None else None
        if changed_again:
            if shown:
                self._wanted_epoch = livereload._timestamp()
            self._reload_browsers()

    def _reload_browsers(self) -> None:
        with self._epoch_cond:
            log.info("Reloading browsers")
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()

    def shutdown(self, wait: bool = False) -> None:
        """Stop serving; remove the folders served."""
        super().shutdown(wait=wait)
        for folder in (self._retired, Path(self.root)):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def _differs(old: BuiltSite | None, new: BuiltSite, url: str) -> bool:
    """Whether the page at ``url`` is not the same in the two builds."""
    before, after = (site.file_at(url) if site else None for site in (old, new))
    if before is None or after is None or old is None:
        return True
    try:
        first = (old.site_dir / before.dest_uri).read_bytes()
        return first != (new.site_dir / after.dest_uri).read_bytes()
    except OSError:
        return True


def serve(
    config_file: str | None = None,
    livereload: bool = True,
    build_type: str | None = None,
    watch_theme: bool = False,
    watch: Iterable[str] = (),
    *,
    open_in_browser: bool = False,
    **kwargs: Any,
) -> None:
    """MkDocs's ``serve`` (same options) with :class:`PreviewServer`; ``--dirty``, ``--clean``
    and ``--no-livereload`` run MkDocs's own."""
    if build_type is not None or not livereload:
        mkdocs_serve.LiveReloadServer = QuickReloadServer  # type: ignore[attr-defined]
        _MKDOCS_SERVE(
            config_file,
            livereload,
            build_type,
            watch_theme,
            list(watch),
            open_in_browser=open_in_browser,
            **kwargs,
        )
        return
    serve_url = ""

    def load(folder: str) -> MkDocsConfig:
        config = load_config(config_file=config_file, site_dir=folder, **kwargs)
        config.watch.extend(watch)
        if serve_url:
            config.site_url = serve_url
        return config

    config = load(tempfile.mkdtemp(prefix="playbook-preview-"))
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    config.site_url = serve_url = livereload_url(host, port, mount_path)
    logging.getLogger("mkdocs.commands.build").addFilter(_quiet)
    site = PreviewSite(load, serve_url)
    try:
        log.info("Building documentation...")
        site.build(config)
        server = PreviewServer(site, host=host, port=port, mount_path=mount_path)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        if watch_theme:
            for folder in config.theme.dirs:
                server.watch(folder)
        served = config.plugins.on_serve(server, config=config, builder=site.build)
        for item in config.watch:
            served.watch(item)
        try:
            served.serve(open_in_browser=open_in_browser)  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            served.shutdown()
    finally:
        config.plugins.on_shutdown()
        if site.built is not None:
            shutil.rmtree(site.built.site_dir, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    # Once: a second SIGTERM (`playbook serve` passes its own on) must not cut the clean-up.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


#: MkDocs's own ``serve``, run for the options :func:`serve` leaves to it.
_MKDOCS_SERVE = mkdocs_serve.serve


def main(argv: list[str] | None = None) -> None:
    """Run the ``mkdocs`` command line (``serve`` and its options) with the preview server."""
    from mkdocs.__main__ import cli

    mkdocs_serve.serve = serve
    # Stopped (by `playbook serve`), stop as on Ctrl-C: the built sites are removed.
    signal.signal(signal.SIGTERM, _interrupt)
    cli.main(args=sys.argv[1:] if argv is None else argv, prog_name="mkdocs")


if __name__ == "__main__":
    main()
