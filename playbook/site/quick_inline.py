"""Skip the inline patterns that cannot match a piece of text, before trying their regex.

Python-Markdown tries every inline pattern (links, emphasis, code, escapes, HTML, entities...)
on every piece of text of a page, one after the other: most of a large generated page's
conversion is spent on table cells and list items where almost none of them can match. Each
core pattern needs some text to be present: a link needs ``[``, code a backtick, emphasis one
of its delimiters (``*``, ``_``), HTML and autolinks ``<``, an entity ``&``, an escape ``\\``,
a line break two spaces and a newline. :class:`QuickInlineProcessor` looks for that text first
(a scan in C) and skips the pattern when it is absent, which gives the same result as trying
it: its regex cannot match without it, and a pattern whose regex finds nothing changes
nothing.
Patterns it does not know (from other extensions, or a core name taken by another class or
regex) are always tried.

It overrides one private method of Python-Markdown's ``InlineProcessor``
(``__handleInline``), copied with that check added: ``markdown`` is pinned below its next
major version, and ``tests/test_quick_inline.py`` converts every page both ways.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown import inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

if TYPE_CHECKING:
    import xml.etree.ElementTree as etree

#: The core patterns, by registered name: their class, their regex and the texts one of which
#: any match holds. Emphasis (``em_strong``) is a delimiter processor: its delimiters (``*``,
#: ``_`` and any an extension adds) are read from it.
TRIGGERS: dict[str, tuple[type, str | None, tuple[str, ...]]] = {
    "backtick": (inlinepatterns.BacktickInlineProcessor, inlinepatterns.BACKTICK_RE, ("`",)),
    "escape": (inlinepatterns.EscapeInlineProcessor, inlinepatterns.ESCAPE_RE, ("\\",)),
    "reference": (inlinepatterns.ReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, ("[",)),
    "link": (inlinepatterns.LinkInlineProcessor, inlinepatterns.LINK_RE, ("[",)),
    "image_link": (inlinepatterns.ImageInlineProcessor, inlinepatterns.IMAGE_LINK_RE, ("![",)),
    "image_reference": (
        inlinepatterns.ImageReferenceInlineProcessor,
        inlinepatterns.IMAGE_REFERENCE_RE,
        ("![",),
    ),
    "short_reference": (
        inlinepatterns.ShortReferenceInlineProcessor,
        inlinepatterns.REFERENCE_RE,
        ("[",),
    ),
    "short_image_ref": (
        inlinepatterns.ShortImageReferenceInlineProcessor,
        inlinepatterns.IMAGE_REFERENCE_RE,
        ("![",),
    ),
    "autolink": (inlinepatterns.AutolinkInlineProcessor, inlinepatterns.AUTOLINK_RE, ("<",)),
    "automail": (inlinepatterns.AutomailInlineProcessor, inlinepatterns.AUTOMAIL_RE, ("<",)),
    "linebreak": (
        inlinepatterns.SubstituteTagInlineProcessor,
        inlinepatterns.LINE_BREAK_RE,
        ("  \n",),
    ),
    "html": (inlinepatterns.HtmlInlineProcessor, inlinepatterns.HTML_RE, ("<",)),
    "entity": (inlinepatterns.HtmlInlineProcessor, inlinepatterns.ENTITY_RE, ("&",)),
    "em_strong": (inlinepatterns.DelimiterProcessor, None, ()),
}


#: Where Python-Markdown registers its inline processor.
INLINE_PRIORITY = 20


class QuickInlineProcessor(InlineProcessor):
    """Python-Markdown's inline processor, skipping patterns whose character is absent."""

    #: :meth:`_triggers` of this conversion, read once per piece of text.
    _needles: list[tuple[str, ...] | None]

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        """Read the patterns' texts for this conversion, then process the tree as the core."""
        self._needles = self._triggers()
        return super().run(tree, ancestors)

    def _triggers(self) -> list[tuple[str, ...] | None]:
        """Each pattern's texts, in the registry's order; None to always try it."""
        patterns = self.inlinePatterns
        found: list[tuple[str, ...] | None] = [None] * len(patterns)
        for name, (kind, regex, needles) in TRIGGERS.items():
            if name not in patterns:
                continue
            index = patterns.get_index_for_name(name)
            pattern = patterns[index]
            if type(pattern) is not kind or (
                regex is not None and getattr(pattern, "pattern", None) != regex
            ):
                continue
            if isinstance(pattern, inlinepatterns.DelimiterProcessor):
                needles = tuple(pattern.tokens)  # its regex: these, escaped, as alternatives
            found[index] = needles if all(needles) and needles else None
        return found

    def _InlineProcessor__handleInline(
        self,
        data: str,
        patternIndex: int = 0,
    ) -> str:
        """``InlineProcessor.__handleInline``, with the character check before each pattern."""
        if isinstance(data, util.AtomicString):
            return data
        triggers = self._needles
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        count = len(self.inlinePatterns)
        while patternIndex < count:
            needles = triggers[patternIndex]
            if needles is not None and not any(needle in data for needle in needles):
                patternIndex += 1
                start = 0  # what trying it and finding no match returns
                continue
            data, matched, start = apply(
                self.inlinePatterns[patternIndex], data, patternIndex, start
            )
            if not matched:
                patternIndex += 1
        return data
