"""``playbook diff`` misses nothing: any scalar changed in any data file is reported, in its file.

The data is the reference playbook (``data/``). Changed copies are validated in memory (each
file's model, the assembly and the cross-reference checks, as the loader does) so that many
examples stay cheap; a change that makes the data invalid is not a change ``diff`` compares.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from playbook.cli.diff import diff_playbooks, render_changes
from playbook.data.checks import check_playbook
from playbook.data.issues import errors
from playbook.data.loader import assemble, canonical_name, data_files, model_for
from tests.helpers import read_yaml, reference_data

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from playbook.data.model import Playbook

Path_ = tuple[str | int, ...]

DATA = reference_data()
RAW: dict[str, Any] = {
    path.relative_to(DATA).as_posix(): read_yaml(path)
    for path in data_files(DATA)
    if not path.relative_to(DATA).as_posix().startswith("schema/")
}


def playbook_from(raw: Mapping[str, Any]) -> Playbook | None:
    """The playbook of YAML values per data file, or None when they do not validate."""
    records = {}
    for relative, data in raw.items():
        model = model_for(relative)
        assert model is not None, relative
        try:
            records[canonical_name(relative)] = model.model_validate(data)
        except ValidationError:
            return None
    pb = assemble(records, {canonical_name(r): r for r in raw})
    if pb is None or errors(check_playbook(pb, {})):
        return None
    return pb


BASE = playbook_from(RAW)


def leaves(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every scalar (text, number, true/false) in a YAML value, with its key path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    elif isinstance(value, str | int | float | bool):
        yield path, value


LEAVES = [(relative, path) for relative, doc in RAW.items() for path, _ in leaves(doc)]


def changed(value: Any) -> Any:
    """Another value of the same type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    return f"{value} (changed)"


def with_change(relative: str, path: Path_) -> dict[str, Any]:
    """A copy of the data with the scalar at ``path`` in ``relative`` changed."""
    raw = dict(RAW)
    doc = copy.deepcopy(raw[relative])
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = changed(parent[path[-1]])
    raw[relative] = doc
    return raw


def test_the_reference_data_validates_in_memory() -> None:
    assert BASE is not None
    assert len(RAW) >= 10
    assert len(LEAVES) > 500


# The example count comes from the hypothesis profile (conftest.py); most drawn changes make the
# data invalid (an id that no longer resolves) and are discarded, so filtering is expected.
@settings(
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ]
)
@given(st.sampled_from(LEAVES))
def test_any_scalar_changed_in_any_file_is_reported(leaf: tuple[str, Path_]) -> None:
    relative, path = leaf
    new = playbook_from(with_change(relative, path))
    assume(new is not None)
    assert BASE is not None
    assert new is not None
    event(relative.split("/")[0])
    changes = diff_playbooks(BASE, new)
    where = f"data/{relative}:{'.'.join(map(str, path))}"
    assert changes, f"no change reported for {where}"
    assert any(f"data/{relative}" in change.files for change in changes), where
    assert "No change" not in render_changes(changes, "base", "head")


def _first_text(doc: Any, keys: tuple[str, ...]) -> Path_ | None:
    """The key path of the first ``description`` (else ``summary``) text in a data file."""
    for key in keys:
        for path, value in leaves(doc):
            if path and path[-1] == key and isinstance(value, str):
                return path
    return None


def test_a_description_changed_in_every_data_file_is_reported_for_every_file() -> None:
    assert BASE is not None
    raw = dict(RAW)
    edited = {}
    for relative in RAW:
        path = _first_text(RAW[relative], ("description", "summary"))
        assert path is not None, f"data/{relative} has no description or summary"
        raw = {**raw, relative: with_change(relative, path)[relative]}
        edited[f"data/{relative}"] = path
    new = playbook_from(raw)
    assert new is not None
    changes = diff_playbooks(BASE, new)
    reported = {file for change in changes for file in change.files}
    assert reported == set(edited), sorted(set(edited) - reported)
    assert len(edited) == len(RAW)
    for file in edited:
        details = [d for c in changes if file in c.files for d in c.details]
        assert any("(changed)" in d for d in details), file
