"""The macros hand-written pages may call: one table for mkdocs-macros and ``playbook render``.

The functions close over a :class:`MacroContext`: where the playbook, the current page, the
diagram renderer and the hand-written pages come from. mkdocs-macros fills it from its plugin
object (:func:`macros.define_env`); ``playbook render`` (:mod:`playbook.cli.render_tree`) fills it
from the docs folder, so a page expands the same way in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playbook.render import home, refs
from playbook.render.markdown import text

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from playbook.data.model import Playbook


@dataclass(frozen=True, slots=True)
class MacroContext:
    """Where the macros get what they need, each asked for when a macro runs.

    Attributes:
        playbook: The validated playbook (loaded on first use, after the hooks checked it).
        page: The source URI of the page being rendered.
        svg: Turns DOT text into SVG text (``playbook.render.svg.render_svg`` with its cache).
        docs: The hand-written pages, source URI to Markdown.
    """

    playbook: Callable[[], Playbook]
    page: Callable[[], str]
    svg: Callable[[str], str]
    docs: Callable[[], Mapping[str, str]]


def page_macros(ctx: MacroContext) -> dict[str, Callable[..., Any]]:
    """The macro table: short name (as page authors write it) to function."""

    def playbook_title() -> str:
        """The playbook's title (data/playbook.yaml)."""
        return text(ctx.playbook().meta.title)

    def count(kind: str) -> int:
        """How many records of a kind: roles, phases, tasks, gates, tools, use_cases, ..."""
        return home.count(ctx.playbook(), kind)

    def ref(kind: str, record_id: str) -> str:
        """A link to a record: ref('task', 'approve_use_case_intake'), ref('role', ...)."""
        return refs.ref(ctx.playbook(), ctx.page(), kind, record_id)

    def lifecycle_diagram() -> str:
        """The lifecycle diagram; its nodes link to the phase pages and sub-phase anchors."""
        return home.lifecycle_diagram(ctx.playbook(), ctx.page(), ctx.svg)

    def audience_cards() -> str:
        """Cards linking the audience guides in docs/audiences/."""
        docs = {uri: md for uri, md in ctx.docs().items() if uri.startswith("audiences/")}
        return home.render_audience_cards(ctx.page(), home.audiences_from_docs(docs))

    return {
        macro.__name__: macro
        for macro in (playbook_title, count, ref, lifecycle_diagram, audience_cards)
    }
