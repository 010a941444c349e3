"""`playbook validate` on broken data: every case in tests/fixtures/invalid, plus CLI behaviour."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from playbook.cli.commands import cli
from tests.helpers import (
    INVALID,
    WARNINGS,
    Expected,
    broken_copy,
    load_case,
    load_cases,
    parse_json_issues,
)

if TYPE_CHECKING:
    from pathlib import Path

    from click.testing import CliRunner

    from tests.helpers import Case

CASES = load_cases(INVALID)

#: Cases the issue "data model and validator" asks for by name; the folder may hold more.
REQUIRED_CASES = {
    "duplicate_key",
    "misspelled_key",
    "syntax_error",
    "non_utf8",
    "yaml_bomb",
    "unknown_raci_role",
    "two_accountable",
    "no_responsible",
    "separation_of_duties",
    "weights_not_100",
    "score_out_of_range",
    "unknown_tool",
    "unknown_gate",
    "gate_approver",
    "promotion_without_gate",
    "target_below_current",
    "missing_field",
    "wrong_type",
    "unknown_data_file",
    "missing_required_file",
    "duplicate_task_id",
}


def _validate(runner: CliRunner, data: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["validate", "--data", str(data), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_every_required_case_is_present() -> None:
    assert {case.name for case in CASES} >= REQUIRED_CASES


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_invalid_case_fails_with_its_errors_at_their_locations(
    case: Case, tmp_path: Path, runner: CliRunner
) -> None:
    data = broken_copy(case, tmp_path / "data")

    code, out, _ = _validate(runner, data, "--format", "json")

    assert code == 1, out
    found = [i for i in parse_json_issues(out) if i["severity"] == "error"]
    # Exactly the expected errors: no error missing, none extra (a cascade would be a bug).
    assert sorted(f"{e.at} [{e.code}]" for e in case.expect) == sorted(
        f"{Expected.location_of(i)} [{i['code']}]" for i in found
    )
    for expected in case.expect:
        assert any(expected.matches(i) for i in found), (expected, found)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_invalid_case_prints_file_line_col_then_message(
    case: Case, tmp_path: Path, runner: CliRunner
) -> None:
    data = broken_copy(case, tmp_path / "data")

    code, out, _ = _validate(runner, data)

    assert code == 1
    lines = out.splitlines()
    for expected in case.expect:
        prefix = f"{expected.at}: error: "
        assert any(
            line.startswith(prefix) and expected.message in line and f"[{expected.code}]" in line
            for line in lines
        ), (prefix, out)


def test_valid_fixture_passes_with_a_count_line(valid_data: Path, runner: CliRunner) -> None:
    code, out, err = _validate(runner, valid_data, "--strict")

    assert (code, out, err) == (0, "0 errors, 0 warnings\n", "")


def test_issues_are_sorted_by_file_then_line_and_counted(tmp_path: Path, runner: CliRunner) -> None:
    data = tmp_path / "data"
    broken_copy(load_case(INVALID / "target_below_current.yaml"), data)
    for name in ("weights_not_100", "promotion_without_gate", "gate_approver", "no_responsible"):
        load_case(INVALID / f"{name}.yaml").apply(data)

    code, out, _ = _validate(runner, data)

    *issue_lines, count = out.splitlines()
    assert code == 1
    assert count == "5 errors, 0 warnings"
    keys = []
    for line in issue_lines:
        file, line_no, col, _ = line.split(":", 3)
        keys.append((file, int(line_no), int(col)))
    assert keys == sorted(keys)
    assert [k[0] for k in keys] == [
        "data/architecture.yaml",
        "data/gap_analysis.yaml",
        "data/gates.yaml",
        "data/lifecycle/01-build.yaml",
        "data/tool_evaluation.yaml",
    ]


def test_json_format_is_a_list_of_located_issues(tmp_path: Path, runner: CliRunner) -> None:
    data = broken_copy(load_case(INVALID / "unknown_tool.yaml"), tmp_path / "data")

    code, out, _ = _validate(runner, data, "--format", "json")

    assert code == 1
    issues = parse_json_issues(out)
    assert issues
    for issue in issues:
        assert set(issue) == {"file", "line", "column", "severity", "code", "message"}
        assert isinstance(issue["line"], int)
        assert isinstance(issue["column"], int)
        assert issue["severity"] in {"error", "warning"}
    assert issues == sorted(
        issues, key=lambda i: (i["file"], i["line"], i["column"], i["severity"], i["code"])
    )


def test_valid_fixture_gives_an_empty_json_list(valid_data: Path, runner: CliRunner) -> None:
    assert _validate(runner, valid_data, "--format", "json")[:2] == (0, "[]\n")


def test_warnings_fail_only_with_strict(tmp_path: Path, runner: CliRunner) -> None:
    case = load_case(WARNINGS / "unused_tool.yaml")
    data = broken_copy(case, tmp_path / "data")
    (expected,) = case.expect

    lenient_code, lenient_out, _ = _validate(runner, data)
    strict_code, strict_out, _ = _validate(runner, data, "--strict")

    assert lenient_code == 0
    assert strict_code == 1
    for out in (lenient_out, strict_out):
        assert out.splitlines() == [
            f"{expected.at}: warning: {expected.message} [{expected.code}]",
            "0 errors, 1 warning",
        ]


def test_missing_data_folder_exits_2_with_one_line(tmp_path: Path, runner: CliRunner) -> None:
    missing = tmp_path / "nowhere"

    code, out, err = _validate(runner, missing)

    assert code == 2
    assert out == ""
    assert err == f"playbook: error: data folder '{missing}' not found\n"


# --------------------------------------------------------------------------------------------
# The real entry point, in a subprocess: exit codes as a shell or pre-commit sees them.
# --------------------------------------------------------------------------------------------


def _run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playbook.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_module_entry_point_exit_codes(tmp_path: Path) -> None:
    broken = broken_copy(load_case(INVALID / "duplicate_key.yaml"), tmp_path / "broken" / "data")
    valid = broken_copy(load_case(WARNINGS / "unused_tool.yaml"), tmp_path / "valid" / "data")

    ok = _run_module("validate", "--data", str(valid))
    strict = _run_module("validate", "--data", str(valid), "--strict")
    failed = _run_module("validate", "--data", str(broken))
    missing = _run_module("validate", "--data", str(tmp_path / "nowhere"))

    assert (ok.returncode, strict.returncode, failed.returncode) == (0, 1, 1)
    assert "data/roles.yaml:7:5: error: duplicate key 'name'" in failed.stdout
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert len(missing.stderr.splitlines()) == 1
