"""Governance template pages: each template's sections, who fills them and the gates needing it.

Each template also becomes a blank Markdown file (:func:`render_template_download`) that the
page links to, for teams to copy and fill; the site adds it as a static file beside the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.render import links, refs
from playbook.render.common import data_note, plural
from playbook.render.markdown import bullets, heading, markdown, table, text

if TYPE_CHECKING:
    from playbook.data.model import Playbook

INDEX = "governance/templates/index.md"


def template_page(template_id: str) -> str:
    """Source URI of a template's page."""
    return f"governance/templates/{template_id}.md"


def download_uri(template_id: str) -> str:
    """Source URI of a template's blank Markdown file (served as a static file)."""
    return f"governance/templates/downloads/{template_id}.md"


def _download_link(template_id: str, page: str) -> str:
    """A link that downloads the blank file under a readable name."""
    href = links.relative(download_uri(template_id), page)
    return f'[Download as Markdown]({href}){{ download="{template_id}.md" }}'


def render_templates_index(pb: Playbook, page: str) -> str:
    """Every governance template with its owner, the gates that need it and its download.

    Args:
        pb: The playbook.
        page: Source URI of the page (``governance/templates/index.md``).
    """
    rows = [
        [
            f"[{text(t.title)}]({links.md_href(template_page(t.id), page)})",
            refs.role(pb, page, t.owner),
            refs.task(pb, page, t.produced_by),
            ", ".join(refs.gate(pb, page, g) for g in t.gates),
            _download_link(t.id, page),
        ]
        for t in pb.templates.values()
    ]
    if not pb.templates:
        return "# Templates\n\n" + data_note(pb, "playbook.yaml") + "No templates yet.\n"
    return (
        "# Templates\n\n"
        + data_note(pb, "templates.yaml")
        + f"The {plural(len(pb.templates), 'document template')} the gates ask for as evidence. "
        "Each page lists the template's sections and the role that fills each; download the "
        "blank Markdown file, fill it and file it with the gate's evidence.\n\n"
        + table(["Template", "Accountable", "Produced by", "Needed at", "File"], rows)
    )


def render_template_page(pb: Playbook, page: str, template_id: str) -> str:
    """One template: purpose, who is accountable, the gates needing it and its sections.

    Args:
        pb: The playbook.
        page: Source URI of the page (``governance/templates/<id>.md``).
        template_id: The template's id in ``data/templates.yaml``.
    """
    template = pb.templates[template_id]
    facts = [
        f"**Accountable for the completed document:** {refs.role(pb, page, template.owner)}",
        f"**Produced by:** {refs.task(pb, page, template.produced_by)}",
        "**Needed at:** " + ", ".join(refs.gate(pb, page, g) for g in template.gates),
    ]
    if template.controls:
        facts.append(
            "**Evidences controls:** "
            + ", ".join(refs.control(pb, page, c) for c in template.controls)
        )
    facts.append(f"**File:** {_download_link(template.id, page)}")
    rows = [
        [
            f"{index}. {text(section.title)}",
            refs.roles(pb, page, list(section.filled_by)),
            markdown(section.guidance).strip(),
        ]
        for index, section in enumerate(template.sections.values(), start=1)
    ]
    return (
        f"# {text(template.title)}\n\n"
        + data_note(pb, "templates.yaml")
        + markdown(template.description).strip()
        + "\n\n"
        + bullets(facts)
        + "\n"
        + heading(2, "Sections", "sections")
        + table(["Section", "Filled by", "What it must say"], rows)
    )


def _role_names(pb: Playbook, role_ids: list[str]) -> str:
    return ", ".join(text(pb.roles[r].name if r in pb.roles else r) for r in role_ids)


def render_template_download(pb: Playbook, template_id: str) -> str:
    """The blank template as plain Markdown to fill in: one heading and prompt per section.

    The file is downloaded, not rendered by the site, but whoever opens it may render it:
    plain data text is escaped and Markdown fields are sanitised as on the pages. The prompts
    are block quotes for the author to replace.
    """
    template = pb.templates[template_id]
    gates = ", ".join(text(pb.gates[g].name if g in pb.gates else g) for g in template.gates)
    lines = [
        f"# {text(template.title)}",
        "",
        f"> {text(pb.meta.organization)}. Accountable: {_role_names(pb, [template.owner])}."
        f" Needed at: {gates}.",
        "",
        "| Field | Value |",
        "| --- | --- |",
        "| Model and inventory id | |",
        "| Version | |",
        "| Author | |",
        "| Date | |",
        "",
    ]
    for index, section in enumerate(template.sections.values(), start=1):
        lines += [
            f"## {index}. {text(section.title)}",
            "",
            f"_Filled by: {_role_names(pb, list(section.filled_by))}_",
            "",
            "> " + " ".join(markdown(section.guidance).split()),
            "",
        ]
    return "\n".join(lines)
