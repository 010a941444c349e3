"""The number lint: governed numbers typed near a governed term, in docs and in data text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from playbook.cli.commands import cli
from playbook.data.numbers import CODE, lint_data, lint_docs
from tests.helpers import ROOT, copy_data, playbook_of, reference_data, rewrite

if TYPE_CHECKING:
    from click.testing import CliRunner

GOLDEN = Path(__file__).parent / "fixtures" / "numbers"
TERMS = {
    "PSI": ["monitoring.psi_alert"],
    "canary": ["deployment.canary_first_step"],
    "remediation": ["findings.medium_due"],
}


def _with_terms(data: dict) -> dict:
    data["terms"] = TERMS
    return data


def test_golden_page_gives_the_exact_locations(reference_copy: Path) -> None:
    rewrite(reference_copy, "policy.yaml", _with_terms)
    pb = playbook_of(reference_copy)
    found = [
        f"{i.file}:{i.line}:{i.column}: {i.message.split(chr(39))[3]}"
        for i in lint_docs(pb, GOLDEN / "docs")
        if i.code == CODE
    ]
    assert found == (GOLDEN / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_a_finding_names_the_parameter_to_cite(reference_copy: Path) -> None:
    rewrite(reference_copy, "policy.yaml", _with_terms)
    first = lint_docs(playbook_of(reference_copy), GOLDEN / "docs")[0]
    assert first.severity == "warning"
    assert 'cite {{ param("monitoring.psi_alert") }} instead' in first.message


def test_a_number_in_data_text_is_located_in_its_file(reference_copy: Path) -> None:
    rewrite(reference_copy, "policy.yaml", _with_terms)

    def typed(data: dict) -> dict:
        # non-ASCII text first: libyaml's marks count bytes, columns count characters
        data["title"] = "Client attrition — early warning"
        data["summary"] = "Café × alerts when PSI passes 0.3 and, as an example, [[literal:0.4]]."
        return data

    rewrite(reference_copy, "use_cases/client_attrition.yaml", typed)
    text = (reference_copy / "use_cases/client_attrition.yaml").read_text(encoding="utf-8")
    offset = text.index("0.3 and")
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    found = [
        i
        for i in lint_data(playbook_of(reference_copy), reference_copy)
        if i.file.endswith("client_attrition.yaml") and i.line == line
    ]
    assert [(i.file, i.line, i.column) for i in found] == [
        ("data/use_cases/client_attrition.yaml", line, column)
    ]
    assert "[[param:monitoring.psi_alert]]" in found[0].message


def test_validate_strict_fails_on_a_typed_number_and_passes_on_the_reference(
    runner: CliRunner, tmp_path: Path
) -> None:
    clean = runner.invoke(cli, ["validate", "--strict", "--data", str(reference_data())])
    assert clean.exit_code == 0, clean.output
    assert CODE not in clean.output
    data = copy_data(reference_data(), tmp_path / "data")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text("# Page\n\nMedium findings need remediation in 45 days.\n")
    (docs / "bad.md").write_text('# Bad\n\nAbove {{ param("findings.medium_du") }}.\n')
    result = runner.invoke(cli, ["validate", "--data", str(data), "--docs", str(docs)])
    assert "docs/page.md:3:37: warning: number '45' typed near 'remediation'" in result.output
    assert "docs/bad.md:3:10: error: unknown parameter 'findings.medium_du'" in result.output
    assert "did you mean 'findings.medium_due'" in result.output
    assert result.exit_code == 1


def test_the_reference_docs_cite_only_known_parameters() -> None:
    pb = playbook_of(reference_data())
    assert [i for i in lint_docs(pb, ROOT / "docs") if i.severity == "error"] == []
