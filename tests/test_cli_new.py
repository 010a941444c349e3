"""``playbook new role|tool|task|use-case``: scaffold into a copy of the real data."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from playbook.cli import scaffold
from playbook.cli.schema import modeline
from playbook.data.loader import load_uncached
from playbook.data.model import UseCase
from tests.playbook_cli import run_playbook

#: Warnings an unfinished entry raises besides its TODO text (the reference profile's depth
#: checks among them): each points into the new entry.
UNFINISHED = {"placeholder", "role-idle", "tool-unused", "task-no-tool", "profile"}


@dataclass(frozen=True)
class Kind:
    """One ``playbook new`` sub-command and where its entry lands."""

    args: tuple[str, ...]
    file: str  # relative to the data folder
    new_id: str


def role_args(role_id: str, name: str = "X", team: str = "T", line: str = "1") -> tuple[str, ...]:
    """Arguments of ``playbook new role``."""
    return ("role", role_id, "--name", name, "--team", team, "--line-of-defence", line)


def tool_args(
    tool_id: str, name: str = "X", category: str = "compute", owner: str = "mlops_engineer"
) -> tuple[str, ...]:
    """Arguments of ``playbook new tool``."""
    return ("tool", tool_id, "--name", name, "--category", category, "--owner", owner)


def task_args(
    task_id: str,
    name: str = "X",
    phase: str = "model_development",
    sub_phase: str = "experimentation",
    accountable: str = "data_scientist",
) -> tuple[str, ...]:
    """Arguments of ``playbook new task`` (the ML engineer is Responsible)."""
    return (
        *("task", task_id, "--phase", phase, "--sub-phase", sub_phase, "--name", name),
        *("--kind", "develop", "--accountable", accountable, "--responsible", "ml_engineer"),
    )


def use_case_args(
    use_case_id: str, title: str = "X", owner: str = "business_owner"
) -> tuple[str, ...]:
    """Arguments of ``playbook new use-case``."""
    return ("use-case", use_case_id, "--title", title, "--owner", owner)


KINDS = {
    "role": Kind(
        role_args("quant_researcher", "Quant researcher", "Research"),
        "roles.yaml",
        "quant_researcher",
    ),
    "tool": Kind(tool_args("ray", "Ray"), "tools.yaml", "ray"),
    "task": Kind(
        task_args("review_prompt_library", "Review the prompt library"),
        "lifecycle/03-model_development.yaml",
        "review_prompt_library",
    ),
    "use-case": Kind(
        use_case_args("portfolio_rebalancing", "Portfolio rebalancing hints"),
        "use_cases/portfolio_rebalancing.yaml",
        "portfolio_rebalancing",
    ),
}


def _files(data: Path) -> dict[str, bytes]:
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in data.rglob("*") if p.is_file()}


def _issues(data: Path) -> Counter[tuple[str, str, str, str]]:
    return Counter((i.file, i.severity, i.code, i.message) for i in load_uncached(data).issues)


# --------------------------------------------------------------------------------------------
# A valid, clearly unfinished entry
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_entry_validates_with_only_to_do_warnings(kind: str, reference_copy: Path) -> None:
    spec = KINDS[kind]
    before = _issues(reference_copy)
    result = run_playbook("new", *spec.args, "--data", reference_copy)
    assert result.code == 0, result.err
    assert result.out.startswith(f"added to {reference_copy / spec.file}; ")

    added = _issues(reference_copy) - before
    assert added, "an unfinished entry must be flagged"
    for file, severity, code, _ in added:
        assert severity == "warning"
        assert code in UNFINISHED
        assert file == f"data/{spec.file}"
    assert any(code == "placeholder" for _, _, code, _ in added)
    # Every new warning is shown to the person who ran the command: nothing is silent.
    for _, _, _, message in added:
        assert message in result.out

    assert run_playbook("validate", "--data", reference_copy).code == 0
    strict = run_playbook("validate", "--strict", "--data", reference_copy)
    assert strict.code == 1, "TODO text must fail the strict check CI runs"


@pytest.mark.parametrize("kind", ["role", "tool", "task"])
def test_the_rest_of_the_file_is_kept_as_it_was(kind: str, reference_copy: Path) -> None:
    spec = KINDS[kind]
    path = reference_copy / spec.file
    original = path.read_text(encoding="utf-8").splitlines()
    assert any(line.lstrip().startswith("#") for line in original), "expected comments"
    others = {k: v for k, v in _files(reference_copy).items() if k != spec.file}

    assert run_playbook("new", *spec.args, "--data", reference_copy).code == 0

    changed = path.read_text(encoding="utf-8").splitlines()
    diff = [d for d in difflib.ndiff(original, changed) if not d.startswith("? ")]
    assert not [d for d in diff if d.startswith("- ")], "a line was removed or changed"
    added = [i for i, d in enumerate(diff) if d.startswith("+ ")]
    assert added == list(range(added[0], added[0] + len(added))), "added lines are one block"
    assert diff[added[0]].strip("+ ") == f"{spec.new_id}:"
    assert {k: v for k, v in _files(reference_copy).items() if k != spec.file} == others


def test_a_role_lands_in_roles_with_its_values(reference_copy: Path) -> None:
    assert run_playbook("new", *KINDS["role"].args, "--data", reference_copy).code == 0
    pb = load_uncached(reference_copy).playbook
    assert pb is not None
    role = pb.roles["quant_researcher"]
    assert (role.name, role.team, role.line_of_defence) == ("Quant researcher", "Research", 1)
    assert list(pb.roles)[-1] == "quant_researcher"


def test_a_task_lands_in_its_sub_phase_with_its_raci(reference_copy: Path) -> None:
    assert run_playbook("new", *KINDS["task"].args, "--data", reference_copy).code == 0
    pb = load_uncached(reference_copy).playbook
    assert pb is not None
    phase, sub, task = pb.task_index()["review_prompt_library"]
    assert (phase.id, sub.id) == ("model_development", "experimentation")
    assert list(sub.tasks)[-1] == "review_prompt_library"
    assert (task.raci.A, task.raci.R) == ("data_scientist", ["ml_engineer"])


def test_a_tool_lands_in_tools_as_assess(reference_copy: Path) -> None:
    assert run_playbook("new", *KINDS["tool"].args, "--data", reference_copy).code == 0
    pb = load_uncached(reference_copy).playbook
    assert pb is not None
    tool = pb.tools["ray"]
    assert (tool.category, tool.status, tool.owner) == ("compute", "assess", "mlops_engineer")


def test_a_use_case_is_a_new_file_with_the_modeline_and_every_required_field(
    reference_copy: Path,
) -> None:
    spec = KINDS["use-case"]
    assert run_playbook("new", *spec.args, "--data", reference_copy).code == 0
    path = reference_copy / spec.file
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == modeline(spec.file)
    record = yaml.safe_load(text)
    required = [name for name, field in UseCase.model_fields.items() if field.is_required()]
    assert set(required) <= set(record)
    assert (record["id"], record["title"], record["owner"]) == (
        "portfolio_rebalancing",
        "Portfolio rebalancing hints",
        "business_owner",
    )
    pb = load_uncached(reference_copy).playbook
    assert pb is not None
    assert pb.use_cases["portfolio_rebalancing"].status == "proposed"


def test_lists_of_plain_values_are_written_inline_like_the_data(reference_copy: Path) -> None:
    assert run_playbook("new", *KINDS["task"].args, "--data", reference_copy).code == 0
    text = (reference_copy / KINDS["task"].file).read_text(encoding="utf-8")
    assert "          R: [ml_engineer]\n" in text


# --------------------------------------------------------------------------------------------
# Refusals: one line, exit 2, and the data untouched
# --------------------------------------------------------------------------------------------


REFUSALS = [
    # duplicate ids, one per kind
    (role_args("ml_engineer"), "a role with id 'ml_engineer' already exists"),
    (tool_args("mlflow"), "a tool with id 'mlflow' already exists"),
    (task_args("train_candidate_model"), "a task with id 'train_candidate_model' already exists"),
    (use_case_args("client_attrition"), "a use case with id 'client_attrition' already exists"),
    # invalid ids and text
    (role_args("Quant-Researcher"), "'Quant-Researcher' is not a valid role id"),
    (use_case_args("x" * 65), "is not a valid use case id"),
    (role_args("quant", name="  "), "--name must not be empty"),
    (
        role_args("quant", line="4"),
        "Invalid value for '--line-of-defence': 4 is not in the range 1<=x<=3.",
    ),
    # unknown parents and references
    (task_args("t_new", phase="nowhere"), "unknown phase 'nowhere'; one of: discovery, "),
    (
        task_args("t_new", sub_phase="nowhere"),
        "unknown sub-phase 'nowhere' of phase 'model_development'; one of: ",
    ),
    (task_args("t_new", accountable="nobody"), "unknown role 'nobody'"),
    (tool_args("ray", category="nowhere"), "unknown category 'nowhere'; one of: "),
    (tool_args("ray", owner="nobody"), "unknown role 'nobody'"),
    (use_case_args("portfolio", owner="nobody"), "unknown role 'nobody'"),
    (("role", "quant", "--name", "X"), "Missing option '--team'."),
    (("team", "x"), "No such command 'team'."),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=[m[:40] for _, m in REFUSALS])
def test_refusals_are_one_line_exit_2_and_change_nothing(
    args: tuple[str, ...], message: str, reference_copy: Path
) -> None:
    before = _files(reference_copy)
    result = run_playbook("new", *args, "--data", reference_copy)
    assert result.code == 2
    assert message in result.error_line
    assert result.out == ""
    assert _files(reference_copy) == before


def test_a_missing_data_folder_is_exit_2(tmp_path: Path) -> None:
    result = run_playbook("new", *KINDS["role"].args, cwd=tmp_path)
    assert result.code == 2
    assert result.error_line == "data folder 'data' not found"


def test_an_entry_that_would_not_validate_is_undone(
    reference_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _files(reference_copy)

    def broken_role(data_dir: Path, *args: object) -> Path:
        path = data_dir / "roles.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "  broken: {name: X}\n")
        (data_dir / "use_cases" / "stray.yaml").write_text("id: stray\n", encoding="utf-8")
        return path

    monkeypatch.setattr(scaffold, "new_role", broken_role)
    result = run_playbook("new", *KINDS["role"].args, "--data", reference_copy)
    assert result.code == 1
    assert "data/roles.yaml" in result.err
    assert result.err.splitlines()[-1] == (
        "playbook: error: the new entry would not validate, so nothing was changed"
    )
    assert _files(reference_copy) == before


def test_a_flow_style_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text("roles: {a: {name: A}}\n", encoding="utf-8")
    with pytest.raises(scaffold.ScaffoldError, match="flow mapping"):
        scaffold.insert_record(path, ("roles",), "b", {"name": "B"})
