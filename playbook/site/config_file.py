"""The MkDocs config file as written: read with ``INHERIT`` and ``!ENV``, and derived configs.

MkDocs's own loader validates and instantiates every plugin; these helpers only read settings
(``docs_dir``, ``extra``) and write configs that inherit the project's and change a few keys:
the plain config that builds ``playbook render`` output, and the preview config of
``playbook serve``. Custom tags (``!ENV``, ``!!python/name:``) are kept as they were written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from pathlib import Path


class ConfigError(Exception):
    """The file is not a MkDocs config."""


class _Tagged:
    """A YAML value under a custom tag (``!ENV``, ``!!python/name:``), kept to be written back."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value

    def resolve(self) -> Any:
        """The value MkDocs would see: ``!ENV`` reads the environment; other tags, the value."""
        if self.tag != "!ENV":
            return self.value
        names = self.value if isinstance(self.value, list) else [self.value]
        for name in names[:-1] if len(names) > 1 else names:
            if isinstance(name, str) and name in os.environ:
                return os.environ[name]
        return names[-1] if len(names) > 1 else None


class _ConfigLoader(yaml.SafeLoader):
    """A safe loader that keeps MkDocs's custom tags instead of running them."""


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return _Tagged(node.tag, value)


_ConfigLoader.add_multi_constructor("!", _construct_tagged)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)


class _ConfigDumper(yaml.SafeDumper):
    """Writes :class:`_Tagged` values back under their tags."""


def _represent_tagged(dumper: yaml.SafeDumper, value: _Tagged) -> yaml.Node:
    if isinstance(value.value, list):
        return dumper.represent_sequence(value.tag, value.value)
    if isinstance(value.value, dict):
        return dumper.represent_mapping(value.tag, value.value)
    return dumper.represent_scalar(value.tag, str(value.value))


_ConfigDumper.add_representer(_Tagged, _represent_tagged)


def read_config(path: Path) -> dict[str, Any]:
    """An MkDocs config file as written, with ``INHERIT`` merged in as MkDocs merges it.

    Custom tags stay :class:`_Tagged`; read a setting with :func:`setting`.
    """
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: not a MkDocs config (a mapping)")
    parent = raw.pop("INHERIT", None)
    if parent is None:
        return raw
    return _merge(read_config(path.parent / str(parent)), raw)


def resolve_tags(value: Any) -> Any:
    """``value`` with every custom tag replaced by what MkDocs would see (``!ENV`` read)."""
    if isinstance(value, _Tagged):
        return resolve_tags(value.resolve())
    if isinstance(value, Mapping):
        return {key: resolve_tags(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_tags(item) for item in value]
    return value


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        merged[key] = (
            _merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return merged


def setting(config: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    """A setting of a :func:`read_config` config, ``!ENV`` resolved: ``setting(c, "docs_dir")``."""
    value: Any = config
    for key in keys:
        value = value.resolve() if isinstance(value, _Tagged) else value
        if not isinstance(value, Mapping) or key not in value:
            return default
        value = value[key]
    value = value.resolve() if isinstance(value, _Tagged) else value
    return default if value is None else value


def extra_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``extra`` settings of a :func:`read_config` config, each ``!ENV`` resolved."""
    return {key: setting(config, "extra", key) for key in setting(config, "extra", default={})}


def _plugin_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def plain_config(
    config: Path, docs_dir: Path, nav: list[Any], downloads: Iterable[str] = ()
) -> str:
    """A config building a rendered tree with the site's theme, extensions and other plugins.

    It inherits ``config`` and takes out only the generator: the macros plugin, the hooks and
    the watched data; search is Material's own (Pagefind runs from the hooks). The Markdown
    files in ``downloads`` (blank templates offered as files) are pages to plain MkDocs: they
    are kept out of the nav without a warning. Write it beside ``config`` (relative paths
    resolve from there).
    """
    raw = read_config(config)
    # MkDocs enables search when a config names no plugins.
    plugins = [p for p in raw.get("plugins", ["search"]) or [] if _plugin_name(p) != "macros"]
    doc: dict[str, Any] = {
        "INHERIT": config.name,
        "docs_dir": str(docs_dir),
        "hooks": [],
        "watch": [],
        "plugins": plugins,
        "nav": nav,
        "extra": {SEARCH_ENGINE: MATERIAL_SEARCH},
    }
    if listed := sorted(uri for uri in downloads if uri.endswith(".md")):
        doc["not_in_nav"] = "\n".join(f"/{uri}" for uri in listed) + "\n"
    header = "# A plain Material build of `playbook render` output: no macros, no hooks.\n"
    body = yaml.dump(doc, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


#: The ``extra`` setting naming the site's search engine (``playbook.site.pagefind``), and the
#: value of Material's own search, which configs without the hooks and previews use.
SEARCH_ENGINE = "search_engine"
MATERIAL_SEARCH = "material"
#: Plugins that redo whole-site work on every rebuild and add nothing to previewing an edit:
#: the print page (every page again, in one) and the git dates (a ``git log`` per page).
PREVIEW_SKIPS = ("print-site", "git-revision-date-localized")
#: The plugin that makes the print page; opt-in in the project's config.
PRINT_SITE = "print-site"


def preview_config(config: Path, site_url: str | None = None, *, full: bool = False) -> str:
    """A config for ``playbook serve``: the project's, inherited, for a local preview.

    The :data:`PREVIEW_SKIPS` plugins are off (both have an ``enabled`` option), and search is
    Material's own (Pagefind would index the whole site again after every edit), unless
    ``full``, which also turns the print page on (it is opt-in in the project's config).
    ``site_url``, when given, replaces the project's: ``mkdocs serve`` serves under the path of
    ``site_url``, and a preview belongs at the root of its local address. Write it beside
    ``config``.
    """
    raw = read_config(config)
    plugins = []
    for entry in raw.get("plugins", ["search"]) or []:
        name = _plugin_name(entry)
        options = entry[name] if isinstance(entry, dict) else None
        if name in PREVIEW_SKIPS and not full:
            entry = {name: {**(options or {}), "enabled": False}}
        elif name == PRINT_SITE and full:
            # The print page is opt-in (mkdocs.yml): a full preview asks for it.
            entry = {name: {**(options or {}), "enabled": True}}
        plugins.append(entry)
    doc: dict[str, Any] = {"INHERIT": config.name, "plugins": plugins}
    if not full:
        doc["extra"] = {SEARCH_ENGINE: MATERIAL_SEARCH}
    if site_url is not None:
        doc["site_url"] = site_url
    header = (
        "# Written by `playbook serve` (and removed when it stops): the site at the root of the\n"
        "# local address, without the print page, git dates and Pagefind so that a preview\n"
        "# rebuilds quickly (`playbook serve --full` keeps them).\n"
    )
    return header + yaml.dump(doc, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True)
