r"""print-site's link and anchor rewriting, in one pass over a page instead of one per link.

To join every page into the print page, mkdocs-print-site-plugin rewrites each page's links
into anchors of the print page and prefixes each heading's id with the page's key
(``mkdocs_print_site_plugin.urls``). It does so by searching the page for every link and every
heading, then replacing that text in the whole page, once per match; and its pattern for ids,
``<([^\s]+).*?id="..."``, may run from any ``<`` to the end of its line looking for an id,
which on the long lines of generated tables and diagrams takes time in the square of the
line's length. At x10 that was 290 of the 300 seconds of a print build. :func:`install` puts
in their place two functions that compute the same new text for each match, substitute all
matches in one ``re.sub`` pass, and look for an id only inside one tag. The x1 and x10 print
pages come out byte for byte the same (x10: 40 s instead of 301 s); ``tests/test_print_links.py``
rewrites every golden and hand-written page both ways.

One difference, deliberate: print-site's pattern could run past a tag without an id to an id
further on the line (``<li class="c">item <a id="x">`` read as an ``li`` with id ``x``), and
then prefixed an id that ``playbook.render.printing`` prefixes too. Within one tag, that
cannot happen.

print-site is pinned below its next major version (pyproject.toml): these read its private
helpers (``is_external``, ``is_attachment``, ``get_url_from_root``, ``get_page_key``).
"""

from __future__ import annotations

import html
import os
import re
from typing import Any

from mkdocs_print_site_plugin import urls

#: print-site's pattern for links (``urls.fix_href_links``), and its pattern for ids
#: (``urls.update_anchor_ids``) kept within one tag.
_HREF = re.compile(r"<a\s+([^>]*?\s+)?href=\"(.*?)\"", flags=re.IGNORECASE)
_ID = re.compile(r"<([^\s>]+)[^>]*?id=\"([^\"]*?)\"[^>]*?>", flags=re.IGNORECASE)
#: The tags whose ids print-site prefixes with the page's key.
_ID_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "sup", "li"})


def fix_href_links(
    page_html: str, page_key: str, page_url: str, directory_urls: bool = False
) -> str:
    """``urls.fix_href_links`` in one pass: each link's new text is computed as there."""

    def new_link(m: re.Match[str]) -> str:
        url = html.unescape(m.group(2))
        if urls.is_external(url):
            return m.group()
        if urls.is_attachment(url):
            url = urls.get_url_from_root(url, page_url)
            if directory_urls:
                url = os.path.join("..", url)
            if os.sep != "/":
                url = url.replace(os.sep, "/")
        elif url.startswith("#"):
            url = "#" + page_key + "-" + url[1:]
        else:
            parts = urls.get_url_from_root(url, page_url).split("#")
            url = "#" + urls.get_page_key(parts[0])
            if len(parts) == 2:
                url += "-" + parts[1]
        other = m.group(1)
        return f'<a href="{url}"' if other is None else f'<a {other.rstrip()} href="{url}"'

    return _HREF.sub(new_link, page_html)


def update_anchor_ids(page_html: str, page_key: str) -> str:
    """``urls.update_anchor_ids`` in one pass: headings' (and notes' and items') ids get the
    page's key."""

    def new_tag(m: re.Match[str]) -> str:
        if m.group(1) not in _ID_TAGS:
            return m.group()
        return m.group().replace(m.group(2), page_key + "-" + m.group(2))

    return _ID.sub(new_tag, page_html)


def install(module: Any = urls) -> None:
    """Put the one-pass functions in the place of print-site's (its ``fix_internal_links``
    calls them through its module)."""
    module.fix_href_links = fix_href_links
    module.update_anchor_ids = update_anchor_ids
