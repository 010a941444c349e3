"""The print page: make one page's HTML fit into the single page of the whole playbook.

mkdocs-print-site-plugin concatenates every page into ``print_page/``. It prefixes heading
ids with the page's key and turns ``<a href>`` links into links to those anchors, but leaves
other ids (the ``<a id>`` anchors of the overlay table) and the ``xlink:href`` links of inline
Graphviz diagrams alone, so they would point nowhere. :func:`print_ready` finishes that work
on a page's HTML before the plugin combines it; pure string work, no MkDocs import.
"""

from __future__ import annotations

import posixpath
import re
from html import unescape

#: Tags whose ids print-site already prefixes (``update_anchor_ids`` and ``fix_tabbed_content``).
_HANDLED = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "sup", "li", "input", "label"})
_START_TAG = re.compile(r"<([a-zA-Z][\w:-]*)(\s[^<>]*?)?>")
_ID = re.compile(r'(\sid=")([^"]*)(")')
_ID_REFS = re.compile(r'(\s(?:aria-labelledby|aria-describedby|aria-controls|headers)=")([^"]*)(")')
_XLINK = re.compile(r'(\sxlink:href=")([^"]*)(")')
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
#: Maintainer-only blocks that stay off paper: the 'edit this page's data' line.
_SCREEN_ONLY = re.compile(r'<p class="pb-data-source"[^>]*>.*?</p>\n?', re.DOTALL)
#: Download links (a template's blank file): print-site would take their ``.md`` for a page.
_DOWNLOAD = re.compile(r"<a\s[^<>]*\bdownload\b[^<>]*>(.*?)</a>", re.DOTALL)


def page_key(url: str) -> str:
    """The prefix print-site puts on a page's anchors (``a/b/`` → ``a-b``)."""
    key = url.lower().strip().rstrip("/").replace(".html", "").replace("/", "-").lstrip("-")
    return key or "index"


def print_anchor(href: str, page_url: str) -> str:
    """Where an internal link of the page at ``page_url`` points on the print page."""
    if href.startswith("#"):
        return f"#{page_key(page_url)}-{href[1:]}"
    path, _, fragment = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), path))
    target = "" if target == "." else target
    return f"#{page_key(target)}" + (f"-{fragment}" if fragment else "")


def print_ready(html: str, page_url: str) -> str:
    """``html`` of the page at ``page_url`` with ids and diagram links made print-page-wide.

    Ids on tags print-site does not handle get the page's key as prefix, as do the
    ``aria-*`` and ``headers`` attributes that refer to them; internal ``xlink:href`` links
    become anchors on the print page. Print-site does the rest (headings, ``<a href>``). The
    'edit this page's data' line is left out: it speaks to maintainers, not to readers, and a
    download link keeps its text but not its link, which only works on the site.
    """
    html = _SCREEN_ONLY.sub("", html)
    html = _DOWNLOAD.sub(r"<span>\1</span>", html)
    key = page_key(page_url)

    def prefix_ids(value: str) -> str:
        return " ".join(f"{key}-{token}" for token in value.split())

    def fix_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        if match.group(1).lower() not in _HANDLED:
            tag = _ID.sub(lambda m: m.group(1) + prefix_ids(m.group(2)) + m.group(3), tag)
        tag = _ID_REFS.sub(lambda m: m.group(1) + prefix_ids(m.group(2)) + m.group(3), tag)
        return _XLINK.sub(lambda m: m.group(1) + _xlink(m.group(2), page_url) + m.group(3), tag)

    return _START_TAG.sub(fix_tag, html)


def _xlink(href: str, page_url: str) -> str:
    url = unescape(href)
    if not url or _EXTERNAL.match(url):
        return href
    return print_anchor(url, page_url)
