"""The glossary page: a hand-written definition list made navigable.

Pure Markdown to Markdown: each term becomes bold with an anchor of its own
(``#term-<slug>``), the terms are grouped under a heading per initial letter, and an A-Z line
under the introduction links to the letters that have terms.
"""

from __future__ import annotations

import re

#: Where the hand-written glossary sits among the docs.
GLOSSARY = "glossary.md"

_DEFINITION = re.compile(r"^:\s{1,4}\S")
_SLUG = re.compile(r"[^a-z0-9]+")


def term_anchor(term: str) -> str:
    """The anchor of a term: ``AUC (area under the ROC curve)`` -> ``term-auc``."""
    head = term.split(" (", 1)[0]
    return "term-" + (_SLUG.sub("-", head.lower()).strip("-") or "x")


def _letter(term: str) -> str:
    first = term.lstrip("*_`[ ")[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def render_glossary(markdown: str) -> str:
    """``markdown`` (the glossary page) with anchored bold terms, letter headings and A-Z links.

    A term is a line that is neither blank, a heading, front matter nor a definition, followed
    by a definition line (``:   ...``). Text before the first term (the title and the
    introduction) is kept, followed by the A-Z line.
    """
    lines = markdown.split("\n")
    terms = [
        i
        for i, line in enumerate(lines[:-1])
        if line.strip()
        and not line.startswith(("#", ":", " ", "\t", "-", "|", "<", "!"))
        and _DEFINITION.match(lines[i + 1])
    ]
    if not terms:
        return markdown
    seen: dict[str, int] = {}
    letters: list[str] = []
    out = lines[: terms[0]]
    for n, index in enumerate(terms):
        term = lines[index].strip()
        letter = _letter(term)
        if letter not in letters:
            letters.append(letter)
            anchor = "letters-other" if letter == "#" else f"letter-{letter.lower()}"
            out += [f"## {'Other' if letter == '#' else letter} {{ #{anchor} }}", ""]
        anchor = term_anchor(term)
        seen[anchor] = seen.get(anchor, 0) + 1
        if seen[anchor] > 1:
            anchor += f"-{seen[anchor]}"
        out.append(f"**{term}** {{ #{anchor} }}")
        end = terms[n + 1] if n + 1 < len(terms) else len(lines)
        out += lines[index + 1 : end]
    nav = " · ".join(
        f"[{'Other' if letter == '#' else letter}]"
        f"(#{'letters-other' if letter == '#' else 'letter-' + letter.lower()})"
        for letter in letters
    )
    intro = out[: terms[0]]
    body = out[terms[0] :]
    while intro and not intro[-1].strip():
        intro.pop()
    return "\n".join([*intro, "", f'<p class="pb-az" markdown>{nav}</p>', "", *body])
