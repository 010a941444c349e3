"""Checklist items (pymdownx.tasklist) as check marks, not unlabelled form controls.

The audience guides' checklists are lists to work through, not forms: the disabled check box
before each item is a visual mark. It carries no label (the item's text sits outside
pymdownx's ``<label>``), which screen readers announce as an unnamed control and axe reports
as critical, so the mark is hidden from assistive technology; the item's text is read as is.
"""

from __future__ import annotations

_MARK = '<label class="task-list-control"><input type="checkbox" disabled/>'
_QUIET = '<label class="task-list-control" aria-hidden="true"><input type="checkbox" disabled/>'


def quiet_task_marks(html: str) -> str:
    """``html`` with every checklist check box hidden from assistive technology."""
    return html.replace(_MARK, _QUIET) if _MARK in html else html
