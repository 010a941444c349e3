"""print-site's link and anchor rewriting in one pass gives the same pages (site.print_links)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbook.site import print_links
from tests.helpers import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from types import ModuleType

#: Generated pages the golden tests pin and hand-written chapters, in HTML.
PAGES = sorted([*(ROOT / "docs").rglob("*.md"), *(ROOT / "tests" / "__snapshots__").rglob("*.md")])
EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc", "admonition", "footnotes"]


@pytest.fixture(name="original", scope="module")
def fixture_original() -> Iterator[ModuleType]:
    """print-site's own ``urls`` module, untouched by :func:`print_links.install`."""
    import mkdocs_print_site_plugin.urls as installed

    fresh = importlib.reload(installed)  # the site hooks may have installed the fast ones
    yield fresh
    print_links.install(fresh)


def both(original: ModuleType, page_html: str, url: str) -> tuple[str, str]:
    key = original.get_page_key(url)
    slow = original.update_anchor_ids(original.fix_href_links(page_html, key, url, True), key)
    fast = print_links.update_anchor_ids(print_links.fix_href_links(page_html, key, url, True), key)
    return slow, fast


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_every_page_is_rewritten_the_same(original: ModuleType, page: Path) -> None:
    page_html = markdown.Markdown(extensions=EXTENSIONS).convert(page.read_text("utf-8"))
    slow, fast = both(original, page_html, "process/build/")
    assert fast == slow


TAGS = st.sampled_from(["h2", "h3", "li", "sup", "div", "p", "span"])
HREFS = st.sampled_from(
    ["#x", "../roles/a/#b", "https://example.org/", "x.pdf", "./", "../../c/", "#"]
)


@given(
    items=st.lists(
        st.one_of(
            st.tuples(st.just("a"), HREFS, st.booleans()),
            st.tuples(TAGS, st.sampled_from(["x", "b", "a-1", "x"]), st.booleans()),
        ),
        max_size=12,
    )
)
def test_any_mix_of_links_and_ids_is_rewritten_the_same(
    original: ModuleType, items: list[tuple[str, str, bool]]
) -> None:
    parts = []
    for tag, value, extra in items:
        attrs = ' class="c"' if extra else ""
        if tag == "a":
            parts.append(f'<a{attrs} href="{value}">link</a>')
        else:
            parts.append(f'<{tag}{attrs} id="{value}">text</{tag}>')
    slow, fast = both(original, "\n".join(parts), "people/roles/data_scientist/")
    assert fast == slow


def test_an_id_is_looked_for_inside_one_tag_only(original: ModuleType) -> None:
    page_html = '<li class="c">item <a id="x" href="#y">link</a></li>\n<h2 id="z">Title</h2>'
    fast = print_links.update_anchor_ids(page_html, "k")
    assert fast == '<li class="c">item <a id="x" href="#y">link</a></li>\n<h2 id="k-z">Title</h2>'
    # print-site's own pattern ran from the li to the link's id.
    assert '<a id="k-x"' in original.update_anchor_ids(page_html, "k")
