"""``playbook inventory`` against a real SQLite-backed MLflow registry, made once per session.

The registry is written by hand with the MLflow client, following the tag contract; creating its
schema takes seconds, so these tests are in the slow tier. MLflow is kept off the network: the
tracking URI is the SQLite file and telemetry is off.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING

import pytest
import yaml

from playbook.cli.commands import cli
from tests.helpers import DATA, copy_data, link_project, mkdocs_build

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from click.testing import CliRunner

pytestmark = pytest.mark.slow

QUIET = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
CHURN = "Client attrition (LightGBM)"


def _uri(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(name="registries", scope="session")
def fixture_registries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two registries: ``good`` agrees with the reference playbook, ``bad`` contradicts it.

    ``bad`` is a copy of ``good`` (the schema is created once) with an unknown use case, an
    unapproved champion, a tier that differs from its use case's and an overdue review.
    """
    folder = tmp_path_factory.mktemp("mlflow")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in QUIET.items():
            patch.setenv(key, value)
        patch.chdir(folder)  # where MLflow would put a default artifact folder
        from mlflow import MlflowClient

        good = folder / "good.db"
        client = MlflowClient(tracking_uri=_uri(good), registry_uri=_uri(good))
        experiment = client.create_experiment("client-attrition")
        runs = [client.create_run(experiment).info.run_id for _ in range(3)]
        client.create_registered_model(
            CHURN,
            description="Nightly 180-day attrition probability per household.",
            tags={
                "playbook.use_case": "client_attrition",
                "mrm.tier": "2",
                "mrm.owner": "business_owner",
                "mrm.validator": "model_validator",
                "mrm.next_review": "2099-03-31",
                "mrm.vendor": "false",
                "mrm.limitations": "No score for households under 12 months old.",
                "team": "retention",  # outside the contract: not pulled
            },
        )
        statuses = ["approved", "approved", "pending"]
        for run, status in zip(runs, statuses, strict=True):
            tags = {"validation.status": status, "source": "nightly"}
            if status == "approved":
                tags |= {
                    "validation.date": "2026-05-02",
                    "validation.findings_open": "1",
                    "validation.report": "https://grc.example.com/reports/VR-7",
                }
            client.create_model_version(CHURN, f"runs:/{run}/model", run_id=run, tags=tags)
        client.set_registered_model_alias(CHURN, "champion", "2")
        client.set_registered_model_alias(CHURN, "challenger", "3")
        for name, use_case, tier in (
            ("aml-ranker", "aml_suspicious_activity", "1"),
            ("kyc-extractor", "kyc_document_extraction", "2"),
        ):
            client.create_registered_model(
                name,
                tags={
                    "playbook.use_case": use_case,
                    "mrm.tier": tier,
                    "mrm.next_review": "2099-01-31",
                },
            )
            client.create_model_version(
                name, f"s3://models/{name}/1", tags={"validation.status": "approved"}
            )
            client.set_registered_model_alias(name, "champion", "1")

        bad = folder / "bad.db"
        shutil.copy(good, bad)
        client = MlflowClient(tracking_uri=_uri(bad), registry_uri=_uri(bad))
        client.create_registered_model("stray", tags={"playbook.use_case": "client_atrition"})
        client.create_model_version("aml-ranker", "s3://models/aml/2")  # no validation tags
        client.set_registered_model_alias("aml-ranker", "champion", "2")
        client.set_registered_model_tag("kyc-extractor", "mrm.tier", "1")
        client.set_registered_model_tag(CHURN, "mrm.next_review", "2020-06-30")
        yield {"good": _uri(good), "bad": _uri(bad)}


@pytest.fixture(name="quiet_mlflow")
def fixture_quiet_mlflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """No MLflow telemetry, as in the session fixture."""
    for key, value in QUIET.items():
        monkeypatch.setenv(key, value)


def _pull(runner: CliRunner, uri: str, data: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(
        cli, ["inventory", "pull", "--tracking-uri", uri, "--data", str(data), *args]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _validate(runner: CliRunner, data: Path) -> tuple[int, list[str]]:
    result = runner.invoke(cli, ["validate", "--data", str(data)])
    return result.exit_code, result.stdout.splitlines()


def _line_of(path: Path, text: str, after: str = "") -> int:
    lines = path.read_text("utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if after in line) if after else 0
    return next(n for n, line in enumerate(lines[start:], start + 1) if text in line)


@pytest.mark.usefixtures("quiet_mlflow")
def test_pull_writes_a_sorted_snapshot_of_the_contract(
    registries: dict[str, str], reference_copy: Path, runner: CliRunner
) -> None:
    code, out, _ = _pull(runner, registries["good"], reference_copy)
    path = reference_copy / "inventory.yaml"
    text = path.read_text("utf-8")
    snapshot = yaml.safe_load(text)

    assert code == 0
    assert out == f"{path}: 3 registered models (updated)\n"
    assert text.startswith("# yaml-language-server: $schema=schema/inventory.schema.json\n")
    assert list(snapshot["models"]) == sorted([CHURN, "aml-ranker", "kyc-extractor"])
    churn = snapshot["models"][CHURN]
    assert churn["aliases"] == {"champion": 2, "challenger": 3}
    assert list(churn["versions"]) == [2, 3]  # the aliased versions and the latest
    assert "team" not in churn["tags"]
    assert churn["tags"]["mrm.tier"] == 2
    champion = churn["versions"][2]
    assert champion["tags"] == {
        "validation.date": "2026-05-02",
        "validation.findings_open": 1,
        "validation.report": "https://grc.example.com/reports/VR-7",
        "validation.status": "approved",
    }
    assert len(champion["run_id"]) == 32
    assert champion["experiment_id"] == "1"


@pytest.mark.usefixtures("quiet_mlflow")
def test_pulling_an_unchanged_registry_rewrites_the_same_bytes(
    registries: dict[str, str], reference_copy: Path, runner: CliRunner
) -> None:
    _pull(runner, registries["good"], reference_copy)
    first = (reference_copy / "inventory.yaml").read_bytes()

    code, out, _ = _pull(runner, registries["good"], reference_copy)

    assert code == 0
    assert out.endswith("(unchanged)\n")
    assert (reference_copy / "inventory.yaml").read_bytes() == first


@pytest.mark.usefixtures("quiet_mlflow")
def test_a_registry_that_contradicts_the_playbook_is_refused_at_file_line(
    registries: dict[str, str], reference_copy: Path, runner: CliRunner
) -> None:
    _pull(runner, registries["bad"], reference_copy)
    path = reference_copy / "inventory.yaml"

    code, lines = _validate(runner, reference_copy)

    at = "data/inventory.yaml"
    stray = _line_of(path, "playbook.use_case: client_atrition")
    champion = _line_of(path, "champion: 2", after="aml-ranker:")
    tier = _line_of(path, "mrm.tier: 1", after="kyc-extractor:")
    review = _line_of(path, "mrm.next_review: '2020-06-30'")
    assert code == 1
    assert lines == [
        f"{at}:{review}:7: warning: model '{CHURN}': periodic review overdue: due 2020-06-30, "
        f"as of {_today()} [overdue-review]",
        f"{at}:{champion}:7: error: model 'aml-ranker': champion version 2 is not validated "
        "(no validation.status); a champion must be approved or conditional [unapproved-champion]",
        f"{at}:{tier}:7: error: model 'kyc-extractor': mrm.tier 1 differs from use case "
        "'kyc_document_extraction', risk tier 2 [tier-mismatch]",
        f"{at}:{stray}:7: error: model 'stray': unknown use case 'client_atrition' "
        "(did you mean 'client_attrition'?) [unknown-ref]",
        "3 errors, 1 warning",
    ]


def _today() -> str:
    from playbook.data.inventory import as_of

    return str(as_of())


@pytest.mark.usefixtures("quiet_mlflow")
def test_pulled_registry_validates_and_its_models_are_on_the_site(
    registries: dict[str, str],
    reference_copy: Path,
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pull(runner, registries["good"], reference_copy)
    code, lines = _validate(runner, reference_copy)
    monkeypatch.setenv("PLAYBOOK_DATA", str(reference_copy))
    config = link_project(tmp_path / "project")

    build = mkdocs_build(config, tmp_path / "site")

    assert (code, lines) == (0, ["0 errors, 0 warnings"])
    assert build.returncode == 0, build.stderr
    inventory = (tmp_path / "site/governance/model-inventory/index.html").read_text("utf-8")
    card = (tmp_path / "site/governance/models/client-attrition-lightgbm/index.html").read_text(
        "utf-8"
    )
    use_case = (tmp_path / "site/use-cases/client_attrition/index.html").read_text("utf-8")
    home = (tmp_path / "site/index.html").read_text("utf-8")
    for name in (CHURN, "aml-ranker", "kyc-extractor"):
        assert f">{name}</a>" in inventory
    assert '<svg class="playbook-chart"' in inventory
    assert "playbook-badge--rag-amber" in card  # one open finding on the champion
    assert 'href="https://grc.example.com/reports/VR-7"' in card
    assert "No score for households under 12 months old." in card
    assert 'id="model-status"' in use_case
    assert "../../governance/models/client-attrition-lightgbm/" in use_case
    assert "models in production" in home


@pytest.mark.usefixtures("quiet_mlflow")
def test_demo_registry_pulls_into_the_committed_inventory(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = copy_data(DATA, tmp_path / "data")
    committed = (DATA / "inventory.yaml").read_text("utf-8")
    uri = _uri(tmp_path / "demo.db")

    demo = runner.invoke(cli, ["inventory", "demo", "--tracking-uri", uri, "--data", str(data)])
    code, out, _ = _pull(runner, uri, data)
    again = runner.invoke(cli, ["inventory", "demo", "--tracking-uri", uri, "--data", str(data)])

    assert demo.exit_code == 0, demo.output
    assert demo.stdout.startswith(f"created 6 registered models in {uri}: ")
    assert (code, out) == (0, f"{data / 'inventory.yaml'}: 6 registered models (unchanged)\n")
    assert (data / "inventory.yaml").read_text("utf-8") == committed
    assert again.exit_code == 2
    assert "already has models" in again.stderr


@pytest.mark.usefixtures("quiet_mlflow")
@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (
            "sqlite:///nowhere/registry.db",
            "playbook: error: no registry database at 'nowhere/registry.db'",
        ),
        ("http://127.0.0.1:9", "playbook: error: cannot read the registry 'http://127.0.0.1:9': "),
        ("nosuchscheme://host/x", "playbook: error: cannot "),
    ],
    ids=["missing-sqlite-file", "unreachable-server", "unknown-scheme"],
)
def test_a_registry_that_cannot_be_read_is_one_line_and_exit_2(
    uri: str, message: str, valid_data: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(valid_data.parent)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")

    code, out, err = _pull(runner, uri, valid_data)

    assert code == 2
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not (valid_data / "inventory.yaml").exists()


def test_mlflow_telemetry_is_off_for_the_cli(
    registries: dict[str, str], tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in QUIET:
        monkeypatch.setenv(key, "unset")  # so that teardown restores the environment as it was
        monkeypatch.delenv(key)
    data = copy_data(DATA, tmp_path / "data")

    _pull(runner, registries["good"], data)

    assert os.environ["MLFLOW_DISABLE_TELEMETRY"] == "true"
    assert os.environ["DO_NOT_TRACK"] == "true"


@pytest.mark.usefixtures("quiet_mlflow")
def test_pull_reports_progress_on_stderr_for_a_large_registry(
    registries: dict[str, str],
    reference_copy: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the module, not the command group that playbook.cli re-exports under the same name
    module = sys.modules["playbook.cli.inventory"]
    monkeypatch.setattr(module, "PROGRESS_EVERY", 2)  # three models count as large here

    code, out, err = _pull(runner, registries["good"], reference_copy)

    assert code == 0
    assert out.endswith("3 registered models (updated)\n")
    assert err.splitlines() == [
        "reading 3 registered models",
        "read 2/3 registered models",
        "read 3/3 registered models",
    ]
