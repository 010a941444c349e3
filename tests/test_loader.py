"""Loading the data folder: shape errors, their messages and locations, file-level rules."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from playbook.data import loader, sourcemap
from playbook.data.loader import load_playbook, load_uncached, model_for
from playbook.data.model import Phase, UseCase
from playbook.data.sourcemap import parse_yaml
from tests.helpers import DATA, VALID, rewrite

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.issues import Issue


def _errors(data: Path) -> list[Issue]:
    return [i for i in load_uncached(data).issues if i.severity == "error"]


def test_the_valid_fixture_assembles_a_playbook(valid_data: Path) -> None:
    result = load_uncached(valid_data)

    assert result.ok
    assert result.playbook is not None
    assert [p.id for p in result.playbook.phases] == ["build", "validate"]
    assert result.playbook.roles["ml_engineer"].id == "ml_engineer"
    assert result.playbook.files["phase:validate"] == "data/lifecycle/02-validate.yaml"


@pytest.mark.parametrize(
    ("relative", "model"),
    [("lifecycle/07-x.yaml", Phase), ("use_cases/a.yml", UseCase), ("notes.yaml", None)],
)
def test_model_for_matches_file_patterns(relative: str, model: Any) -> None:
    assert model_for(relative) is model


def test_unknown_key_in_an_aliased_field_suggests_the_yaml_name(valid_data: Path) -> None:
    def edit(data: Any) -> None:
        flow = data["flows"]["promote"]
        data["flows"]["promote"] = {("form" if k == "from" else k): v for k, v in flow.items()}

    rewrite(valid_data, "architecture.yaml", edit)

    messages = sorted(i.message for i in _errors(valid_data))
    assert messages == [
        "flows.promote.form: unknown key 'form' (did you mean 'from'?)",
        "flows.promote.from: required field 'from' is missing",
    ]


def test_unknown_key_without_a_close_match_has_no_suggestion(valid_data: Path) -> None:
    rewrite(valid_data, "playbook.yaml", lambda d: d.update(zzz=1))

    result = load_uncached(valid_data)
    (issue,) = result.issues
    assert issue.message == "zzz: unknown key 'zzz'"
    mark = result.sources["data/playbook.yaml"].marks[("zzz",)]
    assert (issue.line, issue.column) == (mark.line, mark.column)


def test_a_bad_mapping_key_is_one_error_at_the_key(valid_data: Path) -> None:
    def edit(data: Any) -> None:
        data["roles"] = {
            ("ML Engineer" if k == "ml_engineer" else k): v for k, v in data["roles"].items()
        }

    rewrite(valid_data, "roles.yaml", edit)

    # One error: not a second one about the `id` copied from that key.
    result = load_uncached(valid_data)
    (issue,) = result.issues
    assert issue.message.startswith("roles.ML Engineer: key 'ML Engineer': String should match")
    mark = result.sources["data/roles.yaml"].marks[("roles", "ML Engineer")]
    assert (issue.file, issue.line, issue.column) == ("data/roles.yaml", mark.line, mark.column)


def test_a_wrong_scalar_names_the_value_it_got(valid_data: Path) -> None:
    rewrite(valid_data, "roles.yaml", lambda d: d["roles"]["ml_engineer"].update(line_of_defence=4))

    (issue,) = _errors(valid_data)
    assert issue.code == "schema"
    assert issue.message == "roles.ml_engineer.line_of_defence: Input should be 1, 2 or 3 (got 4)"


def test_two_use_case_files_with_one_id_are_an_error(valid_data: Path) -> None:
    shutil.copy(valid_data / "use_cases/churn.yaml", valid_data / "use_cases/churn_copy.yaml")

    (issue,) = _errors(valid_data)
    assert str(issue) == (
        "data/use_cases/churn_copy.yaml:2:1: error: use-case id 'churn' is also used in "
        "data/use_cases/churn.yaml [duplicate-id]"
    )


def test_a_missing_lifecycle_folder_is_an_error(valid_data: Path) -> None:
    shutil.rmtree(valid_data / "lifecycle")

    assert [(i.file, i.code) for i in _errors(valid_data)] == [("data/lifecycle", "missing-file")]


def test_yaml_under_schema_is_not_data(valid_data: Path) -> None:
    (valid_data / "schema").mkdir()
    (valid_data / "schema" / "notes.yaml").write_text("x: 1\n", encoding="utf-8")

    assert load_uncached(valid_data).issues == []


def test_a_missing_folder_is_one_error(tmp_path: Path) -> None:
    (issue,) = load_uncached(tmp_path / "nowhere").issues

    assert (issue.code, issue.message) == ("io", "data folder not found")


def test_load_playbook_is_memoized_until_a_file_changes(valid_data: Path) -> None:
    first = load_playbook(valid_data)
    assert load_playbook(valid_data) is first

    path = valid_data / "roles.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    assert load_playbook(valid_data) is not first


def test_libyaml_and_pure_python_parse_the_data_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted([*VALID.rglob("*.yaml"), *DATA.rglob("*.yaml")]):
        text = path.read_text(encoding="utf-8")
        default = parse_yaml(text, "x")
        monkeypatch.setattr(sourcemap, "_Loader", sourcemap._PyLoader)
        python = parse_yaml(text, "x")
        monkeypatch.undo()

        assert (default.data, default.marks, default.issues) == (
            python.data,
            python.marks,
            python.issues,
        ), path


def test_an_id_written_inside_a_keyed_record_must_match_its_key(valid_data: Path) -> None:
    path = valid_data / "tools.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  mlflow:\n", "  mlflow:\n    id: ml_flow\n", 1), "utf-8")
    issues = _errors(valid_data)
    assert [(i.file, i.code) for i in issues] == [("data/tools.yaml", "id-mismatch")]
    assert "'id: ml_flow' differs from the mapping key 'mlflow'" in issues[0].message
    line = text.splitlines().index("  mlflow:") + 2
    assert issues[0].line == line


def test_a_yml_suffix_is_accepted_for_required_files(valid_data: Path) -> None:
    (valid_data / "roles.yaml").rename(valid_data / "roles.yml")
    result = load_uncached(valid_data)
    assert result.issues == []
    assert result.playbook is not None
    assert result.playbook.files["roles.yaml"] == "data/roles.yml"


def test_a_sub_folder_of_lifecycle_is_not_a_phase(valid_data: Path) -> None:
    (valid_data / "lifecycle" / "old").mkdir()
    shutil.copy(valid_data / "lifecycle" / "01-build.yaml", valid_data / "lifecycle" / "old")
    issues = _errors(valid_data)
    assert [(i.file, i.code) for i in issues] == [
        ("data/lifecycle/old/01-build.yaml", "unknown-file")
    ]


def test_a_reload_parses_only_the_files_whose_bytes_changed(
    valid_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = loader.yaml_from_bytes

    def counting(raw: bytes, file: str) -> Any:
        parsed.append(file)
        return real(raw, file)

    monkeypatch.setattr(loader, "yaml_from_bytes", counting)
    first = load_uncached(valid_data)
    assert len(parsed) > 3
    parsed.clear()
    rewrite(valid_data, "roles.yaml", lambda d: d["roles"]["ml_engineer"].update(name="MLE"))
    second = load_uncached(valid_data)
    assert parsed == ["data/roles.yaml"]
    assert second.playbook is not None
    assert second.playbook.roles["ml_engineer"].name == "MLE"
    assert second.issues == first.issues


def test_issues_found_after_parsing_are_not_kept_with_the_parsed_file(valid_data: Path) -> None:
    # Duplicate per-file ids are reported on the file's source after it was parsed: a reload
    # that reuses the parsed file must report them once, not once more per load.
    phases = sorted((valid_data / "lifecycle").glob("*.yaml"))
    shutil.copy(phases[0], valid_data / "lifecycle" / "zz_copy.yaml")
    first = [i for i in load_uncached(valid_data).issues if i.code == "duplicate-id"]
    second = [i for i in load_uncached(valid_data).issues if i.code == "duplicate-id"]
    assert len(first) == 1
    assert second == first
