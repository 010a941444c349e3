"""``python -m playbook.cli``: the same as the ``playbook`` command."""

from playbook.cli.commands import main

main()
