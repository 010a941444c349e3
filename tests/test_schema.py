"""JSON Schemas: committed copies are current, data files point at them and satisfy them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from playbook.cli.commands import cli
from playbook.cli.schema import json_schemas, modeline, schema_names, stale_schemas
from playbook.data import kinds
from playbook.data.loader import canonical_name, data_files
from tests.helpers import DATA, INVALID, VALID, broken_copy, load_cases, read_yaml

if TYPE_CHECKING:
    from pathlib import Path

    from click.testing import CliRunner

    from tests.helpers import Case

SCHEMA_DIR = DATA / "schema"


def _data_files(root: Path) -> list[tuple[Path, str]]:
    """(path, path relative to ``root``) of every data file, the schema folder excluded."""
    return [
        (p, p.relative_to(root).as_posix())
        for p in data_files(root)
        if not p.relative_to(root).as_posix().startswith("schema/")
    ]


FILES = [*_data_files(DATA), *_data_files(VALID)]
FILE_IDS = [path.relative_to(DATA.parent).as_posix() for path, _ in FILES]


def _schema_for(relative: str) -> dict[str, Any]:
    pattern = kinds.pattern_of(canonical_name(relative))
    assert pattern is not None, relative
    return json.loads(json_schemas()[kinds.schema_name(pattern)])  # type: ignore[no-any-return]


def _as_json(value: Any) -> Any:
    """``value`` as a YAML language server sees it: JSON types, mapping keys as strings."""
    return json.loads(json.dumps(value))


# --------------------------------------------------------------------------------------------
# Committed schemas
# --------------------------------------------------------------------------------------------


def test_there_is_one_schema_per_data_file_kind() -> None:
    assert set(schema_names().values()) <= set(json_schemas())
    assert len(set(schema_names().values())) == len(kinds.file_models())


def test_committed_schemas_match_the_model() -> None:
    assert stale_schemas(SCHEMA_DIR) == []
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(json_schemas())


def test_schema_check_command_passes_on_the_committed_schemas(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema", "--check", "--out", str(SCHEMA_DIR)])

    assert result.exit_code == 0, result.output


def test_schema_check_command_fails_on_a_stale_schema(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "schema"
    assert runner.invoke(cli, ["schema", "--out", str(out)]).exit_code == 0
    (out / "roles.schema.json").write_text("{}\n", encoding="utf-8")

    result = runner.invoke(cli, ["schema", "--check", "--out", str(out)])

    assert result.exit_code == 1
    assert "roles.schema.json" in result.stderr


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_each_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = json.loads(json_schemas()[name])

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == name


# --------------------------------------------------------------------------------------------
# Data files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "relative"), FILES, ids=FILE_IDS)
def test_data_file_starts_with_its_schema_modeline(path: Path, relative: str) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]

    assert first_line == modeline(relative)
    # The modeline names a schema that exists next to the data.
    target = first_line.split("$schema=", 1)[1]
    assert (DATA / relative).parent.joinpath(target).resolve().is_file()


@pytest.mark.parametrize(("path", "relative"), FILES, ids=FILE_IDS)
def test_data_file_satisfies_its_json_schema(path: Path, relative: str) -> None:
    validator = jsonschema.Draft202012Validator(_schema_for(relative))

    problems = [
        f"{'.'.join(map(str, e.absolute_path)) or 'file'}: {e.message}"
        for e in validator.iter_errors(_as_json(read_yaml(path)))
    ]

    assert problems == []


def test_keyed_records_carry_no_id_in_the_schema() -> None:
    # The loader copies each mapping key into the record's `id`; YAML never holds it, so the
    # schema must neither require nor allow it, or editors would flag every record.
    roles = _schema_for("roles.yaml")
    role = roles["$defs"]["Role"]

    assert "id" not in role["properties"]
    assert role["additionalProperties"] is False


SHAPE_CASES = [
    case
    for case in load_cases(INVALID)
    if {e.code for e in case.expect} <= {"unknown-key", "missing-field", "schema"}
]


@pytest.mark.parametrize("case", SHAPE_CASES, ids=[c.name for c in SHAPE_CASES])
def test_editors_flag_what_the_validator_flags(case: Case, tmp_path: Path) -> None:
    data = broken_copy(case, tmp_path / "data")
    relative = case.edits[0]["file"]
    validator = jsonschema.Draft202012Validator(_schema_for(relative))

    assert list(validator.iter_errors(_as_json(read_yaml(data / relative))))
