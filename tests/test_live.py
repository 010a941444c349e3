"""The preview server's watcher: a change starts a rebuild, a build reading its sources does not."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from watchdog.events import (
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileModifiedEvent,
    FileOpenedEvent,
)

from playbook.site.live import QuickReloadServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(name="server")
def fixture_server(tmp_path: Path) -> Iterator[QuickReloadServer]:
    """A server that is never bound or served: only its watcher runs."""
    server = QuickReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    yield server
    server.server_close()


def _wait_for_rebuild(server: QuickReloadServer, seconds: float) -> bool:
    with server._rebuild_cond:
        return server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=seconds)


def test_only_changes_ask_for_a_rebuild(server: QuickReloadServer, tmp_path: Path) -> None:
    handler = server._handler()
    path = str(tmp_path / "roles.yaml")
    for read in (FileOpenedEvent(path), FileClosedNoWriteEvent(path)):
        handler.on_any_event(read)
    assert not server._want_rebuild
    handler.on_any_event(FileModifiedEvent(path))
    assert server._want_rebuild
    server._want_rebuild = False
    handler.on_any_event(FileClosedEvent(path))
    assert server._want_rebuild


def test_a_real_write_is_seen_and_a_real_read_is_not(
    server: QuickReloadServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    roles = data / "roles.yaml"
    roles.write_text("roles: {}\n", encoding="utf-8")
    server.watch(str(data))
    server.observer.start()
    try:
        time.sleep(0.5)  # let the observer settle before touching the file
        assert roles.read_text(encoding="utf-8") == "roles: {}\n"
        assert not _wait_for_rebuild(server, 1.0)
        roles.write_text("roles: {a: {}}\n", encoding="utf-8")
        assert _wait_for_rebuild(server, 30.0)
    finally:
        server.observer.stop()
        server.observer.join()
