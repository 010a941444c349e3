"""``playbook serve`` with data broken mid-session: the last good site stays up, with the errors."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import rewrite
from tests.test_cli_serve import _wait_for, fixture_served  # noqa: F401 - the served fixture


@pytest.mark.slow
def test_serve_keeps_the_last_good_site_and_shows_the_errors(
    served: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    url, data, server = served
    _wait_for(f"{url}people/roles/ml_engineer/", "ML engineer")

    def break_it(doc: Any) -> None:
        doc["roles"]["ml_engineer"]["team"] = ["<script>pwn()</script>"]

    rewrite(data, "roles.yaml", break_it)
    _, page = _wait_for(f"{url}people/roles/ml_engineer/", "The playbook data has errors")
    assert "roles.yaml:" in page
    assert "ML engineer" in page  # the last good page, still served
    assert "<script>pwn()" not in page  # the error text is escaped
    _, home = _wait_for(url, "The playbook data has errors")  # pages with macros too
    assert "Fixture Playbook" in home

    def fix_it(doc: Any) -> None:
        doc["roles"]["ml_engineer"]["team"] = "Engineering (fixed)"

    rewrite(data, "roles.yaml", fix_it)
    _, fixed = _wait_for(f"{url}people/roles/ml_engineer/", "Engineering (fixed)")
    assert "The playbook data has errors" not in fixed
    assert server.poll() is None
