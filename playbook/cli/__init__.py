"""The ``playbook`` command line: validate, build, serve, render, export, diff, new, pdf."""

from playbook.cli.commands import main

__all__ = ["main"]
