"""The print page: a page's ids and diagram links made unique and working on it."""

from __future__ import annotations

import pytest

from playbook.render.printing import page_key, print_anchor, print_ready


@pytest.mark.parametrize(
    ("url", "key"),
    [("", "index"), ("technology/overlay/", "technology-overlay"), ("a.html", "a")],
)
def test_page_key_is_print_sites(url: str, key: str) -> None:
    assert page_key(url) == key


@pytest.mark.parametrize(
    ("href", "anchor"),
    [
        ("#x", "#technology-overlay-x"),
        ("./#x", "#technology-overlay-x"),
        ("../../governance/gates/#retrain", "#governance-gates-retrain"),
        ("../../process/discovery/", "#process-discovery"),
        ("../../", "#index"),
    ],
)
def test_print_anchor_resolves_links_from_the_page(href: str, anchor: str) -> None:
    assert print_anchor(href, "technology/overlay/") == anchor


def test_ids_print_site_leaves_alone_get_the_page_key() -> None:
    html = '<td><a id="overlay-a" title="a > b">1</a></td><div id="d" aria-labelledby="h x">'
    assert print_ready(html, "technology/overlay/") == (
        '<td><a id="technology-overlay-overlay-a" title="a > b">1</a></td>'
        '<div id="technology-overlay-d" '
        'aria-labelledby="technology-overlay-h technology-overlay-x">'
    )


def test_headings_and_tab_inputs_are_left_to_print_site() -> None:
    html = '<h2 id="x">X</h2><input id="__tabbed_1_1"><label for="__tabbed_1_1">'
    assert print_ready(html, "a/") == html


def test_diagram_links_become_print_page_anchors() -> None:
    html = (
        '<a xlink:href="../gates/#g" xlink:title="G"><a xlink:href="#n1">'
        '<a xlink:href="https://example.org/#x">'
    )
    assert print_ready(html, "governance/controls/") == (
        '<a xlink:href="#governance-gates-g" xlink:title="G">'
        '<a xlink:href="#governance-controls-n1">'
        '<a xlink:href="https://example.org/#x">'
    )


def test_print_page_leaves_out_the_data_line() -> None:
    line = '<p class="pb-data-source" data-search-exclude>Edit <a>x</a></p>'
    html = f'<h1 id="t">T</h1>\n{line}\n<p>Body</p>'
    out = print_ready(html, "a/b/")
    assert "pb-data-source" not in out
    assert "<p>Body</p>" in out
