"""The one place that makes data text safe: every escaper and sanitiser of the playbook.

Anyone who can open a pull request controls every string in ``data/`` and ``docs/``, so no
renderer writes a data string anywhere without one of these functions:

- :func:`escape`: plain text in HTML, SVG, XML and Graphviz HTML-like labels.
- :func:`markdown_text`: plain text in Markdown (table cells, headings, link texts).
- :func:`sanitize_markdown`: a field typed Markdown, cleaned against an allow-list (``nh3``).
- :func:`dot_string`: a DOT quoted string (the ``graphviz`` package's quoting).
- :func:`is_safe_url` and :func:`is_site_link`: which link targets may be written.
- :func:`spreadsheet_cell`: a CSV cell a spreadsheet will not read as a formula.
- :func:`shorten`: a data value echoed in a message, capped.

None of them guards against Jinja: generated text never reaches a template engine
(:meth:`playbook.render.pages.Page.compose`), so braces need no escaping and code keeps them.
"""

from __future__ import annotations

import html
import re

import graphviz
import nh3

#: Characters with a meaning in HTML and XML text and attribute values.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
_HTML_TABLE = str.maketrans(_HTML)

#: Plain text in Markdown: the HTML characters, plus what Python-Markdown (and attr_list, whose
#: ``{: onclick=...}`` would add attributes) would read as syntax in a table cell or heading.
_MARKDOWN_TABLE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": r"\|",
        "*": r"\*",
        "_": r"\_",
        "`": r"\`",
        "[": r"\[",
        "]": r"\]",
        "\\": "\\\\",
        "{": "&#123;",
        "}": "&#125;",
        "#": "&#35;",
        "\r": " ",
        "\n": " ",
    }
)


def escape(value: object) -> str:
    """Plain text for HTML, SVG or XML (text or a double- or single-quoted attribute value).

    Also right for a Graphviz HTML-like label, which is XML.
    """
    return str(value).translate(_HTML_TABLE)


def markdown_text(value: object) -> str:
    """Plain text for Markdown: HTML escaped, and nothing read as Markdown syntax."""
    return str(value).translate(_MARKDOWN_TABLE)


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------

#: Schemes a link in a Markdown field may use; any other scheme is dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
#: What browsers ignore in a URL (ASCII whitespace and controls), so ``java\tscript:`` is a scheme.
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")


def _normal_url(url: str) -> str:
    """A URL as a browser reads its scheme: entities decoded, whitespace gone, lower case."""
    return _IGNORED.sub("", html.unescape(url)).lower()


def is_safe_url(url: str) -> bool:
    """A relative URL, or an absolute one with a scheme in :data:`SAFE_SCHEMES`."""
    found = _SCHEME.match(_normal_url(url))
    return found is None or found.group(1) in SAFE_SCHEMES


def is_site_link(url: str) -> bool:
    """A link into the site itself: relative, with no scheme and no other host (``//x``)."""
    normal = _normal_url(url).replace("\\", "/")
    return _SCHEME.match(normal) is None and not normal.startswith("//")


# --------------------------------------------------------------------------------------------
# Markdown fields
# --------------------------------------------------------------------------------------------

#: The HTML a Markdown field may hold, and the attributes each tag keeps.
MARKDOWN_TAGS = frozenset(
    {
        "a", "abbr", "b", "br", "code", "del", "em", "i", "kbd", "li", "ol", "p", "s",
        "strong", "sub", "sup", "u", "ul",
    }
)  # fmt: skip
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}

#: Code is shown as written, so fenced blocks and inline code spans are set aside before cleaning.
#: Only what Python-Markdown surely reads as code qualifies (anything else is cleaned as prose):
#: a closed fence at the margin after a blank line, and a code span within one paragraph whose
#: opening backtick is not escaped.
_CODE = re.compile(
    r"(?:\A|(?<=\n)(?=[ \t]*\n)[ \t]*\n)"
    r"(?P<fence>`{3,}|~{3,})[^\n`]*\n.*?\n(?P=fence)[ \t]*(?=\n|\Z)"
    r"|(?<![\\`])(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)",
    re.DOTALL,
)
#: Markdown autolinks with a safe scheme, and blockquote marks: nh3 would read them as HTML.
_KEEP = re.compile(r"<(?:https?://|mailto:)[^<>\s]*>|^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
#: ``](target`` of an inline link or image, and the target of a reference definition.
_INLINE_TARGET = re.compile(r"\]\(\s*<?(?P<url>[^)>]*)")
_REFERENCE = re.compile(r"^(?P<indent>[ ]{0,3})\[(?P<rest>[^\]\n]+\]:[ \t]*<?(?P<url>\S*))", re.M)
#: Private-use characters mark the set-aside pieces; data can't forge them (they are removed).
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")


def _set_aside(pattern: re.Pattern[str], value: str, kept: list[str]) -> str:
    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"{_MARK_OPEN}{len(kept) - 1}{_MARK_CLOSE}"

    return pattern.sub(keep, value)


def _neutralise_links(prose: str) -> str:
    """Break the syntax of links whose target has an unsafe scheme: they stay as plain text."""

    def inline(match: re.Match[str]) -> str:
        return match.group(0) if is_safe_url(match.group("url")) else "]&#40;" + match.group(0)[2:]

    def reference(match: re.Match[str]) -> str:
        if is_safe_url(match.group("url")):
            return match.group(0)
        return f"{match.group('indent')}&#91;{match.group('rest')}"

    return _REFERENCE.sub(reference, _INLINE_TARGET.sub(inline, prose))


def sanitize_markdown(value: str) -> str:
    """A Markdown-typed field, safe to hand to Python-Markdown.

    Raw HTML is cleaned by ``nh3`` against :data:`MARKDOWN_TAGS` (no script, style, iframe,
    object, embed or form, no event handlers, links only to :data:`SAFE_SCHEMES`), Markdown
    links to other schemes lose their link syntax, and ``{`` cannot start an attr_list. Code
    spans and fenced code blocks are kept exactly as written.
    """
    value = value.replace(_MARK_OPEN, "").replace(_MARK_CLOSE, "")
    kept: list[str] = []
    prose = _set_aside(_CODE, value, kept)
    prose = _set_aside(_KEEP, prose, kept)
    prose = nh3.clean(
        prose,
        tags=set(MARKDOWN_TAGS),
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    prose = _neutralise_links(prose).replace("{", "&#123;").replace("}", "&#125;")
    # A set-aside piece may itself hold marks (a blockquote of code): restore until none are left.
    while _MARK.search(prose):
        prose = _MARK.sub(lambda m: kept[int(m.group(1))], prose)
    return prose


# --------------------------------------------------------------------------------------------
# Graphviz
# --------------------------------------------------------------------------------------------


def dot_string(value: str) -> str:
    r"""A DOT quoted string showing ``value`` literally.

    Backslashes are doubled (no ``\N``/``\G``/``\l`` escapes), line breaks become ``\n``, and
    the text is never an HTML-like label, even when it starts with ``<`` and ends with ``>``.
    """
    escaped = value.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    escaped = escaped.replace("\n", "\\n")
    quoted = graphviz.quoting.quote(graphviz.nohtml(escaped))
    # quote() leaves plain identifiers bare; always quoting keeps the output uniform.
    return quoted if quoted.startswith('"') else f'"{quoted}"'


# --------------------------------------------------------------------------------------------
# Exports and messages
# --------------------------------------------------------------------------------------------

#: What makes a spreadsheet read a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """A CSV cell no spreadsheet evaluates: a formula-leading value gets a ``'`` in front."""
    return "'" + value if value.startswith(_FORMULA_START) else value


#: How much of a data value a message echoes.
ECHO_LIMIT = 80


def shorten(value: object, limit: int = ECHO_LIMIT) -> str:
    """A value for a message: its ``repr``-like text on one line, at most ``limit`` characters."""
    flat = " ".join(str(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
