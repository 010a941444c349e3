"""The ``playbook`` command line: validate, build, serve, render, export, diff, inventory."""

from playbook.cli.commands import cli, main
from playbook.cli.inventory import inventory

cli.add_command(inventory)

__all__ = ["main"]
