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


if __name__ == "__main__":
    main()
