"""Pass the HTML blocks the renderers built whole through Python-Markdown without parsing them.

The RACI matrix, its roll-up, the overlay and gap tables, charts and diagrams are HTML that a
renderer built from escaped data (:func:`playbook.render.markdown.html_block` marks them with
two comment lines). Python-Markdown would parse each of them twice more: MkDocs reads every raw
HTML tag of a page for its anchors, and ``md_in_html`` parses each block to find Markdown
inside. On a large playbook that is much of the build. :class:`StashBlocks` (a preprocessor of
:mod:`playbook.site.conversion`'s extension) stores a marked block in Python-Markdown's HTML
stash as it stands, the way a raw block ends up anyway, and :func:`anchor_ids` gives the ids
in the blocks for MkDocs's anchor validation.

A block without its closing line is left to Python-Markdown, as any raw HTML.
"""

from __future__ import annotations

import html
import re

from markdown.preprocessors import Preprocessor

from playbook.render.markdown import HTML_BLOCK_END, HTML_BLOCK_START

#: Before MkDocs's raw-HTML anchor reader (21) and ``md_in_html``'s block parser (20), after
#: the whitespace normaliser (30).
PRIORITY = 25
_BLOCK = re.compile(
    rf"^{re.escape(HTML_BLOCK_START)}\n(.*?)\n{re.escape(HTML_BLOCK_END)}$",
    re.MULTILINE | re.DOTALL,
)
#: Ids and ``<a name>`` targets, as MkDocs reads them: the blocks are the renderers' own HTML,
#: whose attribute values are escaped, so a value never holds a double quote or ``>``.
_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')
_NAME = re.compile(r'<a\s[^>]*?\bname="([^"]*)"')


class StashBlocks(Preprocessor):
    """Replace each marked block by a placeholder for it in the HTML stash."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            if line == HTML_BLOCK_START:
                try:
                    end = lines.index(HTML_BLOCK_END, index + 1)
                except ValueError:
                    out.extend(lines[index:])
                    break
                block = "\n".join(lines[index + 1 : end])
                # With the newline md_in_html leaves after a raw block: the same HTML as before.
                out += ["", self.md.htmlStash.store(block + "\n"), ""]
                index = end + 1
                continue
            out.append(line)
            index += 1
        return out


def anchor_ids(markdown: str) -> set[str]:
    """The ids (and ``<a name>`` targets) in the marked blocks of a page's Markdown."""
    if HTML_BLOCK_START not in markdown:
        return set()
    return {
        html.unescape(value)
        for block in _BLOCK.findall(markdown)
        for pattern in (_ID, _NAME)
        for value in pattern.findall(block)
    }
