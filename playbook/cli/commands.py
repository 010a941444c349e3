"""The ``playbook`` command: validate, build, serve, render, export, diff, new, pdf.

Each command is a thin wrapper: it parses options, calls the core, prints the result and picks
the exit code (0 ok, 1 the data or the site has errors, 2 bad usage or bad input).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
import yaml

from playbook.data.issues import errors, format_json, format_text, warnings
from playbook.data.loader import load_playbook
from playbook.data.model import TASK_KINDS
from playbook.data.profiles import PROFILES

if TYPE_CHECKING:
    from collections.abc import Callable

    from playbook.data.model import Playbook

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Folder holding the playbook's YAML data.",
)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error to stderr and exit."""
    click.echo(f"playbook: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Validate, build and publish the MLOps playbook."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="playbook", standalone_mode=False)
    except click.UsageError as exc:
        fail(exc.format_message().replace("\n", " "))
    except click.ClickException as exc:
        fail(exc.format_message())
    except click.Abort:
        fail("aborted", 130)
    except KeyboardInterrupt:
        sys.exit(130)


@cli.command()
@DATA_OPTION
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Hand-written pages to lint for typed numbers [default: docs/ beside the data folder].",
)
@click.option(
    "--profile",
    type=click.Choice(["declared", "none", *PROFILES]),
    default="declared",
    show_default=True,
    help="The content bar to hold the data to: the one data/playbook.yaml declares, none, or a"
    " named one.",
)
def validate(data_dir: Path, strict: bool, fmt: str, docs_dir: Path | None, profile: str) -> None:
    """Check every data file: syntax, shape, cross-references and RACI rules.

    Also lints the data text and the hand-written pages for governed numbers typed instead of
    cited from data (see data/policy.yaml).
    """
    from playbook.data.numbers import lint_numbers

    if not data_dir.is_dir():
        fail(f"data folder '{data_dir}' not found")
    result = load_playbook(data_dir)
    issues = list(result.issues)
    if result.playbook is not None and profile != "declared":
        from playbook.data.locator import Locator
        from playbook.data.profiles import CODE, check_profile

        where = Locator(result.playbook, result.sources)
        bar = check_profile(result.playbook, where, None if profile == "none" else profile)
        issues = [i for i in issues if i.code != CODE] + bar
    if result.playbook is not None:
        docs = docs_dir if docs_dir is not None else data_dir.resolve().parent / "docs"
        issues = sorted(issues + lint_numbers(result.playbook, data_dir, docs))
    click.echo(format_json(issues) if fmt == "json" else format_text(issues))
    if errors(issues) or (strict and warnings(issues)):
        sys.exit(1)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/schema"),
    show_default=True,
)
@click.option("--check", is_flag=True, help="Exit 1 if the committed schemas are stale.")
def schema(out: Path, check: bool) -> None:
    """Write the JSON Schemas of the data files (generated from the model)."""
    from playbook.cli.schema import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(out)
        if stale:
            fail(f"stale schemas in {out}: {', '.join(stale)}; run 'playbook schema'", 1)
        click.echo(f"schemas in {out} are current")
        return
    for path in write_schemas(out):
        click.echo(f"wrote {path}")


CONFIG_OPTION = click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="MkDocs configuration file.",
)

ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["mkdocs", "zensical"]),
    default="mkdocs",
    show_default=True,
    help="Site engine: MkDocs with Material, or Zensical building the rendered tree.",
)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Output folder; replaced only when every step succeeds.",
)
@CONFIG_OPTION
@click.option("--check-external", is_flag=True, help="Also check external (http/https) links.")
@ENGINE_OPTION
@click.option(
    "--print-page",
    is_flag=True,
    help="Also build the print page (the whole playbook in one page, for printing and the PDF).",
)
def build(out: Path, config: Path, check_external: bool, engine: str, print_page: bool) -> None:
    """Validate, build strictly, check every link, then swap the site into OUT."""
    from playbook.cli.build import BuildError
    from playbook.cli.build import build as run_build
    from playbook.cli.outputs import OutputError

    if print_page and engine != "mkdocs":
        fail("--print-page needs --engine mkdocs: the print page is made by a MkDocs plugin")
    try:
        site = run_build(
            out,
            config=config,
            check_external=check_external,
            engine=engine,
            print_page=print_page,
        )
    except OutputError as exc:
        fail(str(exc))
    except BuildError as exc:
        click.echo(f"playbook: build failed: {exc}", err=True)
        click.echo(f"playbook: '{out}' was left as it was", err=True)
        sys.exit(1)
    click.echo(f"built {site}")


@cli.command()
@CONFIG_OPTION
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.option(
    "--full",
    is_flag=True,
    help="Serve everything, print page and git dates included (slower rebuilds).",
)
def serve(config: Path, addr: str, full: bool) -> None:
    """Serve the playbook with live reload when data, docs or macros change.

    The preview is at the root of --addr, whatever the path of the published site_url. It
    leaves out the print page and the git dates, which redo whole-site work on every rebuild;
    --full keeps them.
    """
    import signal
    import subprocess
    import tempfile

    from playbook.render.pages import data_dir
    from playbook.site.config_file import ConfigError, extra_settings, preview_config, read_config

    if not config.is_file():
        fail(f"MkDocs config '{config}' not found")
    try:
        extra = extra_settings(read_config(config))
        # A preview lives at the root of its address, whatever the published site_url's path.
        text = preview_config(config, f"http://{addr}/", full=full)
    except (OSError, yaml.YAMLError, ConfigError) as exc:
        fail(f"cannot read '{config}': {exc}")
    data = data_dir(config, extra)
    result = load_playbook(data)
    if errors(result.issues):
        click.echo(format_text(result.issues), err=True)
        sys.exit(1)
    # Beside the config: MkDocs resolves the docs, hooks and theme paths from its folder.
    with tempfile.NamedTemporaryFile(
        "w", dir=config.parent, prefix=".playbook-serve-", suffix=".yml", delete=False
    ) as out:
        out.write(text)
    served = Path(out.name)
    # MkDocs's own `serve`, with a watcher that sees an edit at once (playbook.site.live).
    cmd = [sys.executable, "-m", "playbook.site.live", "serve", "--dev-addr", addr]
    # The config and the data it names, wherever that is (PLAYBOOK_DATA may point elsewhere).
    cmd += ["--config-file", str(served), "--watch", str(config), "--watch", str(data)]
    from playbook.cli.outputs import child_dies_with_parent

    child = subprocess.Popen(cmd, preexec_fn=child_dies_with_parent())  # dies with us

    stopped = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopped
        stopped = True
        child.terminate()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        code = child.wait()
    except KeyboardInterrupt:
        stopped = True
        child.terminate()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            child.wait()
        served.unlink(missing_ok=True)
    # Stopped on request (Ctrl-C, SIGTERM) is a clean exit; a crash keeps its code.
    sys.exit(0 if stopped else code if code >= 0 else 128 - code)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("rendered"),
    show_default=True,
    help="Output folder for the docs tree; replaced as a whole.",
)
@CONFIG_OPTION
@click.option(
    "--mkdocs-config",
    "plain",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a plain Material config (no macros, no hooks) that builds OUT; it "
    "inherits --config, so write it in the same folder.",
)
@ENGINE_OPTION
@click.option(
    "--zensical-config",
    "zensical",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a flattened Zensical config that builds OUT (write it in OUT's parent).",
)
def render(out: Path, config: Path, plain: Path | None, engine: str, zensical: Path | None) -> None:
    """Write every page's final Markdown into OUT, diagrams as SVG files, with the assets.

    The result is a plain docs tree: generated pages, chapters composed, macros expanded. Any
    Markdown site engine can build it.
    """
    import functools

    from playbook.cli.outputs import OutputError, check_output
    from playbook.cli.render_tree import RenderError, read_docs, render_tree, write_tree
    from playbook.cli.zensical import adapt_links, write_zensical_config
    from playbook.render.pages import data_dir, diagram_cache_dir
    from playbook.render.svg import DiagramError, render_svg
    from playbook.site.config_file import (
        ConfigError,
        extra_settings,
        plain_config,
        read_config,
        setting,
    )

    if not config.is_file():
        fail(f"MkDocs config '{config}' not found")
    try:
        raw = read_config(config)
    except (OSError, yaml.YAMLError, ConfigError) as exc:
        fail(f"cannot read '{config}': {exc}")
    extra = extra_settings(raw)
    docs_dir = config.parent / str(setting(raw, "docs_dir", default="docs"))
    if not docs_dir.is_dir():
        fail(f"docs folder '{docs_dir}' not found")
    folder = data_dir(config, extra)
    try:
        check_output(out, config.parent, [docs_dir, folder])
    except OutputError as exc:
        fail(str(exc))
    pb = _load_or_exit(folder)
    try:
        pages, assets = read_docs(docs_dir)
    except RenderError as exc:
        fail(str(exc), 1)
    svg = functools.partial(render_svg, cache_dir=diagram_cache_dir(config))
    try:
        # load_playbook is memoized: this is the result _load_or_exit checked.
        tree = render_tree(pb, load_playbook(folder).issues, pages, svg, extra)
    except (RenderError, DiagramError) as exc:
        fail(str(exc), 1)
    if engine == "zensical":
        tree = adapt_links(tree)
    try:
        write_tree(tree, assets, out, config.parent)
    except OutputError as exc:
        fail(str(exc))
    click.echo(f"rendered {len(tree.pages)} pages and {len(tree.diagrams)} diagrams into {out}")
    if plain is not None:
        plain.write_text(
            plain_config(config, out.resolve(), tree.nav, tree.downloads), encoding="utf-8"
        )
        click.echo(f"wrote {plain}")
    if zensical is not None:
        write_zensical_config(config.resolve(), tree.nav, zensical)
        click.echo(f"wrote {zensical}")


def _load_or_exit(data_dir: Path) -> Playbook:
    if not data_dir.is_dir():
        fail(f"data folder '{data_dir}' not found")
    result = load_playbook(data_dir)
    if result.playbook is None or errors(result.issues):
        click.echo(format_text(result.issues), err=True)
        fail(f"the data in '{data_dir}' has errors; run 'playbook validate'", 1)
    return result.playbook


@cli.group()
def export() -> None:
    """Export the playbook: the RACI document, or everything as JSON."""


@export.command("raci")
@DATA_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "markdown"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--by",
    type=click.Choice(["task", "role", "phase"]),
    default="task",
    show_default=True,
    help="Rows per task, per role, or the roll-up per phase.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (required for xlsx; default: standard output).",
)
def export_raci(data_dir: Path, fmt: str, by: str, out: Path | None) -> None:
    """The RACI by task or by role, plus the phase roll-up (xlsx holds all three)."""
    from playbook.cli import export as ex

    if fmt == "xlsx" and out is None:
        fail("--out FILE is required for --format xlsx (a workbook is not text)")
    pb = _load_or_exit(data_dir)
    if fmt == "xlsx":
        assert out is not None
        target = _output_file(out, data_dir)
        try:
            ex.raci_xlsx(pb, target)
        except OSError as exc:
            fail(f"cannot write '{out}': {exc.strerror or exc}")
        click.echo(f"wrote {out}")
        return
    content = ex.raci_csv(pb, by) if fmt == "csv" else ex.raci_markdown(pb, by)  # type: ignore[arg-type]
    _emit(content, out, data_dir)


@export.command("json")
@DATA_OPTION
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_json(data_dir: Path, out: Path | None) -> None:
    """The whole validated playbook as one JSON document (see data/schema/export.schema.json)."""
    from playbook.cli.export import export_json as to_json

    _emit(to_json(_load_or_exit(data_dir)), out, data_dir)


def _output_file(out: Path, data_dir: Path) -> Path:
    """``out`` resolved, unless it would write into the data, docs or .git folder (exit 2)."""
    from playbook.cli.outputs import OutputError, check_output

    project = data_dir.resolve().parent
    try:
        return check_output(out, project, [data_dir, project / "docs"], folder=False)
    except OutputError as exc:
        fail(str(exc))


def _emit(content: str, out: Path | None, data_dir: Path) -> None:
    if out is None:
        click.echo(content, nl=False)
        return
    target = _output_file(out, data_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write '{out}': {exc.strerror or exc}")
    click.echo(f"wrote {out}")


@cli.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--data-path", default="data", show_default=True, help="Data folder in the repo.")
def diff(base: str, head: str | None, data_path: str) -> None:
    """Report what changed in the data from BASE to HEAD (default: the working tree)."""
    import tempfile

    from playbook.cli.diff import (
        RevisionError,
        diff_playbooks,
        load_revision,
        raw_changes,
        render_changes,
        work_tree,
    )

    repo = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="playbook-diff-") as tmp:
        try:
            old_dir = load_revision(repo, base, data_path, Path(tmp, "base"))
            new_dir = (
                load_revision(repo, head, data_path, Path(tmp, "head"))
                if head
                else work_tree(repo) / data_path
            )
        except RevisionError as exc:
            fail(str(exc))
        if not new_dir.is_dir():
            fail(f"the working tree has no '{data_path}' folder")
        sides = []
        # The head first: it must pass every check, whatever the base is.
        for label, folder in ((head or "working tree", new_dir), (base, old_dir)):
            result = load_playbook(folder)
            if result.playbook is None and folder is old_dir:
                # The base was written for an older shape of the data (a field added or
                # reshaped since): compare the files as plain YAML, key by key.
                count = len(errors(result.issues))
                note = (
                    f"The data at '{base}' does not load with the current model "
                    f"({count} shape error{'' if count == 1 else 's'}), so it is compared "
                    "file by file, key by key."
                )
                click.echo(f"playbook: note: {note}", err=True)
                raw = raw_changes(old_dir, new_dir)
                click.echo(render_changes(raw, base, head or "working tree", note), nl=False)
                return
            if result.playbook is None or (folder is new_dir and errors(result.issues)):
                click.echo(format_text(result.issues), err=True)
                fail(f"the data at '{label}' has errors; cannot compare it", 1)
            if errors(result.issues):
                # The base was written for older rules (a rule or a check added since): its
                # content can still be compared; the report says so.
                click.echo(
                    f"playbook: note: the data at '{label}' breaks "
                    f"{len(errors(result.issues))} of the current checks; compared anyway",
                    err=True,
                )
            sides.append(result.playbook)
    docs_dir = work_tree(repo) / "docs"
    docs = (
        {
            p.relative_to(docs_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(docs_dir.rglob("*.md"))
        }
        if docs_dir.is_dir()
        else {}
    )
    head_pb, base_pb = sides
    changes = diff_playbooks(base_pb, head_pb, docs)
    click.echo(render_changes(changes, base, head or "working tree"), nl=False)


@cli.group()
def new() -> None:
    """Scaffold a valid new entry; TODO fields show up as validator warnings."""


def _scaffold(data_dir: Path, make: Callable[[], Path]) -> None:
    """Run one scaffold; keep the data as it was when the entry would not validate."""
    from playbook.cli.scaffold import ScaffoldError, new_issues, restore, snapshot
    from playbook.data.loader import load_uncached

    if not data_dir.is_dir():
        fail(f"data folder '{data_dir}' not found")
    before = load_uncached(data_dir).issues
    saved = snapshot(data_dir)
    try:
        path = make()
    except ScaffoldError as exc:
        fail(str(exc))
    added = new_issues(before, load_uncached(data_dir).issues)
    if errors(added):
        restore(data_dir, saved)
        click.echo(format_text(errors(added)), err=True)
        fail("the new entry would not validate, so nothing was changed", 1)
    click.echo(f"added to {path}; the validator flags what is left to fill in:")
    click.echo(format_text(added))


@new.command("role")
@click.argument("role_id")
@click.option("--name", required=True)
@click.option("--team", required=True)
@click.option("--line-of-defence", type=click.IntRange(1, 3), required=True)
@DATA_OPTION
def new_role(role_id: str, name: str, team: str, line_of_defence: int, data_dir: Path) -> None:
    """Add a role to roles.yaml."""
    from playbook.cli import scaffold

    _scaffold(data_dir, lambda: scaffold.new_role(data_dir, role_id, name, team, line_of_defence))


@new.command("tool")
@click.argument("tool_id")
@click.option("--name", required=True)
@click.option("--category", required=True, help="A category id from tools.yaml.")
@click.option("--owner", required=True, help="The owning role id.")
@DATA_OPTION
def new_tool(tool_id: str, name: str, category: str, owner: str, data_dir: Path) -> None:
    """Add a tool (status: assess) to tools.yaml."""
    from playbook.cli import scaffold

    _scaffold(data_dir, lambda: scaffold.new_tool(data_dir, tool_id, name, category, owner))


@new.command("task")
@click.argument("task_id")
@click.option("--phase", required=True)
@click.option("--sub-phase", required=True)
@click.option("--name", required=True)
@click.option(
    "--kind",
    required=True,
    type=click.Choice(list(TASK_KINDS)),
    help="What the task is; the independence rules select tasks by it.",
)
@click.option("--accountable", required=True, help="The one Accountable role id.")
@click.option("--responsible", required=True, help="A Responsible role id.")
@DATA_OPTION
def new_task(task_id: str, data_dir: Path, **fields: str) -> None:
    """Add a task to a sub-phase of a lifecycle phase."""
    from playbook.cli import scaffold

    # The options above arrive as `fields`, named as scaffold.new_task's keyword arguments.
    _scaffold(data_dir, lambda: scaffold.new_task(data_dir, task_id, **fields))


@new.command("use-case")
@click.argument("use_case_id")
@click.option("--title", required=True)
@click.option("--owner", required=True, help="The role accountable for the outcome.")
@DATA_OPTION
def new_use_case(use_case_id: str, title: str, owner: str, data_dir: Path) -> None:
    """Create data/use_cases/<id>.yaml with every required field."""
    from playbook.cli import scaffold

    _scaffold(data_dir, lambda: scaffold.new_use_case(data_dir, use_case_id, title, owner))


@cli.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("playbook.pdf"),
    show_default=True,
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Use this already built site instead of building one.",
)
@CONFIG_OPTION
def pdf(out: Path, site_dir: Path | None, config: Path) -> None:
    """Print the whole playbook (its single print page) to a PDF with headless Chromium."""
    import tempfile

    from playbook.cli.browser import BrowserError, find_chromium, print_to_pdf
    from playbook.cli.build import BuildError, docs_folder
    from playbook.cli.build import build as run_build
    from playbook.cli.outputs import OutputError, check_output

    project = config.resolve().parent
    try:
        check_output(out, project, [project / "data", docs_folder(config.resolve())], folder=False)
    except OutputError as exc:
        fail(str(exc))
    if find_chromium() is None:
        from playbook.cli.browser import INSTALL_HINT

        fail(INSTALL_HINT)
    if site_dir is None and not config.is_file():
        fail(f"MkDocs config '{config}' not found")
    if site_dir is not None and not site_dir.is_dir():
        fail(f"site folder '{site_dir}' not found")
    with tempfile.TemporaryDirectory(prefix="playbook-pdf-") as tmp:
        try:
            site = site_dir or run_build(Path(tmp, "site"), config=config, print_page=True)
        except OutputError as exc:
            fail(str(exc))
        except BuildError as exc:
            fail(f"build failed: {exc}", 1)
        page = site / "print_page" / "index.html"
        if not page.is_file():
            fail(f"{page} not found: build the site with --print-page")
        try:
            print_to_pdf(page, out)
        except BrowserError as exc:
            fail(str(exc), 1)
        except OSError as exc:
            fail(f"cannot write '{out}': {exc.strerror or exc}")
    click.echo(f"wrote {out}")


if __name__ == "__main__":
    main()
