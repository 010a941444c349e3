"""``playbook build``: a broken link, anchor, raw-HTML or SVG link fails the build, and the
site that was already published stays exactly as it was.

The fixture project (real config, macros and theme; fixture data) is built once per module into
``public/site``. Each breakage then edits the fixture's one hand-written chapter, builds again
with the ``playbook`` CLI, and puts the chapter back.
"""

from __future__ import annotations

import http.server
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from playbook.cli import build as build_module
from playbook.cli.build import BrokenLink, check_links, check_svg_links, mkdocs_build
from playbook.cli.commands import cli
from tests.helpers import CHAPTER, http_server, make_project, rewrite, tree_digest

#: Where the broken lines go in the chapter: its page is ``process/build/``.
PAGE_MD = "process/build.md"
PAGE_HTML = "process/build/index.html"


def run_build(config: Path, out: Path, *options: str) -> Result:
    """``playbook build --out OUT --config CONFIG [options]`` through Click's runner."""
    args = ["build", "--out", str(out), "--config", str(config), *options]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def siblings(out: Path) -> list[str]:
    """The names in the folder holding the site (temporary build folders would show here)."""
    return sorted(p.name for p in out.parent.iterdir())


@dataclass(frozen=True)
class Published:
    """The fixture project and the site a first, successful build published."""

    config: Path
    out: Path
    digest: dict[str, str]

    @property
    def chapter(self) -> Path:
        """The hand-written chapter the breakages edit."""
        return self.config.parent / "docs" / PAGE_MD


@pytest.fixture(name="source_date", scope="module", autouse=True)
def fixture_source_date() -> Iterator[None]:
    """A fixed SOURCE_DATE_EPOCH: outside git, pages are dated by it rather than the clock, so
    rebuilding the same sources gives the same bytes."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        yield


@pytest.fixture(name="published", scope="module")
def fixture_published(tmp_path_factory: pytest.TempPathFactory, source_date: None) -> Published:
    """The fixture project, built once with ``playbook build`` into ``public/site``."""
    config, _ = make_project(tmp_path_factory.mktemp("project"))
    out = config.parent / "public" / "site"
    result = run_build(config, out)
    assert result.exit_code == 0, result.output
    assert (out / PAGE_HTML).is_file()
    return Published(config, out, tree_digest(out))


@pytest.fixture(name="chapter")
def fixture_chapter(published: Published) -> Iterator[Path]:
    """The chapter file, restored to the fixture's text after the test."""
    yield published.chapter
    published.chapter.write_text(CHAPTER, encoding="utf-8")


@dataclass(frozen=True)
class Breakage:
    """A line added to the chapter, and what the failure message must name."""

    markdown: str
    names: tuple[str, ...]
    reason: str = ""


BREAKAGES = {
    # MkDocs validates Markdown links and anchors; --strict turns its warnings into failures.
    "link to a missing page": Breakage(
        "See [the missing page](missing-page.md).", (PAGE_MD, "missing-page.md")
    ),
    "link to a missing anchor on an existing page": Breakage(
        "See [the matrix](../people/raci.md#no-such-anchor).",
        (PAGE_MD, "../people/raci.md#no-such-anchor"),
    ),
    # MkDocs passes raw HTML through unchecked: lychee reads the built page.
    "raw HTML link": Breakage(
        'See <a href="../nowhere/">nowhere</a>.', (PAGE_HTML, "/process/nowhere"), "file not found"
    ),
    # Neither MkDocs nor lychee reads xlink:href in inline SVG: check_svg_links does.
    "inline SVG link": Breakage(
        '<div><svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" role="img" aria-label="A diagram">'
        '<a xlink:href="../no-such-phase/"><text x="0" y="10">node</text></a></svg></div>',
        (PAGE_HTML, "../no-such-phase/"),
        "file not found",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_broken_link_fails_the_build_and_leaves_the_old_site_intact(
    published: Published, chapter: Path, breakage: Breakage
) -> None:
    chapter.write_text(f"{CHAPTER}\n{breakage.markdown}\n", encoding="utf-8")

    result = run_build(published.config, published.out)

    assert result.exit_code == 1, result.output
    assert "playbook: build failed" in result.stderr
    for name in breakage.names:
        assert name in result.stderr, (name, result.stderr)
    assert breakage.reason.lower() in result.stderr.lower()
    assert f"'{published.out}' was left as it was" in result.stderr
    assert tree_digest(published.out) == published.digest
    assert siblings(published.out) == ["site"]


@pytest.mark.slow
def test_a_failing_search_indexer_fails_the_build_and_leaves_the_old_site_intact(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (published.out / "pagefind" / "pagefind.js").is_file()  # the first build indexed
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 1\n", encoding="utf-8")
    failing.chmod(0o755)
    monkeypatch.setenv("PLAYBOOK_PAGEFIND", str(failing))

    result = run_build(published.config, published.out)

    assert result.exit_code == 1, result.output
    assert "Pagefind failed to index" in result.stderr
    assert "(exit 1): Error: out of memory" in result.stderr
    assert "Traceback" not in result.output
    assert f"'{published.out}' was left as it was" in result.stderr
    assert tree_digest(published.out) == published.digest
    assert siblings(published.out) == ["site"]


@pytest.mark.slow
def test_a_fixed_page_builds_and_replaces_the_site(published: Published, chapter: Path) -> None:
    chapter.write_text(f"{CHAPTER}\nA new paragraph, linking [the matrix](../people/raci.md).\n")

    result = run_build(published.config, published.out)

    assert result.exit_code == 0, result.output
    assert "A new paragraph" in (published.out / PAGE_HTML).read_text(encoding="utf-8")
    assert tree_digest(published.out) != published.digest
    assert siblings(published.out) == ["site"]
    # Put the published site back as the other tests expect it.
    chapter.write_text(CHAPTER, encoding="utf-8")
    assert run_build(published.config, published.out).exit_code == 0
    assert tree_digest(published.out) == published.digest


# --------------------------------------------------------------------------------------------
# The checkers on their own
# --------------------------------------------------------------------------------------------

SVG_PAGE = """\
<!doctype html>
<html><body>
<h2 id="present">Present</h2>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<a xlink:href="../other/"><text>ok: a page</text></a>
<a xlink:href="../other/#target"><text>ok: an anchor on a page</text></a>
<a xlink:href="#present"><text>ok: an anchor here</text></a>
<a xlink:href="https://example.org/"><text>external: not this checker's job</text></a>
<a xlink:href="../missing/"><text>broken: no such page</text></a>
<a xlink:href="../other/#absent"><text>broken: no such anchor</text></a>
</svg>
</body></html>
"""


@pytest.mark.slow
def test_the_print_page_is_built_only_when_asked_for(published: Published, tmp_path: Path) -> None:
    # The default build leaves it out (it repeats every page's work), and no page links to it;
    # every page still offers to print itself.
    assert not (published.out / "print_page").exists()
    page = (published.out / PAGE_HTML).read_text(encoding="utf-8")
    assert "print_page/" not in page
    assert "playbook-print-page" in page
    out = tmp_path / "site"
    result = run_build(published.config, out, "--print-page")
    assert result.exit_code == 0, result.output
    assert "print-site-cover-page" in (out / "print_page" / "index.html").read_text("utf-8")
    assert 'href="../../print_page/"' in (out / PAGE_HTML).read_text(encoding="utf-8")


def test_print_page_needs_the_mkdocs_engine(tmp_path: Path) -> None:
    config, _ = make_project(tmp_path / "project")
    result = run_build(config, tmp_path / "site", "--engine", "zensical", "--print-page")
    assert result.exit_code == 2
    assert "--print-page needs --engine mkdocs" in result.output


def test_check_svg_links_reports_missing_pages_and_anchors_with_their_location(
    tmp_path: Path,
) -> None:
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(SVG_PAGE, encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "index.html").write_text('<p id="target">x</p>', encoding="utf-8")

    broken = check_svg_links(tmp_path)

    assert broken == [
        BrokenLink("page/index.html", 9, 4, "../missing/", "file not found"),
        BrokenLink("page/index.html", 10, 4, "../other/#absent", "cannot find fragment"),
    ]


class StatusHandler(http.server.BaseHTTPRequestHandler):
    """``/missing`` answers 404, ``/moved`` redirects to ``/ok``, anything else 200."""

    requests: list[str] = []  # noqa: RUF012 (shared by the handler instances on purpose)

    def do_GET(self) -> None:
        """Answer by path; HEAD requests are answered the same way, without a body."""
        self.requests.append(self.path)
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        found = self.path != "/missing"
        body = b"<!doctype html><title>ok</title>" if found else b"not found"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    do_HEAD = do_GET  # http.server dispatches HEAD to do_HEAD

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""


@pytest.fixture(name="web")
def fixture_web() -> Iterator[str]:
    """A local server answering 200, 301 and 404; yields its base URL."""
    StatusHandler.requests = []
    with http_server(StatusHandler) as url:
        yield url


def links_page(url: str) -> str:
    """A page linking the three answers of the local server."""
    return (
        "<!doctype html><html><body>"
        f'<a href="{url}/ok">200</a> <a href="{url}/moved">301</a> '
        f'<a href="{url}/missing">404</a>'
        "</body></html>\n"
    )


def test_external_links_are_checked_only_when_asked(tmp_path: Path, web: str) -> None:
    (tmp_path / "index.html").write_text(links_page(web), encoding="utf-8")

    assert check_links(tmp_path) == []
    assert StatusHandler.requests == []  # offline: no request was even made

    broken = check_links(tmp_path, external=True)

    assert [(b.page, b.url) for b in broken] == [("index.html", f"{web}/missing")]
    assert "404" in broken[0].reason
    assert {"/ok", "/moved", "/missing"} <= set(StatusHandler.requests)


@pytest.mark.slow
def test_check_external_fails_the_build_on_a_dead_external_link(tmp_path: Path, web: str) -> None:
    # Every external link of the fixture site points at the local server: the site's own URL
    # (canonical links), the repository (and so the edit links), the control's source and the
    # tool's home page. Material's "Made with" footer link is switched off.
    config, data = make_project(
        tmp_path / "project",
        chapter=f"{CHAPTER}\nSee [the dead link]({web}/missing).\n",
        extra={"generator": False},
        settings={"site_url": f"{web}/"},
    )
    out = tmp_path / "project" / "public" / "site"

    def local_repo(meta: dict) -> None:  # type: ignore[type-arg]
        meta["repo_url"] = f"{web}/repo"

    def local_source(controls: dict) -> None:  # type: ignore[type-arg]
        for source in controls.get("sources", {}).values():
            source["url"] = f"{web}/ok"

    def local_tool(tools: dict) -> None:  # type: ignore[type-arg]
        for tool in tools["tools"].values():
            if "url" in tool:
                tool["url"] = f"{web}/moved"

    rewrite(data, "playbook.yaml", local_repo)
    rewrite(data, "controls.yaml", local_source)
    rewrite(data, "tools.yaml", local_tool)

    offline = run_build(config, out)
    assert offline.exit_code == 0, offline.output
    assert StatusHandler.requests == []
    digest = tree_digest(out)

    online = run_build(config, out, "--check-external")
    assert online.exit_code == 1, online.output
    assert f"{PAGE_HTML}:" in online.stderr
    assert f"{web}/missing" in online.stderr
    assert f"{web}/ok" not in online.stderr
    assert f"{web}/moved" not in online.stderr
    assert f"{web}/repo" not in online.stderr
    assert {"/ok", "/moved", "/missing"} <= set(StatusHandler.requests)
    assert tree_digest(out) == digest

    (config.parent / "docs" / PAGE_MD).write_text(CHAPTER, encoding="utf-8")
    fixed = run_build(config, out, "--check-external")
    assert fixed.exit_code == 0, fixed.output


# --------------------------------------------------------------------------------------------
# mkdocs build -q exits 0 on broken links (mkdocs/mkdocs#4126): never pass it
# --------------------------------------------------------------------------------------------


def test_mkdocs_runs_strict_and_never_quiet(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    commands: list[list[str]] = []

    def fake_run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        commands.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(build_module.subprocess, "run", fake_run)
    mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")

    [cmd] = commands
    assert cmd[1:4] == ["-m", "mkdocs", "build"]
    assert "--strict" in cmd
    assert not {"-q", "--quiet"} & set(cmd)


def test_root_absolute_links_under_the_site_url_path_are_checked_in_the_site(
    tmp_path: Path,
) -> None:
    # Material writes 404.html with links under site_url's path (/mlops-playbook/...).
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h1 id="yes">A</h1>', encoding="utf-8")
    (tmp_path / "404.html").write_text(
        '<a href="/base/">home</a><a href="/base/a/#yes">a</a><a href="/base/zz/">zz</a>',
        encoding="utf-8",
    )
    (tmp_path / "index.html").write_text("<p>home</p>", encoding="utf-8")
    broken = check_links(tmp_path, base_path="/base/")
    assert [(b.page, b.url) for b in broken] == [("404.html", "/zz")]
