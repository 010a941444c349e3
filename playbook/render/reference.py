"""The contributor's data-model reference, generated from the pydantic models.

For each data file: its path pattern, what it holds, a table of fields (name, type, required,
description from ``Field(description=...)``) for its model and every model nested in it, and a
short YAML example. Examples are literals kept here, next to the models they illustrate, so the
page stays pure; ``tests/test_render_reference.py`` validates each one against its model.
"""

from __future__ import annotations

import inspect
import re
import types
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from playbook.data import kinds
from playbook.data import model as m
from playbook.data.quantity import Quantity
from playbook.render.markdown import edit_data_note, heading, table
from playbook.safety import escape

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from playbook.data.model import Playbook

#: Where the models live in the repository (the page's edit link opens it).
MODEL_SOURCE = "playbook/data/model.py"

#: A short, valid example of each data file (the key is the data file pattern in the kind registry).
EXAMPLES: dict[str, str] = {
    "playbook.yaml": """\
# yaml-language-server: $schema=schema/playbook.schema.json
title: MLOps Playbook
organization: Example Advisers
version: "2026.1"
summary: >-
  How we build, validate, release and retire models.
owners: [mlops_engineer]
repo_url: https://github.com/example/mlops-playbook
edit_branch: main
raci_letters: RACI
rules:
  independence:
    first_line_does_not_validate:
      statement: The first line is never Responsible or Accountable for independent validation.
      subjects:
        lines: [1]
      tasks:
        kinds: [validate]
      never: [R, A]
      reason: Validation is effective challenge only when nobody with a stake in the model does it.
      source: sr_26_2
      citation: Revised Guidance on Model Risk Management (17 April 2026), validation.
  max_accountable_share: 0.25
""",
    "roles.yaml": """\
# yaml-language-server: $schema=schema/roles.schema.json
roles:
  model_validator:
    name: Model validator
    team: Model risk management
    line_of_defence: 2
    description: Independently validates every model before use and at each review.
""",
    "lifecycle/*.yaml": """\
# yaml-language-server: $schema=../schema/phase.schema.json
id: validation
order: 4
name: Evaluation and independent validation
summary: Evidence that the model works, and an independent challenge of it.
chapter: process/validation.md
sub_phases:
  independent_validation:
    name: Independent validation
    description: Model risk management challenges the model.
    tasks:
      approve_independent_validation:
        name: Approve the independent validation
        kind: approve
        description: Review the validation report and record the decision in the inventory.
        inputs: [Validation report]
        outputs: [Signed approval record]
        tools: [archer]
        gates: [validation_approval]
        controls: [independent_validation]
        raci:
          A: model_validator
          R: [model_risk_committee]
          C: [data_scientist]
          I: [business_owner]
""",
    "tools.yaml": """\
# yaml-language-server: $schema=schema/tools.schema.json
categories:
  experiment_tracking:
    name: Experiment tracking and registry
    description: Runs, metrics, artefacts and the model registry.
tools:
  mlflow:
    name: MLflow
    category: experiment_tracking
    status: adopt
    environments: [dev, staging, prod]
    owner: mlops_engineer
    description: Tracks every training run and holds the model registry.
    url: https://mlflow.org
""",
    "gates.yaml": """\
# yaml-language-server: $schema=schema/gates.schema.json
gates:
  validation_approval:
    name: Validation approval
    from_stage: validation
    to_stage: staging
    task: approve_independent_validation
    approvers: [model_validator, model_risk_committee]
    criteria:
      - metric: AUC on the out-of-time sample
        operator: ">="
        threshold: 0.75
    evidence: [Validation report, Findings log]
    description: No model reaches staging without an independent validation.
""",
    "controls.yaml": """\
# yaml-language-server: $schema=schema/controls.schema.json
sources:
  sr_26_2:
    title: Revised Guidance on Model Risk Management (SR 26-2)
    issuer: Board of Governors of the Federal Reserve System, OCC and FDIC
    date: 2026-04-17
    status: current
    applicability: adopted
  sr_11_7:
    title: Supervisory Guidance on Model Risk Management (SR 11-7)
    issuer: Board of Governors of the Federal Reserve System
    date: 2011-04-04
    status: superseded
    superseded_by: [sr_26_2]
    applicability: adopted
controls:
  independent_validation:
    title: Independent validation before use
    source: sr_26_2
    citation: Model validation and monitoring
    history: [sr_11_7]
    description: Staff independent of development validate each model before use.
    enforced_at:
      gates: [validation_approval]
      tasks: [approve_independent_validation]
      components: [model_inventory]
""",
    "architecture.yaml": """\
# yaml-language-server: $schema=schema/architecture.schema.json
environments:
  staging:
    name: Staging
    description: Production-like, no client traffic.
  prod:
    name: Production
    description: Serves advisors and clients.
components:
  staging_model_registry:
    name: Staging model registry
    environment: staging
    tools: [mlflow]
    description: Holds validated candidates.
  prod_model_registry:
    name: Production model registry
    environment: prod
    tools: [mlflow]
    description: Holds released models.
flows:
  promote_to_prod:
    from: staging_model_registry
    to: prod_model_registry
    kind: promotion
    label: promote the approved model
    gate: production_release
""",
    "gap_analysis.yaml": """\
# yaml-language-server: $schema=schema/gap_analysis.schema.json
maturity_levels:
  0: {name: Absent, description: No capability.}
  1: {name: Initial, description: Ad hoc and person-dependent.}
  2: {name: Repeatable, description: Repeated by some teams.}
  3: {name: Defined, description: Standard across teams.}
  4: {name: Optimised, description: Measured and improved.}
capabilities:
  feature_store:
    name: Shared feature store
    dimension: technology
    priority: high
    current: 1
    target: 3
    horizon: 6-12 months
    description: Features are rebuilt per model today.
    hurdles: [No owner for shared features]
    recommendations:
      - text: Run a Feast trial on the attrition features.
        tools: [feast]
""",
    "tool_evaluation.yaml": """\
# yaml-language-server: $schema=schema/tool_evaluation.schema.json
criteria:
  auditability:
    name: Auditability
    weight: 60
    description: Evidence for validators and examiners.
  cost:
    name: Total cost
    weight: 40
    description: Licence and running cost over three years.
evaluations:
  feature_store:
    title: Feature store selection
    category: feature_store
    context: One feature store for batch and online models.
    candidates:
      feast:
        scores: {auditability: 3, cost: 5}
        notes: Open source; runs on OpenShift.
      tecton:
        scores: {auditability: 4, cost: 2}
        notes: Managed; strongest lineage.
    decision: Trial Feast; reassess Tecton in a year.
""",
    "use_cases/*.yaml": """\
# yaml-language-server: $schema=../schema/use_case.schema.json
id: client_attrition
title: Client attrition early warning
status: production
risk_tier: 2
owner: business_owner
owner_roles: [data_scientist, ml_engineer]
summary: Flags households likely to move assets in the next 90 days.
business_problem: Advisors learn of attrition only when assets leave.
value_hypothesis: Calls to the top decile retain assets.
kpis:
  - {name: AUC (out of time), target: 0.78, direction: at_least, kind: model}
data_sources:
  - {name: CRM activity, description: Advisor contacts, contains_pii: true}
features: [Months since last advisor contact]
model_approach: Gradient-boosted trees with SHAP reason codes.
pipeline:
  - {task: approve_independent_validation, tools: [archer], note: Annual revalidation.}
gates: [validation_approval]
deployment_pattern: batch
deployment: Scored weekly; scores land in the CRM by Monday 06:00.
monitoring:
  - {signal: PSI of the score, threshold: "> 0.2", action: Open a drift ticket.}
retrain_triggers: [PSI above 0.25 for two weeks]
self_heal:
  - {action: keep_last_good_output, applies: Last week's scores stay in place when a run fails.}
risks:
  - {risk: Unequal outreach, mitigation: Fairness tests, controls: [independent_validation]}
components: [prod_model_registry]
architecture: Batch scoring on OpenShift, reading features from Snowflake.
""",
    "policy.yaml": """\
# yaml-language-server: $schema=schema/policy.schema.json
areas:
  monitoring:
    name: Monitoring and drift
    parameters:
      psi_alert:
        name: PSI alert level
        value: "0.25"
        owner: model_validator
        description: PSI above which drift is material and opens a model incident.
      review_cadence:
        name: Periodic review cadence
        varies_by: tier
        values: {1: 12 months, 2: 24 months, 3: 36 months}
        owner: model_validator
        description: How often a production model is reviewed.
terms:
  PSI: [monitoring.psi_alert]
""",
    "self_heal.yaml": """\
# yaml-language-server: $schema=schema/self_heal.schema.json
summary: The automatic remediations allowed without a human deciding first.
approved_by: model_validator
approved_at: validation_approval
change_record: Every run opens a ServiceNow standard change with its trigger and outcome.
review: The model owner's team reviews every run the next business day.
never_automatic:
  - Promoting a version that has not passed its gates.
actions:
  fallback_to_champion:
    name: Fall back to the champion
    trigger: The serving version fails its load-time checksum or its error-rate SLO.
    response: Traffic moves to the warm champion; the failed version stays at zero traffic.
    conditions: [The champion is approved and inside its validity period.]
    limits: [Once per release.]
    runs_on: [seldon_core]
    paged: sre
    reviewer: ml_engineer
    review_within: the next business day
""",
    "templates.yaml": """\
# yaml-language-server: $schema=schema/templates.schema.json
templates:
  validation_report:
    title: Validation report
    owner: model_validator
    produced_by: approve_independent_validation
    gates: [validation_approval]
    controls: [independent_validation]
    description: The independent validator's conclusion and its evidence.
    sections:
      conceptual_soundness:
        title: Conceptual soundness
        filled_by: [model_validator]
        guidance: Whether the design, data and assumptions fit the stated purpose.
""",
    "tiering.yaml": """\
# yaml-language-server: $schema=schema/tiering.schema.json
summary: Every model is scored at intake and at each periodic review.
factors:
  reliance:
    name: Reliance on the output
    dimension: exposure
    question: How far do people rely on the output before it takes effect?
    levels: {1: A person decides with other evidence, 2: It takes effect unreviewed}
  decision_use:
    name: What the output is used for
    dimension: purpose
    question: Which decisions does the output feed?
    levels: {1: Internal efficiency, 2: Regulatory compliance}
bands:
  - {tier: 1, min_score: 4, max_score: 4, validation: "Full validation; committee approval."}
  - {tier: 2, min_score: 3, max_score: 3, validation: "Full validation; delegated approval."}
  - {tier: 3, min_score: 2, max_score: 2, validation: Targeted validation.}
triggers:
  material_change:
    name: Material change
    description: A change to the methodology, features or intended use.
    response: Revalidation before release.
    gate: validation_approval
""",
}

EXAMPLES["inventory.yaml"] = """\
# yaml-language-server: $schema=schema/inventory.schema.json
models:
  client-attrition:
    description: Probability that a household leaves within 180 days.
    tags:
      playbook.use_case: client_attrition
      mrm.tier: 2
      mrm.owner: business_owner
      mrm.validator: model_validator
      mrm.next_review: "2027-02-26"
      mrm.vendor: "false"
    aliases:
      champion: 7
    versions:
      7:
        tags:
          validation.status: conditional
          validation.date: "2026-03-02"
          validation.findings_open: 2
          validation.report: https://grc.example.com/reports/VR-2026-005
"""

#: Prose for each data file, shown under its heading.
PURPOSE: dict[str, str] = {
    "playbook.yaml": "What the playbook is, where its source lives, and the rules it is checked "
    "against (the independence rules, which select tasks by `kind` and roles by id, line of "
    "defence or gate approval; the share of tasks one role may be Accountable for).",
    "roles.yaml": "Every role in the lifecycle; tasks, gates, tools and use cases refer to "
    "roles by id.",
    "lifecycle/*.yaml": "One file per phase, named `NN-<phase id>.yaml`: its sub-phases, "
    "tasks, and the RACI of each task.",
    "tools.yaml": "Tool categories and the tool catalog, with a technology-radar status.",
    "gates.yaml": "Stage gates: the stage change, the task that runs the review, approvers, "
    "measurable criteria and the evidence reviewed.",
    "controls.yaml": "Regulations and policies (sources) and the controls derived from them, "
    "with where each is enforced.",
    "architecture.yaml": "Environments, components and the flows between them.",
    "gap_analysis.yaml": "The 0-4 maturity scale and each capability's current and target level.",
    "tool_evaluation.yaml": "Weighted criteria and the tool selections scored against them.",
    "use_cases/*.yaml": "One file per use case, named after its id.",
    "policy.yaml": "Firm-wide policy parameters (thresholds, durations, cadences, service "
    "levels), each typed with its unit and owner, and the governed terms the number lint "
    "watches; pages cite them by name (see the policy parameters page).",
    "self_heal.yaml": "The self-heal policy: the automatic remediations allowed on a model in "
    "production without a human deciding first, each with its conditions, limits and review.",
    "inventory.yaml": "A snapshot of the MLflow model registry, written by `playbook inventory "
    "pull`: never edited by hand. Its tags follow the model registry tag contract.",
    "templates.yaml": "The governance document templates: each one's sections, the roles that "
    "fill them, the task that produces it and the gates that need it; each becomes a page and "
    "a blank Markdown file to download.",
    "tiering.yaml": "The materiality score sheet: exposure and purpose factors with their "
    "scales, the score bands of each tier, floors, the triggers that bring a review forward, "
    "and each use case's scores, which must give its declared risk tier.",
}

_PLAIN = {str: "text", int: "integer", float: "number", bool: "true / false"}


def anchor(model: type[BaseModel]) -> str:
    """The anchor of a model's field table."""
    return "model-" + re.sub(r"(?<!^)(?=[A-Z])", "-", model.__name__).lower()


def _string_kind(metadata: list[Any]) -> str:
    for item in metadata:
        extra = getattr(item, "json_schema_extra", None)
        if isinstance(extra, dict) and extra.get("contentMediaType") == "text/markdown":
            return "Markdown"
        pattern = getattr(item, "pattern", None)
        if pattern == r"^[a-z][a-z0-9_]*$":
            return "id"
        if isinstance(pattern, str) and "https://" in pattern:
            return "URL"
        if pattern == m.GIT_REF_PATTERN:
            return "git branch"
    return "text"


def type_name(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A readable type for the reference table (Markdown; nested models link to their table)."""
    metadata = list(metadata or [])
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return type_name(args[0], [*metadata, *annotation.__metadata__])
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"mapping of {type_name(args[0])} to {type_name(args[1])}"
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return " or ".join(type_name(a) for a in options)
    if annotation is Quantity:
        return "quantity (`5 business days`, `99.5%`, `0.25`, `$0.6m`)"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{anchor(annotation)})"
    if annotation is str:
        return _string_kind(metadata)
    return _PLAIN.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _nested(annotation: Any) -> list[type[BaseModel]]:
    """Models referenced by an annotation, in order of appearance."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        found += [x for x in _nested(arg) if x not in found]
    return found


def _shown(model: type[BaseModel], name: str) -> bool:
    """False for the ``id`` of keyed records: it is the mapping key, never written."""
    return not (name == "id" and issubclass(model, m.Keyed))


def _required(field: FieldInfo) -> str:
    if field.is_required():
        return "yes"
    if field.default_factory is not None:
        return "no"
    if field.default is None:
        return "no"
    return f"no (default `{field.default}`)"


def _summary(model: type[BaseModel]) -> str:
    doc = inspect.getdoc(model) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ")


def _prose(value: str) -> str:
    """Developer-written text (docstrings, descriptions): code spans kept, cells kept intact."""
    code = value.replace("``", "`")
    return escape(code).replace("|", "\\|")


def render_model(model: type[BaseModel]) -> str:
    """One model's field table under an H3 anchored at :func:`anchor`."""
    rows = [
        [
            f"`{field.alias or name}`",
            type_name(field.annotation, [*field.metadata, field]),
            _required(field),
            _prose((field.description or "").strip()),
        ]
        for name, field in model.model_fields.items()
        if _shown(model, name)
    ]
    keyed = issubclass(model, m.Keyed)
    note = " Stored under its id as the mapping key (no `id:` field)." if keyed else ""
    return (
        heading(3, model.__name__, anchor(model))
        + f"{_prose(_summary(model))}{note}\n\n"
        + table(["Field", "Type", "Required", "Description"], rows)
        + "\n"
    )


def _models_of(root: type[BaseModel]) -> list[type[BaseModel]]:
    """``root`` and every model nested in it, depth first in field order."""
    ordered: list[type[BaseModel]] = []
    pending = [root]
    while pending:
        current = pending.pop(0)
        if current in ordered:
            continue
        ordered.append(current)
        for field in current.model_fields.values():
            pending += [x for x in _nested(field.annotation) if x not in ordered]
    return ordered


def _file_anchor(pattern: str) -> str:
    return "file-" + re.sub(r"[^a-z0-9]+", "-", pattern.lower()).strip("-")


def render_data_reference(pb: Playbook, page: str) -> str:
    """The contributor's reference to every data file and its fields."""
    out = [
        "# Data model reference\n\n",
        edit_data_note([MODEL_SOURCE], pb.meta.repo_url, pb.meta.edit_branch),
        "Everything generated on this site comes from YAML files under `data/`. This page "
        "lists each file, the fields it may contain and a short example. It is generated from "
        "the models in `playbook/data/model.py`, so it is always current.\n\n",
        "- Records are **mappings keyed by id**: the key is the id, and other records refer to "
        "it (`owner: ml_engineer`). Ids are lower-case letters, digits and underscores.\n",
        "- Fields typed **Markdown** may use Markdown; every other text is shown as written.\n",
        "- Unknown keys are errors. Run `playbook validate` before you open a pull request: "
        "it reports each problem as `file:line:column`.\n",
        "- The first line of each file points editors at its JSON Schema "
        "(`# yaml-language-server: $schema=...`) for completion and live checks.\n\n",
    ]
    seen: set[type[BaseModel]] = set()
    files = kinds.file_models()
    # The files with an example first, in the order of EXAMPLES; then any other, in registry order
    ordered = [p for p in EXAMPLES if p in files] + [p for p in files if p not in EXAMPLES]
    for pattern in ordered:
        root = files[pattern]
        out.append(heading(2, f"`data/{pattern}`", _file_anchor(pattern)))
        out.append(f"{PURPOSE.get(pattern, _prose(_summary(root)))}\n\n")
        if pattern in EXAMPLES:
            out.append('```yaml title="Example"\n' + EXAMPLES[pattern] + "```\n\n")
        for model in _models_of(root):
            if model in seen:
                out.append(
                    f"See [{model.__name__}](#{anchor(model)}) above for `{model.__name__}`.\n\n"
                )
                continue
            seen.add(model)
            out.append(render_model(model))
    return "".join(out)
