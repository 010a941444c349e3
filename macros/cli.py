"""The ``playbook`` command: validate, build, serve, render, export, diff, new, pdf.

Each command is a thin wrapper: it parses options, calls the core, prints the result and picks
the exit code (0 ok, 1 the data or the site has errors, 2 bad usage or bad input).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from macros.issues import errors, format_json, format_text, warnings
from macros.loader import load_playbook

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Folder holding the playbook's YAML data.",
)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error to stderr and exit."""
    click.echo(f"playbook: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Validate, build and publish the MLOps playbook."""


@main.command()
@DATA_OPTION
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def validate(data_dir: Path, strict: bool, fmt: str) -> None:
    """Check every data file: syntax, shape, cross-references and RACI rules."""
    if not data_dir.is_dir():
        fail(f"data folder '{data_dir}' not found")
    result = load_playbook(data_dir)
    issues = result.issues
    click.echo(format_json(issues) if fmt == "json" else format_text(issues))
    if errors(issues) or (strict and warnings(issues)):
        sys.exit(1)


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/schema"),
    show_default=True,
)
@click.option("--check", is_flag=True, help="Exit 1 if the committed schemas are stale.")
def schema(out: Path, check: bool) -> None:
    """Write the JSON Schemas of the data files (generated from the model)."""
    from macros.schema import stale_schemas, write_schemas

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


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Output folder; replaced only when every step succeeds.",
)
@CONFIG_OPTION
@click.option("--check-external", is_flag=True, help="Also check external (http/https) links.")
def build(out: Path, config: Path, check_external: bool) -> None:
    """Validate, build strictly, check every link, then swap the site into OUT."""
    from macros.build import BuildError
    from macros.build import build as run_build

    try:
        site = run_build(out, config=config, check_external=check_external)
    except BuildError as exc:
        click.echo(f"playbook: build failed: {exc}", err=True)
        click.echo(f"playbook: '{out}' was left as it was", err=True)
        sys.exit(1)
    click.echo(f"built {site}")


@main.command()
@CONFIG_OPTION
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config: Path, addr: str) -> None:
    """Serve the playbook with live reload when data, docs or macros change."""
    import subprocess

    if not config.is_file():
        fail(f"MkDocs config '{config}' not found")
    result = load_playbook(config.parent / "data")
    if errors(result.issues):
        click.echo(format_text(result.issues), err=True)
        sys.exit(1)
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", addr]
    cmd += ["--config-file", str(config)]
    try:
        sys.exit(subprocess.call(cmd))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
