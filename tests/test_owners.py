"""Every page names its owning role, and shows it with its last-updated date."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from playbook.cli.build import BuildError, mkdocs_build
from playbook.data.loader import load_uncached
from playbook.data.model import Playbook
from playbook.render import links
from playbook.render.pages import (
    Page,
    check_page_owners,
    generated_pages,
    page_owner,
    split_front_matter,
)
from tests.helpers import DATA, ROOT, make_project, playbook_of, reference_data, rewrite


def _pages(pb: Playbook) -> dict[str, Page]:
    return {p.src_uri: p for p in generated_pages(pb, [], lambda dot: "<svg></svg>")}


# --------------------------------------------------------------------------------------------
# The rule
# --------------------------------------------------------------------------------------------


def test_role_and_use_case_pages_belong_to_their_role_and_owner() -> None:
    pb = playbook_of(reference_data())
    pages = _pages(pb)
    for role in pb.roles:
        assert pages[links.role_page(role)].owner == role
    for use_case in pb.use_cases.values():
        assert pages[links.use_case_page(use_case.id)].owner == use_case.owner


def test_a_phase_page_belongs_to_the_role_accountable_for_most_of_its_tasks() -> None:
    pb = playbook_of(reference_data())
    pages = _pages(pb)
    for phase in pb.phases:
        counts = Counter(a for _, task in phase.tasks() for a in task.raci.accountable)
        top = max(counts.values())
        owner = pages[links.phase_page(phase.id)].owner
        assert counts[owner] == top
        # on a tie, the role listed first in roles.yaml
        assert owner == next(r for r in pb.roles if counts[r] == top)


def test_file_owners_give_the_other_pages_their_owner(valid_data: Path) -> None:
    def own(doc: dict) -> None:
        doc["file_owners"] = {"gates.yaml": "model_validator", "lifecycle/01-build.yaml": "sre"}

    rewrite(valid_data, "roles.yaml", lambda d: d["roles"].update(sre=_role("SRE")))
    rewrite(valid_data, "playbook.yaml", own)
    pb = playbook_of(valid_data)
    pages = _pages(pb)
    assert pages[links.GATES].owner == "model_validator"
    assert pages[links.phase_page("build")].owner == "sre"  # listed: wins over the majority
    assert pages[links.CONTROLS].owner == pb.meta.owners[0]  # unlisted: the first owner
    assert pages[links.HOME].owner == pb.meta.owners[0]
    assert page_owner(pb, "") == pb.meta.owners[0]


def _role(name: str) -> dict:
    return {"name": name, "team": "Ops", "line_of_defence": 1, "description": "Runs things."}


def test_every_generated_page_of_the_real_data_has_a_known_owner() -> None:
    pb = playbook_of(DATA)
    for page in _pages(pb).values():
        assert page.owner in pb.roles, page.src_uri


def test_unknown_file_owners_are_validation_errors(valid_data: Path) -> None:
    def own(doc: dict) -> None:
        doc["file_owners"] = {"gates.yml": "model_validator", "tools.yaml": "nobody"}

    rewrite(valid_data, "playbook.yaml", own)
    messages = {i.message for i in load_uncached(valid_data).issues if i.severity == "error"}
    assert "unknown data file 'gates.yml' (did you mean 'gates.yaml'?)" in messages
    assert "unknown role 'nobody'" in messages


# --------------------------------------------------------------------------------------------
# Front matter
# --------------------------------------------------------------------------------------------


def test_generated_pages_carry_owner_and_sources_in_front_matter() -> None:
    pb = playbook_of(reference_data())
    page = _pages(pb)[links.role_page("ml_engineer")]
    front, _ = split_front_matter(page.compose())
    meta = yaml.safe_load(front)
    assert meta["owner"] == "ml_engineer"
    assert meta["updated_from"] == ["data"]


def test_a_chapter_keeps_its_own_owner_and_adds_its_file_to_the_sources() -> None:
    pb = playbook_of(reference_data())
    phase = pb.phases[0]
    page = _pages(pb)[links.phase_page(phase.id)]
    chapter = "---\nowner: compliance_officer\n---\n\n# Title\n\nText.\n"
    meta = yaml.safe_load(split_front_matter(page.compose(chapter))[0])
    assert meta["owner"] == "compliance_officer"
    assert meta["updated_from"] == ["data", f"docs/{phase.chapter}"]
    inherited = yaml.safe_load(split_front_matter(page.compose("# Title\n\nText.\n"))[0])
    assert inherited["owner"] == page.owner


def test_hand_written_pages_of_the_repository_name_known_owners() -> None:
    pb = playbook_of(DATA)
    docs = {
        p.relative_to(ROOT / "docs").as_posix(): p.read_text(encoding="utf-8")
        for p in (ROOT / "docs").rglob("*.md")
    }
    chapters = {p.chapter for p in pb.phases if p.chapter}
    assert check_page_owners(pb, docs, chapters) == []


def test_unknown_and_missing_owners_are_located_errors(valid_data: Path) -> None:
    pb = playbook_of(valid_data)
    docs = {
        "guide.md": "---\ndescription: A guide.\nowner: ml_engineeer\n---\n\n# Guide\n",
        "bare.md": "# Bare\n",
        "process/build.md": "# Build\n",  # a chapter: takes its phase page's owner
    }
    issues = check_page_owners(pb, docs, {"process/build.md"})
    assert [str(i) for i in issues] == [
        "docs/bare.md:1:1: error: no owner: add 'owner: <role id>' to the page's front matter "
        "[missing-owner]",
        "docs/guide.md:3:8: error: unknown owner role 'ml_engineeer' (did you mean "
        "'ml_engineer'?) [unknown-ref]",
    ]


# --------------------------------------------------------------------------------------------
# On the built site
# --------------------------------------------------------------------------------------------

FACTS = re.compile(r'<aside class="md-source-file pb-page-facts".*?</aside>', re.DOTALL)


@pytest.fixture(name="project", scope="module")
def fixture_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture project with one hand-written guide, built once (outside any git checkout)."""
    config, _ = make_project(tmp_path_factory.mktemp("owners"))
    (config.parent / "docs" / "guide.md").write_text(
        "---\nowner: model_validator\n---\n\n# Guide\n\nRead me.\n", encoding="utf-8"
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    mkdocs_build(config, config.parent / "site", env)
    return config.parent


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "owner", "href"),
    [
        ("guide/", "Model validator", "../people/roles/model_validator/"),
        ("people/roles/ml_engineer/", "ML engineer", "./"),
        ("process/build/", "Business owner", "../../people/roles/business_owner/"),
        ("", "ML engineer", "people/roles/ml_engineer/"),
    ],
)
def test_every_page_shows_its_owner_and_last_update(
    project: Path, url: str, owner: str, href: str
) -> None:
    html = (project / "site" / url / "index.html").read_text(encoding="utf-8")
    facts = FACTS.search(html)
    assert facts is not None
    text = re.sub(r"<[^>]+>|\s+", " ", facts.group(0)).replace("&nbsp;", " ")
    assert f"Owner: {owner}" in " ".join(text.split())
    assert f'<a href="{href}">{owner}</a>' in facts.group(0)
    # Outside a git checkout every page is dated SOURCE_DATE_EPOCH (2026-01-01).
    assert "Last updated: January 1, 2026" in " ".join(text.split())


@pytest.mark.slow
def test_an_unknown_owner_fails_the_build_naming_the_file(tmp_path: Path) -> None:
    config, _ = make_project(tmp_path / "project")
    (config.parent / "docs" / "guide.md").write_text(
        "---\nowner: nobody\n---\n\n# Guide\n", encoding="utf-8"
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with pytest.raises(BuildError, match=r"docs/guide\.md:2:8: error: unknown owner role"):
        mkdocs_build(config, tmp_path / "site", env)
