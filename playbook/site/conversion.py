"""The generator's Python-Markdown extension: its pages converted with less work, to the same HTML.

The hooks add :class:`GeneratorExtension` to the site's Markdown extensions. It passes the
renderers' HTML blocks through unparsed (:mod:`playbook.site.html_blocks`) and skips inline
patterns that cannot match (:mod:`playbook.site.quick_inline`). A plain build of the rendered
tree (``playbook render``) does without it and gives the same pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown import Extension

from playbook.site.html_blocks import PRIORITY, StashBlocks
from playbook.site.quick_inline import INLINE_PRIORITY, QuickInlineProcessor

if TYPE_CHECKING:
    from markdown import Markdown


class GeneratorExtension(Extension):
    """Register the two processors."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Stash marked HTML blocks; replace the core inline processor with the quick one."""
        md.preprocessors.register(StashBlocks(md), "playbook_html_blocks", PRIORITY)
        md.treeprocessors.register(QuickInlineProcessor(md), "inline", INLINE_PRIORITY)

    def __repr__(self) -> str:
        """A stable name: the page cache keys pages on the extensions' representation."""
        return f"{__name__}.GeneratorExtension()"
