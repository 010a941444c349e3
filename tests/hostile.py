"""What counts as active content in HTML or SVG, for the hostile-input tests.

Every payload of the hostile corpus that would run something carries the token ``pwn``, so a
built page's own theme scripts (Material's bundle and config) can be told from an injected one.
"""

from __future__ import annotations

from html.parser import HTMLParser

from playbook.safety import is_safe_url, is_site_link

#: Elements that run code or embed other documents.
ACTIVE_TAGS = frozenset(
    {"script", "iframe", "frame", "object", "embed", "applet", "style", "foreignobject", "base"}
)
#: Attributes holding a URL a browser follows or loads.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "srcdoc"}
)
TOKEN = "pwn"


class _Finder(HTMLParser):
    def __init__(self, theme: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.theme = theme
        self.found: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)
        values = dict(attrs)
        # A theme's own script or style (no payload token) is allowed in a built page.
        own = self.theme and tag in {"script", "style"} and TOKEN not in str(values).lower()
        if tag in ACTIVE_TAGS and not own:
            self.found.append(f"<{tag} {values}>")
        in_svg = "svg" in self.stack
        for name, value in attrs:
            url = value if name in URL_ATTRIBUTES and value is not None else None
            unsafe = url is not None and (
                not is_safe_url(url) or (in_svg and tag == "a" and not is_site_link(url))
            )
            if name.startswith("on") or unsafe:
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in {"script", "style"} and TOKEN in data.lower():
            self.found.append(f"<{self.stack[-1]}>{data[:60]}")


def active_content(html: str, *, theme: bool = False) -> list[str]:
    """Scripts, embedded documents, event handlers and unsafe links in ``html``.

    Args:
        html: An HTML fragment or page, or an SVG document.
        theme: A built page: its theme's scripts and styles (no ``pwn`` token) are allowed, and
            SVG links must stay in the site.
    """
    finder = _Finder(theme)
    finder.feed(html)
    finder.close()
    return finder.found
