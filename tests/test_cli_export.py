"""``playbook export``: the RACI as CSV, XLSX and Markdown, and the whole playbook as JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from playbook.cli.export import export_schema
from playbook.data.loader import load_uncached
from tests.helpers import DATA, reference_data, rewrite
from tests.playbook_cli import run_playbook

SCHEMA = DATA / "schema" / "export.schema.json"
TOP_LEVEL = [
    "playbook",
    "roles",
    "phases",
    "use_cases",
    "tools",
    "architecture",
    "capabilities",
    "evaluations",
    "gates",
    "controls",
    "self_heal",
    "inventory",
    "templates",
    "parameters",
]


def _csv(data: Path, by: str) -> list[list[str]]:
    result = run_playbook("export", "raci", "--format", "csv", "--by", by, "--data", data)
    assert result.code == 0, result.err
    return list(csv.reader(io.StringIO(result.out)))


def _sheet_rows(sheet: Worksheet) -> list[list[str]]:
    """A worksheet's cells as text, with empty cells as '' (as the CSV writes them)."""
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


# --------------------------------------------------------------------------------------------
# CSV and Markdown
# --------------------------------------------------------------------------------------------


def test_csv_by_task_has_a_row_per_task_and_a_column_per_role(valid_data: Path) -> None:
    pb = load_uncached(valid_data).playbook
    assert pb is not None
    rows = _csv(valid_data, "task")
    roles = [r.name for r in pb.roles.values()]
    assert rows[0] == ["Phase", "Sub-phase", "Task id", "Task", *roles]
    assert [r[2] for r in rows[1:]] == [t.id for _, _, t in pb.tasks()]
    train = next(r for r in rows if r[2] == "train_candidate_model")
    letters = dict(zip(roles, train[4:], strict=True))
    assert letters == {
        "Business owner": "A",
        "Data scientist": "R",
        "ML engineer": "C",
        "Model validator": "I",
    }


def test_csv_by_role_lists_every_letter_each_role_holds(valid_data: Path) -> None:
    pb = load_uncached(valid_data).playbook
    assert pb is not None
    rows = _csv(valid_data, "role")
    assert rows[0] == ["Role", "Letter", "Phase", "Sub-phase", "Task id", "Task"]
    held = sum(1 for _, _, t in pb.tasks() for _ in t.raci.letters())
    assert len(rows) - 1 == held
    assert rows[1][:5] == ["Business owner", "A", "Build", "Training", "train_candidate_model"]


def test_csv_by_phase_is_the_rollup_of_letters(valid_data: Path) -> None:
    rows = _csv(valid_data, "phase")
    assert rows[0][0] == "Phase"
    build = next(r for r in rows if r[0] == "Build")
    scientist = rows[0].index("Data scientist")
    assert build[scientist].startswith("R")


def test_csv_to_a_file(valid_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "raci.csv"
    result = run_playbook("export", "raci", "--data", valid_data, "--out", out)
    assert result.code == 0
    assert result.out == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("Phase,Sub-phase,Task id,Task,")


def test_markdown_by_task_has_a_table_per_phase_and_the_rollup(valid_data: Path) -> None:
    result = run_playbook("export", "raci", "--format", "markdown", "--data", valid_data)
    assert result.code == 0
    text = result.out
    assert text.startswith("# Fixture Playbook: RACI\n")
    assert "\n## Build\n" in text
    assert "\n## Roll-up by phase\n" in text
    assert "| Training | train\\_candidate\\_model | Train the candidate model | A |" in text


def test_markdown_by_role_has_a_section_per_role(valid_data: Path) -> None:
    result = run_playbook(
        "export", "raci", "--format", "markdown", "--by", "role", "--data", valid_data
    )
    assert result.code == 0
    for role in ("Business owner", "Data scientist", "ML engineer", "Model validator"):
        assert f"\n## {role}\n" in result.out
    assert "\n## Roll-up by phase\n" in result.out


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


@pytest.fixture(name="workbook")
def fixture_workbook(valid_data: Path, tmp_path: Path) -> Path:
    out = tmp_path / "raci.xlsx"
    result = run_playbook("export", "raci", "--format", "xlsx", "--data", valid_data, "--out", out)
    assert result.code == 0, result.err
    return out


def test_xlsx_has_a_sheet_per_phase_then_rollup_and_by_role(
    workbook: Path, valid_data: Path
) -> None:
    pb = load_uncached(valid_data).playbook
    assert pb is not None
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == [*(p.name for p in pb.phases), "Roll-up", "By role"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1])


def test_xlsx_holds_the_same_cells_as_the_csv(workbook: Path, valid_data: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    by_task = _csv(valid_data, "task")
    phase_sheets = book.worksheets[:-2]
    concatenated = _sheet_rows(phase_sheets[0])[:1]
    for sheet in phase_sheets:
        rows = _sheet_rows(sheet)
        assert rows[0] == by_task[0]
        concatenated += rows[1:]
    assert concatenated == by_task
    assert _sheet_rows(book["By role"]) == _csv(valid_data, "role")
    assert _sheet_rows(book["Roll-up"]) == _csv(valid_data, "phase")


def test_xlsx_of_the_reference_data_matches_its_csv(tmp_path: Path) -> None:
    data = reference_data()
    out = tmp_path / "raci.xlsx"
    result = run_playbook("export", "raci", "--format", "xlsx", "--data", data, "--out", out)
    assert result.code == 0, result.err
    book = openpyxl.load_workbook(out)
    rows = [r for sheet in book.worksheets[:-2] for r in _sheet_rows(sheet)[1:]]
    assert rows == _csv(data, "task")[1:]
    assert _sheet_rows(book["By role"]) == _csv(data, "role")


def test_xlsx_is_byte_identical_for_the_same_data(
    workbook: Path, valid_data: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.xlsx"
    run_playbook("export", "raci", "--format", "xlsx", "--data", valid_data, "--out", again)
    assert again.read_bytes() == workbook.read_bytes()


def test_xlsx_keeps_a_leading_equals_sign_as_text(valid_data: Path, tmp_path: Path) -> None:
    def rename(data: dict) -> None:
        data["sub_phases"]["training"]["tasks"]["train_candidate_model"]["name"] = "=1+1"

    rewrite(valid_data, "lifecycle/01-build.yaml", rename)
    out = tmp_path / "raci.xlsx"
    result = run_playbook("export", "raci", "--format", "xlsx", "--data", valid_data, "--out", out)
    assert result.code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    cell = next(c for c in sheet["D"] if c.value == "=1+1")
    assert cell.data_type == "s"


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["fixture", "reference"])
def test_json_validates_against_the_committed_schema(source: str, valid_data: Path) -> None:
    data = valid_data if source == "fixture" else reference_data()
    result = run_playbook("export", "json", "--data", data)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
    assert list(document) == TOP_LEVEL


def test_committed_export_schema_is_the_models() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json.loads(
        json.dumps(export_schema())
    ), "data/schema/export.schema.json is stale: run 'playbook schema'"


def test_json_nests_phases_sub_phases_tasks_and_raci(valid_data: Path) -> None:
    document = json.loads(run_playbook("export", "json", "--data", valid_data).out)
    phase = document["phases"][0]
    task = phase["sub_phases"]["training"]["tasks"]["train_candidate_model"]
    assert task["id"] == "train_candidate_model"
    assert task["raci"] == {
        "R": ["data_scientist"],
        "A": "business_owner",
        "S": [],
        "C": ["ml_engineer"],
        "I": ["model_validator"],
    }


def test_json_carries_the_computed_values(valid_data: Path) -> None:
    pb = load_uncached(valid_data).playbook
    assert pb is not None
    document = json.loads(run_playbook("export", "json", "--data", valid_data).out)
    for ev_id, ev in pb.evaluations.items():
        exported = document["evaluations"][ev_id]
        totals = {t: c["weighted_total"] for t, c in exported["candidates"].items()}
        assert totals == {t: pb.weighted_total(c) for t, c in ev.candidates.items()}
        assert exported["ranking"] == sorted(totals, key=lambda t: (-totals[t], t))
    rollup = document["phases"][0]["raci_rollup"]
    counted = sum(sum(letters.values()) for letters in rollup.values())
    assert counted == sum(1 for _, task in pb.phases[0].tasks() for _ in task.raci.letters())
    assert set(document["playbook"]) >= {"title", "tool_categories", "sources", "maturity_levels"}


def test_json_to_a_file(valid_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "playbook.json"
    assert run_playbook("export", "json", "--data", valid_data, "--out", out).code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["playbook"]["title"] == "Fixture Playbook"


# --------------------------------------------------------------------------------------------
# Bad input: one line on stderr, exit 2 (1 when the data itself has errors)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["raci", "--format", "pdf"], "Invalid value for '--format': 'pdf' is not one of"),
        (["raci", "--by", "team"], "Invalid value for '--by': 'team' is not one of"),
        (["raci", "--format", "xlsx"], "--out FILE is required for --format xlsx"),
        (["yaml"], "No such command 'yaml'"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], message: str, valid_data: Path) -> None:
    result = run_playbook("export", *args, "--data", valid_data)
    assert result.code == 2
    assert message in result.error_line
    assert result.out == ""


@pytest.mark.parametrize("kind", ["raci", "json"])
def test_a_missing_data_folder_is_exit_2(kind: str, tmp_path: Path) -> None:
    result = run_playbook("export", kind, cwd=tmp_path)
    assert result.code == 2
    assert result.error_line == "data folder 'data' not found"


def test_data_with_errors_exits_1_after_listing_them(valid_data: Path) -> None:
    def break_raci(data: dict) -> None:
        data["sub_phases"]["training"]["tasks"]["train_candidate_model"]["raci"]["A"] = "nobody"

    rewrite(valid_data, "lifecycle/01-build.yaml", break_raci)
    result = run_playbook("export", "json", "--data", valid_data)
    assert result.code == 1
    assert result.out == ""
    lines = result.err.splitlines()
    assert "unknown role 'nobody'" in result.err
    assert lines[-1].startswith("playbook: error: the data in ")
