"""Cross-reference and rule checks, each on the valid fixture with one thing changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from playbook.data.checks import CHECKS, Locator, check_playbook
from playbook.data.loader import load_uncached, suggest
from tests.helpers import rewrite

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playbook.data.issues import Issue
    from playbook.data.loader import LoadResult
    from playbook.data.sourcemap import Loc

BUILD = "lifecycle/01-build.yaml"
VALIDATE = "lifecycle/02-validate.yaml"
TRAIN = ("sub_phases", "training", "tasks", "train_candidate_model")
PACKAGE = ("sub_phases", "training", "tasks", "package_model")
APPROVE = ("sub_phases", "review", "tasks", "approve_validation")


def _edited(data: Path, relative: str, edit: Callable[[Any], Any]) -> LoadResult:
    rewrite(data, relative, edit)
    return load_uncached(data)


def _only(result: LoadResult, code: str) -> Issue:
    found = [i for i in result.issues if i.code == code]
    assert len(found) == 1, result.issues
    return found[0]


def _at(result: LoadResult, relative: str, loc: Loc) -> tuple[str, int, int]:
    """Where an issue about ``loc`` must point: the key's own position, never a fallback."""
    marks = result.sources[f"data/{relative}"].marks
    assert loc in marks, f"{loc} is not in data/{relative}"
    return f"data/{relative}", marks[loc].line, marks[loc].column


def _where(issue: Issue) -> tuple[str, int, int]:
    return issue.file, issue.line, issue.column


def _set(*path: Any, value: Any) -> Callable[[Any], None]:
    def edit(data: Any) -> None:
        for part in path[:-1]:
            data = data[part]
        data[path[-1]] = value

    return edit


def _rename(*path: Any, new: str) -> Callable[[Any], None]:
    """Rename the mapping key at ``path``, keeping its position."""

    def edit(data: Any) -> None:
        for part in path[:-2]:
            data = data[part]
        old = data[path[-2]]
        data[path[-2]] = {(new if k == path[-1] else k): v for k, v in old.items()}

    return edit


# --------------------------------------------------------------------------------------------
# The valid fixture
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_each_check_passes_the_valid_fixture(valid_data: Path, check: Any) -> None:
    result = load_uncached(valid_data)
    assert result.playbook is not None

    assert check(result.playbook, Locator(result.playbook, result.sources)) == []


def test_check_playbook_runs_every_check(valid_data: Path) -> None:
    result = load_uncached(valid_data)
    assert result.playbook is not None

    assert check_playbook(result.playbook, result.sources) == []
    assert result.ok


# --------------------------------------------------------------------------------------------
# References: every kind, each located at the key that holds the wrong id
# --------------------------------------------------------------------------------------------

REFERENCES: list[tuple[str, tuple[Any, ...], str, str, str]] = [
    # (file, key path, wrong id, kind, suggested id or "")
    ("playbook.yaml", ("owners", 0), "ml_enginer", "role", "ml_engineer"),
    (
        "playbook.yaml",
        ("rules", "independence", "mrm_does_not_build", "subjects", "roles", 0),
        "model_validatr",
        "role",
        "model_validator",
    ),
    (
        "playbook.yaml",
        ("rules", "independence", "mrm_does_not_build", "source"),
        "sr_11_8",
        "source",
        "sr_11_7",
    ),
    (BUILD, (*TRAIN, "raci", "A"), "busines_owner", "role", "business_owner"),
    (BUILD, (*TRAIN, "raci", "C", 0), "ml_engneer", "role", "ml_engineer"),
    (BUILD, (*TRAIN, "raci", "I", 0), "validator", "role", "model_validator"),
    (VALIDATE, (*APPROVE, "controls", 0), "independent", "control", "independent_validation"),
    ("tools.yaml", ("tools", "mlflow", "category"), "tracking", "category", ""),
    ("tools.yaml", ("tools", "mlflow", "owner"), "nobody", "role", ""),
    ("gates.yaml", ("gates", "validation_gate", "task"), "approve", "task", ""),
    (
        "gates.yaml",
        ("gates", "validation_gate", "approvers", 0),
        "validatr",
        "role",
        "model_validator",
    ),
    (
        "controls.yaml",
        ("controls", "independent_validation", "source"),
        "sr117",
        "source",
        "sr_11_7",
    ),
    (
        "controls.yaml",
        ("controls", "independent_validation", "enforced_at", "components", 0),
        "regsitry",
        "component",
        "registry",
    ),
    (
        "controls.yaml",
        ("controls", "independent_validation", "enforced_at", "tasks", 0),
        "approve_validatoin",
        "task",
        "approve_validation",
    ),
    ("architecture.yaml", ("components", "registry", "environment"), "staging", "environment", ""),
    ("architecture.yaml", ("components", "endpoint", "tools", 0), "gha", "tool", ""),
    ("architecture.yaml", ("flows", "promote", "from"), "regstry", "component", "registry"),
    ("architecture.yaml", ("flows", "promote", "to"), "end_point", "component", "endpoint"),
    ("architecture.yaml", ("flows", "promote", "gate"), "gate_x", "gate", ""),
    (
        "gap_analysis.yaml",
        ("capabilities", "model_registry", "recommendations", 0, "tools", 0),
        "mlfl0w",
        "tool",
        "mlflow",
    ),
    ("tool_evaluation.yaml", ("evaluations", "tracking", "category"), "ci", "category", ""),
    ("use_cases/churn.yaml", ("owner",), "owner", "role", ""),
    ("use_cases/churn.yaml", ("owner_roles", 1), "ml_engineers", "role", "ml_engineer"),
    ("use_cases/churn.yaml", ("pipeline", 0, "task"), "train", "task", ""),
    ("use_cases/churn.yaml", ("pipeline", 0, "tools", 0), "mlflow2", "tool", "mlflow"),
    ("use_cases/churn.yaml", ("gates", 0), "gate", "gate", ""),
    ("use_cases/churn.yaml", ("risks", 0, "controls", 0), "ctl", "control", ""),
    ("use_cases/churn.yaml", ("components", 0), "registy", "component", "registry"),
]


@pytest.mark.parametrize(
    ("relative", "loc", "wrong", "kind", "suggestion"),
    REFERENCES,
    ids=[f"{r[0]}:{'.'.join(map(str, r[1]))}" for r in REFERENCES],
)
def test_unknown_reference_is_located_at_its_value(
    valid_data: Path, relative: str, loc: Loc, wrong: str, kind: str, suggestion: str
) -> None:
    result = _edited(valid_data, relative, _set(*loc, value=wrong))

    found = [i for i in result.issues if i.code == "unknown-ref"]
    assert len(found) == 1, result.issues
    (issue,) = found
    hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
    assert issue.message == f"unknown {kind} '{wrong}'{hint}"
    assert _where(issue) == _at(result, relative, loc)
    assert not result.ok


@pytest.mark.parametrize(
    ("relative", "path", "new", "kind"),
    [
        (
            "tool_evaluation.yaml",
            ("evaluations", "tracking", "candidates", "mlflow"),
            "ml_flow",
            "tool",
        ),
        (
            "tool_evaluation.yaml",
            ("evaluations", "tracking", "candidates", "mlflow", "scores", "fit"),
            "fitness",
            "criterion",
        ),
    ],
)
def test_unknown_reference_in_a_mapping_key_is_located_at_the_key(
    valid_data: Path, relative: str, path: tuple[str, ...], new: str, kind: str
) -> None:
    result = _edited(valid_data, relative, _rename(*path, new=new))

    (issue,) = [i for i in result.issues if i.code == "unknown-ref"]
    assert issue.message.startswith(f"unknown {kind} '{new}'")
    assert _where(issue) == _at(result, relative, (*path[:-1], new))


# --------------------------------------------------------------------------------------------
# RACI and separation of duties
# --------------------------------------------------------------------------------------------


def test_support_letter_needs_a_rasci_playbook(valid_data: Path) -> None:
    result = _edited(valid_data, BUILD, _set(*PACKAGE, "raci", "S", value=["ml_engineer"]))
    issue = _only(result, "raci-letter")
    assert _where(issue) == _at(result, BUILD, (*PACKAGE, "raci", "S"))

    # ml_engineer is now A and S on the same task: the second letter is pointed at.
    issue = _only(result, "raci-multiple-letters")
    assert issue.message.startswith("role 'ml_engineer' holds A and S on task 'package_model'")
    assert _where(issue) == _at(result, BUILD, (*PACKAGE, "raci", "S"))


def test_support_letter_is_fine_in_a_rasci_playbook(valid_data: Path) -> None:
    rewrite(valid_data, "playbook.yaml", _set("raci_letters", value="RASCI"))
    result = _edited(valid_data, BUILD, _set(*PACKAGE, "raci", "S", value=["business_owner"]))

    assert result.issues == []


def test_independence_rule_covers_only_its_task_kinds(valid_data: Path) -> None:
    # The validator is A on an approve task, which no rule covers; R there is allowed too.
    result = _edited(valid_data, VALIDATE, _set(*APPROVE, "raci", "R", value=["business_owner"]))
    assert result.ok

    result = _edited(valid_data, BUILD, _set(*PACKAGE, "raci", "A", value="model_validator"))
    issue = _only(result, "independence")
    assert issue.message == (
        "mrm_does_not_build: role 'model_validator' is A on develop task 'package_model'; "
        "The model validator never builds the models it validates."
    )
    assert _where(issue) == _at(result, BUILD, (*PACKAGE, "raci", "A"))


def test_independence_rule_by_line_names_the_line(valid_data: Path) -> None:
    result = _edited(valid_data, VALIDATE, _set(*APPROVE, "kind", value="validate"))
    # business_owner (line 1) is R on what is now validation work.
    issue = _only(result, "independence")
    assert issue.message.startswith(
        "first_line_does_not_validate: role 'business_owner' (line 1) is R on validate task"
    )
    assert _where(issue) == _at(result, VALIDATE, (*APPROVE, "raci", "R", 0))


def test_gate_approvers_may_not_do_the_work_the_gate_judges(valid_data: Path) -> None:
    result = _edited(valid_data, BUILD, _set(*TRAIN, "gates", value=["validation_gate"]))
    assert result.ok  # data_scientist does the work; the gate's approvers do not

    rewrite(valid_data, BUILD, _set(*TRAIN, "raci", "C", value=[]))
    rewrite(valid_data, BUILD, _set(*TRAIN, "raci", "A", value="ml_engineer"))
    result = _edited(
        valid_data, BUILD, _set(*TRAIN, "raci", "R", value=["data_scientist", "business_owner"])
    )
    issue = _only(result, "independence")
    assert issue.message.startswith(
        "approvers_do_not_judge_their_own_work: role 'business_owner' "
        "(approver of gate 'validation_gate') is R on develop task 'train_candidate_model'"
    )
    assert _where(issue) == _at(result, BUILD, (*TRAIN, "raci", "R", 1))


def test_gate_approver_who_is_accountable_passes_and_consulted_fails(valid_data: Path) -> None:
    result = _edited(valid_data, VALIDATE, _set(*APPROVE, "raci", "I", value=["data_scientist"]))
    assert [i.code for i in result.issues] == []

    result = _edited(valid_data, VALIDATE, _set(*APPROVE, "raci", "C", value=["ml_engineer"]))
    assert result.ok  # ml_engineer is no approver

    rewrite(
        valid_data,
        "gates.yaml",
        _set("gates", "validation_gate", "approvers", value=["model_validator", "ml_engineer"]),
    )
    result = load_uncached(valid_data)
    issue = _only(result, "gate-approver")
    assert "approver 'ml_engineer' of gate 'validation_gate' holds C" in issue.message
    assert _where(issue) == _at(result, "gates.yaml", ("gates", "validation_gate", "approvers", 1))


# --------------------------------------------------------------------------------------------
# Ids that span files
# --------------------------------------------------------------------------------------------


def test_sub_phase_ids_and_phase_orders_are_unique_across_files(valid_data: Path) -> None:
    rewrite(valid_data, VALIDATE, _set("order", value=1))
    result = _edited(valid_data, VALIDATE, _rename("sub_phases", "review", new="training"))

    codes = sorted((i.code, i.message) for i in result.issues)
    assert codes == [
        ("duplicate-id", "phase order 1 is also used by phase 'build'"),
        ("duplicate-id", "sub-phase id 'training' is also used in phase 'build'"),
    ]
    by_message = {i.message: i for i in result.issues}
    assert _where(by_message["phase order 1 is also used by phase 'build'"]) == _at(
        result, VALIDATE, ("order",)
    )


def test_a_duplicated_task_keeps_its_other_issues_in_its_own_file(valid_data: Path) -> None:
    task = {
        "name": "Again",
        "kind": "develop",
        "description": "Again.",
        "tools": ["mlflow"],
        "raci": {"A": "ml_engineer"},
    }
    rewrite(
        valid_data, VALIDATE, _set("sub_phases", "review", "tasks", "package_model", value=task)
    )
    result = load_uncached(valid_data)

    dup = _only(result, "duplicate-id")
    no_r = _only(result, "raci-responsible")
    here = ("sub_phases", "review", "tasks", "package_model")
    assert _where(dup) == _at(result, VALIDATE, here)
    assert _where(no_r) == _at(result, VALIDATE, (*here, "raci"))


# --------------------------------------------------------------------------------------------
# Scores and maturity
# --------------------------------------------------------------------------------------------


def test_a_missing_score_is_reported_on_the_scores(valid_data: Path) -> None:
    scores = ("evaluations", "tracking", "candidates", "github_actions", "scores")
    result = _edited(valid_data, "tool_evaluation.yaml", _set(*scores, value={"fit": 3}))

    issue = _only(result, "score-missing")
    assert issue.message == "'github_actions' in evaluation 'tracking' has no score for: cost"
    assert _where(issue) == _at(result, "tool_evaluation.yaml", scores)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_scores_outside_one_to_five_are_errors(valid_data: Path, score: int) -> None:
    loc = ("evaluations", "tracking", "candidates", "mlflow", "scores", "fit")
    result = _edited(valid_data, "tool_evaluation.yaml", _set(*loc, value=score))

    issue = _only(result, "score-range")
    assert issue.message == f"score {score} for 'mlflow' on 'fit' is outside 1-5"
    assert _where(issue) == _at(result, "tool_evaluation.yaml", loc)


def test_maturity_levels_must_be_zero_to_four(valid_data: Path) -> None:
    def shift(data: Any) -> None:
        data["maturity_levels"] = {k + 1: v for k, v in data["maturity_levels"].items()}

    result = _edited(valid_data, "gap_analysis.yaml", shift)

    issue = _only(result, "maturity")
    assert issue.message == "maturity levels must be exactly 0-4, found [1, 2, 3, 4, 5]"


def test_target_equal_to_current_is_fine(valid_data: Path) -> None:
    result = _edited(
        valid_data, "gap_analysis.yaml", _set("capabilities", "model_registry", "target", value=1)
    )
    assert result.issues == []


# --------------------------------------------------------------------------------------------
# Warnings
# --------------------------------------------------------------------------------------------


def test_idle_role_is_a_warning(valid_data: Path) -> None:
    role = {"name": "Auditor", "team": "Audit", "line_of_defence": 3, "description": "Audits."}
    result = _edited(valid_data, "roles.yaml", _set("roles", "auditor", value=role))

    issue = _only(result, "role-idle")
    assert issue.severity == "warning"
    assert _where(issue) == _at(result, "roles.yaml", ("roles", "auditor"))
    assert result.ok


def test_accountable_share_above_the_limit_is_a_warning(valid_data: Path) -> None:
    result = _edited(valid_data, "playbook.yaml", _set("rules", "max_accountable_share", value=0.3))

    overloaded = sorted(
        i.message.split("'")[1] for i in result.issues if i.code == "role-overloaded"
    )
    assert overloaded == ["business_owner", "ml_engineer", "model_validator"]
    assert {i.severity for i in result.issues} == {"warning"}


def test_placeholders_and_tasks_without_tools_are_warnings(valid_data: Path) -> None:
    def edit(data: Any) -> None:
        task = data["sub_phases"]["training"]["tasks"]["package_model"]
        task["description"] = "TODO: say how the image is signed."
        del task["tools"]

    result = _edited(valid_data, BUILD, edit)

    placeholder = _only(result, "placeholder")
    assert _where(placeholder) == _at(result, BUILD, (*PACKAGE, "description"))
    no_tool = _only(result, "task-no-tool")
    assert _where(no_tool) == _at(result, BUILD, PACKAGE)
    unused = _only(result, "tool-unused")
    assert unused.message == "tool 'github_actions' is used by no task or use-case pipeline"
    assert result.ok


# --------------------------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data_scientst", " (did you mean 'data_scientist'?)"),
        ("ml_enginer", " (did you mean 'ml_engineer'?)"),
        ("auditor", ""),
        ("", ""),
    ],
)
def test_suggest_offers_the_closest_known_id(name: str, expected: str) -> None:
    known = ["business_owner", "data_scientist", "ml_engineer", "model_validator"]

    assert suggest(name, known) == expected


def test_suggest_accepts_non_string_names() -> None:
    assert suggest(7, ["a"]) == ""  # type: ignore[arg-type]
