"""The home page: what the playbook is, its size, the lifecycle, and a way in per audience."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

from playbook.data import kinds
from playbook.render import links, refs
from playbook.render.common import CHAPTER_SLOT, data_note, plural
from playbook.render.dot import to_dot_lifecycle, to_dot_lifecycle_compact
from playbook.render.inventory import render_portfolio
from playbook.render.markdown import bullets, html, markdown, plain_text, text
from playbook.render.signoff import gates_approved_by, gates_signed_by
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
    """The lifecycle diagram as inline SVG blocks; nodes link to phases and sub-phases.

    Two drawings: phase columns with their sub-phases for wide screens, and one column of
    phases for phones (the stylesheet shows one of them).
    """
    caption = (
        f"The {len(pb.phases)} lifecycle phases and their sub-phases. "
        "Select a phase or a sub-phase to open it."
    )
    compact = f"The {len(pb.phases)} lifecycle phases, in order. Select a phase to open it."
    return diagram_html(svg(to_dot_lifecycle(pb, page)), caption, screens="wide") + diagram_html(
        svg(to_dot_lifecycle_compact(pb, page)), compact, screens="narrow"
    )


# --------------------------------------------------------------------------------------------
# Audience entry points
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Audience:
    """A hand-written audience guide: where it is, its title, its card text and the role ids
    it speaks to (front matter ``roles:``), whose gates the home page lists as its decisions."""

    src_uri: str
    title: str
    description: str
    roles: tuple[str, ...] = ()


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_H1 = re.compile(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*#*\s*$", re.MULTILINE)
#: Where a guide without an ``order:`` goes among the audience cards.
_UNORDERED = 1_000
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


def _front(source: str) -> tuple[dict[str, object], str]:
    """A page's front matter as a mapping ({} when absent or not a mapping), and its body."""
    match = _FRONT_MATTER.match(source)
    if not match:
        return {}, source
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        meta = None
    return (meta if isinstance(meta, dict) else {}), source[match.end() :]


def audiences_from_docs(docs: Mapping[str, str], folder: str = "audiences/") -> list[Audience]:
    """The audience guides among hand-written ``docs`` (source URI to Markdown), by URI.

    The title is the page's first H1 (else its file name); the description is the front
    matter's ``description:`` when present, else the first sentence of the page; ``roles:``
    lists the role ids the guide speaks to (anything but a list of strings counts as none).
    Guides with an integer ``order:`` come first, by that number; the rest follow by URI.
    """
    found: list[tuple[int, Audience]] = []
    for uri in sorted(docs):
        if not uri.startswith(folder) or not uri.endswith(".md") or uri.endswith("index.md"):
            continue
        meta, source = _front(docs[uri])
        description = meta.get("description")
        roles = meta.get("roles")
        order = meta.get("order")
        heading = _H1.search(source)
        name = uri.rsplit("/", 1)[-1].removesuffix(".md").replace("-", " ").capitalize()
        rank = order if isinstance(order, int) and not isinstance(order, bool) else _UNORDERED
        audience = Audience(
            uri,
            heading.group(1) if heading else name,
            str(description).strip() if description else first_sentence(source),
            tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (),
        )
        found.append((rank, audience))
    return [audience for _, audience in sorted(found, key=lambda item: item[0])]


def _decisions(pb: Playbook, page: str, audience: Audience) -> str:
    """The gates the guide's roles sign (as Accountable) and those they co-approve."""
    roles = [r for r in audience.roles if r in pb.roles]
    lines = []
    for label, gates in (
        ("You sign", gates_signed_by(pb, roles)),
        ("You co-approve", gates_approved_by(pb, roles)),
    ):
        if gates:
            lines.append(f"**{label}:** " + ", ".join(refs.gate(pb, page, g.id) for g in gates))
    return "\n\n    ".join(lines)


def render_audience_cards(
    page: str, audiences: Sequence[Audience], pb: Playbook | None = None
) -> str:
    """Material grid cards, one per audience guide ('' when there is none): the guide's title,
    its full description and, given the playbook, the gates its roles sign."""
    if not audiences:
        return ""
    cards = []
    for audience in audiences:
        body = f"\n\n    ---\n\n    {text(audience.description)}" if audience.description else ""
        decisions = _decisions(pb, page, audience) if pb is not None else ""
        if decisions:
            body += f"\n\n    {decisions}"
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


#: The hand-written page on business outcomes and KPIs.
OUTCOMES = "leadership/outcomes.md"

#: Sections listed under "Find your way", with what each one answers.
SECTIONS = (
    (OUTCOMES, "Business outcomes", "the KPIs the programme reports against, with targets"),
    (links.ROLES, "People", "who does what: roles, the RACI matrix and its roll-up"),
    (links.PROCESS, "Process", "the lifecycle phase by phase, with every task and its RACI"),
    (links.USE_CASES, "Use cases", "deep dives from business problem to monitoring"),
    (links.TOOLS, "Technology", "the tool stack, the reference architecture and gaps"),
    (links.GATES, "Governance", "stage gates, controls and regulatory traceability"),
)

#: Use-case statuses in the order the portfolio line lists them.
_STATUS_ORDER = ("production", "validation", "development", "proposed", "retired")


def _lead(pb: Playbook) -> str:
    """Three lines: what the playbook is, what it holds, and how to start."""
    what = first_sentence(pb.meta.summary, limit=400)
    holds = (
        f"{plural(len(pb.phases), 'phase')} from intake to retirement, "
        f"{plural(count(pb, 'tasks'), 'task')} each with one Accountable role, and "
        f"{plural(len(pb.gates), 'stage gate')} that decide when a model moves on."
    )
    start = "Start with the guide for your job: it lists the decisions that are yours."
    return (
        '<div class="pb-hero">\n'
        f'<p class="pb-hero__lead">{html(what)}</p>\n'
        f"<p>{html(holds)}</p>\n"
        f'<p class="pb-hero__meta">{html(start)} '
        f"{html(pb.meta.organization)} · version {html(pb.meta.version)}</p>\n"
        "</div>\n\n"
    )


def _link_if(label: str, target: str, page: str, available: Collection[str]) -> str:
    return f"[{label}]({links.md_href(target, page)})" if target in available else label


def _standing(pb: Playbook, page: str, available: Collection[str]) -> str:
    """Where things stand: use cases by status, maturity gaps, and the outcomes page."""
    lines = []
    statuses = Counter(str(u.status) for u in pb.use_cases.values())
    if statuses:
        counts = ", ".join(f"{statuses[s]} in {s}" for s in _STATUS_ORDER if statuses[s])
        label = _link_if(
            plural(len(pb.use_cases), "use case").capitalize(), links.USE_CASES, page, available
        )
        lines.append(f"**{label}:** {counts}.")
    if pb.capabilities:
        below = [c for c in pb.capabilities.values() if c.current < c.target]
        high = sum(1 for c in below if c.priority == "high")
        label = _link_if("Capabilities", links.GAP_ANALYSIS, page, available)
        lines.append(
            f"**{label}:** {len(pb.capabilities) - len(below)} of "
            f"{len(pb.capabilities)} at their target maturity; "
            f"{plural(len(below), 'gap')} to close, {high} of them high priority."
        )
    if OUTCOMES in available:
        lines.append(
            f"**[Business outcomes and KPIs]({links.md_href(OUTCOMES, page)}):** what the "
            "programme is measured on (speed, control and value), with baselines and "
            "12-month targets."
        )
    return bullets(lines) + "\n" if lines else ""


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
        _lead(pb),
        CHAPTER_SLOT + "\n",
    ]
    cards = render_audience_cards(page, audiences, pb)
    if cards:
        out.append("## Your decisions, by role { #start-here }\n\n")
        out.append(
            "Each guide says which decisions are yours, what evidence to ask for before you "
            "make them, and what to read first.\n\n"
        )
        out.append(cards)
    out.append("## Where things stand { #where-things-stand }\n\n")
    out.append(_stats(pb, page, available))
    out.append(_standing(pb, page, available))
    out.append(render_portfolio(pb, page, available))
    if diagram:
        out.append("## The lifecycle { #lifecycle }\n\n")
        out.append(diagram.strip() + "\n\n")
    sections = [(t, name, what) for t, name, what in SECTIONS if t in available]
    if sections:
        out.append("## Find your way { #find-your-way }\n\n")
        out.extend(f"- [{name}]({links.md_href(t, page)}): {what}.\n" for t, name, what in sections)
        out.append("\n")
    out.append("## About this playbook { #about }\n\n")
    out.append(markdown(pb.meta.summary).strip() + "\n\n")
    out.append(data_note(pb, "playbook.yaml"))
    return "".join(out)
