"""The position-keeping YAML reader: marks, duplicate keys, bombs, encodings, limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from playbook.data import sourcemap
from playbook.data.sourcemap import Position, load_yaml, lookup, parse_yaml

if TYPE_CHECKING:
    from pathlib import Path


pytestmark = pytest.mark.usefixtures("yaml_backend")


def _codes(text: str) -> list[str]:
    return [i.code for i in parse_yaml(text, "data/x.yaml").issues]


def _laughs(levels: int, width: int = 10) -> str:
    """A 'billion laughs' document: each level lists ``width`` aliases of the one before."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for n in range(1, levels):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------------------------


def test_positions_are_one_based_line_and_column_of_each_key_and_item() -> None:
    source = parse_yaml("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n", "data/x.yaml")

    assert source.issues == []
    assert source.marks[()] == Position(1, 1)
    assert source.marks[("a",)] == Position(1, 1)
    assert source.marks[("b",)] == Position(2, 1)
    assert source.marks[("b", "c")] == Position(3, 3)
    assert source.marks[("b", "c", 0)] == Position(3, 7)
    assert source.marks[("b", "c", 1)] == Position(3, 10)
    assert source.marks[("b", "d", 0)] == Position(5, 7)
    assert source.marks[("b", "d", 0, "e")] == Position(5, 7)


def test_columns_count_characters_not_bytes() -> None:
    source = parse_yaml("café: {naïve: 1, b: 2}\n", "data/x.yaml")

    assert source.marks[("café", "b")] == Position(1, 18)


def test_locate_falls_back_to_the_nearest_present_ancestor() -> None:
    source = parse_yaml("# a comment\nroles:\n  ml:\n    name: ML\n", "data/x.yaml")

    assert source.locate(("roles", "ml", "team")) == Position(3, 3)
    assert source.locate(("roles", "ml", "name", "deeper")) == Position(4, 5)
    assert source.locate(("elsewhere",)) == Position(2, 1)


def test_issue_points_at_the_located_key() -> None:
    source = parse_yaml("a:\n  b: 1\n", "data/x.yaml")

    issue = source.issue(("a", "b"), "code", "message")

    assert str(issue) == "data/x.yaml:2:3: error: message [code]"


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def test_dates_and_timestamps_stay_strings() -> None:
    source = parse_yaml("date: 2024-01-31\nwhen: 2024-01-31T10:00:00Z\n", "data/x.yaml")

    assert source.data == {"date": "2024-01-31", "when": "2024-01-31T10:00:00Z"}


def test_other_implicit_types_are_still_resolved() -> None:
    source = parse_yaml("n: 3\nf: 0.5\nb: true\nz: ~\ns: '3'\n", "data/x.yaml")

    assert source.data == {"n": 3, "f": 0.5, "b": True, "z": None, "s": "3"}


def test_aliases_below_the_bound_are_expanded() -> None:
    source = parse_yaml("base: &base [mlflow, airflow]\nused: *base\n" + _laughs(3), "data/x.yaml")

    assert source.issues == []
    assert source.data["used"] == ["mlflow", "airflow"]
    assert len(source.data["l2"]) == 10
    assert source.data["l2"][9][9] == ["lol"] * 10


def test_merge_keys_are_supported() -> None:
    source = parse_yaml("base: &b {team: T, name: A}\nrole:\n  <<: *b\n  name: B\n", "data/x.yaml")

    assert source.issues == []
    assert source.data["role"] == {"team": "T", "name": "B"}


# --------------------------------------------------------------------------------------------
# Rejected input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a: 1\nb: 2\na: 3\n", (3, 1)),
        ("outer:\n  x: 1\n  y: 2\n  x: 3\n", (4, 3)),
        ("flow: {a: 1, b: 2, a: 3}\n", (1, 20)),
    ],
)
def test_duplicate_keys_are_errors_at_the_second_key(text: str, position: tuple[int, int]) -> None:
    source = parse_yaml(text, "data/x.yaml")

    (issue,) = source.issues
    assert (issue.code, (issue.line, issue.column)) == ("duplicate-key", position)
    assert "first defined at line" in issue.message
    assert source.data is None


def test_billion_laughs_is_refused_without_being_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the expanded document must never be constructed")

    monkeypatch.setattr(sourcemap._Loader, "construct_document", refuse)

    source = parse_yaml(_laughs(9), "data/x.yaml")

    (issue,) = source.issues
    assert issue.code == "alias-bomb"
    assert (issue.line, issue.column) == (6, 5)  # l5: 1,111,111 nodes, the first level past 200,000
    assert source.data is None


def test_the_alias_bound_is_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    # The root mapping, its two keys, l0 (11 nodes) and l1 (1 + 10 * 11 = 111 nodes).
    text = _laughs(2)
    monkeypatch.setattr(sourcemap, "MAX_NODES", 1 + 2 + 11 + 111)
    assert _codes(text) == []
    monkeypatch.setattr(sourcemap, "MAX_NODES", 1 + 2 + 11 + 111 - 1)
    assert _codes(text) == ["alias-bomb"]


def test_a_recursive_alias_is_refused() -> None:
    assert _codes("roles: &a\n  x: *a\n") == ["alias-bomb"]
    assert _codes("a: &a [1, *a]\n") == ["alias-bomb"]


@pytest.mark.parametrize("depth", [500, 5000])
def test_too_deep_nesting_is_an_error_not_a_recursion_error(depth: int) -> None:
    source = parse_yaml("a: " + "[" * depth + "]" * depth + "\n", "data/x.yaml")

    (issue,) = source.issues
    assert issue.code == "too-deep"
    assert issue.message == f"YAML collections nest deeper than {sourcemap.MAX_DEPTH} levels"
    assert issue.line == 1


def test_too_deep_nesting_is_located_at_the_first_level_past_the_bound() -> None:
    source = parse_yaml("a:\n" + "".join(f"{' ' * n}- \n" for n in range(0, 400, 2)), "x")

    (issue,) = source.issues
    assert issue.code == "too-deep"
    # The root mapping is level 1, so the 100th sequence is the first too deep.
    assert (issue.line, issue.column) == (101, 199)


def test_nesting_up_to_the_bound_is_allowed() -> None:
    depth = sourcemap.MAX_DEPTH - 1  # the root mapping is one level
    source = parse_yaml("a: " + "[" * (depth - 1) + "x" + "]" * (depth - 1) + "\n", "data/x.yaml")

    assert source.issues == []


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a: [1, 2\nb: 3\n", (2, 2)),
        ("a: 1\n  b: 2\n", (2, 4)),
        ("a: *missing\n", (1, 4)),
        ("a: 1\n---\nb: 2\n", (2, 1)),
        ("a: b\n\tc: d\n", (2, 1)),
    ],
)
def test_syntax_errors_are_located(text: str, position: tuple[int, int]) -> None:
    (issue,) = parse_yaml(text, "data/x.yaml").issues

    assert issue.code == "yaml-syntax"
    assert issue.message.startswith("YAML syntax error: ")
    assert (issue.line, issue.column) == position


def test_control_characters_are_located() -> None:
    (issue,) = parse_yaml("a: b\nc: d\x07e\n", "data/x.yaml").issues

    assert (issue.code, issue.line, issue.column) == ("yaml-syntax", 2, 5)
    assert "#x0007" in issue.message


def test_unhashable_and_unknown_tags_are_errors_not_crashes() -> None:
    assert _codes("? [a, b]\n: 1\n") == ["yaml-syntax"]
    assert _codes("a: !!python/object:os.system ls\n") == ["yaml-syntax"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_files_are_reported(text: str) -> None:
    assert _codes(text) == ["empty-file"]


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def test_non_utf8_bytes_are_located_in_characters(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("a: 1\nname: café ".encode() + b"\xff\n")

    (issue,) = load_yaml(path, "data/x.yaml").issues

    assert (issue.code, issue.line, issue.column) == ("encoding", 2, 12)
    assert "0xff" in issue.message


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")

    source = load_yaml(path, "data/x.yaml")

    assert (source.issues, source.data) == ([], {"a": 1})


def test_oversized_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n" * 10, encoding="utf-8")
    monkeypatch.setattr(sourcemap, "MAX_BYTES", 20)

    assert [i.code for i in load_yaml(path, "data/x.yaml").issues] == ["too-large"]


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    assert [i.code for i in load_yaml(tmp_path, "data/x.yaml").issues] == ["io"]


def test_lookup_follows_keys_and_indexes() -> None:
    data = {"a": [{"b": 1}], "c": None}

    assert lookup(data, ("a", 0, "b")) == 1
    assert lookup(data, ()) is data
    assert lookup(data, ("a", 1)) is None
    assert lookup(data, ("a", "0")) is None
    assert lookup(data, ("c", "d")) is None
