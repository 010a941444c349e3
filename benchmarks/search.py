"""What a reader's browser loads to answer one search: ``search_query_bytes`` of the benchmark.

The built site is served on 127.0.0.1 and opened in headless Chromium (a fresh profile, so
nothing is cached); the query is put in Material's search box in one go (pasted, or typed
faster than results come back), and every request the page made from its load until the
results show is recorded. The payload is what of that belongs to search: Material's
``search/`` index and worker, Pagefind's ``pagefind/`` files, and our worker. Each request's
bytes are the size of the file it fetched (the local server sends files as they are, without
HTTP compression), so the number is what a server without compression sends.
"""

from __future__ import annotations

import collections
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from playbook.cli.browser import HEADLESS_FLAGS, find_chromium
from tests.helpers import serve_folder

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook

#: Site paths a search loads (the rest of the page is the page's own, loaded anyway).
SEARCH_PATHS = (
    "search/",
    "pagefind/",
    "assets/javascripts/workers/",
    "assets/javascripts/lunr/",
    "assets/javascripts/pagefind-worker.js",
)
#: How long to wait for the results, in milliseconds.
TIMEOUT_MS = 60_000
_WORD = re.compile(r"[A-Za-z]{5,}")


def typical_queries(pb: Playbook) -> tuple[str, str]:
    """A one-word and a two-word query a reader would type, taken from the data: the commonest
    word of five letters or more in the task names, and the first two-word role name."""
    words = collections.Counter(
        word.lower() for _, _, task in pb.tasks() for word in _WORD.findall(task.name)
    )
    one = min(words.items(), key=lambda item: (-item[1], item[0]))[0]
    two = next(
        (role.name for role in pb.roles.values() if len(role.name.split()) == 2),
        " ".join(next(iter(pb.roles.values())).name.split()[:2]),
    )
    return one, two


def _bytes(site: Path, base: str, urls: list[str]) -> int:
    """The bytes of the search files among ``urls`` (each fetch counted, as the browser did)."""
    total = 0
    for url in urls:
        path = unquote(urlsplit(url).path).removeprefix(urlsplit(base).path)
        if path.startswith(SEARCH_PATHS) and (site / path).is_file():
            total += (site / path).stat().st_size
    return total


def query_bytes(site: Path, queries: tuple[str, ...]) -> dict[str, int]:
    """For each query, the bytes of search files the browser fetched to show its results."""
    # Playwright comes with the test tools; the rest of the benchmark runs without it.
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium to measure the search payload with (PLAYBOOK_CHROMIUM)")
    args = [flag for flag in HEADLESS_FLAGS if flag != "--headless"]
    found: dict[str, int] = {}
    with serve_folder(site) as url, sync_playwright() as playwright:
        base = f"{url}/"
        browser = playwright.chromium.launch(executable_path=chromium, args=args, headless=True)
        try:
            for query in queries:
                context = browser.new_context()
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                urls: list[str] = []
                page.on("requestfinished", lambda request, urls=urls: urls.append(request.url))
                page.goto(base, wait_until="networkidle")
                page.keyboard.press("/")
                box = page.locator("input.md-search__input")
                box.fill(query)
                box.press("End")  # Material reads the box on a key event
                page.locator(".md-search-result__item").first.wait_for(state="visible")
                # The worker fetched every fragment before it answered; let their events land.
                page.wait_for_timeout(1000)
                found[query] = _bytes(site, base, urls)
                context.close()
        finally:
            browser.close()
    return found
