"""Hostile data files: symlinks out of the folder, twin suffixes, long values, YAML 1.1 traps,
and records whose ids clash in the generated pages."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from playbook.data.loader import load_uncached
from playbook.data.sourcemap import parse_yaml
from playbook.render.page_checks import check_pages, check_reserved_ids
from playbook.render.pages import generated_pages
from tests.helpers import make_project, playbook_of, rewrite
from tests.playbook_cli import run_playbook
from tests.test_cli_diff import commit_all, git

#: Stands in for a secret outside the data folder (``/etc/passwd``, a CI token file).
SECRET = "root:x:0:0:TOP-SECRET-CONTENT:/root:/bin/bash\n"


@pytest.fixture(name="secret")
def fixture_secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "passwd"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["roles.yaml", "passwd.yaml", "use_cases/evil.YAML.yaml"])
def test_a_symlink_out_of_the_data_folder_is_refused_unread(
    valid_data: Path, secret: Path, name: str
) -> None:
    target = valid_data / name
    target.unlink(missing_ok=True)
    target.symlink_to(secret)
    run = run_playbook("validate", "--data", valid_data)
    assert run.code == 1
    assert f"data/{name}:1:1: error: symbolic link leading out of" in run.out + run.err
    assert "TOP-SECRET" not in run.out + run.err
    assert str(secret) not in run.out + run.err


def test_a_symlinked_folder_out_of_the_data_folder_is_refused(
    valid_data: Path, secret: Path
) -> None:
    shutil.copytree(valid_data / "use_cases", secret.parent / "use_cases")
    shutil.rmtree(valid_data / "use_cases")
    (valid_data / "use_cases").symlink_to(secret.parent / "use_cases")
    result = load_uncached(valid_data)
    assert result.playbook is None
    assert [(i.file, i.code) for i in result.issues] == [("data/use_cases", "symlink")]


def test_a_symlink_inside_the_data_folder_is_followed(valid_data: Path) -> None:
    real = valid_data / "lifecycle" / "01-build.yaml"
    moved = valid_data / "01-build.yaml.txt"
    real.rename(moved)
    real.symlink_to(Path("..") / moved.name)
    assert load_uncached(valid_data).ok


def test_yml_beside_yaml_is_a_duplicate(valid_data: Path) -> None:
    shutil.copyfile(valid_data / "tools.yaml", valid_data / "tools.yml")
    result = load_uncached(valid_data)
    assert [(i.file, i.code) for i in result.issues if i.severity == "error"] == [
        ("data/tools.yml", "duplicate-file")
    ]


def test_echoed_values_are_capped(valid_data: Path) -> None:
    def long_url(doc: dict[str, Any]) -> None:
        doc["repo_url"] = "javascript:" + "A" * 5000

    rewrite(valid_data, "playbook.yaml", long_url)
    run = run_playbook("validate", "--data", valid_data)
    assert run.code == 1
    line = next(x for x in run.out.splitlines() if "repo_url" in x)
    assert "A" * 80 not in line
    assert "…" in line


def test_diff_against_a_commit_with_a_symlink_fails_in_one_line(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "valid", repo / "data")
    git(repo, "init", "--quiet", "--initial-branch", "main")
    commit_all(repo, "The fixture playbook")
    (repo / "data" / "roles.yaml").unlink()
    (repo / "data" / "roles.yaml").symlink_to("/etc/passwd")
    evil = commit_all(repo, "A link to a secret")
    run = run_playbook("diff", "HEAD~1", evil, cwd=repo)
    assert run.code == 2
    assert "data/roles.yaml" in run.error_line
    assert "root:" not in run.err


# --------------------------------------------------------------------------------------------
# YAML 1.1 traps
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "explained"),
    [
        ("weight: .nan", "'.nan' is not a finite number"),
        ("weight: .NaN", "'.NaN' is not a finite number"),
        ("weight: -.inf", "'-.inf' is not a finite number"),
        ("weight: +.INF", "'+.INF' is not a finite number"),
        ("window: 1:30", "base-60 number 90"),
        ("window: 2:00:00", "base-60 number 7200"),
        ("mode: 0755", "'0755' as an octal number"),
        ("count: 012", "'012' as an octal number"),
        ("approved: no", "'no' as the boolean false"),
        ("approved: YES", "'YES' as the boolean true"),
        ("approved: On", "'On' as the boolean true"),
        ("approved: off", "'off' as the boolean false"),
        ("no: value", "'no' as the boolean false"),
        ("list: [yes, 'no']", "'yes' as the boolean true"),
    ],
)
def test_yaml_1_1_surprises_are_refused_and_explained(line: str, explained: str) -> None:
    source = parse_yaml(f"# comment\n{line}\n", "data/x.yaml")
    assert source.data is None
    (issue,) = source.issues
    assert issue.line == 2
    assert issue.column > 0
    assert explained in issue.message
    assert "quote it" in issue.message or "write a number" in issue.message


@pytest.mark.parametrize(
    "line", ["a: 'no'", 'a: "1:30"', "a: '0755'", "a: 0", "a: 0.5", "a: true", "a: 10", "a: -3"]
)
def test_quoted_and_ordinary_scalars_pass(line: str) -> None:
    assert parse_yaml(line + "\n", "data/x.yaml").issues == []


# --------------------------------------------------------------------------------------------
# Ids that clash in the generated pages
# --------------------------------------------------------------------------------------------


def stub_svg(dot: str) -> str:
    return "<svg></svg>"


def test_a_task_with_its_sub_phase_id_fails_on_a_duplicate_anchor(valid_data: Path) -> None:
    def clash(phase: dict[str, Any]) -> None:
        training = phase["sub_phases"]["training"]
        training["tasks"]["training"] = training["tasks"].pop("train_candidate_model")

    rewrite(valid_data, "lifecycle/01-build.yaml", clash)
    pb = playbook_of(valid_data)
    issues = check_pages(generated_pages(pb, [], stub_svg))
    assert any(
        i.code == "duplicate-anchor"
        and "'#training'" in i.message
        and "process/build.md" in i.message
        for i in issues
    )


def test_index_is_a_reserved_id(valid_data: Path) -> None:
    churn = valid_data / "use_cases" / "churn.yaml"
    data = churn.read_text(encoding="utf-8").replace("id: churn", "id: index")
    churn.unlink()
    (valid_data / "use_cases" / "index.yaml").write_text(data, encoding="utf-8")
    pb = playbook_of(valid_data)
    (issue,) = check_reserved_ids(pb)
    assert issue.file == "data/use_cases/index.yaml"
    assert "use-cases/index.md" in issue.message
    pages = generated_pages(pb, [], stub_svg)
    assert any(i.code == "duplicate-page" for i in check_pages(pages))


def test_the_reference_playbook_has_no_clash(reference_copy: Path) -> None:
    pb = playbook_of(reference_copy)
    assert check_reserved_ids(pb) == []
    assert check_pages(generated_pages(pb, [], stub_svg)) == []


def test_a_docs_page_linking_out_of_the_docs_folder_is_refused(
    tmp_path: Path, secret: Path
) -> None:
    config, _ = make_project(tmp_path / "project")
    (config.parent / "docs" / "glossary.md").symlink_to(secret)
    run = run_playbook("render", "--config", config, "--out", tmp_path / "out")
    assert run.code == 1
    assert "docs/glossary.md:1:1: error: symbolic link leading out of docs/" in run.error_line
    assert "TOP-SECRET" not in run.err


@pytest.mark.parametrize(
    "name",
    ['use_cases/x"><img src=x onerror=pwn()>.yaml', "use_cases/a b.yaml", "use_cases/é.yaml"],
)
def test_a_data_file_name_that_would_break_a_link_is_refused(valid_data: Path, name: str) -> None:
    shutil.copyfile(valid_data / "use_cases" / "churn.yaml", valid_data / name)
    (valid_data / "use_cases" / "churn.yaml").unlink()
    run = run_playbook("validate", "--data", valid_data)
    assert run.code == 1
    assert "[file-name]" in run.out


@pytest.mark.parametrize("name", ['x" onmouseover="pwn()".md', "<b>.md", "a b.md"])
def test_a_docs_file_name_that_would_break_a_link_is_refused(tmp_path: Path, name: str) -> None:
    config, _ = make_project(tmp_path / "project")
    (config.parent / "docs" / name).write_text("---\nowner: ml_engineer\n---\n# X\n")
    run = run_playbook("render", "--config", config, "--out", tmp_path / "out")
    assert run.code == 1
    assert "may hold only letters" in run.error_line
