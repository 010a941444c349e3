"""The site's search engine: Pagefind's chunked index behind Material's search box, or Material's.

Material's search plugin writes one ``search/search_index.json`` holding the text of every
page, which each reader's browser loads whole (about 11 MB for a 3,000-task playbook).
Pagefind indexes the built site instead and splits the index into chunks: a query loads only
the chunks of its words and a fragment per page it shows. ``extra.search_engine`` in
``mkdocs.yml`` picks one of :data:`ENGINES`:

- ``pagefind`` (the default): after the build, :func:`index_site` runs Pagefind over the
  article of every searchable page (``data-pagefind-body``, set by ``overrides/main.html``),
  leaving out what carries ``data-pagefind-ignore``; Material's search plugin indexes nothing
  (:func:`playbook.site.search_cache.leave_to_pagefind`) and the search box asks
  ``overrides/assets/javascripts/pagefind-worker.js``;
- ``material``: Material's own index (``playbook serve`` uses it: Pagefind reindexes the whole
  site, too slow for every edit).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playbook.site import config_file

if TYPE_CHECKING:
    from collections.abc import Mapping

#: The setting in ``mkdocs.yml``'s ``extra``, and its values.
SETTING = config_file.SEARCH_ENGINE
PAGEFIND = "pagefind"
MATERIAL = config_file.MATERIAL_SEARCH
#: The search engines, the default first.
ENGINES = (PAGEFIND, MATERIAL)
#: The folder of Pagefind's bundle in the site (the worker loads ``pagefind/pagefind.js``).
BUNDLE = "pagefind"
#: The theme's own controls inside an article, which are not its text: the permalink mark
#: after each heading and the edit button.
THEME_CONTROLS = "a.headerlink, .md-content__button"
#: Names another Pagefind binary than the one of the ``pagefind-bin`` wheel.
BINARY_ENV = "PLAYBOOK_PAGEFIND"


class PagefindError(Exception):
    """Pagefind is missing or failed; the message is one line."""


def search_engine(extra: Mapping[str, Any]) -> str:
    """The engine ``extra`` (a MkDocs config's ``extra``) asks for; :data:`PAGEFIND` if none.

    Raises:
        PagefindError: The setting names no engine of :data:`ENGINES`.
    """
    value = extra.get(SETTING)
    if value is None:
        return PAGEFIND
    if value not in ENGINES:
        raise PagefindError(
            f"mkdocs.yml: extra.{SETTING} is {value!r}; use one of: {', '.join(ENGINES)}"
        )
    return str(value)


def executable() -> str:
    """The Pagefind binary: ``$PLAYBOOK_PAGEFIND``, else the ``pagefind-bin`` wheel's."""
    named = os.environ.get(BINARY_ENV)
    if named:
        return named
    try:
        import pagefind_bin  # type: ignore[import-untyped]

        return str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError) as exc:
        raise PagefindError(
            "Pagefind is not installed: run \"pip install 'pagefind[bin]'\" (or 'make setup')"
        ) from exc


def index_site(site_dir: Path) -> None:
    """Index the built site into ``site_dir/pagefind``, replacing any earlier bundle.

    Pagefind runs with an argument list (no shell) and writes into a temporary folder, which
    replaces the bundle only when Pagefind succeeded: a failure leaves no half-written index.

    Raises:
        PagefindError: Pagefind is missing, could not run, or failed (its last message said).
    """
    site = site_dir.resolve()
    command = executable()
    with tempfile.TemporaryDirectory(prefix="playbook-pagefind-") as tmp:
        bundle = Path(tmp) / BUNDLE
        cmd = [command, "--site", str(site), "--output-path", str(bundle), "--silent"]
        cmd += ["--exclude-selectors", THEME_CONTROLS]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise PagefindError(f"Pagefind could not run ({command}): {exc.strerror}") from exc
        if proc.returncode != 0 or not (bundle / "pagefind.js").is_file():
            # Its last error, else the last thing it said.
            said = [line.strip() for line in proc.stdout.splitlines() + proc.stderr.splitlines()]
            last = next((line for line in reversed(said) if line), "no message")
            raise PagefindError(f"Pagefind failed to index {site} (exit {proc.returncode}): {last}")
        target = site / BUNDLE
        if target.is_dir():
            shutil.rmtree(target)
        shutil.move(bundle, target)
