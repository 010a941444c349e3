"""The home page: what the playbook is, its size, the lifecycle, and a way in per audience."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from playbook.data import kinds
from playbook.render import links
from playbook.render.common import CHAPTER_SLOT, data_note
from playbook.render.dot import to_dot_lifecycle
from playbook.render.inventory import render_portfolio
from playbook.render.markdown import html, markdown, plain_text, text
from playbook.render.svg import diagram_html

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping, Sequence

    from playbook.data.model import Playbook


def countable() -> dict[str, tuple[str, str]]:
    """What ``count(kind)`` can count (the registry's kinds with a count label): the plural
    (``tasks``) to the label and the page that lists them."""
    return {
        kind.plural: (kind.count, kind.count_page or kind.page or links.HOME)
        for kind in kinds.KINDS
        if kind.count
    }


#: The counts shown on the home page, in order.
HOME_COUNTS = ("roles", "phases", "tasks", "gates", "controls", "tools", "use_cases")


def count(pb: Playbook, kind: str) -> int:
    """How many records of ``kind`` (a key of :func:`countable`) the playbook holds.

    Raises:
        ValueError: ``kind`` is not countable.
    """
    found = kinds.by_plural(kind)
    if found is None or not found.count:
        raise ValueError(f"cannot count {kind!r}; expected one of {', '.join(countable())}")
    return sum(1 for _ in kinds.locate(pb, found))


def lifecycle_diagram(pb: Playbook, page: str, svg: Callable[[str], str]) -> str:
    """The lifecycle diagram as an inline SVG block; nodes link to phases and sub-phases."""
    caption = (
        f"The {len(pb.phases)} lifecycle phases and their sub-phases. "
        "Select a phase or a sub-phase to open it."
    )
    return diagram_html(svg(to_dot_lifecycle(pb, page)), caption)


# --------------------------------------------------------------------------------------------
# Audience entry points
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Audience:
    """A hand-written audience guide: where it is, its title and a one-line description."""

    src_uri: str
    title: str
    description: str


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_H1 = re.compile(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*#*\s*$", re.MULTILINE)
_DESCRIPTION = re.compile(r"^description:\s*[\"']?(.+?)[\"']?\s*$", re.MULTILINE)
#: Longest description taken from a guide's first paragraph.
DESCRIPTION_CHARS = 180


def first_sentence(markdown: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The first sentence of the first paragraph after the H1, as plain text.

    Links keep their text, emphasis marks go, and a sentence longer than ``limit`` is cut at
    a word boundary with an ellipsis.
    """
    body = _H1.sub("", markdown, count=1)
    paragraph = next(
        (p for p in re.split(r"\n\s*\n", body) if p.strip() and p.lstrip()[0] not in "#<!-|>"),
        "",
    )
    plain = plain_text(paragraph)
    sentence = re.split(r"(?<=[.!?])\s", plain, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def audiences_from_docs(docs: Mapping[str, str], folder: str = "audiences/") -> list[Audience]:
    """The audience guides among hand-written ``docs`` (source URI to Markdown), by URI.

    The title is the page's first H1 (else its file name); the description is the front
    matter's ``description:`` when present, else the first sentence of the page.
    """
    found = []
    for uri in sorted(docs):
        if not uri.startswith(folder) or not uri.endswith(".md") or uri.endswith("index.md"):
            continue
        source = docs[uri]
        front = _FRONT_MATTER.match(source)
        description = ""
        if front:
            match = _DESCRIPTION.search(front.group(1))
            description = match.group(1) if match else ""
            source = source[front.end() :]
        heading = _H1.search(source)
        name = uri.rsplit("/", 1)[-1].removesuffix(".md").replace("-", " ").capitalize()
        found.append(
            Audience(
                uri,
                heading.group(1) if heading else name,
                description or first_sentence(source),
            )
        )
    return found


def render_audience_cards(page: str, audiences: Sequence[Audience]) -> str:
    """Material grid cards, one per audience guide ('' when there is none)."""
    if not audiences:
        return ""
    cards = []
    for audience in audiences:
        body = f"\n\n    ---\n\n    {text(audience.description)}" if audience.description else ""
        cards.append(
            f"-   **[{text(audience.title)}]({links.md_href(audience.src_uri, page)})**{body}\n"
        )
    return '<div class="grid cards" markdown>\n\n' + "\n".join(cards) + "\n</div>\n\n"


# --------------------------------------------------------------------------------------------
# Home page
# --------------------------------------------------------------------------------------------


def _stats(pb: Playbook, page: str, available: Collection[str]) -> str:
    items = []
    for kind in HOME_COUNTS:
        label, target = countable()[kind]
        inner = (
            f'<span class="playbook-stat__n">{count(pb, kind)}</span>'
            f'<span class="playbook-stat__label">{html(label)}</span>'
        )
        if target in available:
            items.append(f'<a class="playbook-stat" href="{links.href(target, page)}">{inner}</a>')
        else:
            items.append(f'<span class="playbook-stat">{inner}</span>')
    return '<div class="playbook-stats">\n' + "\n".join(items) + "\n</div>\n\n"


#: Sections listed under "Find your way", with what each one answers.
SECTIONS = (
    (links.ROLES, "People", "who does what: roles, the RACI matrix and its roll-up"),
    (links.PROCESS, "Process", "the lifecycle phase by phase, with every task and its RACI"),
    (links.USE_CASES, "Use cases", "deep dives from business problem to monitoring"),
    (links.TOOLS, "Technology", "the tool stack, the reference architecture and gaps"),
    (links.GATES, "Governance", "stage gates, controls and regulatory traceability"),
)


def render_home(
    pb: Playbook,
    page: str,
    diagram: str = "",
    audiences: Sequence[Audience] = (),
    available: Collection[str] = (),
) -> str:
    """The home page.

    Args:
        pb: The playbook.
        page: Source URI of the page (``index.md``).
        diagram: The lifecycle diagram as HTML, or ''.
        audiences: Hand-written audience guides to offer as entry points.
        available: Source URIs of the pages the site has; links go only to those.
    """
    out = [
        f"# {text(pb.meta.title)}\n\n",
        data_note(pb, "playbook.yaml"),
        f'<p class="playbook-lead">{html(pb.meta.organization)} · '
        f"version {html(pb.meta.version)}</p>\n\n",
        markdown(pb.meta.summary).strip() + "\n\n",
        _stats(pb, page, available),
        render_portfolio(pb, page, available),
        CHAPTER_SLOT + "\n",
    ]
    cards = render_audience_cards(page, audiences)
    if cards:
        out.append("## Start here { #start-here }\n\n")
        out.append("Pick the guide written for your job; each one links into the details.\n\n")
        out.append(cards)
    if diagram:
        out.append("## The lifecycle { #lifecycle }\n\n")
        out.append(diagram.strip() + "\n\n")
    sections = [(t, name, what) for t, name, what in SECTIONS if t in available]
    if sections:
        out.append("## Find your way { #find-your-way }\n\n")
        out.extend(f"- [{name}]({links.md_href(t, page)}): {what}.\n" for t, name, what in sections)
        out.append("\n")
    return "".join(out)
