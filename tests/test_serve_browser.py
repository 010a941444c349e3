"""A browser viewing ``playbook serve``: a data edit reloads the page it shows, by itself."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.helpers import rewrite
from tests.test_cli_serve import _wait_for, fixture_served  # noqa: F401 - the served fixture

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Milliseconds: a deadline for a shared machine, not a timing (see benchmarks.serve).
DEADLINE = 120_000


def test_the_viewed_page_reloads_with_a_data_edit_and_the_site_follows(
    served: tuple[str, Path, subprocess.Popen[bytes]], browser: Browser
) -> None:
    url, data, _ = served
    _wait_for(url, "</html>")
    page = browser.new_page()
    try:
        page.goto(f"{url}people/roles/ml_engineer/")
        expect(page.locator("h1")).to_have_text(re.compile("ML engineer"))
        marker = page.evaluate("() => (window.notReloaded = true)")
        assert marker is True

        def rename(doc: Any) -> None:
            doc["roles"]["ml_engineer"]["name"] = "Machine learning engineer (edited)"

        rewrite(data, "roles.yaml", rename)
        # No navigation here: the live-reload script reloads the page once the server has
        # rebuilt it.
        edited = re.compile(r"Machine learning engineer \(edited\)")
        expect(page.locator("h1")).to_have_text(edited, timeout=DEADLINE)
        assert page.evaluate("() => window.notReloaded === undefined")
        # A page the browser had not viewed shows it once the whole site is rebuilt: its
        # navigation names the renamed page.
        page.goto(f"{url}people/roles/data_scientist/")
        link = page.locator(".md-nav__link", has_text=edited)
        expect(link.first).to_be_attached(timeout=DEADLINE)
    finally:
        page.close()
