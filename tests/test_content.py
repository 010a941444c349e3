"""The reference playbook meets its content bar: quantities, depth, and no placeholder text.

The data's bar is ``profile: reference`` in data/playbook.yaml, checked by ``playbook validate``
(playbook/data/profiles.py); a fork with its own content deletes that line, and the prose checks
here follow the same declaration.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from playbook.data.loader import load_uncached
from playbook.data.model import Playbook, PlaybookMeta
from playbook.data.profiles import PROFILES
from tests.playbook_cli import run_playbook

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(
    r"\b(TBD|TODO|FIXME|XXX|lorem ipsum|placeholder|example task|task \d+|role \d+|tool \d+)\b",
    re.IGNORECASE,
)


@pytest.fixture(name="playbook", scope="module")
def fixture_playbook() -> Playbook:
    result = load_uncached(ROOT / "data")
    assert result.playbook is not None, "\n".join(map(str, result.issues))
    assert not [i for i in result.issues if i.severity == "error"]
    return result.playbook


def test_reference_data_validates_with_no_warnings() -> None:
    # Includes the content bar of the profile data/playbook.yaml declares (profile: reference).
    result = load_uncached(ROOT / "data")
    assert result.issues == [], "\n".join(map(str, result.issues))


def test_the_reference_profile_warns_where_data_is_below_its_bar(
    valid_data: Path,
) -> None:
    playbook_yaml = valid_data / "playbook.yaml"
    playbook_yaml.write_text(playbook_yaml.read_text(encoding="utf-8") + "profile: reference\n")
    issues = [i for i in load_uncached(valid_data).issues if i.code == "profile"]
    shown = {str(i) for i in issues}
    assert "data/roles.yaml:2:1: warning: profile 'reference': 4 roles, at least 12 expected" in {
        s.removesuffix(" [profile]") for s in shown
    }, shown
    # Warnings: `playbook validate --strict` (CI) fails on them; `playbook new` still works.
    assert all(i.severity == "warning" and i.line > 0 for i in issues)
    # Every part of the bar has its say: people, process, use cases, technology, governance.
    files = {i.file.split("/")[1] for i in issues}
    assert {"roles.yaml", "lifecycle", "use_cases", "tools.yaml", "controls.yaml"} <= files


def test_data_without_a_profile_is_not_held_to_the_reference_bar(valid_data: Path) -> None:
    result = load_uncached(valid_data)
    assert result.playbook is not None
    assert result.playbook.meta.profile is None
    assert [i for i in result.issues if i.code == "profile"] == []


def test_every_declarable_profile_has_its_check() -> None:
    declarable = set(get_args(get_args(PlaybookMeta.model_fields["profile"].annotation)[0]))
    assert declarable == set(PROFILES)


def test_the_basis_is_sr_26_2_and_sr_11_7_is_history(playbook: Playbook) -> None:
    """The April 2026 guidance is current; what it replaced is kept only as history."""
    sources = playbook.sources
    assert sources["sr_26_2"].status == "current"
    assert sources["sr_26_2"].date.isoformat() == "2026-04-17"
    for old in ("sr_11_7", "occ_2011_12", "sr_21_8"):
        assert sources[old].status == "superseded", old
    assert sources["sr_11_7"].superseded_by == ["sr_26_2"]
    bases = {c.source for c in playbook.controls.values()}
    assert bases.isdisjoint({s.id for s in sources.values() if s.status == "superseded"})
    assert "sr_11_7" in {s for c in playbook.controls.values() for s in c.history}


def test_hand_written_guidance_exists(playbook: Playbook) -> None:
    if playbook.meta.profile != "reference":
        return  # a fork's own prose is not held to the reference playbook's bar
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


def test_glossary_has_forty_terms(playbook: Playbook) -> None:
    if playbook.meta.profile != "reference":
        return  # a fork's own prose is not held to the reference playbook's bar
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


def test_validate_can_hold_data_to_a_profile_it_does_not_declare(valid_data: Path) -> None:
    declared = run_playbook("validate", "--data", valid_data, "--strict")
    held = run_playbook("validate", "--data", valid_data, "--strict", "--profile", "reference")
    assert declared.code == 0, declared.out
    assert held.code == 1
    assert "data/roles.yaml:2:1: warning: profile 'reference': 4 roles" in held.out


def test_validate_can_lift_the_declared_profile(valid_data: Path) -> None:
    playbook_yaml = valid_data / "playbook.yaml"
    playbook_yaml.write_text(playbook_yaml.read_text(encoding="utf-8") + "profile: reference\n")
    assert run_playbook("validate", "--data", valid_data, "--strict").code == 1
    lifted = run_playbook("validate", "--data", valid_data, "--strict", "--profile", "none")
    assert lifted.code == 0, lifted.out
