"""``playbook diff BASE [HEAD]`` on a temporary git repository with real commits."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from playbook.cli.diff import diff_playbooks
from playbook.data.loader import load_uncached
from playbook.data.model import Playbook
from playbook.render.markdown import text
from tests.helpers import VALID, copy_data, reference_data, rewrite
from tests.playbook_cli import run_playbook

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

#: A fixed identity and clock keep the commits independent of the machine's git config.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Playbook Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.org",
    "GIT_COMMITTER_NAME": "Playbook Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.org",
    "GIT_AUTHOR_DATE": "2026-01-05T10:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-05T10:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; fail the test when it fails."""
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def commit_all(repo: Path, message: str) -> str:
    """Commit every change in ``repo``; return the commit id."""
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-gpg-sign", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(name="repo")
def fixture_repo(tmp_path: Path) -> Path:
    """A git repository whose first commit (tagged ``base``) holds the valid fixture."""
    repo = tmp_path / "repo"
    copy_data(VALID, repo / "data")
    git(repo, "init", "--quiet", "--initial-branch", "main")
    commit_all(repo, "The fixture playbook")
    git(repo, "tag", "base")
    return repo


def _task(data: dict[str, Any], task: str) -> dict[str, Any]:
    for sub in data["sub_phases"].values():
        if task in sub["tasks"]:
            return sub["tasks"][task]  # type: ignore[no-any-return]
    raise KeyError(task)


def change_everything(data: Path) -> None:
    """One of each change the report must show."""

    def build(phase: dict[str, Any]) -> None:
        raci = _task(phase, "train_candidate_model")["raci"]
        raci["C"] = []  # the ML engineer goes from Consulted ...
        raci["I"] = ["model_validator", "ml_engineer"]  # ... to Informed
        _task(phase, "package_model")["name"] = "Package and sign the model"

    def gates(doc: dict[str, Any]) -> None:
        doc["gates"]["validation_gate"]["criteria"][0]["threshold"] = 0.8

    def gaps(doc: dict[str, Any]) -> None:
        doc["capabilities"]["model_registry"]["current"] = 2

    def tools(doc: dict[str, Any]) -> None:
        doc["tools"]["evidently"] = {
            "name": "Evidently",
            "category": "experiment_tracking",
            "status": "assess",
            "environments": ["dev"],
            "owner": "ml_engineer",
            "description": "Drift reports.",
        }

    def controls(doc: dict[str, Any]) -> None:
        doc["controls"]["independent_validation"]["enforced_at"]["components"] = []

    def use_case(doc: dict[str, Any]) -> None:
        doc["status"] = "validation"

    rewrite(data, "lifecycle/01-build.yaml", build)
    rewrite(data, "use_cases/churn.yaml", use_case)
    rewrite(data, "gates.yaml", gates)
    rewrite(data, "gap_analysis.yaml", gaps)
    rewrite(data, "tools.yaml", tools)
    rewrite(data, "controls.yaml", controls)


@pytest.fixture(name="changed")
def fixture_changed(repo: Path) -> Path:
    """The repository with a second commit (tagged ``head``) that changes the data."""
    change_everything(repo / "data")
    commit_all(repo, "Change the playbook")
    git(repo, "tag", "head")
    return repo


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def test_report_names_each_kind_of_change(changed: Path) -> None:
    result = run_playbook("diff", "base", "head", cwd=changed)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "## Playbook data changes: `base` → `head`"
    expected = [
        # Responsibilities gained and lost, per role
        "### Responsibilities",
        "- **ML engineer (ml\\_engineer)** now holds",
        "    - I on Train the candidate model (train\\_candidate\\_model)",
        "- **ML engineer (ml\\_engineer)** no longer holds",
        "    - C on Train the candidate model (train\\_candidate\\_model)",
        # Tasks changed field by field
        "### Tasks",
        "- **Package and sign the model (package\\_model)** changed",
        "    - name: Package the model → Package and sign the model",
        # Gate criteria
        "### Gate criteria",
        "- **Validation approval (validation\\_gate)** changed",
        "    - AUC on out-of-time holdout: ≥ 0.75 → ≥ 0.8",
        # Tools added
        "### Tools",
        "- **Evidently (evidently)** added",
        # Controls changed field by field
        "### Controls",
        "- **Independent validation before use (independent\\_validation)** changed",
        "    - enforced\\_at: gates: validation\\_gate; tasks: approve\\_validation; components: "
        "registry → gates: validation\\_gate; tasks: approve\\_validation; components: (none)",
        # Use cases changed field by field
        "### Use cases",
        "- **Client attrition (churn)** changed",
        "    - status: production → validation",
        # Maturity
        "### Maturity",
        "- **Model registry and promotion (model\\_registry)** changed",
        "    - current 1 → 2, target 3 → 3",
    ]
    for line in expected:
        assert line in lines, f"missing: {line}\n\n{result.out}"
    # Sections come in the order of the kind registry, each summary after its kind.
    headings = [line for line in lines if line.startswith("### ")]
    assert headings == [
        "### Responsibilities",
        "### Tasks",
        "### Use cases",
        "### Tools",
        "### Maturity",
        "### Gate criteria",
        "### Controls",
    ]
    assert lines[2] == (
        "Changed: responsibilities (2), tasks (1), use cases (1), tools (1), maturity (1), "
        "gate criteria (1), controls (1)."
    )


def test_removals_are_reported(changed: Path) -> None:
    backwards = run_playbook("diff", "head", "base", cwd=changed)
    assert backwards.code == 0, backwards.err
    assert "- **Evidently (evidently)** removed" in backwards.out.splitlines()

    (changed / "data" / "use_cases" / "churn.yaml").unlink()
    commit_all(changed, "Drop the churn use case")
    result = run_playbook("diff", "head", "HEAD", cwd=changed)
    assert result.code == 0, result.err
    assert result.out.splitlines()[-3:] == [
        "### Use cases",
        "",
        "- **Client attrition (churn)** removed",
    ]


def test_head_defaults_to_the_working_tree(changed: Path) -> None:
    clean = run_playbook("diff", "head", cwd=changed)
    assert clean.code == 0
    assert clean.out.splitlines()[0] == "## Playbook data changes: `head` → `working tree`"
    assert "No change to the playbook data." in clean.out

    def lower_threshold(doc: dict[str, Any]) -> None:
        doc["gates"]["validation_gate"]["criteria"][0]["threshold"] = 0.7

    rewrite(changed / "data", "gates.yaml", lower_threshold)  # not committed
    dirty = run_playbook("diff", "head", cwd=changed)
    assert dirty.code == 0
    assert "    - AUC on out-of-time holdout: ≥ 0.8 → ≥ 0.7" in dirty.out.splitlines()


def test_runs_from_a_subfolder_of_the_repository(changed: Path) -> None:
    sub = changed / "data" / "lifecycle"
    result = run_playbook("diff", "base", cwd=sub)
    assert result.code == 0, result.err
    assert "### Gate criteria" in result.out


def test_no_change_between_equal_revisions(changed: Path) -> None:
    result = run_playbook("diff", "head", "HEAD", cwd=changed)
    assert result.code == 0
    assert result.out.endswith("No change to the playbook data.\n")


def test_a_comment_only_change_is_no_change(repo: Path) -> None:
    roles = repo / "data" / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8") + "# A comment.\n", encoding="utf-8")
    commit_all(repo, "Comment")
    assert "No change to the playbook data." in run_playbook("diff", "base", cwd=repo).out


def test_revision_names_are_shown_verbatim(changed: Path) -> None:
    git(changed, "branch", "feature_x")
    result = run_playbook("diff", "feature_x", cwd=changed)
    assert result.out.splitlines()[0] == ("## Playbook data changes: `feature_x` → `working tree`")


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-rev"], "unknown revision 'no-such-rev'"),
        (["base", "no-such-rev"], "unknown revision 'no-such-rev'"),
        (["base", "--data-path", "nowhere"], "revision 'base' has no 'nowhere' folder"),
        ([], "Missing argument 'BASE'."),
    ],
)
def test_bad_revisions_are_one_line_and_exit_2(args: list[str], message: str, repo: Path) -> None:
    result = run_playbook("diff", *args, cwd=repo)
    assert result.code == 2
    assert message in result.error_line
    assert result.out == ""


def test_outside_a_git_repository_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # even if /tmp is in a repo
    folder = tmp_path / "plain"
    copy_data(VALID, folder / "data")
    result = run_playbook("diff", "HEAD", cwd=folder)
    assert result.code == 2
    assert result.error_line == f"'{folder}' is not inside a git repository"


def test_a_working_tree_without_data_is_exit_2(repo: Path) -> None:
    shutil.rmtree(repo / "data")
    result = run_playbook("diff", "base", cwd=repo)
    assert result.code == 2
    assert result.error_line == "the working tree has no 'data' folder"


def test_data_with_errors_at_a_revision_exits_1(repo: Path) -> None:
    def unknown_approver(doc: dict[str, Any]) -> None:
        doc["gates"]["validation_gate"]["approvers"] = ["nobody"]

    rewrite(repo / "data", "gates.yaml", unknown_approver)
    commit_all(repo, "Break the gates")
    result = run_playbook("diff", "base", "HEAD", cwd=repo)
    assert result.code == 1
    assert "unknown role 'nobody'" in result.err
    assert result.err.splitlines()[-1] == (
        "playbook: error: the data at 'HEAD' has errors; cannot compare it"
    )


def test_a_base_written_before_a_rule_is_compared_with_a_note(tmp_path: Path) -> None:
    # The base gives its tasks no kind and breaks an independence rule the head's code adds:
    # its content still compares, and the head (which follows the rules) is reported.
    repo = tmp_path / "repo"
    copy_data(VALID, repo / "data")

    def no_kinds(doc: dict[str, Any]) -> None:
        for sub in doc["sub_phases"].values():
            for task in sub["tasks"].values():
                task.pop("kind")

    for phase in ("lifecycle/01-build.yaml", "lifecycle/02-validate.yaml"):
        rewrite(repo / "data", phase, no_kinds)
    git(repo, "init", "--quiet", "--initial-branch", "main")
    commit_all(repo, "Before task kinds")
    copy_data(VALID, tmp_path / "valid")
    shutil.rmtree(repo / "data")
    shutil.copytree(tmp_path / "valid", repo / "data")

    result = run_playbook("diff", "HEAD", cwd=repo)

    assert result.code == 0, result.err
    assert "breaks 3 of the current checks; compared anyway" in result.err
    assert "kind" in result.out


def test_a_base_of_an_older_shape_is_compared_file_by_file(tmp_path: Path) -> None:
    # The base has a field the current model no longer knows (a shape error, so no model can
    # be built from it): every change is still reported, by file and key path.
    repo = tmp_path / "repo"
    copy_data(VALID, repo / "data")

    def old_shape(doc: dict[str, Any]) -> None:
        _task(doc, "package_model")["legacy_owner"] = "ml_engineer"

    rewrite(repo / "data", "lifecycle/01-build.yaml", old_shape)
    git(repo, "init", "--quiet", "--initial-branch", "main")
    commit_all(repo, "An older shape of the data")
    shutil.rmtree(repo / "data")
    copy_data(VALID, repo / "data")

    def renamed(doc: dict[str, Any]) -> None:
        _task(doc, "package_model")["name"] = "Package and sign the model"

    rewrite(repo / "data", "lifecycle/01-build.yaml", renamed)
    rewrite(repo / "data", "roles.yaml", lambda d: d["roles"]["ml_engineer"].update(team="ML"))

    result = run_playbook("diff", "HEAD", cwd=repo)

    assert result.code == 0, result.err
    assert "does not load with the current model" in result.err
    assert "### Data files, key by key" in result.out
    where = "sub_phases.training.tasks.package_model"
    assert text(f"{where}.legacy_owner: ml_engineer → (none)") in result.out
    assert text(f"{where}.name: Package the model → Package and sign the model") in result.out
    assert text("roles.ml_engineer.team: Platform → ML") in result.out
    assert "- **data/lifecycle/01-build.yaml** changed" in result.out
    assert "- **data/roles.yaml** changed" in result.out
    assert "data/tools.yaml" not in result.out  # unchanged files are not listed


def test_a_base_of_an_older_shape_needs_a_head_without_errors(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    copy_data(VALID, repo / "data")
    rewrite(repo / "data", "gates.yaml", lambda d: d.update(legacy=True))
    git(repo, "init", "--quiet", "--initial-branch", "main")
    commit_all(repo, "An older shape of the data")
    rewrite(repo / "data", "gates.yaml", lambda d: d.pop("legacy"))
    rewrite(repo / "data", "roles.yaml", lambda d: d["roles"]["ml_engineer"].update(team=7))

    result = run_playbook("diff", "HEAD", cwd=repo)

    assert result.code == 1
    assert result.err.splitlines()[-1] == (
        "playbook: error: the data at 'working tree' has errors; cannot compare it"
    )


def test_a_long_text_change_shows_the_part_that_changed(valid_data: Path) -> None:
    pb = load_uncached(valid_data).playbook
    assert pb is not None
    filler = "The role packages, deploys and monitors models for every team. " * 3
    role = pb.roles["ml_engineer"]

    def with_description(text: str) -> Playbook:
        roles = {**pb.roles, "ml_engineer": role.model_copy(update={"description": text})}
        return pb.model_copy(update={"roles": roles})

    old = with_description(filler + "It signs images. " + filler)
    new = with_description(filler + "It signs and scans images. " + filler)
    [change] = [c for c in diff_playbooks(old, new) if c.section == "Roles"]
    [detail] = change.details
    assert detail.startswith("description: …")
    before, after = detail.removeprefix("description: ").split(" → ")
    assert "It signs images." in before
    assert "It signs and scans images." in after
    assert len(before) < 80
    assert len(after) < 80


def test_a_changed_parameter_is_reported_with_the_pages_it_affects(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    copy_data(reference_data(), repo / "data")
    (repo / "docs" / "process").mkdir(parents=True)
    (repo / "docs" / "process" / "drift.md").write_text(
        '# Drift\n\nAbove {{ param("monitoring.psi_alert") }} is a breach.\n', encoding="utf-8"
    )
    git(repo, "init", "--quiet", "--initial-branch", "main")
    commit_all(repo, "The reference playbook")
    git(repo, "tag", "base")

    def raise_alert(doc: dict[str, Any]) -> None:
        doc["areas"]["monitoring"]["parameters"]["psi_alert"]["value"] = "0.30"

    rewrite(repo / "data", "policy.yaml", raise_alert)
    result = run_playbook("diff", "base", cwd=repo)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    start = lines.index("### Policy parameters")
    assert lines[start + 2 : start + 4] == [
        "- **PSI alert level (monitoring.psi\\_alert)** changed",
        "    - value 0.25 → 0.30",
    ]
    prefix = "    - pages affected: "
    assert lines[start + 4].startswith(prefix)
    pages = lines[start + 4].removeprefix(prefix).split(", ")
    assert pages == sorted(pages)
    # its definition's page, the gate criterion naming it, a chapter and a use case citing it
    assert {
        "governance/parameters.md",
        "governance/gates.md",
        "process/drift.md",
        "use-cases/client\\_attrition.md",
    } <= set(pages)
    assert "process/monitoring.md" in pages  # a data placeholder in the monitoring phase
