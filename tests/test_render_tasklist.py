"""Checklist marks are hidden from assistive technology; the item text stays."""

from __future__ import annotations

import markdown as md

from playbook.render.tasklist import quiet_task_marks


def test_checklist_marks_are_hidden_and_the_text_kept() -> None:
    html = md.markdown(
        "- [ ] Baseline agreed\n- [ ] Holdout fixed\n",
        extensions=["pymdownx.tasklist"],
        extension_configs={"pymdownx.tasklist": {"custom_checkbox": True}},
    )
    quiet = quiet_task_marks(html)
    assert quiet.count('class="task-list-control" aria-hidden="true"') == 2
    assert "Baseline agreed" in quiet
    assert quiet_task_marks("<p>none</p>") == "<p>none</p>"
