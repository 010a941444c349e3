"""Helpers shared by the people, process, use-case and home renderers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render.markdown import edit_data_note

if TYPE_CHECKING:
    from playbook.data.model import Letter, Playbook, Role

#: What each RACI letter means, in display order.
LETTER_NAMES: dict[Letter, str] = {
    "R": "Responsible",
    "A": "Accountable",
    "S": "Support",
    "C": "Consulted",
    "I": "Informed",
}

#: What each line of defence covers.
LINES_OF_DEFENCE: dict[int, str] = {
    1: "First line: business and technology",
    2: "Second line: risk, compliance and control functions",
    3: "Third line: independent assurance",
}


def letters(pb: Playbook) -> list[Letter]:
    """The letters this playbook uses (RACI, or RASCI with Support), in display order."""
    return [letter for letter in LETTER_NAMES if letter != "S" or pb.meta.raci_letters == "RASCI"]


def phase_files(pb: Playbook) -> list[str]:
    """Every lifecycle data file, in phase order."""
    return [pb.files[f"phase:{p.id}"] for p in pb.phases if f"phase:{p.id}" in pb.files]


def data_files(pb: Playbook, *keys: str) -> list[str]:
    """Data file paths for record kinds (``roles.yaml``) or ids (``phase:x``, ``use_case:x``).

    The special key ``lifecycle`` stands for every phase file.
    """
    found: list[str] = []
    for key in keys:
        if key == "lifecycle":
            found += phase_files(pb)
        elif key in pb.files:
            found.append(pb.files[key])
    return found


def data_note(pb: Playbook, *keys: str) -> str:
    """The 'generated from' admonition naming the data files behind a page."""
    return edit_data_note(data_files(pb, *keys), pb.meta.repo_url, pb.meta.edit_branch)


def roles_in_order(pb: Playbook) -> list[Role]:
    """Roles by line of defence, then in data order (the column order of every matrix)."""
    return sorted(pb.roles.values(), key=lambda r: r.line_of_defence)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 task``, ``2 tasks``."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


#: Where a hand-written chapter goes in a generated page (:func:`playbook.render.pages.compose`).
CHAPTER_SLOT = "<!-- playbook:chapter -->\n"


def stage(name: str) -> str:
    """A lifecycle stage for display: ``data_preparation`` -> ``data preparation``."""
    return name.replace("_", " ")
