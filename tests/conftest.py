"""Shared fixtures (the valid data set, the reference data, Chromium) and the tier guard.

The tier guard keeps ``make test-fast`` honest: a test not marked ``slow`` or ``browser`` that
builds or serves a site, or starts a browser, fails with a message saying which mark it needs,
so the fast tier never builds a site however the suite grows.
"""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING, Any

import mkdocs.commands.build
import mkdocs.commands.serve
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from playbook.cli.browser import HEADLESS_FLAGS, INSTALL_HINT, find_chromium
from playbook.data import sourcemap
from tests.helpers import VALID, copy_data, playbook_of, reference_data

#: The loader classes available here: libyaml-backed when PyYAML has it, and pure Python.
BACKENDS = sorted({sourcemap._Loader, sourcemap._PyLoader}, key=lambda cls: cls.__name__)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from playwright.sync_api import Browser

    from playbook.data.model import Playbook

# --------------------------------------------------------------------------------------------
# Property-test profiles: `full` for `make test` and CI, `fast` (--hypothesis-profile=fast) for
# `make test-fast`. Property tests take their example count from the profile; never hard-code it.
# --------------------------------------------------------------------------------------------

_PROPERTY_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "database": None,  # keep the working tree clean; a failure prints its example
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("full", max_examples=80, **_PROPERTY_SETTINGS)
settings.register_profile("fast", max_examples=8, **_PROPERTY_SETTINGS)
settings.load_profile("full")  # `--hypothesis-profile` loads another after this

# --------------------------------------------------------------------------------------------
# The tier guard
# --------------------------------------------------------------------------------------------

#: The marks of the tests ``make test-fast`` leaves out.
HEAVY_MARKS = ("slow", "browser")
#: Whether the test being set up, run or torn down is in the fast tier.
_fast_test = False


def _heavy_work(args: Sequence[str]) -> str | None:
    """What a command line does that the fast tier must not (``None`` when it is light)."""
    words = [os.path.basename(str(a)) for a in args]
    if any("chrom" in w or "chrome" in w or "playwright" in w for w in words):
        return "starts a browser"
    site_tools = ("mkdocs", "zensical", "playbook", "playbook.cli", "playbook.site.live")
    runs_site_tool = any(w in site_tools for w in words)
    if runs_site_tool and {"build", "serve", "gh-deploy", "pdf"} & set(words):
        return f"runs '{' '.join(words[:5])} ...'"
    return None


def _refuse(what: str) -> None:
    pytest.fail(
        f"this test {what}, which the fast tier never does: mark it @pytest.mark.slow "
        "(site builds, mkdocs, serving) or @pytest.mark.browser (Chromium)",
        pytrace=False,
    )


class _GuardedPopen(subprocess.Popen):  # type: ignore[type-arg]
    """``subprocess.Popen`` that refuses site builds and browsers to fast-tier tests."""

    def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
        if _fast_test:
            argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
            if what := _heavy_work([os.fsdecode(a) for a in argv]):
                _refuse(what)
        super().__init__(args, *rest, **kwargs)


def _guarded(name: str, real: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        if _fast_test:
            _refuse(f"calls {name} in-process")
        return real(*args, **kwargs)

    return call


def pytest_configure(config: pytest.Config) -> None:
    """Install the guard for the whole session (it only acts during fast-tier tests)."""
    subprocess.Popen = _GuardedPopen  # type: ignore[misc]
    mkdocs.commands.build.build = _guarded("mkdocs build", mkdocs.commands.build.build)
    mkdocs.commands.serve.serve = _guarded("mkdocs serve", mkdocs.commands.serve.serve)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Note whether this test (and the fixtures it sets up) belongs to the fast tier."""
    global _fast_test
    _fast_test = not any(item.get_closest_marker(mark) for mark in HEAVY_MARKS)


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(name="chromium", scope="session")
def fixture_chromium() -> str:
    """The Chromium executable; skip without one, but fail in CI, where it must be installed."""
    found = find_chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser and PDF tests must run in CI: {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    return found


@pytest.fixture(name="browser", scope="session")
def fixture_browser(chromium: str) -> Iterator[Browser]:
    """One headless Chromium for the session, kept off the network, shared by every module
    (Playwright's sync API runs one instance per process)."""
    from playwright.sync_api import sync_playwright

    args = [flag for flag in HEADLESS_FLAGS if flag != "--headless"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args, headless=True)
        yield browser
        browser.close()


@pytest.fixture(name="pb", scope="module")
def fixture_pb() -> Playbook:
    """The valid fixture's playbook, loaded once per test module (copy it to change it)."""
    return playbook_of(VALID)


@pytest.fixture(name="valid_data")
def fixture_valid_data(tmp_path: Path) -> Path:
    """A writable copy of ``tests/fixtures/valid`` named ``data``, as in the repository."""
    return copy_data(VALID, tmp_path / "data")


@pytest.fixture(name="reference_copy")
def fixture_reference_copy(tmp_path: Path) -> Path:
    """A writable copy of the reference data (or the fixture until ``data/`` validates)."""
    return copy_data(reference_data(), tmp_path / "data")


@pytest.fixture(name="runner")
def fixture_runner() -> CliRunner:
    """A Click runner for the ``playbook`` command group (stderr kept apart from stdout)."""
    return CliRunner()


@pytest.fixture(name="yaml_backend", params=BACKENDS, ids=[b.__name__ for b in BACKENDS])
def fixture_yaml_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    """Run the test once with each YAML parser the loader can use (libyaml, pure Python)."""
    monkeypatch.setattr(sourcemap, "_Loader", request.param)
    return request.param  # type: ignore[no-any-return]
