"""The demo registry: one registered model per reference use case, with a realistic history.

``playbook inventory demo`` writes these into an empty MLflow registry; the committed
``data/inventory.yaml`` is that registry's pull. Risk tiers are not here: the demo copies each
use case's tier from the playbook's data. The run links point at the (fictional) firm's MLflow
UI, so that pulling a fresh demo registry always gives the same snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The fictional firm's MLflow UI, for run links.
DEMO_UI = "https://mlflow.northbridge.example"
#: Where the fictional validation reports live.
REPORTS = "https://grc.northbridge.example/model-risk/validation-reports"


@dataclass(frozen=True, slots=True)
class DemoVersion:
    """A model version: its run (a fixed id, for a reproducible pull) and its tags."""

    run: str
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DemoModel:
    """A registered model: versions 1, 2, ... in order, then its aliases."""

    name: str
    use_case: str
    experiment: str
    description: str
    tags: dict[str, str]
    versions: tuple[DemoVersion, ...]
    aliases: dict[str, int] = field(default_factory=dict)


def _validated(status: str, on: str = "", findings: int = 0, report: str = "") -> dict[str, str]:
    tags = {"validation.status": status}
    if on:
        tags["validation.date"] = on
        tags["validation.findings_open"] = str(findings)
    if report:
        tags["validation.report"] = f"{REPORTS}/{report}"
    return tags


DEMO_MODELS: tuple[DemoModel, ...] = (
    DemoModel(
        name="aml-alert-prioritisation",
        use_case="aml_suspicious_activity",
        experiment="14",
        description=(
            "Ranks transaction-monitoring alerts by the probability that an investigator "
            "escalates them, to order the AML investigations queue."
        ),
        tags={
            "mrm.owner": "business_owner",
            "mrm.validator": "model_validator",
            "mrm.next_review": "2027-04-30",
            "mrm.vendor": "false",
            "mrm.limitations": (
                "Orders alerts only: it never closes an alert or decides on a SAR. Scenarios "
                "added after the training window are scored with little history until the "
                "next retrain."
            ),
        },
        versions=(
            DemoVersion(
                "5be0d2a4c1f84e0f9b1e2a7c0d3f6a11",
                "First XGBoost ranker.",
                _validated("approved", "2024-11-12", 0, "VR-2024-031"),
            ),
            DemoVersion(
                "8a51f7c2e9d44b6d8c0f1e2d3b4a5c62",
                "Retrained on 24 months.",
                _validated("rejected", "2025-05-06", 3, "VR-2025-012"),
            ),
            DemoVersion(
                "c3d9e8f7a6b54c2d9e0f1a2b3c4d5e73",
                "Recalibrated after VR-2025-012.",
                _validated("approved", "2025-08-19", 0, "VR-2025-027"),
            ),
            DemoVersion(
                "0f1e2d3c4b5a49687766554433221184",
                "Monotonic constraints on amount.",
                _validated("approved", "2026-04-22", 0, "VR-2026-009"),
            ),
            DemoVersion(
                "9e8d7c6b5a4f43e2d1c0b9a8f7e6d595",
                "Challenger with network features.",
                _validated("pending"),
            ),
        ),
        aliases={"champion": 4, "challenger": 5},
    ),
    DemoModel(
        name="client-attrition",
        use_case="client_attrition",
        experiment="3",
        description=(
            "Nightly probability that an advised household leaves within 180 days, with three "
            "reason codes, for the advisors' retention watchlist."
        ),
        tags={
            "mrm.owner": "business_owner",
            "mrm.validator": "model_validator",
            "mrm.next_review": "2027-02-26",
            "mrm.vendor": "false",
            "mrm.limitations": (
                "Households with under 12 months of tenure get no score. The score is a "
                "probability of leaving, not a cause: reason codes show what moved it."
            ),
        },
        versions=(
            DemoVersion(
                "1a2b3c4d5e6f47a8b9c0d1e2f3a4b516",
                "Lighthouse release.",
                _validated("approved", "2024-03-15", 0, "VR-2024-004"),
            ),
            DemoVersion("2b3c4d5e6f7a48b9c0d1e2f3a4b5c627"),
            DemoVersion(
                "3c4d5e6f7a8b49c0d1e2f3a4b5c6d738",
                "Quarterly retrain.",
                _validated("approved", "2024-10-01", 0, "VR-2024-022"),
            ),
            DemoVersion("4d5e6f7a8b9c40d1e2f3a4b5c6d7e849"),
            DemoVersion(
                "5e6f7a8b9c0d41e2f3a4b5c6d7e8f95a",
                "Stability-selected features.",
                _validated("approved", "2025-06-30", 0, "VR-2025-018"),
            ),
            DemoVersion(
                "6f7a8b9c0d1e42f3a4b5c6d7e8f90a6b",
                "Quarterly retrain.",
                _validated("approved", "2025-11-14", 0, "VR-2025-033"),
            ),
            DemoVersion(
                "7a8b9c0d1e2f43a4b5c6d7e8f90a1b7c",
                "Adds the custodial-transfer signals.",
                _validated("conditional", "2026-03-02", 2, "VR-2026-005"),
            ),
            DemoVersion(
                "8b9c0d1e2f3a44b5c6d7e8f90a1b2c8d",
                "Challenger: monthly cohorts to 48.",
                _validated("pending"),
            ),
        ),
        aliases={"champion": 7, "challenger": 8},
    ),
    DemoModel(
        name="kyc-document-extraction",
        use_case="kyc_document_extraction",
        experiment="21",
        description=(
            "Classifies onboarding documents and extracts the KYC fields that pre-fill the "
            "analyst's review screen; one bundle of classifier, layout model and checks."
        ),
        tags={
            "mrm.owner": "business_owner",
            "mrm.validator": "model_validator",
            "mrm.next_review": "2027-06-15",
            "mrm.vendor": "true",
            "mrm.limitations": (
                "The layout model is a vendor model fine-tuned on the firm's documents. "
                "Handwritten forms and non-Latin scripts go to manual keying; a KYC analyst "
                "confirms every packet."
            ),
        },
        versions=(
            DemoVersion(
                "a1b2c3d4e5f6471829304a5b6c7d8e9f",
                "First bundle.",
                _validated("approved", "2025-09-10", 0, "VR-2025-024"),
            ),
            DemoVersion(
                "b2c3d4e5f6a7482930415b6c7d8e9fa0",
                "Adds trust certifications.",
                _validated("approved", "2026-06-03", 0, "VR-2026-014"),
            ),
        ),
        aliases={"champion": 2},
    ),
    DemoModel(
        name="suitability-drift-alerts",
        use_case="suitability_drift_alerts",
        experiment="17",
        description=(
            "Scores accounts whose holdings, activity or stale profile drifted from what is "
            "suitable, to rank the supervisory principals' alert queue."
        ),
        tags={
            "mrm.owner": "business_owner",
            "mrm.validator": "model_validator",
            "mrm.next_review": "2027-01-29",
            "mrm.vendor": "false",
            "mrm.limitations": (
                "Ranks alerts beside the hard suitability rules and never suppresses one. "
                "Accounts opened in the last 90 days have too little activity to score."
            ),
        },
        versions=(
            DemoVersion(
                "c3d4e5f6a7b8493a4b5c6d7e8f9a0b1c",
                "First candidate.",
                _validated("rejected", "2026-08-21", 4, "VR-2026-019"),
            ),
            DemoVersion(
                "d4e5f6a7b8c94a4b5c6d7e8f9a0b1c2d",
                "Answers VR-2026-019's findings.",
                _validated("pending"),
            ),
        ),
    ),
    DemoModel(
        name="next-best-action",
        use_case="next_best_action",
        experiment="9",
        description=(
            "Ranks the eligible service actions for each household for the advisor's daily "
            "action cards, behind the eligibility and guardrail layer."
        ),
        tags={
            "mrm.owner": "business_owner",
            "mrm.validator": "model_validator",
            "mrm.vendor": "false",
        },
        versions=(
            DemoVersion("e5f6a7b8c9d04b5c6d7e8f9a0b1c2d3e", "Offline ranking baseline."),
            DemoVersion("f6a7b8c9d0e14c6d7e8f9a0b1c2d3e4f", "Uplift ranking candidate."),
        ),
    ),
    DemoModel(
        name="call-note-summarisation",
        use_case="call_note_summarization",
        experiment="26",
        description=(
            "Drafts a structured CRM note from each recorded advisor call; the advisor edits "
            "and approves every draft."
        ),
        tags={
            "mrm.owner": "business_owner",
            "mrm.validator": "model_validator",
            "mrm.vendor": "true",
            "mrm.limitations": (
                "A vendor large language model behind the firm's prompt: a draft can omit or "
                "misstate a detail, so no note reaches the books and records until the advisor "
                "has reviewed and signed it."
            ),
        },
        versions=(
            DemoVersion("0a1b2c3d4e5f4a6b7c8d9e0f1a2b3c4d", "Prompt v1 on the pinned model."),
            DemoVersion(
                "1b2c3d4e5f6a4b7c8d9e0f1a2b3c4d5e",
                "Prompt v2 with source segments.",
                _validated("pending"),
            ),
        ),
    ),
)
