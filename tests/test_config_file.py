"""Reading MkDocs configs as written, and the configs derived from the project's."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.site.config_file import (
    PREVIEW_SKIPS,
    plain_config,
    preview_config,
    read_config,
    setting,
)

BASE = """\
plugins:
  - search
  - macros:
      module_name: macros
  - print-site:
      add_cover_page: true
  - git-revision-date-localized
  - other:
      enabled: !ENV [CI, false]
hooks: [playbook/site/hooks.py]
"""


def _names(config: dict) -> list[str]:  # type: ignore[type-arg]
    return [next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]]


def test_read_config_follows_inherit_and_resolves_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base.yml").write_text(
        "docs_dir: docs\nplugins: [search, macros]\nextra:\n  a: 1\n  data: !ENV [X_DATA, data]\n",
        encoding="utf-8",
    )
    child = tmp_path / "mkdocs.yml"
    child.write_text("INHERIT: base.yml\nextra:\n  b: 2\n", encoding="utf-8")
    monkeypatch.setenv("X_DATA", "elsewhere")
    config = read_config(child)
    assert setting(config, "extra", "a") == 1
    assert setting(config, "extra", "b") == 2
    assert setting(config, "extra", "data") == "elsewhere"
    monkeypatch.delenv("X_DATA")
    assert setting(config, "extra", "data") == "data"
    assert setting(config, "nope", default="x") == "x"


def test_plain_config_drops_the_generator_and_keeps_tags(tmp_path: Path) -> None:
    base = tmp_path / "mkdocs.yml"
    base.write_text(BASE, encoding="utf-8")
    text = plain_config(base, tmp_path / "rendered", [{"Home": "index.md"}])
    (tmp_path / "plain.yml").write_text(text, encoding="utf-8")
    own = read_config(tmp_path / "plain.yml")  # INHERIT merged: the plain file wins
    assert _names(own) == ["search", "print-site", "git-revision-date-localized", "other"]
    assert setting(own, "plugins")[3]["other"]["enabled"].tag == "!ENV"
    assert own["hooks"] == []
    assert own["docs_dir"] == str(tmp_path / "rendered")
    assert own["nav"] == [{"Home": "index.md"}]
    # Without the hooks nothing runs Pagefind: the theme searches with Material's own index.
    assert setting(own, "extra", "search_engine") == "material"


def test_preview_config_turns_the_whole_site_plugins_off(tmp_path: Path) -> None:
    base = tmp_path / "mkdocs.yml"
    base.write_text(BASE, encoding="utf-8")
    (tmp_path / "preview.yml").write_text(preview_config(base), encoding="utf-8")
    own = read_config(tmp_path / "preview.yml")
    assert _names(own) == ["search", "macros", *PREVIEW_SKIPS, "other"]
    plugins = own["plugins"]
    assert plugins[2] == {"print-site": {"add_cover_page": True, "enabled": False}}
    assert plugins[3] == {"git-revision-date-localized": {"enabled": False}}
    assert own["hooks"] == ["playbook/site/hooks.py"]
    # Pagefind would index the whole site again after every edit: Material's index instead.
    assert setting(own, "extra", "search_engine") == "material"


def test_preview_config_sets_the_local_site_url_and_full_keeps_every_plugin(
    tmp_path: Path,
) -> None:
    base = tmp_path / "mkdocs.yml"
    base.write_text("site_url: https://example.org/playbook/\n" + BASE, encoding="utf-8")
    preview = tmp_path / "preview.yml"
    preview.write_text(preview_config(base, "http://127.0.0.1:8000/", full=True), encoding="utf-8")
    own = read_config(preview)
    assert setting(own, "site_url") == "http://127.0.0.1:8000/"
    assert _names(own) == _names(read_config(base))
    assert own["plugins"][2] == {"print-site": {"add_cover_page": True, "enabled": True}}
    assert own["plugins"][3] == "git-revision-date-localized"
    assert "extra" not in own  # the project's search engine (Pagefind by default)
    preview.write_text(preview_config(base), encoding="utf-8")
    assert setting(read_config(preview), "site_url") == "https://example.org/playbook/"
