"""The macros hand-written pages may call: one table for mkdocs-macros and ``playbook render``.

The functions close over a :class:`MacroContext`: where the playbook, the current page, the
diagram renderer and the hand-written pages come from. mkdocs-macros fills it from its plugin
object (:func:`macros.define_env`); ``playbook render`` (:mod:`playbook.cli.render_tree`) fills it
from the docs folder, so a page expands the same way in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playbook.data.params import MACRO_CALL
from playbook.render import home, parameters, refs, sources
from playbook.render.markdown import text

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from playbook.data.model import Playbook


def _no_source(uri: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class MacroContext:
    """Where the macros get what they need, each asked for when a macro runs.

    Attributes:
        playbook: The validated playbook (loaded on first use, after the hooks checked it).
        page: The source URI of the page being rendered.
        svg: Turns DOT text into SVG text (``playbook.render.svg.render_svg`` with its cache).
        docs: The hand-written pages, source URI to Markdown.
        source: A hand-written page's text as its author wrote it (a chapter before it is
            merged into its phase page), or None; error messages point into it.
    """

    playbook: Callable[[], Playbook]
    page: Callable[[], str]
    svg: Callable[[str], str]
    docs: Callable[[], Mapping[str, str]]
    source: Callable[[str], str | None] = _no_source


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

    def param(name: str, scope: str | int | None = None) -> str:
        """A policy parameter's value and unit, linked to the parameters page.

        ``param("monitoring.psi_alert")``; ``param("x", "aml_suspicious_activity")`` or
        ``param("x", 1)`` for the value of one use case or risk tier.
        """
        try:
            return parameters.render_param(ctx.playbook(), ctx.page(), name, scope)
        except ValueError as exc:
            raise ValueError(_located(ctx, "param", name, str(exc))) from None

    def param_table(name: str) -> str:
        """A table of a parameter's value per risk tier or use case."""
        try:
            return parameters.render_param_table(ctx.playbook(), ctx.page(), name)
        except ValueError as exc:
            raise ValueError(_located(ctx, "param_table", name, str(exc))) from None

    def literal(value: str) -> str:
        """A number written on purpose (an example, a regulation's own figure): the number lint
        leaves it alone. ``literal("6 years")``."""
        return text(value)

    def source_register() -> str:
        """Every regulatory source with its date and status, current ones first."""
        return sources.render_source_register(ctx.playbook(), ctx.page())

    return {
        macro.__name__: macro
        for macro in (
            playbook_title,
            count,
            ref,
            lifecycle_diagram,
            audience_cards,
            param,
            param_table,
            literal,
            source_register,
        )
    }


def _located(ctx: MacroContext, macro: str, name: str, message: str) -> str:
    """``docs/PAGE:LINE:COL: message``, pointing at the macro call that failed.

    A chapter merged into a generated phase page is searched in its own file, so the line is
    the one its author sees.
    """
    page = ctx.page()
    chapter = {v: k for k, v in parameters.chapter_pages(ctx.playbook()).items()}.get(page, page)
    source = ctx.source(chapter)
    if source is None:
        source = ctx.docs().get(chapter, "")
    line, col = 1, 1
    for match in MACRO_CALL.finditer(source):
        if match.group(2) == name and match.group(0).startswith(macro + "("):
            line = source.count("\n", 0, match.start()) + 1
            col = match.start() - source.rfind("\n", 0, match.start())
            break
    return f"docs/{chapter}:{line}:{col}: {message}"
