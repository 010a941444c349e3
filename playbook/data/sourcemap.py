"""Read YAML into plain Python values plus a map from key paths to source positions.

PyYAML is used in two steps (compose the node graph, then construct values) so that every
mapping key and value keeps its ``line:column``. Duplicate keys, which PyYAML would silently
overwrite, and alias expansions past :data:`MAX_NODES` (a "billion laughs" bomb) are rejected.
Scanning and parsing use libyaml when PyYAML was built with it (about eight times faster);
composing stays in Python, where nesting depth is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from playbook.data.issues import Issue
from playbook.safety import shorten

if TYPE_CHECKING:
    from pathlib import Path

Loc = tuple[Any, ...]

#: Upper bound on the number of nodes a document may expand to once aliases are followed.
MAX_NODES = 200_000
#: Upper bound on a data file's size in bytes.
MAX_BYTES = 5_000_000
#: Upper bound on how deeply collections may nest; PyYAML composes nodes recursively.
MAX_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column."""

    line: int
    column: int


@dataclass(slots=True)
class SourceMap:
    """The value of one YAML file and the position of every key path in it.

    Positions are only needed to report issues, so when a file passes the structural checks
    they are worked out the first time :attr:`marks` is read, from the text kept in ``_text``:
    on a large playbook that saves a third of the validation time.
    """

    file: str
    data: Any = None
    issues: list[Issue] = field(default_factory=list)
    _marks: dict[Loc, Position] | None = field(default=None, repr=False, compare=False)
    _text: str | None = field(default=None, repr=False)

    @property
    def marks(self) -> dict[Loc, Position]:
        """The position of every key path (``()`` is the document itself)."""
        if self._marks is None:
            self._marks = _marks_of(self._text, self.file) if self._text is not None else {}
        return self._marks

    def locate(self, loc: Loc) -> Position:
        """The position of ``loc``, or of its nearest ancestor present in the file."""
        loc = tuple(loc)
        while loc and loc not in self.marks:
            loc = loc[:-1]
        return self.marks.get(loc, Position(1, 1))

    def issue(self, loc: Loc, code: str, message: str, severity: str = "error") -> Issue:
        """An issue pointing at ``loc`` in this file."""
        pos = self.locate(loc)
        return Issue(self.file, pos.line, pos.column, severity, code, message)  # type: ignore[arg-type]


class _TooDeepError(yaml.MarkedYAMLError):
    """Collections nest deeper than :data:`MAX_DEPTH`."""


class _DepthLimit(yaml.composer.Composer):
    """A composer that refuses to nest past :data:`MAX_DEPTH`."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        # Stop before Python's own recursion limit does, with a position instead of a traceback.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeepError(
                    problem=f"collections nest deeper than {MAX_DEPTH} levels",
                    problem_mark=self.peek_event().start_mark,  # type: ignore[attr-defined]
                )
            node: yaml.Node = super().compose_node(parent, index)  # type: ignore[assignment]
            return node
        finally:
            self._depth -= 1


class _PyLoader(_DepthLimit, yaml.SafeLoader):
    """The pure-Python loader: reader, scanner and parser from PyYAML."""


_Loader: type[_PyLoader] = _PyLoader

if yaml.__with_libyaml__:

    class _CLoader(yaml.CSafeLoader):
        """libyaml end to end (about three times faster than composing in Python).

        libyaml refuses to nest past 1,000 levels, so its recursive composer is safe;
        :func:`_survey` then applies our own, lower, bound.
        """

    _Loader = _CLoader  # type: ignore[assignment]

# Dates and timestamps stay strings: the model types them, and pydantic errors quote them.
_PyLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
#: Characters YAML forbids anywhere in a stream (PyYAML's reader and libyaml's agree).
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True, slots=True)
class _Survey:
    """What one pass over a composed document found."""

    deepest: yaml.Node | None  # the first node nested deeper than MAX_DEPTH
    nodes: int  # distinct nodes
    aliased: bool  # some node is reached twice: an alias (or a cycle)
    plain_keys: bool  # every mapping's keys are distinct plain strings: no duplicate keys


def _distinct_strings(pairs: list[tuple[yaml.Node, yaml.Node]]) -> bool:
    keys = [k.value for k, _ in pairs if isinstance(k, yaml.ScalarNode) and k.tag == _STR_TAG]
    return len(keys) == len(pairs) == len(set(keys))


def _survey(root: yaml.Node) -> _Survey:
    """Depth, size, aliases and key uniqueness of a document in one pass, without recursion."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    seen: set[int] = set()
    aliased = False
    plain_keys = True
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _Survey(node, len(seen), aliased, plain_keys)
        if id(node) in seen:
            aliased = True
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            plain_keys = plain_keys and _distinct_strings(node.value)
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
    return _Survey(None, len(seen), aliased, plain_keys)


def _pos(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of nodes ``node`` stands for once every alias is expanded (memoized)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_NODES + 1  # a node that contains itself expands without end
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = min(size, MAX_NODES + 1)
    return memo[key]


def _bomb_site(node: yaml.Node, memo: dict[int, int]) -> yaml.Node:
    """The smallest node that still expands past the bound: where the bomb is."""
    visited: set[int] = set()
    while id(node) not in visited:  # a recursive alias leads back to a node already seen
        visited.add(id(node))
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [v for _, v in node.value]
        big = [c for c in children if memo.get(id(c), 0) > MAX_NODES]
        if not big:
            return node
        node = big[0]
    return node


def _scalar_key(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        # `<<` has no constructor of its own (flatten_mapping merges), and a plain string key,
        # by far the most common, constructs to its own text.
        if node.tag in (_MERGE_TAG, _STR_TAG):
            return node.value
        return loader.construct_object(node)
    return None


def _walk(
    loader: yaml.constructor.SafeConstructor,
    node: yaml.Node,
    loc: Loc,
    source: SourceMap,
    seen: set[int],
) -> None:
    """Record positions under ``loc`` and report duplicate keys."""
    if id(node) in seen:  # an alias: its positions were recorded where it was anchored
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            key = _scalar_key(loader, key_node)
            pos = _pos(key_node.start_mark)
            if key in keys:
                first = keys[key]
                source.issues.append(
                    Issue(
                        source.file,
                        pos.line,
                        pos.column,
                        "error",
                        "duplicate-key",
                        f"duplicate key '{key}' (first defined at line {first.line}); "
                        "YAML would silently keep only the last one",
                    )
                )
                continue
            keys[key] = pos
            source.marks[(*loc, key)] = pos
            _walk(loader, value_node, (*loc, key), source, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            source.marks[(*loc, index)] = _pos(child.start_mark)
            _walk(loader, child, (*loc, index), source, seen)


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_OCTAL = re.compile(r"^[-+]?0[0-9_]+$")
#: The tags of the plain scalars :func:`_scalar_trap` reads.
_TRAP_TAGS = frozenset({_INT_TAG, _FLOAT_TAG, _BOOL_TAG})


def _scalar_trap(node: yaml.ScalarNode) -> str | None:
    """Why a plain scalar means something other than what it looks like (YAML 1.1), or None."""
    if node.style:  # quoted or a block scalar: a string as written
        return None
    if node.tag not in _TRAP_TAGS:
        return None  # a string, or a plain number: nothing to explain
    value = node.value
    shown = f"'{shorten(value)}'"
    if node.tag == _FLOAT_TAG and value.lstrip("+-").lower() in {".nan", ".inf"}:
        return f"{shown} is not a finite number: write a number, or quote it for text"
    if node.tag in (_INT_TAG, _FLOAT_TAG) and ":" in value:
        number = 0.0
        for part in value.lstrip("+-").replace("_", "").split(":"):
            number = number * 60 + float(part)
        return (
            f"YAML 1.1 reads {shown} as the base-60 number {number:g}, not as a time: quote it "
            f'("{value}")'
        )
    if node.tag == _INT_TAG and _OCTAL.match(value):
        return (
            f"YAML 1.1 reads {shown} as an octal number: write it without the leading zero, "
            f'or quote it ("{value}")'
        )
    if node.tag == _BOOL_TAG and value.lower() not in {"true", "false"}:
        meaning = "true" if value.lower() in {"yes", "on", "y"} else "false"
        return (
            f"YAML 1.1 reads the unquoted {shown} as the boolean {meaning}: write {meaning}, "
            f'or quote it ("{value}") for the word'
        )
    return None


def _scalar_traps(root: yaml.Node, file: str) -> list[Issue]:
    """An issue for every plain scalar, key or value, that YAML 1.1 reads as a surprise."""
    found: list[Issue] = []
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            trap = _scalar_trap(node)
            if trap is not None:
                pos = _pos(node.start_mark)
                found.append(Issue(file, pos.line, pos.column, "error", "yaml-value", trap))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(found, key=lambda i: (i.line, i.column))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of the character at ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _decode(raw: bytes, source: SourceMap) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Everything before the bad byte is valid UTF-8: count columns in characters, as
        # editors and YAML marks do, not in bytes.
        before = raw[: exc.start].decode("utf-8")
        line, column = _line_column(before, len(before))
        source.issues.append(
            Issue(
                source.file,
                line,
                column,
                "error",
                "encoding",
                f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            )
        )
        return None


def parse_yaml(text: str, file: str) -> SourceMap:
    """Parse YAML ``text`` (named ``file`` in messages) into a :class:`SourceMap`."""
    source = SourceMap(file)
    # Checked here so the position is in characters whichever parser runs (libyaml counts bytes).
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, column = _line_column(text, bad.start())
        source.issues.append(
            Issue(
                file,
                line,
                column,
                "error",
                "yaml-syntax",
                f"YAML syntax error: character #x{ord(bad.group()):04x} is not allowed in YAML",
            )
        )
        return source
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            source.issues.append(Issue(file, 1, 1, "error", "empty-file", "file is empty"))
            return source
        survey = _survey(node)
        if survey.deepest is not None:
            raise _TooDeepError(
                problem=f"collections nest deeper than {MAX_DEPTH} levels",
                problem_mark=survey.deepest.start_mark,
            )
        memo: dict[int, int] = {}
        # Without aliases the document expands to just its own nodes: no need to count again.
        expands = survey.aliased or survey.nodes > MAX_NODES
        if expands and _expanded_size(node, memo) > MAX_NODES:
            pos = _pos(_bomb_site(node, memo).start_mark)
            source.issues.append(
                Issue(
                    file,
                    pos.line,
                    pos.column,
                    "error",
                    "alias-bomb",
                    f"YAML aliases expand to more than {MAX_NODES:,} nodes (or refer to "
                    "themselves); remove the anchors (&) and aliases (*) that multiply content",
                )
            )
            return source
        if traps := _scalar_traps(node, file):
            source.issues.extend(traps)
            return source
        if survey.plain_keys and not survey.aliased:
            source._text = text  # no duplicate key to report: positions can wait
        else:
            source._marks = {(): _pos(node.start_mark)}
            _walk(loader, node, (), source, set())
        if not source.issues:
            source.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        # libyaml has its own, higher, limit on flow nesting, which it may reach first.
        if isinstance(exc, _TooDeepError) or "maximum nesting depth" in problem:
            code, message = "too-deep", f"YAML collections nest deeper than {MAX_DEPTH} levels"
        else:
            code, message = "yaml-syntax", f"YAML syntax error: {problem}"
        source.issues.append(Issue(file, line, column, "error", code, message))
    except yaml.YAMLError as exc:
        source.issues.append(Issue(file, 1, 1, "error", "yaml-syntax", f"YAML error: {exc}"))
    finally:
        loader.dispose()
    return source


def _marks_of(text: str, file: str) -> dict[Loc, Position]:
    """The positions of every key path of ``text``, a document :func:`parse_yaml` accepted."""
    source = SourceMap(file, _marks={})
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            source.marks[()] = _pos(node.start_mark)
            _walk(loader, node, (), source, set())
    finally:
        loader.dispose()
    return source.marks


def load_yaml(path: Path, file: str) -> SourceMap:
    """Read and parse the YAML file at ``path``; ``file`` is its name in messages."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        source = SourceMap(file)
        source.issues.append(Issue(file, 1, 1, "error", "io", f"cannot read file: {exc}"))
        return source
    return yaml_from_bytes(raw, file)


def yaml_from_bytes(raw: bytes, file: str) -> SourceMap:
    """Parse the bytes of a YAML file; ``file`` is its name in messages."""
    source = SourceMap(file)
    if len(raw) > MAX_BYTES:
        source.issues.append(
            Issue(file, 1, 1, "error", "too-large", f"file is larger than {MAX_BYTES:,} bytes")
        )
        return source
    text = _decode(raw, source)
    if text is None:
        return source
    return parse_yaml(text, file)


def lookup(data: Any, loc: Loc) -> Any:
    """The value at ``loc`` inside ``data``, or None."""
    for part in loc:
        if (isinstance(data, Mapping) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        ):
            data = data[part]
        else:
            return None
    return data
