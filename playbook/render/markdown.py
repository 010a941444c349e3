"""Small Markdown and HTML building blocks shared by every renderer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playbook.safety import escape as html
from playbook.safety import markdown_text as text
from playbook.safety import sanitize_markdown as markdown

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

#: The escapers renderers use, under their short names; they live in :mod:`playbook.safety`.
__all__ = [
    "admonition",
    "bullets",
    "edit_data_note",
    "heading",
    "html",
    "html_block",
    "link",
    "markdown",
    "plain_text",
    "table",
    "text",
    "unsearched",
]


#: The lines around an HTML block a renderer built whole (see :func:`html_block`).
HTML_BLOCK_START = "<!-- playbook:html -->"
HTML_BLOCK_END = "<!-- /playbook:html -->"


def html_block(block: str) -> str:
    """An HTML block the renderer built whole, followed by a blank line.

    It must need no Markdown processing (no ``markdown`` attribute) and hold only escaped data.
    It is marked by two comment lines, so the site build can pass it through as is rather
    than parse it again (:mod:`playbook.site.html_blocks`); any other Markdown engine keeps it
    as the raw HTML block it is.
    """
    return f"{HTML_BLOCK_START}\n{block.strip(chr(10))}\n{HTML_BLOCK_END}\n\n"


def link(label: str, target: str) -> str:
    """A Markdown link with an escaped label."""
    return f"[{text(label)}]({target})"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells must already be escaped with :func:`text` or be links."""
    head = "| " + " | ".join(headers) + " |"
    rule = "| " + " | ".join("---" for _ in headers) + " |"
    body = ["| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |" for row in rows]
    return "\n".join([head, rule, *body]) + "\n"


#: The attributes that keep an element, and everything in it, out of both search indexes:
#: Material's search plugin skips ``data-search-exclude`` (a heading with it, its whole
#: section), Pagefind skips ``data-pagefind-ignore`` (the element only).
UNSEARCHED = "data-search-exclude data-pagefind-ignore"


def heading(level: int, title: str, anchor: str, *, searchable: bool = True) -> str:
    """An ATX heading with an explicit anchor (attr_list), then a blank line.

    ``title`` is Markdown: escape data with :func:`text`. ``searchable=False`` keeps the
    heading out of both search indexes; put the section's body in :func:`unsearched`, as
    Pagefind, unlike Material, does not leave out the text under an unsearched heading.
    """
    extra = "" if searchable else f" {UNSEARCHED}"
    return f"{'#' * level} {title} {{ #{anchor}{extra} }}\n\n"


def unsearched(block: str) -> str:
    """Markdown ``block`` in a ``<div>`` that neither search index reads (:data:`UNSEARCHED`)."""
    return f"<div {UNSEARCHED} markdown>\n\n{block.strip(chr(10))}\n\n</div>\n\n"


def bullets(items: Iterable[str]) -> str:
    """A Markdown bullet list of already-escaped items."""
    return "".join(f"- {item}\n" for item in items)


def admonition(kind: str, title: str, body: str) -> str:
    """A Material admonition block."""
    indented = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
    return f'!!! {kind} "{text(title)}"\n\n{indented}\n'


#: The class of the one-line "edit this page's data" link; :func:`data_source_line` finds it.
DATA_SOURCE_CLASS = "pb-data-source"
#: Files listed one by one; beyond that, a folder holding more than two becomes one link.
_FILES_LISTED = 4


def edit_data_note(files: Iterable[str], repo_url: str, branch: str) -> str:
    """The one line naming the data files behind a generated page, with links to edit them.

    A maintainer's aside, not the reader's text: raw HTML kept out of search
    (:data:`UNSEARCHED`) and out of print (the class is hidden by the print styles and
    stripped from the print page). Past four files, a sub-folder of the data contributing more
    than two is one link to the folder, so the line stays one line.
    """
    names = sorted(set(files))
    base = repo_url.rstrip("/")
    by_folder: dict[str, list[str]] = {}
    for name in names:
        by_folder.setdefault(name.rpartition("/")[0], []).append(name)
    parts = []
    for folder, found in sorted(by_folder.items()):
        if len(names) > _FILES_LISTED and len(found) > 2 and "/" in folder:
            parts.append(
                f'<a href="{html(f"{base}/tree/{branch}/{folder}")}"><code>{html(folder)}/'
                f"</code></a> ({len(found)} files)"
            )
        else:
            parts += [
                f'<a href="{html(f"{base}/edit/{branch}/{name}")}"><code>{html(name)}</code></a>'
                for name in found
            ]
    return (
        f'<p class="{DATA_SOURCE_CLASS}" {UNSEARCHED}>'
        f"Generated from data. Edit this page's data: {', '.join(parts)}</p>\n\n"
    )


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
#: Emphasis and code marks. An underscore inside a word (``production_release``) is text:
#: Python-Markdown does not treat it as emphasis either.
_MARKS = re.compile(r"[*`]+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")


def plain_text(markdown: str) -> str:
    """A Markdown fragment as one line of plain text: links keep their text, marks go."""
    return " ".join(_MARKS.sub("", _LINK.sub(r"\1", markdown)).split())
