"""The mkdocs-macros entry point of the playbook (``module_name: macros`` in ``mkdocs.yml``).

:func:`define_env` registers the macros hand-written pages may call, and nothing else: the
macros are in ``playbook.render.page_macros`` and the work is done in the ``playbook`` package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from playbook.data.model import Playbook


def define_env(env: Any) -> None:
    """Register the playbook macros with mkdocs-macros (``env`` is its plugin object).

    The data is loaded when a macro is first called, not here: this runs before the hooks'
    ``on_config`` has checked the data, and must not fail on data errors the hooks report.
    """
    from pathlib import Path

    from playbook.data.issues import PlaybookError
    from playbook.render.page_macros import MacroContext, page_macros
    from playbook.render.pages import data_dir, diagram_cache_dir
    from playbook.render.svg import render_svg
    from playbook.site import preview

    def playbook() -> Playbook:
        result = preview.load(data_dir(env.conf["config_file_path"], env.conf["extra"]))
        if result.playbook is None:
            raise PlaybookError(result.issues)
        return result.playbook

    def page() -> str:
        return str(env.page.file.src_uri)

    def svg(dot: str) -> str:
        return render_svg(dot, cache_dir=diagram_cache_dir(env.conf["config_file_path"]))

    def docs() -> Mapping[str, str]:
        files = env.variables.get("files")
        pages = files.documentation_pages() if files else []
        return {f.src_uri: f.content_string for f in pages}

    def source(uri: str) -> str | None:
        path = Path(env.conf["docs_dir"]) / uri
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    context = MacroContext(playbook, page, svg, docs, source)
    for name, macro in page_macros(context).items():
        env.macro(macro, name)
