"""The number lint: a governed number typed in prose instead of cited from data.

``playbook validate`` reads every hand-written page (``docs/**/*.md``) and every text value of
the data files, and reports a number written in the same sentence as, and within
:data:`WINDOW` words of, a governed term. The terms, and the parameters each points to, are
declared in ``data/policy.yaml`` (``terms:``), so the lint knows what to suggest instead.

What is not prose is masked first (code, macro calls, placeholders, HTML tags, link targets,
URLs, attribute lists), so a cited value (``{{ param("x") }}``, ``[[param:x]]``) or a number
marked as deliberately literal (``{{ literal("6 years") }}``, ``[[literal:6 years]]``) is never
reported. Numbers that are labels rather than amounts are skipped: years, list and step
numbers, and numbers after a label word (tier 1, Rule 17a-4, SR 11-7, section 3).

Findings are warnings (so errors under ``--strict``, which CI uses), each located
``file:LINE:COL``. The lint is one regular-expression pass per file: it runs on every validate.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

import yaml

from playbook.data.issues import Issue, suggest
from playbook.data.params import MACRO_CALL, Param, parameters

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from playbook.data.model import Playbook

#: How many words apart a number and a governed term may be to be reported.
WINDOW = 8
CODE = "typed-number"

_MASK_DOCS = re.compile(
    r"\A---\n.*?\n---\n"  # front matter
    r"|^(?P<fence>```|~~~).*?^(?P=fence)"  # fenced code
    r"|`[^`\n]*`"  # inline code
    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"  # macro calls and Jinja blocks
    r"|\[\[[^\[\]]*\]\]"  # data placeholders
    r"|<!--.*?-->|<[^>\n]+>"  # comments and HTML tags
    r"|\]\([^)\n]*\)|\]\[[^\]\n]*\]"  # link targets
    r"|https?://\S+"  # bare URLs
    r"|\{\s*[:#.][^}\n]*\}",  # attribute lists
    re.DOTALL | re.MULTILINE,
)
_MASK_DATA = re.compile(r"\[\[[^\[\]]*\]\]|`[^`\n]*`|https?://\S+|\]\([^)\n]*\)|<[^>\n]+>")
#: A number, with an optional unit stuck to it (12%, 150ms, 2x, $1.2m).
_NUMBER = re.compile(
    r"(?<![\w@#/\\:])(?<![A-Za-z]-)(?<![A-Za-z]\.)"
    r"\$?\d+(?:[.,]\d+)*(?:%|x|×|ms|s|h|k|m|bn)?(?![\w@:]|[.,]\d)"
)
_YEAR = re.compile(r"^(19|20)\d\d$")
#: Words after which a number is a label, not an amount.
_LABELS = frozenset(
    [
        "tier",
        "tiers",
        "rule",
        "rules",
        "section",
        "sections",
        "sr",
        "finra",
        "part",
        "parts",
        "chapter",
        "version",
        "v",
        "step",
        "steps",
        "phase",
        "phases",
        "level",
        "levels",
        "line",
        "lines",
        "article",
        "form",
        "cfr",
        "iso",
        "nist",
        "ai",
        "bulletin",
        "regulation",
        "reg",
        "notice",
        "item",
        "no",
        "number",
        "page",
        "pages",
        "question",
        "questions",
        "release",
        "act",
        "title",
        "apache",
    ]
)
_LIST_MARK = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?\d+[.)](?=[\s*])", re.MULTILINE)
_BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=[A-Z*_(\[\"'`])|\n[ \t]*\n|\n[ \t]*(?=[-*+#>|]|\d+\.)")
_WORD = re.compile(r"[\w$%.,×]+")


def _terms_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return None
    # A term of several words matches across a line break or a hyphen ("golden-set").
    alternatives = "|".join(r"[\s-]+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:e?s)?(?![\w-])", re.IGNORECASE)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` blanked (newlines kept, so offsets hold)."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for match in _BOUNDARY.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _is_label(text: str, start: int, number: str) -> bool:
    if _YEAR.match(number):
        return True
    # The second part of a compound reference (SR 11-7, Rule 17a-4) belongs to the first's label.
    before = re.sub(r"[\d.]+[a-z]?-$", "", text[max(0, start - 32) : start]).rstrip()
    word = re.search(r"([A-Za-z§]+)[\s\-]*$", before)
    return bool(word and word.group(1).lower() in _LABELS)


def find_typed_numbers(
    text: str, terms: re.Pattern[str], *, docs: bool
) -> list[tuple[int, str, str]]:
    """(offset, number, term) for each number written near a term in ``text``."""
    masked = _mask(text, _MASK_DOCS if docs else _MASK_DATA)
    masked = _mask(masked, _LIST_MARK)
    found: list[tuple[int, str, str]] = []
    for start, end in _sentences(masked):
        sentence = masked[start:end]
        hits = [(m.start(), m.group()) for m in terms.finditer(sentence)]
        if not hits:
            continue
        words = [m.start() for m in _WORD.finditer(sentence)]
        for number in _NUMBER.finditer(sentence):
            if _is_label(sentence, number.start(), number.group()):
                continue
            at = bisect.bisect_right(words, number.start())
            near = [
                term for pos, term in hits if abs(bisect.bisect_right(words, pos) - at) <= WINDOW
            ]
            if near:
                found.append((start + number.start(), number.group(), near[0]))
    return found


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _advice(number: str, term: str, pb: Playbook, known: Mapping[str, Param], *, docs: bool) -> str:
    names = next(
        (v for k, v in (pb.policy.terms.items() if pb.policy else []) if k.lower() in term.lower()),
        [],
    )
    bare = number.lstrip("$").rstrip("%x×smhkbn").replace(",", "")
    same = [
        n for n in names if n in known and known[n].value is not None and _equal(known[n], bare)
    ]
    chosen = same or list(names)
    forms = [f'{{{{ param("{n}") }}}}' if docs else f"[[param:{n}]]" for n in chosen[:3]]
    cite = " or ".join(forms) if forms else "a parameter"
    literal = '{{ literal("...") }}' if docs else "[[literal:...]]"
    return (
        f"number '{number}' typed near '{term}': cite {cite} instead"
        f" (or mark a deliberate figure {literal})"
    )


def _equal(param: Param, bare: str) -> bool:
    try:
        return param.value is not None and float(param.value.amount) == float(bare)
    except ValueError:
        return False


def lint_docs(pb: Playbook, docs_dir: Path) -> list[Issue]:
    """Typed numbers and unknown ``param`` names in every hand-written page."""
    known = parameters(pb)
    terms = _terms_pattern(pb.policy.terms if pb.policy else [])
    found: list[Issue] = []
    for path in sorted(docs_dir.rglob("*.md")):
        name = f"docs/{path.relative_to(docs_dir).as_posix()}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for match in MACRO_CALL.finditer(text):
            if match.group(2) not in known:
                line, col = _line_col(text, match.start())
                message = f"unknown parameter '{match.group(2)}'" + suggest(
                    match.group(2), sorted(known)
                )
                found.append(Issue(name, line, col, "error", "unknown-param", message))
        if terms is None:
            continue
        for offset, number, term in find_typed_numbers(text, terms, docs=True):
            line, col = _line_col(text, offset)
            advice = _advice(number, term, pb, known, docs=True)
            found.append(Issue(name, line, col, "warning", CODE, advice))
    return found


def _scalars(node: yaml.Node) -> Iterable[yaml.ScalarNode]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.MappingNode):
            stack.extend(value for _, value in item.value)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.ScalarNode) and item.tag == "tag:yaml.org,2002:str":
            yield item


def lint_data(pb: Playbook, data_dir: Path) -> list[Issue]:
    """Typed numbers in the text values of every data file."""
    terms = _terms_pattern(pb.policy.terms if pb.policy else [])
    if terms is None:
        return []
    known = parameters(pb)
    found: list[Issue] = []
    for path in sorted(data_dir.rglob("*.y*ml")):
        relative = path.relative_to(data_dir).as_posix()
        if relative.startswith("schema/"):
            continue
        text = path.read_text(encoding="utf-8")
        if not terms.search(text):
            continue
        # libyaml composes about eight times faster; its marks count characters, as Python does.
        loader = _COMPOSER(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            continue
        for scalar in _scalars(node):
            value = scalar.value
            if " " not in value or not _DIGIT.search(value) or not terms.search(value):
                continue
            start, end = scalar.start_mark.index, scalar.end_mark.index
            for offset, number, term in find_typed_numbers(text[start:end], terms, docs=False):
                line, col = _line_col(text, start + offset)
                advice = _advice(number, term, pb, known, docs=False)
                found.append(Issue(f"data/{relative}", line, col, "warning", CODE, advice))
    return found


_DIGIT = re.compile(r"\d")
_COMPOSER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def lint_numbers(pb: Playbook, data_dir: Path, docs_dir: Path | None) -> list[Issue]:
    """Every typed governed number in the data and, when given, the docs folder; sorted."""
    found = lint_data(pb, data_dir)
    if docs_dir is not None and docs_dir.is_dir():
        found += lint_docs(pb, docs_dir)
    return sorted(found)
