"""Converted pages kept across builds, by content hash; theme templates compiled once.

Converting every page's Markdown to HTML is the largest part of a build. A page whose final
Markdown (after the hooks and mkdocs-macros) is unchanged, on a site whose extensions and set of
files are unchanged, converts to the same HTML, table of contents, title and anchors:
:func:`render_page` reuses them. It keeps them in memory for the rebuilds of ``mkdocs serve``
and on disk, under ``.cache/pages`` beside the config, for the next ``mkdocs build`` or a
restarted server. The disk entries are JSON signed with a key outside the checkout
(:mod:`playbook.signed_cache`): a planted or altered entry is ignored and the page converted.
A page whose conversion logged a warning is never kept, so a strict build reports it again.
After each build the disk entries that build did not use are deleted (:func:`finish_build`).

Renaming a role changes about a quarter of the reference playbook's pages; editing one task's
description, a page or two. Theme templates are compiled once per server rather than once per
rebuild. The state lives here, not in ``hooks.py``, which MkDocs runs anew on every rebuild.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import logging
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markdown import Extension
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from playbook.signed_cache import SignedStore

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

#: Bumped when the entries' shape changes.
FORMAT = 1
#: Distributions whose code turns Markdown into a page's HTML.
_ENGINES = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "pygments")


class _Templates(jinja2.BytecodeCache):
    """Compiled theme templates, in memory, checked against each template's source."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill ``bucket`` from memory (Jinja then checks its source checksum)."""
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a freshly compiled template."""
        self._code[bucket.key] = bucket.bytecode_to_string()


_serving = False
#: In memory, by page: the key and the entry of its last conversion.
_memory: dict[str, tuple[str, dict[str, Any]]] = {}
_site: tuple[int, str | None] = (0, None)
_store: SignedStore | None = None
_counts = {"converted": 0, "cached": 0}
_templates = _Templates()


def enable() -> None:
    """Keep converted pages in memory and compile theme templates once, from now on
    (``mkdocs serve``)."""
    global _serving
    _serving = True


def clear() -> None:
    """Forget every page kept in memory (tests)."""
    _memory.clear()


def use_template_cache(env: jinja2.Environment) -> None:
    """Let the theme environment of this rebuild reuse templates compiled by earlier ones."""
    if _serving:
        env.bytecode_cache = _templates


def start_build(config: MkDocsConfig) -> None:
    """Open the disk store beside the config and reset the counts (before any page renders)."""
    global _store, _site
    project = Path(config.config_file_path or ".").resolve().parent
    folder = project / ".cache" / "pages"
    if _store is None or _store.folder != folder:
        _store = SignedStore(folder, "pages", project)
    _store.forget_use()
    _counts.update(converted=0, cached=0)
    # Keyed by the Files object's id, which a later build's Files may reuse.
    _site = (0, None)


def finish_build() -> tuple[int, int]:
    """Delete the disk entries this build did not use; the pages converted and reused."""
    if _store is not None:
        _store.evict_unused()
    return _counts["converted"], _counts["cached"]


def _canonical(value: Any) -> Any:
    """``value`` as JSON-able data that is the same in every process, or TypeError."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, Extension):  # an extension given as an object, with its settings
        kind = type(value)
        return {f"{kind.__module__}.{kind.__qualname__}": _canonical(value.getConfigs())}
    raise TypeError(f"no stable form for {type(value).__name__}")


@functools.cache
def _engine_versions() -> str:
    found = []
    for name in _ENGINES:
        try:
            found.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} absent")
    return ";".join(found)


def _extension_source(extension: str | Extension) -> str:
    """The SHA-256 of an extension module's source, for extensions outside the engines."""
    if isinstance(extension, Extension):
        return _module_source(type(extension).__module__)
    return _module_source(extension)


@functools.cache
def _module_source(name: str) -> str:
    """The SHA-256 of a module's source; for a module of an installed distribution, its file
    (the distribution's version is keyed too), else every module beside it, which it may
    import (the generator's extension imports its processors from ``playbook.site``)."""
    for module in (name, f"markdown.extensions.{name}"):
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.origin or not Path(spec.origin).is_file():
            continue
        origin = Path(spec.origin)
        installed = any(part in {"site-packages", "dist-packages"} for part in origin.parts)
        digest = hashlib.sha256()
        for path in [origin] if installed else sorted(origin.parent.glob("*.py")):
            digest.update(f"{path.name}\0".encode() + path.read_bytes())
        return digest.hexdigest()
    return "unknown"


def _site_key(config: MkDocsConfig, files: Files) -> str | None:
    """What, besides its own Markdown, a page's HTML depends on: the engines, the extensions
    and their settings, and every file's URL. None when a setting has no stable form (an
    object of an unknown kind): then pages are kept nowhere."""
    global _site
    if _site[0] != id(files):
        # An extension may be an object (the hooks add playbook.site.html_blocks's): it is
        # named by its class and settings (_canonical), never by its repr or address.
        extensions = config["markdown_extensions"]
        try:
            settings = json.dumps(
                _canonical(
                    {
                        "format": FORMAT,
                        "engines": _engine_versions(),
                        "extensions": extensions,
                        "sources": [_extension_source(e) for e in extensions],
                        "mdx_configs": config["mdx_configs"] or {},
                        "use_directory_urls": config["use_directory_urls"],
                        "validation": config["validation"],
                    }
                ),
                sort_keys=True,
            )
        except TypeError:
            _site = (id(files), None)
            return None
        parts = [settings, *(f"{f.src_uri}\0{f.dest_uri}" for f in files)]
        _site = (id(files), hashlib.sha256("\n".join(parts).encode()).hexdigest())
    return _site[1]


def _toc_data(items: list[AnchorLink]) -> list[Any]:
    return [[i.title, i.id, i.level, _toc_data(i.children)] for i in items]


def _toc_of(data: list[Any]) -> list[AnchorLink]:
    items = []
    for title, anchor, level, children in data:
        item = AnchorLink(title, anchor, level)
        item.children = _toc_of(children)
        items.append(item)
    return items


def _entry(page: Page) -> dict[str, Any]:
    links: Any = page.links_to_anchors
    return {
        "content": page.content or "",
        "toc": _toc_data(list(page.toc.items)),
        "title": page._title_from_render,
        # Sorted for a stable entry; MkDocs may collect a None among the ids.
        "anchors": sorted(page.present_anchor_ids or (), key=str),
        "links": None
        if links is None
        else {
            f.src_uri: dict(sorted(a.items(), key=str)) for f, a in sorted(links.items(), key=_uri)
        },
    }


def _uri(item: tuple[Any, Any]) -> str:
    return str(item[0].src_uri)


def _restore(page: Page, entry: dict[str, Any], files: Files) -> bool:
    """Give ``page`` what its conversion produced; False when ``entry`` cannot serve it."""
    # Page.render keeps links to anchors only above DEBUG, as MkDocs does.
    wants_links = logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG
    if wants_links and entry["links"] is None:
        return False
    page.content = entry["content"]
    page.toc = TableOfContents(_toc_of(entry["toc"]))
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchors"])
    if wants_links:
        page.links_to_anchors = {
            target: dict(anchors)
            for uri, anchors in entry["links"].items()
            if (target := files.get_file_from_path(uri)) is not None
        }
    return True


def _from_disk(key: str) -> dict[str, Any] | None:
    payload = _store.read(key) if _store is not None else None
    if payload is None:
        return None
    try:
        entry = json.loads(payload)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


class _Warnings(logging.Handler):
    """Counts the warnings logged while a page converts."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def render_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    """``page.render(config, files)``, reusing an earlier conversion of the same Markdown."""
    site = _site_key(config, files) if page.markdown is not None else None
    if site is None:
        _counts["converted"] += 1
        Page.render(page, config, files)
        return
    uri = page.file.src_uri
    key = hashlib.sha256(f"{site}\0{uri}\0{page.markdown}".encode()).hexdigest()
    kept = _memory.get(uri)
    entry = kept[1] if kept is not None and kept[0] == key else _from_disk(key)
    if entry is not None:
        try:
            restored = _restore(page, entry, files)
        except (KeyError, TypeError, ValueError):  # an entry of another shape
            restored = False
        if restored:
            if _store is not None:
                _store.used.add(key)
            if _serving:
                _memory[uri] = (key, entry)
            _counts["cached"] += 1
            return
    counter = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        Page.render(page, config, files)
    finally:
        logger.removeHandler(counter)
    _counts["converted"] += 1
    if counter.count:
        _memory.pop(uri, None)
        return
    entry = _entry(page)
    if _serving:
        _memory[uri] = (key, entry)
    if _store is not None:
        _store.write(key, json.dumps(entry, sort_keys=True, ensure_ascii=False))
