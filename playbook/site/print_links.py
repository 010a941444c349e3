"""print-site's link and anchor rewriting, in one pass over a page instead of one per link.

To join every page into the print page, mkdocs-print-site-plugin rewrites each page's links
into anchors of the print page and prefixes each heading's id with the page's key
(``mkdocs_print_site_plugin.urls``). It does so by searching the page for every link and every
heading, then replacing that text in the whole page, once per match: the time grows with the
number of headings times the size of the page, and a large playbook's phase pages hold a
section per task (about five minutes at x10, most of a print build). :func:`install` puts in
their place two functions that compute the same new text for each match but substitute all
matches in one ``re.sub`` pass. ``tests/test_print_links.py`` checks both give the same pages.

print-site is pinned below its next major version (pyproject.toml): these read its private
helpers (``is_external``, ``is_attachment``, ``get_url_from_root``, ``get_page_key``).
"""

from __future__ import annotations

import html
import os
import re
from typing import Any

from mkdocs_print_site_plugin import urls

#: print-site's own patterns, as in ``urls.fix_href_links`` and ``urls.update_anchor_ids``.
_HREF = re.compile(r"<a\s+([^>]*?\s+)?href=\"(.*?)\"", flags=re.IGNORECASE)
_ID = re.compile(r"<([^\s]+).*?id=\"([^\"]*?)\".*?>", flags=re.IGNORECASE)
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
