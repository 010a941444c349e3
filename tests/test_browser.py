"""The built playbook in headless Chromium: search (Pagefind behind Material's search box), the
RACI filter, diagram links, dark mode, a clean console and no serious accessibility violations.

The real site is built once per session and served on 127.0.0.1; one browser serves every test,
each test gets a fresh context (so dark mode set by one never leaks into another), and any
request for a host other than the local server is blocked and reported.

Without Chromium these tests skip outside CI and fail in CI (``CI=true``) with the install hint.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    expect,
)
from playwright.sync_api import Error as PlaywrightError

from playbook.cli.build import build
from playbook.data.loader import load_playbook
from playbook.data.model import Playbook
from playbook.render import refs
from tests.helpers import DATA, link_project, make_project, mkdocs_build, rewrite, serve_folder

pytestmark = pytest.mark.browser

#: Pages every page-level check visits: one of each kind.
HOME = ""
RACI = "people/raci/"
ROLE = "people/roles/model_validator/"
PHASE = "process/deployment/"
USE_CASE = "use-cases/client_attrition/"
ARCHITECTURE = "technology/architecture/"
GATES = "governance/gates/"

#: How long to wait for anything the page does by itself (search index, instant navigation).
TIMEOUT_MS = 15_000


# --------------------------------------------------------------------------------------------
# Fixtures: the site, the server, the browser and a page that records what goes wrong
# --------------------------------------------------------------------------------------------


@pytest.fixture(name="site_url", scope="session")
def fixture_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real playbook, built once for a server on 127.0.0.1 and served there.

    The build sets ``site_url`` to the server's address, as a deployment sets it to its own:
    MkDocs lists the pages in sitemap.xml only when it knows the site's URL, and Material's
    instant navigation follows only links to pages listed there (same host, port and path).
    """
    root = tmp_path_factory.mktemp("browser")
    site = root / "site"
    with serve_folder(site) as url:
        config = link_project(root / "project", site_url=f"{url}/")
        build(site, config=config, data_dir=DATA)
        yield f"{url}/"


@pytest.fixture(name="playbook", scope="session")
def fixture_playbook() -> Playbook:
    """The reference playbook the site was built from."""
    result = load_playbook(DATA)
    assert result.playbook is not None
    return result.playbook


@dataclass
class Problems:
    """What went wrong in a page: console errors, uncaught exceptions, off-site requests."""

    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.console or self.exceptions or self.offsite)


@dataclass
class Tab:
    """A page in a fresh browser context, with the site's URL and the problems it recorded."""

    page: Page
    base: str
    problems: Problems

    def open(self, path: str, *, settle: bool = False) -> None:
        """Load ``path`` (relative to the site root); with ``settle``, also wait until the page
        has made no request for half a second (the sitemap, the search index)."""
        self.page.goto(urljoin(self.base, path), wait_until="load")
        if settle:
            self.page.wait_for_load_state("networkidle")

    def scheme(self) -> str | None:
        """Material's colour scheme on the body: ``default`` (light) or ``slate`` (dark)."""
        return self.page.locator("body").get_attribute("data-md-color-scheme")


def relative(url: str, base: str) -> str:
    """``url`` without the site's origin and root: ``process/deployment/#task``."""
    parts = urlsplit(url)
    path = parts.path.removeprefix(urlsplit(base).path)
    return f"{path}#{parts.fragment}" if parts.fragment else path


def new_tab(browser: Browser, base: str, color_scheme: str = "light") -> tuple[BrowserContext, Tab]:
    """A fresh context and page that record console errors, page errors and off-site requests."""
    context = browser.new_context(base_url=base, color_scheme=color_scheme)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    problems = Problems()
    origin = urlsplit(base).netloc

    def local_only(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != origin:
            problems.offsite.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", local_only)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.console.append(f"{page.url}: {message.text} ({message.location})")

    def on_page_error(error: PlaywrightError) -> None:
        problems.exceptions.append(f"{page.url}: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return context, Tab(page, base, problems)


@pytest.fixture(name="tab")
def fixture_tab(browser: Browser, site_url: str) -> Iterator[Tab]:
    """A light-mode page of the served site; the test fails if anything went wrong in it."""
    context, tab = new_tab(browser, site_url)
    yield tab
    context.close()
    assert not tab.problems, tab.problems


# --------------------------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------------------------


def search(tab: Tab, query: str, expected: str) -> list[str]:
    """Type ``query`` into Material's search and wait for ``expected`` among the results.

    Returns:
        The result links, relative to the site root, once they hold ``expected`` (or when the
        wait runs out, so the test's assertion can show what was found instead).
    """
    tab.open(HOME)
    tab.page.keyboard.press("/")
    box = tab.page.locator("input.md-search__input")
    expect(box).to_be_focused()
    # Typed key by key: Material runs the query on key events, which fill() does not send.
    box.press_sequentially(query)
    expect(tab.page.locator(".md-search-result__item").first).to_be_visible(timeout=TIMEOUT_MS)
    links = tab.page.locator(".md-search-result a.md-search-result__link")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        # Results for the first letters typed may show before those for the whole query.
        found = [relative(h, tab.base) for h in links.evaluate_all("as => as.map(a => a.href)")]
        if expected in found or time.monotonic() > deadline:
            return found
        tab.page.wait_for_timeout(100)


def test_search_finds_a_role_by_name(tab: Tab, playbook: Playbook) -> None:
    role = playbook.roles["model_risk_committee"]
    assert role.name.startswith("Model risk committee")

    target = "people/roles/model_risk_committee/"
    assert target in search(tab, "Model risk committee", target)


def test_search_finds_a_tool_by_name(tab: Tab, playbook: Playbook) -> None:
    assert playbook.tools["great_expectations"].name == "Great Expectations"

    target = "technology/tools/#great_expectations"
    assert target in search(tab, "Great Expectations", target)


def test_search_for_a_role_word_lists_the_role_page(tab: Tab, playbook: Playbook) -> None:
    # The role is named "Model risk management - independent validation"; "model validator"
    # must still find it (role pages carry their role words as search keywords).
    assert "validator" not in playbook.roles["model_validator"].name.lower()

    assert ROLE in search(tab, "model validator", ROLE)


def test_search_loads_pieces_of_the_index_and_shows_no_maintainer_notes(
    tab: Tab, playbook: Playbook
) -> None:
    fetched: list[str] = []
    tab.page.on("requestfinished", lambda request: fetched.append(request.url))
    phase, _, task = playbook.task_index()["deploy_shadow_endpoint"]

    target = f"process/{phase.id}/#{task.id}"
    assert target in search(tab, task.name, target)

    # Material's own index is empty: Pagefind's chunks and a fragment per page shown answer.
    index = tab.page.request.get(urljoin(tab.base, "search/search_index.json")).json()
    assert index["docs"] == []
    paths = [urlsplit(url).path.removeprefix(urlsplit(tab.base).path) for url in fetched]
    assert "pagefind/pagefind.js" in paths
    assert any(p.startswith("pagefind/index/") for p in paths)
    fragments = {p for p in paths if p.startswith("pagefind/fragment/")}
    assert 0 < len(fragments) <= 10
    shown = tab.page.locator(".md-search-result").inner_text()
    assert "Generated from data" not in shown
    assert "this page's data" not in shown


def test_search_counts_the_pages_it_lists_as_the_best_ones(tab: Tab) -> None:
    # "model" is on far more pages than the worker lists (RESULTS, the best ten): the count
    # must not read as the number of pages that match.
    tab.open(HOME)
    tab.page.keyboard.press("/")
    tab.page.locator("input.md-search__input").press_sequentially("model")
    meta = tab.page.locator(".md-search-result__meta")
    expect(meta).to_have_text("10 best matching documents", timeout=TIMEOUT_MS)
    expect(tab.page.locator("li.md-search-result__item")).to_have_count(10)


def test_search_finds_a_task_by_name(tab: Tab, playbook: Playbook) -> None:
    phase, _, task = playbook.task_index()["deploy_shadow_endpoint"]

    target = f"process/{phase.id}/#{task.id}"
    assert target in search(tab, task.name, target)


def test_search_finds_a_control_by_its_code(tab: Tab, playbook: Playbook) -> None:
    code = refs.control_code(playbook, "independent_validation")
    assert code.startswith("CTL-")

    target = "governance/controls/#independent_validation"
    assert target in search(tab, code, target)


def test_a_search_result_shows_the_section_and_opens_it_highlighted(
    tab: Tab, playbook: Playbook
) -> None:
    phase, _, task = playbook.task_index()["deploy_shadow_endpoint"]
    target = f"process/{phase.id}/#{task.id}"
    assert target in search(tab, task.name, target)
    link = tab.page.locator(f'a.md-search-result__link[href*="#{task.id}"]').first
    expect(link.locator("h2")).to_have_text(task.name)
    expect(link.locator("mark").first).to_be_visible()  # the words found, marked
    # Material's keys: the arrows move from the box through the results.
    tab.page.keyboard.press("ArrowDown")
    first = tab.page.locator("a.md-search-result__link").first
    expect(first).to_be_focused()
    tab.page.keyboard.press("ArrowUp")
    expect(tab.page.locator("input.md-search__input")).to_be_focused()

    link.click()

    tab.page.wait_for_url(re.compile(re.escape(f"process/{phase.id}/") + r"\?h=[^#]+#" + task.id))
    expect(tab.page.locator("article.md-content__inner h1")).to_contain_text(phase.name)
    # Material marks the words searched for on the page it opens.
    expect(
        tab.page.locator("article.md-content__inner mark[data-md-highlight]").first
    ).to_be_visible()


#: A task name that would run script if a search result inserted it as HTML.
HOSTILE = "Train <img src=x onerror=alert(1)> models"


@pytest.fixture(name="hostile_site_url", scope="session")
def fixture_hostile_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture playbook with a task named :data:`HOSTILE`, built and served."""
    config, data = make_project(tmp_path_factory.mktemp("hostile") / "project")

    def rename(phase: dict) -> dict:  # type: ignore[type-arg]
        phase["sub_phases"]["training"]["tasks"]["train_candidate_model"]["name"] = HOSTILE
        return phase

    rewrite(data, "lifecycle/01-build.yaml", rename)
    site = config.parent / "site"
    proc = mkdocs_build(config, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with serve_folder(site) as url:
        yield f"{url}/"


def test_a_hostile_task_name_shows_as_text_in_search_results(
    browser: Browser, hostile_site_url: str
) -> None:
    context, tab = new_tab(browser, hostile_site_url)
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        target = "process/build/#train_candidate_model"
        assert target in search(tab, "onerror", target)
        link = tab.page.locator('a.md-search-result__link[href*="#train_candidate_model"]')
        expect(link.first.locator("h2")).to_have_text(HOSTILE)
        assert tab.page.locator(".md-search-result img").count() == 0
        assert HOSTILE in tab.page.locator(".md-search-result").inner_text()
    finally:
        context.close()
    assert dialogs == []
    assert not tab.problems, tab.problems


# --------------------------------------------------------------------------------------------
# The RACI matrix filter
# --------------------------------------------------------------------------------------------


def test_raci_role_filter_shows_exactly_the_tasks_the_role_holds_a_letter_in(
    tab: Tab, playbook: Playbook
) -> None:
    role = "model_validator"
    expected = {t.id for _, _, t in playbook.tasks() if t.raci.letters_of(role)}
    assert 0 < len(expected) < len(list(playbook.tasks()))
    tab.open(RACI)

    tab.page.locator('select[name="role"]').select_option(role)

    # A role's cell is the one under its column's header (the cells name no role).
    column = tab.page.locator("table[data-raci-matrix] thead th").evaluate_all(
        "(headers, role) => headers.findIndex(th => th.dataset.role === role)", role
    )
    rows = tab.page.locator("table[data-raci-matrix] tr[data-task]").evaluate_all(
        """(rows, column) => rows.map(row => ({
            task: row.dataset.task,
            visible: row.offsetParent !== null,
            letter: row.cells[column].textContent.trim(),
        }))""",
        column,
    )
    assert column > 0
    visible = {row["task"] for row in rows if row["visible"]}
    assert len(rows) == len(list(playbook.tasks()))
    assert visible == expected
    assert all(row["letter"] for row in rows if row["visible"])
    assert not any(row["letter"] for row in rows if not row["visible"])
    status = tab.page.locator(".raci-filter-status")
    expect(status).to_have_text(f"Showing {len(expected)} of {len(rows)} tasks")


# --------------------------------------------------------------------------------------------
# Diagrams, dark mode, console
# --------------------------------------------------------------------------------------------


def test_clicking_a_lifecycle_diagram_node_opens_its_phase_page(
    tab: Tab, playbook: Playbook
) -> None:
    phase = playbook.phases[1]
    tab.open(HOME)
    nodes = tab.page.locator("svg.playbook-diagram a")
    target = f"process/{phase.id}/"
    node = next((n for n in nodes.all() if n.get_attribute("xlink:href") == target), None)
    assert node is not None, f"no diagram node links {target}"

    node.click()

    tab.page.wait_for_url(urljoin(tab.base, target))
    expect(tab.page.locator("h1")).to_contain_text(phase.name)


def test_dark_mode_toggle_switches_the_colour_scheme_and_back(tab: Tab) -> None:
    tab.open(HOME)
    assert tab.scheme() == "default"
    toggle = tab.page.locator('form[data-md-component="palette"] label:visible')

    toggle.click()
    expect(tab.page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    tab.open(ROLE)  # the choice is remembered across pages
    assert tab.scheme() == "slate"

    tab.page.locator('form[data-md-component="palette"] label:visible').click()
    expect(tab.page.locator("body")).to_have_attribute("data-md-color-scheme", "default")


def test_pages_and_instant_navigation_log_no_errors(tab: Tab) -> None:
    for path in (HOME, RACI, ROLE, PHASE, USE_CASE, ARCHITECTURE, GATES):
        tab.open(path, settle=True)
    # Instant navigation: links swap the page in place, so a mark set on the window survives.
    tab.open(RACI, settle=True)
    tab.page.evaluate("window.playbookTestMark = true")
    tab.page.locator(f'table[data-raci-matrix] a[href*="{PHASE}"]').first.click()
    tab.page.wait_for_url(re.compile(re.escape(PHASE)))
    expect(tab.page.locator("h1")).to_be_visible()
    tab.page.locator(f'article a[href$="{ROLE.removeprefix("people/")}"]').first.click()
    tab.page.wait_for_url(urljoin(tab.base, ROLE))
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.evaluate("window.playbookTestMark") is True
    assert not tab.problems, tab.problems


def test_no_checklist_renders_as_literal_brackets(tab: Tab) -> None:
    boxes = 0
    for guide in ("leader", "validator", "data-scientist", "engineer"):
        tab.open(f"audiences/{guide}/")
        article = tab.page.locator("article").inner_text()
        assert "[ ]" not in article, guide
        assert "[x]" not in article, guide
        boxes += tab.page.locator("article li.task-list-item input[type=checkbox]").count()
    assert boxes >= 40


# --------------------------------------------------------------------------------------------
# Layout: diagrams that fit and read at desktop width, no sideways panning on a phone
# --------------------------------------------------------------------------------------------

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
#: Smallest diagram text, in CSS pixels as rendered, that a reader can read at desktop width.
MIN_TEXT_PX = 11

#: Every visible diagram: its width, its column's width, whether its box scrolls, and the
#: rendered size of its smallest text (font size times the SVG's on-screen scale).
MEASURE_DIAGRAMS = """() => Array.from(document.querySelectorAll('article svg.playbook-diagram'))
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => {
    const box = svg.closest('div.playbook-diagram');
    const column = document.querySelector('article').getBoundingClientRect().width;
    const sizes = Array.from(svg.querySelectorAll('text')).map(
      t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    return {
      caption: box.querySelector('.playbook-diagram__caption').textContent.slice(0, 60),
      width: svg.getBoundingClientRect().width,
      column: column,
      scrolls: box.scrollWidth > box.clientWidth + 1,
      smallest: Math.min(...sizes),
    };
  })"""


def diagram_pages(playbook: Playbook) -> list[str]:
    """Every page with a diagram: home, process, architecture, gates and each use case."""
    cases = [f"use-cases/{u}/" for u in playbook.use_cases]
    return [HOME, "process/", ARCHITECTURE, GATES, *cases]


def test_every_diagram_fits_its_column_and_reads_at_desktop_width(
    browser: Browser, site_url: str, playbook: Playbook
) -> None:
    context, tab = new_tab(browser, site_url)
    try:
        tab.page.set_viewport_size(DESKTOP)
        measured = []
        for path in diagram_pages(playbook):
            tab.open(path)
            measured += [(path, d) for d in tab.page.evaluate(MEASURE_DIAGRAMS)]
    finally:
        context.close()
    assert len(measured) >= 3 + len(playbook.use_cases)
    for path, d in measured:
        where = f"{path or 'home'}: {d['caption']}"
        assert d["width"] <= d["column"] + 0.5, where
        assert not d["scrolls"], where
        assert d["smallest"] >= MIN_TEXT_PX, f"{where}: text at {d['smallest']:.1f} px"


PHONE_PAGES = (
    HOME,
    "technology/gap-analysis/",
    RACI,
    "people/raci-rollup/",
    ARCHITECTURE,
    USE_CASE,
    GATES,
    "governance/controls/",
    "governance/traceability/",
    ROLE,
    PHASE,
    "technology/tools/",
    "technology/overlay/",
    "technology/tool-evaluation/",
)


def test_no_page_pans_sideways_on_a_phone(browser: Browser, site_url: str) -> None:
    context = browser.new_context(base_url=site_url, viewport=PHONE, is_mobile=True, has_touch=True)
    wide = {}
    try:
        page = context.new_page()
        for path in PHONE_PAGES:
            response = page.goto(urljoin(site_url, path), wait_until="load")
            assert response is not None, path
            assert response.ok, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[path or "home"] = width
    finally:
        context.close()
    assert not wide, f"pages wider than {PHONE['width']} px: {wide}"


def test_phone_shows_the_one_column_lifecycle(browser: Browser, site_url: str) -> None:
    context = browser.new_context(base_url=site_url, viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(site_url, wait_until="load")
        expect(page.locator(".playbook-diagram.pb-screens-narrow")).to_be_visible()
        expect(page.locator(".playbook-diagram.pb-screens-wide")).to_be_hidden()
        width = page.locator(".pb-screens-narrow svg").evaluate(
            "svg => svg.getBoundingClientRect().width"
        )
        assert width <= PHONE["width"]
    finally:
        context.close()


def test_a_diagram_opens_full_screen_and_zooms(tab: Tab) -> None:
    tab.open(ARCHITECTURE)
    opener = tab.page.locator(".pb-viewer__open").first
    opener.click()
    dialog = tab.page.locator("dialog.pb-viewer")
    expect(dialog).to_be_visible()
    svg = dialog.locator("svg")
    expect(svg).to_have_count(1)
    before = svg.evaluate("svg => svg.getBoundingClientRect().width")

    dialog.get_by_role("button", name="Zoom in").click()
    after = svg.evaluate("svg => svg.getBoundingClientRect().width")
    assert after > before * 1.2

    tab.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_print_this_page_opens_the_print_dialog(tab: Tab) -> None:
    tab.open(ROLE)
    # Record the call instead of opening the browser's dialog.
    tab.page.evaluate("() => { window.__printed = 0; window.print = () => window.__printed++; }")
    tab.page.locator("button.playbook-print-page").click()
    assert tab.page.evaluate("() => window.__printed") == 1


# --------------------------------------------------------------------------------------------
# Accessibility
# --------------------------------------------------------------------------------------------

AXE_PAGES = (
    HOME,
    RACI,
    ROLE,
    USE_CASE,
    ARCHITECTURE,
    GATES,
    "audiences/leader/",
    "leadership/outcomes/",
)
SERIOUS = ("serious", "critical")


def describe(violation: dict) -> str:  # type: ignore[type-arg]
    """One line per violation: rule, impact, and the first few offending elements."""
    targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


def serious_violations(page: Page) -> list[str]:
    """axe's serious and critical violations on ``page``, one line each."""
    violations = Axe().run(page).response["violations"]
    return [describe(v) for v in violations if v["impact"] in SERIOUS]


@pytest.mark.parametrize("scheme", ["default", "slate"], ids=["light", "dark"])
@pytest.mark.parametrize("path", AXE_PAGES, ids=[p or "home" for p in AXE_PAGES])
def test_no_serious_accessibility_violations(
    browser: Browser, site_url: str, path: str, scheme: str
) -> None:
    context, tab = new_tab(browser, site_url, "dark" if scheme == "slate" else "light")
    try:
        tab.open(path)
        if tab.scheme() != scheme:
            tab.page.locator('form[data-md-component="palette"] label:visible').click()
        expect(tab.page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)

        found = serious_violations(tab.page)
    finally:
        context.close()

    assert not found, "\n".join(found)
    assert not tab.problems, tab.problems


@pytest.mark.parametrize("scheme", ["default", "slate"], ids=["light", "dark"])
def test_search_results_have_no_serious_accessibility_violations(
    browser: Browser, site_url: str, scheme: str
) -> None:
    context, tab = new_tab(browser, site_url, "dark" if scheme == "slate" else "light")
    try:
        assert ROLE in search(tab, "model validator", ROLE)
        expect(tab.page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)
        expect(tab.page.locator(".md-search-result__list")).to_be_visible()
        found = serious_violations(tab.page)
    finally:
        context.close()

    assert not found, "\n".join(found)
    assert not tab.problems, tab.problems
