"""The second engine: build the ``playbook render`` tree with Zensical instead of MkDocs.

Material for MkDocs reaches end of life on 5 May 2027; Zensical, its successor, reads
``mkdocs.yml``, renders Python-Markdown and validates links strictly, but runs no MkDocs hooks
or plugins and has no API for generated pages. So the playbook hands it what ``playbook render``
writes (every page final, diagrams as SVG files) and a flattened config without the generator:

1. :func:`zensical_config` turns the project's config into one Zensical reads: ``INHERIT``
   merged, ``!ENV`` resolved, no hooks, no macros, only the ``search`` plugin (Zensical brings
   its own), the theme overrides by absolute path, the site inside the project folder.
2. :func:`adapt_links` rewrites relative links in raw HTML for Zensical, which reads them
   relative to the page's *source* folder where MkDocs leaves them relative to its *URL*.
3. :func:`zensical_build` runs ``zensical build --strict`` in a child process.

Only the page tree differs between the engines (see ``docs/engines.md``): the print page, git
dates and the serve rebuild cache are MkDocs plugins and hooks, which Zensical does not run.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from playbook.cli.tools import installed_command
from playbook.site.config_file import (
    MATERIAL_SEARCH,
    SEARCH_ENGINE,
    read_config,
    resolve_tags,
)

if TYPE_CHECKING:
    from playbook.cli.render_tree import RenderedTree

#: The Zensical release the playbook is built and tested with. Newer releases (0.1.x) need the
#: ``zensical-ui`` package, which the package index this project installs from does not serve.
ZENSICAL_VERSION = "0.0.73"

#: Plugins Zensical provides itself; every other MkDocs plugin is left out of its config.
_KEPT_PLUGINS = ("search",)

#: Keys that configure MkDocs's generator, not the site: Zensical gets none of them.
_DROPPED_KEYS = ("hooks", "watch", "INHERIT", "site_dir", "docs_dir", "plugins", "nav")


class ZensicalError(Exception):
    """Zensical is missing, or its build failed; the message says which and why."""


def zensical_executable() -> str:
    """The ``zensical`` command: beside this Python (the optional extra) or on PATH."""
    found = installed_command("zensical")
    if not found:
        raise ZensicalError(
            "Zensical is not installed: run "
            f"\"pip install -e '.[zensical]'\" (zensical=={ZENSICAL_VERSION})"
        )
    return found


def _plugin_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def zensical_config(config: Path, nav: list[Any], *, overrides: str | None) -> str:
    """The flattened config that builds ``docs/`` into ``site/`` beside it with Zensical.

    Args:
        config: The project's ``mkdocs.yml`` (it may ``INHERIT`` another).
        nav: The site nav of the rendered tree (``RenderedTree.nav``).
        overrides: The theme overrides folder to name, relative to the written config.

    Returns:
        YAML text, to be written in the folder that holds ``docs/``.
    """
    raw = resolve_tags(read_config(config))
    doc: dict[str, Any] = {k: v for k, v in raw.items() if k not in _DROPPED_KEYS}
    theme = {k: v for k, v in (doc.get("theme") or {}).items() if k != "custom_dir"}
    if overrides is not None:
        theme["custom_dir"] = overrides
    # The classic variant keeps Material's look (header, palette, partials the overrides extend).
    theme.setdefault("variant", "classic")
    # Edit buttons would open the rendered file, which is not in the repository: MkDocs gets
    # each generated page's data file from the hooks, Zensical runs none (docs/engines.md).
    theme["features"] = [f for f in theme.get("features") or [] if f != "content.action.edit"]
    doc["theme"] = theme
    plugins = [p for p in raw.get("plugins", ["search"]) or [] if _plugin_name(p) in _KEPT_PLUGINS]
    doc.update(docs_dir="docs", site_dir="site", plugins=plugins, nav=nav)
    # Zensical searches with its own index; the theme overrides' Pagefind mode stays off.
    doc["extra"] = {**(doc.get("extra") or {}), SEARCH_ENGINE: MATERIAL_SEARCH}
    header = "# Written by `playbook render --zensical-config`: the rendered tree, no generator.\n"
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


#: Theme overrides that copy a Material 9.8 partial whole: Zensical's classic theme has its own
#: version of the partial, so these stay out of its build (``docs/engines.md`` lists them).
MATERIAL_ONLY_OVERRIDES = ("partials/search.html",)


def write_zensical_config(config: Path, nav: list[Any], target: Path) -> None:
    """Write ``target`` (the Zensical config) and the theme overrides it names beside it."""
    raw = resolve_tags(read_config(config))
    custom_dir = (raw.get("theme") or {}).get("custom_dir")
    overrides = None
    if custom_dir:
        # MkDocs resolves the overrides against the config's folder; the build runs elsewhere.
        source = (config.parent / str(custom_dir)).resolve()
        folder = target.parent / "overrides"
        if folder.exists():
            shutil.rmtree(folder)
        ignored = {source / name for name in MATERIAL_ONLY_OVERRIDES}

        def material_only(folder: str, names: list[str]) -> list[str]:
            return [name for name in names if Path(folder, name) in ignored]

        shutil.copytree(source, folder, ignore=material_only)
        overrides = "overrides"
    target.write_text(zensical_config(config, nav, overrides=overrides), encoding="utf-8")


_HTML_LINK = re.compile(r'(?P<attr>\b(?:href|src)=")(?P<url>[^"#][^"]*)"')


def _source_relative(uri: str, url: str) -> str:
    """A link written relative to the page's URL, rewritten relative to its source folder."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return url
    page_url = uri[: -len(".md")] + "/"  # people/raci.md is served at people/raci/
    target = posixpath.normpath(posixpath.join(page_url, parts.path))
    relative = posixpath.relpath(target, posixpath.dirname(uri) or ".")
    if parts.path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return (
        relative
        + (f"?{parts.query}" if parts.query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


def adapt_links(tree: RenderedTree) -> RenderedTree:
    """The tree with raw-HTML links of non-index pages made relative to their source folder.

    MkDocs copies raw HTML as written, so the generator writes its links relative to the page's
    URL (``people/raci/``). Zensical resolves them from the page's source folder (``people/``)
    as it does Markdown links. An index page's URL is its source folder, so it is left as is.
    """
    pages = {uri: _adapt_page(uri, markdown) for uri, markdown in tree.pages.items()}
    return dataclasses.replace(tree, pages=pages)


def _adapt_page(uri: str, markdown: str) -> str:
    if posixpath.basename(uri) == "index.md":
        return markdown

    def adapt(match: re.Match[str]) -> str:
        return f'{match.group("attr")}{_source_relative(uri, match.group("url"))}"'

    return _HTML_LINK.sub(adapt, markdown)


_ZENSICAL_ISSUE = re.compile(r"(error|warning|aborted|failed)", re.IGNORECASE)


def zensical_build(config: Path, site_dir: Path, env: dict[str, str] | None = None) -> None:
    """Render the tree and build it with ``zensical build --strict`` into ``site_dir``.

    The tree and the flattened config are written into a temporary project folder beside
    ``site_dir`` (Zensical writes its site inside the project), removed afterwards.

    Raises:
        ZensicalError: Zensical is missing, or the render or the build failed.
    """
    command = zensical_executable()
    env = {**os.environ, **(env or {})}
    project = Path(tempfile.mkdtemp(prefix=".zensical-", dir=site_dir.parent))
    try:
        render = [sys.executable, "-m", "playbook.cli", "render", "--config", str(config)]
        render += ["--out", str(project / "docs"), "--engine", "zensical"]
        render += ["--zensical-config", str(project / "zensical.yml")]
        proc = subprocess.run(render, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            raise ZensicalError(f"playbook render failed:\n{(proc.stderr + proc.stdout)[-4000:]}")
        cmd = [command, "build", "--strict", "--clean", "--config-file", "zensical.yml"]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, cwd=project, check=False
        )
        output = proc.stderr + proc.stdout
        if proc.returncode != 0 or not (project / "site" / "index.html").is_file():
            lines = [line for line in output.splitlines() if _ZENSICAL_ISSUE.search(line)]
            detail = "\n".join(lines[-40:]) or output[-4000:]
            raise ZensicalError(f"zensical build --strict failed:\n{detail}")
        if site_dir.exists():
            shutil.rmtree(site_dir)
        os.replace(project / "site", site_dir)
    finally:
        shutil.rmtree(project, ignore_errors=True)
