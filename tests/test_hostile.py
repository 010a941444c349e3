"""The hostile-input corpus: data and docs written by an attacker cannot run code, script the
site, poison an export or destroy the checkout.

``tests/fixtures/hostile/payloads.yaml`` holds the payloads, a list per class of attack. The
site tests put every payload into the fixture data's free-text fields (plain text and
Markdown), build the real site and check what came out. The property test does the same with
random strings at the render level, without a site build per example.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import markdown as python_markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from playbook.cli.export import raci_csv
from playbook.data.model import Playbook
from playbook.render.pages import generated_pages, split_front_matter
from playbook.safety import sanitize_markdown
from tests.helpers import VALID, make_project, playbook_of, read_yaml, write_yaml
from tests.hostile import active_content
from tests.playbook_cli import run_playbook

PAYLOADS: dict[str, list[str]] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "hostile" / "payloads.yaml").read_text(encoding="utf-8")
)
#: YAML keys of the fixture data that hold free text (plain or Markdown).
FREE_TEXT = {
    "name",
    "title",
    "description",
    "summary",
    "team",
    "business_problem",
    "value_hypothesis",
    "model_approach",
    "notes",
    "reason",
    "context",
    "decision",
}
#: What a spreadsheet would read as a formula at the start of a cell (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The Markdown extensions of mkdocs.yml that turn a page into HTML.
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "def_list", "toc"]
EXTENSIONS += ["pymdownx.superfences", "pymdownx.details"]


def inject(data: Path, payloads: list[str]) -> int:
    """Put the payloads, in turn, into every free-text field of every data file; return how
    many fields were set. Names get a number so that they stay unique."""
    cycle = itertools.cycle(payloads)
    count = itertools.count(1)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in FREE_TEXT and isinstance(value, str):
                    node[key] = f"{next(cycle)} #{next(count)}"
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        return node

    for path in sorted(data.rglob("*.yaml")):
        if "schema" not in path.parts:
            write_yaml(path, walk(read_yaml(path)))
    return next(count) - 1


def every_payload(marker: Path) -> list[str]:
    return [p.replace("MARKER", str(marker)) for p in itertools.chain(*PAYLOADS.values())]


# --------------------------------------------------------------------------------------------
# The site, built from hostile data
# --------------------------------------------------------------------------------------------


@pytest.fixture(name="hostile_site", scope="module")
def fixture_hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The fixture project with every payload in its data, built: (project, site, marker)."""
    root = tmp_path_factory.mktemp("hostile")
    marker = root / "PWNED-by-template"
    config, data = make_project(root / "project")
    assert inject(data, every_payload(marker)) > len(every_payload(marker))
    site = root / "project" / "site"
    run = run_playbook("build", "--print-page", "--config", config, "--out", site)
    assert run.code == 0, run.err
    return config.parent, site, marker


@pytest.mark.slow
def test_no_payload_ran_during_the_build(hostile_site: tuple[Path, Path, Path]) -> None:
    project, _, marker = hostile_site
    assert not marker.exists()
    assert not list(project.rglob("PWNED*"))


@pytest.mark.slow
def test_no_built_page_or_diagram_holds_active_content(
    hostile_site: tuple[Path, Path, Path],
) -> None:
    _, site, _ = hostile_site
    pages = sorted(site.rglob("*.html")) + sorted(site.rglob("*.svg"))
    assert len(pages) > 20
    found = {
        str(page.relative_to(site)): bad
        for page in pages
        if (bad := active_content(page.read_text(encoding="utf-8"), theme=True))
    }
    assert found == {}


@pytest.mark.slow
def test_payloads_show_as_text_on_the_pages(hostile_site: tuple[Path, Path, Path]) -> None:
    _, site, _ = hostile_site
    role = _text_of((site / "people" / "roles" / "ml_engineer" / "index.html").read_text())
    assert "<SCRIPT>pwn('upper')</SCRIPT>" in role or "<script>pwn('lower')</script>" in role
    everything = "".join(_text_of(p.read_text(encoding="utf-8")) for p in site.rglob("*.html"))
    # A template payload is shown, not run; code in Markdown keeps its braces.
    assert "cycler.__init__.__globals__" in everything


@pytest.mark.slow
def test_the_print_page_for_the_pdf_loads_no_local_file(
    hostile_site: tuple[Path, Path, Path],
) -> None:
    _, site, _ = hostile_site
    printed = (site / "print_page" / "index.html").read_text(encoding="utf-8")
    # No element loads a file: URL (active_content checks every src, href and data) ...
    assert active_content(printed, theme=True) == []
    # ... the payloads in plain-text fields are shown as text.
    assert '<iframe src="file:///etc/passwd">' in _text_of(printed)


@pytest.mark.slow
def test_rendered_tree_diagrams_keep_only_site_links(
    hostile_site: tuple[Path, Path, Path],
) -> None:
    project, _, marker = hostile_site
    out = project / "rendered"
    run = run_playbook("render", "--config", "mkdocs.yml", "--out", out, cwd=project)
    assert run.code == 0, run.err
    diagrams = sorted(out.rglob("*.svg"))
    assert diagrams
    for diagram in diagrams:
        assert active_content(diagram.read_text(encoding="utf-8"), theme=True) == []
    assert not marker.exists()


def test_a_hand_written_page_cannot_escape_the_jinja_sandbox(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED-by-docs"
    for number, payload in enumerate(PAYLOADS["template"]):
        chapter = "# Build\n\n" + payload.replace("MARKER", str(marker)) + "\n"
        config, _ = make_project(tmp_path / f"project{number}", chapter=chapter)
        run = run_playbook("render", "--config", config, "--out", tmp_path / "out")
        assert run.code == 1
        assert "process/build.md" in run.error_line  # refused: unsafe attribute or bad syntax
        assert not marker.exists()


@pytest.mark.slow
def test_a_hand_written_page_cannot_escape_the_sandbox_in_the_site_build(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED-by-docs"
    payload = PAYLOADS["template"][0].replace("MARKER", str(marker))
    config, _ = make_project(tmp_path / "project", chapter=f"# Build\n\n{payload}\n")
    run = run_playbook("build", "--config", config, "--out", tmp_path / "project" / "site")
    assert run.code == 1
    assert not marker.exists()
    assert not (tmp_path / "project" / "site").exists()


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["task", "role", "phase"])
def test_no_csv_cell_starts_a_formula(tmp_path: Path, by: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    inject(data, PAYLOADS["formula"])
    rows = list(csv.reader(io.StringIO(raci_csv(playbook_of(data), by))))  # type: ignore[arg-type]
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=") for cell in cells) or by == "phase"
    assert [c for c in cells if c.startswith(FORMULA_START)] == []


def test_xlsx_cells_are_strings_never_formulas(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    inject(data, PAYLOADS["formula"])
    out = tmp_path / "raci.xlsx"
    run = run_playbook("export", "raci", "--format", "xlsx", "--data", data, "--out", out)
    assert run.code == 0, run.err
    cells = [c for sheet in load_workbook(out) for row in sheet.iter_rows() for c in row]
    assert any(str(c.value).startswith("=") for c in cells)
    assert {c.data_type for c in cells if isinstance(c.value, str)} == {"s"}


# --------------------------------------------------------------------------------------------
# Shapes of the fields that end up in links
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("repo_url", "https://example.org/{{ 7 * 7 }}"),
        ("repo_url", "https://example.org/{% endraw %}"),
        ("repo_url", "JAVASCRIPT:pwn()"),
        ("repo_url", "https://example.org/a b"),
        ("repo_url", 'https://example.org/"onmouseover="pwn()'),
        ("repo_url", "https://example.org/)[x](javascript:pwn()"),
        ("edit_branch", "{% endraw %}{{ 7 * 7 }}"),
        ("edit_branch", "main/../../etc"),
        ("edit_branch", "main branch"),
        ("edit_branch", "-main"),
    ],
)
def test_link_fields_are_refused_by_shape(valid_data: Path, field: str, value: str) -> None:
    doc = read_yaml(valid_data / "playbook.yaml")
    doc[field] = value
    write_yaml(valid_data / "playbook.yaml", doc)
    run = run_playbook("validate", "--data", valid_data)
    assert run.code == 1
    assert "data/playbook.yaml:" in run.out
    assert field in run.out


# --------------------------------------------------------------------------------------------
# Property: any string in any field
# --------------------------------------------------------------------------------------------


#: The pieces random strings are made of: what breaks templates, HTML, Markdown and DOT.
TOKENS = [
    *("{{", "}}", "{%", "%}", "{#", "<", ">", '"', "'", "[", "]", "(", ")", "\\", "\n", "`"),
    *("&", "#", "|", "*", "_", "-", "=", ":", "a", "B", " ", "script", "on", "x=1", "é"),
]
HOSTILE_TEXT = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map("".join)


def _is_free_text(annotation: Any, metadata: list[Any]) -> bool:
    """``str`` with no pattern: ids, URLs and refs all have one."""
    if get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata = [*metadata, *extra]
    return annotation is str and not any(getattr(m, "pattern", None) for m in metadata)


def _free_text_fields(model: type[BaseModel]) -> tuple[set[str], set[str]]:
    """The model's fields holding free text, and those holding lists of free text."""
    single, lists = set(), set()
    for name, field in model.model_fields.items():
        if _is_free_text(field.annotation, field.metadata):
            single.add(name)
        elif get_origin(field.annotation) is list and _is_free_text(
            get_args(field.annotation)[0], []
        ):
            lists.add(name)
    return single, lists


def with_text(record: Any, make: Any) -> Any:
    """``record`` with every free-text field of every nested model set by ``make(path)``."""
    if isinstance(record, BaseModel):
        update: dict[str, Any] = {}
        single, lists = _free_text_fields(type(record))
        for name in type(record).model_fields:
            value = getattr(record, name)
            if name in single and name != "id":
                update[name] = make(value)
            elif name in lists:
                update[name] = [make(item) for item in value]
            elif isinstance(value, BaseModel | dict | list):
                update[name] = with_text(value, make)
        return record.model_copy(update=update)
    if isinstance(record, dict):
        return {key: with_text(value, make) for key, value in record.items()}
    if isinstance(record, list):
        return [with_text(value, make) for value in record]
    return record


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


@functools.cache
def fixture_playbook() -> Playbook:
    return playbook_of(VALID)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE_TEXT)
def test_any_text_in_any_field_renders_inert_whole_and_escaped_once(text: str) -> None:
    counter = itertools.count()
    plain = " ".join(text.split()) or "x"

    def make(old: str) -> str:
        # Keep names unique and fields non-empty; the hostile text leads every value.
        return f"{plain} {next(counter)}"

    pb = with_text(fixture_playbook(), make)
    pages = generated_pages(pb, [], lambda dot: "<svg></svg>")
    role_page = next(p for p in pages if p.src_uri == "people/roles/ml_engineer.md")
    role = pb.roles["ml_engineer"]
    for page in pages:
        # Nothing reaches Jinja: a fully generated page gives the engine its front matter only.
        assert split_front_matter(page.template())[1].strip() == ""
        html = python_markdown.markdown(page.body(), extensions=EXTENSIONS)
        assert active_content(html) == [], page.src_uri
        if page is role_page:
            # Plain text arrives whole, escaped exactly once.
            assert " ".join(role.name.split()) in _text_of(html)


@settings(max_examples=30, deadline=None)
@given(text=HOSTILE_TEXT)
def test_code_in_a_markdown_field_is_shown_as_written(text: str) -> None:
    code = text.replace("`", "").replace("\n", " ").strip() or "x"
    html = python_markdown.markdown(sanitize_markdown(f"Run `{code}` now."), extensions=EXTENSIONS)
    assert active_content(html) == []
    shown = re.search(r"<code>(.*?)</code>", html, re.DOTALL)
    assert shown is not None
    assert _text_of(f"<p>{shown.group(1)}</p>") == " ".join(code.split())
