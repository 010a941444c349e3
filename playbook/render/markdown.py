"""Small Markdown and HTML building blocks shared by every renderer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markupsafe import escape

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

#: Characters that Markdown would interpret inside plain-text table cells and link texts.
_MD_SPECIAL = str.maketrans(
    {
        "|": r"\|",
        "*": r"\*",
        "_": r"\_",
        "`": r"\`",
        "[": r"\[",
        "]": r"\]",
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
        "{": "&#123;",
        "}": "&#125;",
        "#": "&#35;",
        "\n": " ",
    }
)


def text(value: object) -> str:
    """Plain data text made safe for Markdown: HTML escaped, Markdown syntax neutralised."""
    return str(value).translate(_MD_SPECIAL)


def html(value: object) -> str:
    """Plain data text escaped for raw HTML (also neutralises Jinja braces)."""
    return str(escape(str(value))).replace("{", "&#123;").replace("}", "&#125;")


def markdown(value: str) -> str:
    """A Markdown-typed data field: passed through, but never as Jinja or raw script."""
    return (
        value.replace("{{", "&#123;&#123;")
        .replace("{%", "&#123;%")
        .replace("<script", "&lt;script")
    )


def link(label: str, target: str) -> str:
    """A Markdown link with an escaped label."""
    return f"[{text(label)}]({target})"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells must already be escaped with :func:`text` or be links."""
    head = "| " + " | ".join(headers) + " |"
    rule = "| " + " | ".join("---" for _ in headers) + " |"
    body = ["| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |" for row in rows]
    return "\n".join([head, rule, *body]) + "\n"


def heading(level: int, title: str, anchor: str, *, searchable: bool = True) -> str:
    """An ATX heading with an explicit anchor (attr_list), then a blank line.

    ``title`` is Markdown: escape data with :func:`text`. ``searchable=False`` keeps the section
    out of Material's search index.
    """
    extra = "" if searchable else " data-search-exclude"
    return f"{'#' * level} {title} {{ #{anchor}{extra} }}\n\n"


def bullets(items: Iterable[str]) -> str:
    """A Markdown bullet list of already-escaped items."""
    return "".join(f"- {item}\n" for item in items)


def admonition(kind: str, title: str, body: str) -> str:
    """A Material admonition block."""
    indented = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
    return f'!!! {kind} "{text(title)}"\n\n{indented}\n'


def edit_data_note(files: Iterable[str], repo_url: str, branch: str) -> str:
    """The 'generated from' note at the top of each generated page, linking to the data.

    One file: its name and an "edit this data" link. More than three: a collapsed note, so a
    page drawn from the whole lifecycle does not open with a wall of file names.
    """
    names = sorted(set(files))
    base = repo_url.rstrip("/")
    links = [f"[`{f}`]({base}/edit/{branch}/{f})" for f in names]
    if len(names) == 1:
        body = (
            f"This page is generated from {links[0]}: to change it, "
            f"[edit this data]({base}/edit/{branch}/{names[0]}), not this page.\n\n"
        )
    else:
        listed = ", ".join(links[:-1]) + f" and {links[-1]}"
        body = (
            f"This page is generated from {listed}: to change it, edit this data, "
            "not this page.\n\n"
        )
    kind = "!!!" if len(names) <= 3 else "???"
    return f'{kind} info "Generated from data"\n\n    {body}'


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
#: Emphasis and code marks. An underscore inside a word (``production_release``) is text:
#: Python-Markdown does not treat it as emphasis either.
_MARKS = re.compile(r"[*`]+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")


def plain_text(markdown: str) -> str:
    """A Markdown fragment as one line of plain text: links keep their text, marks go."""
    return " ".join(_MARKS.sub("", _LINK.sub(r"\1", markdown)).split())
