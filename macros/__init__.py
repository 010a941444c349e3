"""The MLOps playbook generator: load, validate and render playbook data for MkDocs.

As the mkdocs-macros module (``module_name: macros``), :func:`define_env` registers the macros
hand-written pages may call. It only registers: the work is done in ``macros.render``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from macros.model import Playbook


def define_env(env: Any) -> None:
    """Register the playbook macros with mkdocs-macros (``env`` is its plugin object).

    The data is loaded when a macro is first called, not here: this runs before the hooks'
    ``on_config`` has checked the data, and must not fail on data errors the hooks report.
    """
    from macros.issues import PlaybookError
    from macros.loader import load_playbook
    from macros.pages import data_dir, diagram_cache_dir
    from macros.render import home, refs
    from macros.render.markdown import text
    from macros.render.svg import render_svg

    def playbook() -> Playbook:
        result = load_playbook(data_dir(env.conf["config_file_path"], env.conf["extra"]))
        if result.playbook is None:
            raise PlaybookError(result.issues)
        return result.playbook

    def page() -> str:
        return str(env.page.file.src_uri)

    def playbook_title() -> str:
        """The playbook's title (data/playbook.yaml)."""
        return text(playbook().meta.title)

    def count(kind: str) -> int:
        """How many records of a kind: roles, phases, tasks, gates, tools, use_cases, ..."""
        return home.count(playbook(), kind)

    def ref(kind: str, record_id: str) -> str:
        """A link to a record: ref('task', 'approve_use_case_intake'), ref('role', ...)."""
        return refs.ref(playbook(), page(), kind, record_id)

    def lifecycle_diagram() -> str:
        """The lifecycle diagram; its nodes link to the phase pages and sub-phase anchors."""
        svg = functools.partial(
            render_svg, cache_dir=diagram_cache_dir(env.conf["config_file_path"])
        )
        return home.lifecycle_diagram(playbook(), page(), svg)

    def audience_cards() -> str:
        """Cards linking the audience guides in docs/audiences/."""
        files = env.variables.get("files")
        docs = {
            f.src_uri: f.content_string
            for f in (files.documentation_pages() if files else [])
            if f.src_uri.startswith("audiences/")
        }
        return home.render_audience_cards(page(), home.audiences_from_docs(docs))

    for macro in (playbook_title, count, ref, lifecycle_diagram, audience_cards):
        env.macro(macro, macro.__name__)
