"""Property tests: whatever happens to one data file, the loader reports located issues.

The data is the reference playbook (``data/``), or the fixture while ``data/`` does not yet
validate. Each example breaks one file, loads the whole folder with ``load_uncached`` and checks
that the outcome is a playbook or a list of well-formed issues, never an exception.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from playbook.data.issues import errors
from playbook.data.loader import data_files, load_uncached
from tests.helpers import read_yaml

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playbook.data.loader import LoadResult
    from playbook.data.sourcemap import Loc

#: The examples per test come from the profile (conftest.py): 80 in full, a few in the fast tier.
SETTINGS = settings()

#: Issues located by the YAML reader itself rather than through the key-path marks.
READER_CODES = {"yaml-syntax", "encoding", "too-deep", "alias-bomb", "empty-file", "too-large"}

_LOWER = "abcdefghijklmnopqrstuvwxyz"
#: Valid ids, built rather than filtered so that no draw is ever rejected.
SLUGS = st.builds(
    str.__add__,
    st.sampled_from(_LOWER),
    st.text(alphabet=_LOWER + "0123456789_", max_size=15),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    SLUGS,
)
#: A strategy for each YAML type; changing a value's type draws from one of the others.
TYPED: dict[type, st.SearchStrategy[Any]] = {
    str: st.one_of(SLUGS, st.text(max_size=20)),
    int: st.integers(min_value=-(10**6), max_value=10**6),
    float: st.floats(allow_nan=False, allow_infinity=False),
    bool: st.booleans(),
    type(None): st.none(),
    list: st.lists(SCALARS, max_size=3),
    dict: st.dictionaries(st.one_of(SLUGS, st.text(max_size=8)), SCALARS, max_size=3),
}
VALUES = st.one_of(*TYPED.values())
KEYS = st.one_of(SLUGS, SLUGS, st.text(max_size=12), st.integers(min_value=0, max_value=9))


# --------------------------------------------------------------------------------------------
# Mutations of parsed YAML
# --------------------------------------------------------------------------------------------


def _locs(value: Any, loc: Loc = ()) -> list[Loc]:
    """Every key path in ``value``, the root included."""
    found = [loc]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _locs(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _locs(item, (*loc, index))
    return found


def _get(value: Any, loc: Loc) -> Any:
    for part in loc:
        value = value[part]
    return value


def _set(root: Any, loc: Loc, new: Any) -> Any:
    """``root`` with the value at ``loc`` replaced (the new root when ``loc`` is empty)."""
    if not loc:
        return new
    _get(root, loc[:-1])[loc[-1]] = new
    return root


def _pick(draw: st.DrawFn, root: Any, kind: type | tuple[type, ...], non_empty: bool) -> Loc:
    candidates = [
        loc
        for loc in _locs(root)
        if isinstance(_get(root, loc), kind) and (_get(root, loc) or not non_empty)
    ]
    return draw(st.sampled_from(candidates)) if candidates else ()


def delete_key(draw: st.DrawFn, root: Any) -> Any:
    """Remove one mapping entry."""
    loc = _pick(draw, root, dict, non_empty=True)
    mapping = _get(root, loc)
    if isinstance(mapping, dict) and mapping:
        del mapping[draw(st.sampled_from(list(mapping)))]
    return root


def change_type(draw: st.DrawFn, root: Any) -> Any:
    """Replace any value (the whole document included) with one of another type."""
    loc = draw(st.sampled_from(_locs(root)))
    kind = type(_get(root, loc))
    new = draw(st.one_of(*(strategy for t, strategy in TYPED.items() if t is not kind)))
    return _set(root, loc, new)


def rename_id(draw: st.DrawFn, root: Any) -> Any:
    """Rename the key of one record (a mapping entry holding a mapping), keeping its place.

    Records are keyed by id, so this renames a role, task, tool, gate...: the references to it
    now dangle and the cross-reference checks run on the result.
    """
    records = [
        (*loc, key)
        for loc in _locs(root)
        if isinstance(_get(root, loc), dict)
        for key, value in _get(root, loc).items()
        if isinstance(value, dict)
    ]
    if not records:
        return root
    *parent, old = draw(st.sampled_from(records))
    mapping = _get(root, tuple(parent))
    new = draw(KEYS)
    return _set(root, tuple(parent), {(new if k == old else k): v for k, v in mapping.items()})


def duplicate_entry(draw: st.DrawFn, root: Any) -> Any:
    """Repeat a list item, or copy a mapping entry under a new key."""
    loc = _pick(draw, root, (dict, list), non_empty=True)
    container = _get(root, loc)
    if isinstance(container, list) and container:
        item = draw(st.sampled_from(container))
        container.insert(draw(st.integers(0, len(container))), copy.deepcopy(item))
    elif isinstance(container, dict) and container:
        key = draw(st.sampled_from(list(container)))
        container[f"{key}_copy"] = copy.deepcopy(container[key])
    return root


def insert_unknown_key(draw: st.DrawFn, root: Any) -> Any:
    """Add a key no model declares."""
    loc = _pick(draw, root, dict, non_empty=False)
    mapping = _get(root, loc)
    if isinstance(mapping, dict):
        mapping[f"x_{draw(SLUGS)}"] = draw(VALUES)
    return root


MUTATIONS: list[Callable[[st.DrawFn, Any], Any]] = [
    delete_key,
    change_type,
    rename_id,
    duplicate_entry,
    insert_unknown_key,
]


# --------------------------------------------------------------------------------------------
# The invariant
# --------------------------------------------------------------------------------------------


def _assert_located(result: LoadResult, data_dir: Path) -> None:
    """Every issue names a real data file, a position inside it, a code and a message."""
    for issue in result.issues:
        assert issue.file.startswith("data/"), issue
        path = data_dir / issue.file.removeprefix("data/")
        assert path.is_file(), issue
        assert issue.line >= 1, issue
        assert issue.column >= 1, issue
        assert issue.severity in {"error", "warning"}, issue
        assert issue.code, issue
        assert issue.message.strip(), issue
        lines = path.read_bytes().decode("utf-8", "replace").splitlines()
        assert issue.line <= len(lines) + 1, issue
        if issue.code not in READER_CODES:
            # Located through the marks: the start of a key or item, or the file's start.
            marks = {(p.line, p.column) for p in result.sources[issue.file].marks.values()}
            assert (issue.line, issue.column) in marks | {(1, 1)}, issue
    if not errors(result.issues):
        assert result.playbook is not None
    # Shown by `pytest --hypothesis-show-statistics`: which rules the examples reached.
    event("codes: " + (", ".join(sorted({i.code for i in errors(result.issues)})) or "none"))


def _files(data_dir: Path) -> list[str]:
    return [
        p.relative_to(data_dir).as_posix()
        for p in data_files(data_dir)
        if not p.relative_to(data_dir).as_posix().startswith("schema/")
    ]


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@SETTINGS
@given(st.data())
def test_mutated_yaml_yields_a_playbook_or_located_issues(
    reference_copy: Path, data: st.DataObject
) -> None:
    relative = data.draw(st.sampled_from(_files(reference_copy)), label="file")
    path = reference_copy / relative
    original = path.read_bytes()
    root = read_yaml(path)
    for mutate in data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=2)):
        root = mutate(data.draw, root)
    path.write_text(yaml.safe_dump(root, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        _assert_located(load_uncached(reference_copy), reference_copy)
    finally:
        path.write_bytes(original)


def _splice(text: str) -> st.SearchStrategy[str]:
    """``text`` with a random slice replaced by random text: nearly valid YAML."""
    return st.tuples(st.integers(0, len(text)), st.integers(0, 80), st.text(max_size=40)).map(
        lambda t: text[: t[0]] + t[2] + text[t[0] + t[1] :]
    )


YAMLISH = st.text(
    alphabet=st.sampled_from(list("[]{}:,-&*!|>?'\"#%@` \t\n\r\x00éa1_")), max_size=200
)


@SETTINGS
@given(st.data())
def test_arbitrary_text_or_bytes_yields_located_issues(
    reference_copy: Path, data: st.DataObject
) -> None:
    relative = data.draw(st.sampled_from(_files(reference_copy)), label="file")
    path = reference_copy / relative
    original = path.read_bytes()
    text = original.decode("utf-8")
    content = data.draw(
        st.one_of(
            st.binary(max_size=300),
            st.text(max_size=300).map(str.encode),
            YAMLISH.map(str.encode),
            _splice(text).map(str.encode),
        ),
        label="content",
    )
    path.write_bytes(content)
    try:
        _assert_located(load_uncached(reference_copy), reference_copy)
    finally:
        path.write_bytes(original)
