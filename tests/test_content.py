"""The reference playbook meets its content bar: quantities, depth, and no placeholder text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from playbook.data.loader import load_uncached
from playbook.data.model import Playbook

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(
    r"\b(TBD|TODO|FIXME|XXX|lorem ipsum|placeholder|example task|task \d+|role \d+|tool \d+)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?](\s|$)")


@pytest.fixture(name="playbook", scope="module")
def fixture_playbook() -> Playbook:
    result = load_uncached(ROOT / "data")
    assert result.playbook is not None, "\n".join(map(str, result.issues))
    assert not [i for i in result.issues if i.severity == "error"]
    return result.playbook


def test_reference_data_validates_with_no_warnings() -> None:
    result = load_uncached(ROOT / "data")
    assert result.issues == [], "\n".join(map(str, result.issues))


def test_people_quantities(playbook: Playbook) -> None:
    assert len(playbook.roles) >= 12
    assert {r.line_of_defence for r in playbook.roles.values()} == {1, 2, 3}


def test_lifecycle_quantities(playbook: Playbook) -> None:
    assert len(playbook.phases) == 8
    assert sum(len(p.sub_phases) for p in playbook.phases) >= 24
    assert sum(1 for _ in playbook.tasks()) >= 100


def test_every_task_is_specific(playbook: Playbook) -> None:
    thin = []
    for _, _, task in playbook.tasks():
        sentences = len(SENTENCE_END.findall(task.description.strip()))
        if len(task.description) < 150 or sentences < 2:
            thin.append(f"{task.id}: description too thin ({len(task.description)} chars)")
        if not (task.inputs and task.outputs and task.tools):
            thin.append(f"{task.id}: needs inputs, outputs and tools")
    assert thin == []


USE_CASE_SECTIONS = (
    "business_problem",
    "value_hypothesis",
    "model_approach",
    "deployment",
    "architecture",
)


def test_use_case_deep_dives(playbook: Playbook) -> None:
    assert len(playbook.use_cases) >= 6
    assert len({u.deployment_pattern for u in playbook.use_cases.values()}) >= 3
    thin = []
    for uc in playbook.use_cases.values():
        for section in USE_CASE_SECTIONS:
            if len(getattr(uc, section)) < 300:
                thin.append(f"{uc.id}.{section}: {len(getattr(uc, section))} chars")
        counts = {
            "kpis": (len(uc.kpis), 4),
            "data_sources": (len(uc.data_sources), 3),
            "features": (len(uc.features), 5),
            "pipeline": (len(uc.pipeline), 6),
            "monitoring": (len(uc.monitoring), 3),
            "retrain_triggers": (len(uc.retrain_triggers), 2),
            "risks": (len(uc.risks), 3),
        }
        thin += [f"{uc.id}.{k}: {n} < {least}" for k, (n, least) in counts.items() if n < least]
    assert thin == []


def test_technology_quantities(playbook: Playbook) -> None:
    assert len(playbook.tools) >= 30
    assert {t.status for t in playbook.tools.values()} == {"adopt", "trial", "assess", "hold"}
    assert len(playbook.components) >= 12
    assert {c.environment for c in playbook.components.values()} == {"dev", "staging", "prod"}
    kinds = {f.kind for f in playbook.flows.values()}
    assert {"promotion", "rollback", "feedback", "deployment"} <= kinds
    assert len(playbook.capabilities) >= 15
    assert len(playbook.criteria) >= 8
    assert len(playbook.evaluations) >= 2
    assert all(len(e.candidates) >= 3 for e in playbook.evaluations.values())


def test_governance_quantities(playbook: Playbook) -> None:
    assert len(playbook.gates) >= 8
    assert all(len(g.criteria) >= 2 and g.approvers for g in playbook.gates.values())
    assert len(playbook.controls) >= 20
    unenforced = [
        c.id
        for c in playbook.controls.values()
        if not (c.enforced_at.gates or c.enforced_at.tasks or c.enforced_at.components)
    ]
    assert unenforced == []
    cited = set(playbook.sources)
    for needed in ("sr_11_7", "occ_2011_12", "reg_bi", "finra_2111", "nist_ai_rmf"):
        assert needed in cited


def test_hand_written_guidance_exists(playbook: Playbook) -> None:
    for phase in playbook.phases:
        assert phase.chapter, f"phase {phase.id} has no chapter"
        chapter = ROOT / "docs" / phase.chapter
        assert chapter.is_file(), chapter
        text = chapter.read_text(encoding="utf-8")
        assert len(text.split()) >= 800, f"{chapter} is thin"
        for heading in ("The standard path", "When to deviate", "Common pitfalls"):
            assert heading in text, f"{chapter} lacks '{heading}'"
    for audience in ("data-scientist", "engineer", "validator", "leader"):
        assert (ROOT / "docs" / "audiences" / f"{audience}.md").is_file()
    assert (ROOT / "docs" / "leadership" / "outcomes.md").is_file()


def test_glossary_has_forty_terms() -> None:
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    terms = re.findall(r"^\S.*\n:\s{3}", text, flags=re.MULTILINE)
    assert len(terms) >= 40


def test_no_placeholder_text_anywhere() -> None:
    found = []
    for path in sorted([*(ROOT / "data").rglob("*.yaml"), *(ROOT / "docs").rglob("*.md")]):
        if "schema" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PLACEHOLDER.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert found == []
