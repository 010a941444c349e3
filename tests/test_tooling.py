"""The tooling agrees with itself: one pin per lint tool, pinned actions, lint before tests."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
#: ``owner/action@<40 hex digits> # vX.Y.Z``: a commit, and the release it is.
PINNED_USE = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pins(requirements: list[str]) -> dict[str, str]:
    """``name -> version`` of the exactly pinned (``==``) requirements, names normalized."""
    pins = {}
    for requirement in requirements:
        name, sep, version = requirement.partition("==")
        if sep:
            pins[_name(name)] = version.strip()
    return pins


def _name(name: str) -> str:
    """A distribution name normalized as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def test_every_dev_tool_is_pinned_exactly() -> None:
    dev = _pyproject()["project"]["optional-dependencies"]["dev"]
    assert dev
    assert len(_pins(dev)) == len(dev), [r for r in dev if "==" not in r]


def test_pre_commit_runs_the_ruff_that_pyproject_pins() -> None:
    ruff = _pins(_pyproject()["project"]["optional-dependencies"]["dev"])["ruff"]
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"] if h["id"].startswith("ruff")]
    assert {h["id"] for h in hooks} == {"ruff-check", "ruff-format"}
    for hook in hooks:
        assert _pins(hook["additional_dependencies"]) == {"ruff": ruff}, hook["id"]


def test_constraints_pin_every_dependency() -> None:
    project = _pyproject()["project"]
    wanted = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        wanted += [r for r in extra if not r.startswith(project["name"])]
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    locked = _pins([line for line in constraints if not line.startswith("#")])
    names = {_name(re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]) for r in wanted}
    missing = sorted(names - locked.keys())
    assert not missing, f"not in constraints.txt (run 'make constraints'): {missing}"


def test_constraints_hold_the_dev_pins() -> None:
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    locked = _pins([line for line in constraints if not line.startswith("#")])
    for name, version in _pins(_pyproject()["project"]["optional-dependencies"]["dev"]).items():
        assert locked.get(name) == version, name


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_actions_are_pinned_by_commit_with_their_release(workflow: Any) -> None:
    uses = [line for line in workflow.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert uses
    for line in uses:
        assert PINNED_USE.match(line), line


def test_the_pull_request_job_lints_and_uses_the_preinstalled_chrome() -> None:
    text = (ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8")
    job = yaml.safe_load(text)["jobs"]["check"]
    runs = [step.get("run", "") for step in job["steps"]]
    assert not any(re.search(r"apt-get install.*\bchromium\b", run) for run in runs)
    assert job["env"]["PLAYBOOK_CHROMIUM"] == "/usr/bin/google-chrome"
    assert runs.index("make lint") < runs.index("make test")


def test_ci_run_lints_before_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert script.index("make lint") < script.index("make test")
    assert "export CI=true" in script


def test_the_pull_request_builds_both_engines_and_the_print_page_beside_the_tests() -> None:
    text = (ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8")
    job = yaml.safe_load(text)["jobs"]["build"]
    assert job["strategy"]["matrix"]["target"] == ["site", "zensical", "print"]
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "playbook build --out site" in script
    assert "playbook build --engine zensical --out site-zensical" in script
    assert "playbook build --print-page" in script
    assert "playbook pdf --site site-print" in script
    assert "needs" not in job  # beside the tests, not after them
