"""The typed model of a playbook: one pydantic model per data file, plus the assembled whole.

Records are YAML mappings keyed by a slug (``roles: {ml_engineer: {...}}``), as in
sourcegraph/handbook: ids are unique by construction and pydantic error locations match the
YAML key path, so every problem can be traced back to ``file:line:col``. The slug is copied
into each record's ``id`` field before validation (it is never written in YAML).

Fields documented as **Markdown** are rendered as Markdown; every other string is escaped.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from playbook.data.quantity import Quantity, Unit

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
    Field(description="A lower-case identifier: letters, digits and underscores."),
]


@dataclass(frozen=True, slots=True)
class Ref:
    """Marks an id field as a reference to a record of ``kind`` (a name in the kind registry).

    ``playbook.data.checks.check_references`` finds every field so marked, in every record,
    and reports ids the playbook does not have. The marker does not change the JSON Schema.
    """

    kind: str


RoleId = Annotated[Slug, Ref("role")]
PhaseId = Annotated[Slug, Ref("phase")]
TaskId = Annotated[Slug, Ref("task")]
ToolId = Annotated[Slug, Ref("tool")]
CategoryId = Annotated[Slug, Ref("category")]
GateId = Annotated[Slug, Ref("gate")]
SourceId = Annotated[Slug, Ref("source")]
ControlId = Annotated[Slug, Ref("control")]
ComponentId = Annotated[Slug, Ref("component")]
CriterionId = Annotated[Slug, Ref("criterion")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Markdown = Annotated[
    str,
    StringConstraints(min_length=1),
    Field(json_schema_extra={"contentMediaType": "text/markdown"}),
]
#: A web address written into links: https (plain http only to this machine, for tests), and
#: none of the characters that could end a Markdown link or an HTML attribute (spaces, quotes,
#: brackets, braces).
HttpsUrl = Annotated[
    str,
    StringConstraints(
        pattern=r"^(?:https://[A-Za-z0-9.-]+|http://(?:127\.0\.0\.1|localhost))(?::[0-9]{1,5})?"
        r"(?:[/?#][A-Za-z0-9._~!$&*+,;=:@%/?#-]*)?$",
        max_length=300,
    ),
    Field(description="An https:// URL without spaces, quotes, brackets or braces."),
]
GIT_REF_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_-]*(?:[./][A-Za-z0-9_-]+)*$"
#: A git branch name as ``git check-ref-format --branch`` accepts it, restricted to the
#: characters a URL path and a Markdown link carry unescaped.
GitRef = Annotated[
    str,
    StringConstraints(
        pattern=GIT_REF_PATTERN,
        max_length=100,
    ),
    Field(description="A git branch name: letters, digits, '.', '_', '-' and '/'."),
]
Letter = Literal["R", "A", "S", "C", "I"]
Environment = Literal["dev", "staging", "prod"]
Stage = Literal[
    "ideation", "data_preparation", "development", "validation", "staging", "production", "retired"
]
ToolStatus = Literal["adopt", "trial", "assess", "hold"]
Priority = Literal["high", "medium", "low"]
DeploymentPattern = Literal["batch", "online", "shadow", "champion_challenger", "canary"]
UseCaseStatus = Literal["proposed", "development", "validation", "production", "retired"]

MARKDOWN_NOTE = " Markdown."
#: Where :meth:`Playbook.task_index` keeps its index in the instance ``__dict__``.
_TASK_INDEX = "_task_index_cache"


class Record(BaseModel):
    """Base for every model: unknown keys are errors and values are immutable.

    Any field typed ``dict[Slug, SomeKeyedRecord]`` gets each mapping key copied into the
    record's ``id`` before validation.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _ids_from_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        keyed = _keyed_fields(cls)
        if not keyed:
            return data
        return {k: (_fill_ids(v) if k in keyed else v) for k, v in data.items()}


class Keyed(Record):
    """A record stored under a slug key; ``id`` is filled from that key by the loader."""

    id: SkipJsonSchema[str] = ""


@functools.cache
def _keyed_fields(cls: type[BaseModel]) -> frozenset[str]:
    """Names of fields (and their aliases) typed as a mapping of keyed records."""
    names: set[str] = set()
    for name, field in cls.model_fields.items():
        args = get_args(field.annotation) if get_origin(field.annotation) is dict else ()
        if len(args) == 2 and isinstance(args[1], type) and issubclass(args[1], Keyed):
            names.update({name, field.alias or name})
    return frozenset(names)


def _fill_ids(value: Any) -> Any:
    """Copy each mapping key into its record's ``id``.

    An ``id`` written in the record is kept, so that the loader can report it when it differs
    from the key (see ``playbook.data.loader.keyed_id_issues``) rather than silently replace it.
    """
    if isinstance(value, dict):
        return {
            key: ({"id": key, **item} if isinstance(item, dict) else item)
            for key, item in value.items()
        }
    return value


# --------------------------------------------------------------------------------------------
# data/playbook.yaml
# --------------------------------------------------------------------------------------------


#: What a task is, for the independence rules: a small closed set, each defined here once.
TaskKind = Literal[
    "plan",
    "develop",
    "test",
    "document",
    "validate",
    "review",
    "vendor_review",
    "approve",
    "promote",
    "operate",
    "monitor",
    "remediate",
    "audit",
]
#: The meaning of each task kind, shown in the data-model reference and on the rules page.
TASK_KINDS: dict[str, str] = {
    "plan": "Frame the problem, scope, plan or set criteria before the work is done.",
    "develop": "Build data, features, models, prompts, pipelines or packages (first-line work).",
    "test": "First-line testing of the team's own work: evaluation packs, integration, "
    "performance, UAT, scans.",
    "document": "Write or maintain records, model documentation, procedures, training material "
    "and inventory entries.",
    "validate": "Independent validation and periodic review by model risk management: effective "
    "challenge of the model.",
    "review": "A second-line or post-event review that is not model validation: compliance, "
    "privacy, conflicts, change materiality, post-incident.",
    "vendor_review": "Due diligence or ongoing review of a vendor, its model or its service.",
    "approve": "A decision or sign-off, usually a stage gate's review.",
    "promote": "Change what runs in an environment: deploy, shift traffic, switch the champion.",
    "operate": "Run production: infrastructure, SLOs, schedules, incidents, decommissioning.",
    "monitor": "Ongoing first-line monitoring of a model in use: drift, performance, KPIs, "
    "overrides.",
    "remediate": "Fix findings raised by validation, audit or monitoring.",
    "audit": "Third-line assurance: internal audit testing and audit reports.",
}
LineOfDefence = Literal[1, 2, 3]


def _one_non_empty(*fields: str, any_of: bool = False) -> dict[str, Any]:
    """JSON Schema saying one (or, with ``any_of``, at least one) of ``fields`` is non-empty."""
    branches = [
        {
            "required": [f],
            "properties": {f: {"const": True} if f == "gate_approvers" else {"minItems": 1}},
        }
        for f in fields
    ]
    return {"anyOf" if any_of else "oneOf": branches}


class RuleSubjects(Record):
    """Whose letters a rule is about; a task's subjects are the union of what is named."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra=_one_non_empty("roles", "lines", "gate_approvers", any_of=True),
    )

    roles: list[RoleId] = Field(default_factory=list, description="Role ids (data/roles.yaml).")
    lines: list[LineOfDefence] = Field(
        default_factory=list, description="Every role in these lines of defence."
    )
    gate_approvers: bool = Field(
        False,
        description="The approvers of each gate the task feeds (its `gates`), except a gate whose"
        " own review task it is.",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> RuleSubjects:
        if not (self.roles or self.lines or self.gate_approvers):
            raise ValueError("name at least one of roles, lines or gate_approvers")
        return self


class RuleTasks(Record):
    """Which tasks a rule covers; an empty selector covers every task."""

    kinds: list[TaskKind] = Field(
        default_factory=list, description="Only tasks of these kinds (empty: every kind)."
    )
    except_kinds: list[TaskKind] = Field(
        default_factory=list, description="Leave out tasks of these kinds."
    )
    gate_reviews: bool = Field(
        False, description="Only tasks that run a gate's review (a gate's `task`)."
    )


class IndependenceRule(Keyed):
    """A separation-of-duties rule: letters the subjects must never hold, or must hold one of."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra=_one_non_empty("never", "require")
    )

    statement: Text = Field(description="The rule in one sentence, as a reviewer would say it.")
    subjects: RuleSubjects
    tasks: RuleTasks = Field(default_factory=lambda: RuleTasks())
    never: list[Letter] = Field(
        default_factory=list, description="Letters no subject may hold on a covered task."
    )
    require: list[Letter] = Field(
        default_factory=list,
        description="On every covered task, some subject holds one of these letters.",
    )
    reason: Text = Field(description="Why the rule exists: the risk it prevents.")
    source: SourceId = Field(
        description="The source it rests on (a source id in data/controls.yaml)."
    )
    citation: Text = Field(description="Section, paragraph and date of the source.")

    @model_validator(mode="after")
    def _one_shape(self) -> IndependenceRule:
        if bool(self.never) == bool(self.require):
            raise ValueError("give exactly one of `never` or `require`")
        return self


class Rules(Record):
    """Organisation-specific rules the validator enforces."""

    independence: dict[Slug, IndependenceRule] = Field(
        default_factory=dict,
        description="Separation-of-duties rules by role, line of defence or gate approver and by"
        " task kind; a breach is an error.",
    )
    max_accountable_share: float = Field(
        0.25,
        gt=0,
        le=1,
        description="Warn when one role is Accountable on more than this share of all tasks.",
    )


class PlaybookMeta(Record):
    """``data/playbook.yaml``: what the playbook is and the rules it is checked against."""

    title: Text = Field(description="The site title.")
    organization: Text = Field(description="The firm the playbook belongs to.")
    version: Text = Field(description="The playbook's own version, e.g. 2026.2.")
    summary: Markdown = Field(description="One paragraph on what the playbook is." + MARKDOWN_NOTE)
    owners: list[RoleId] = Field(
        min_length=1,
        description="Role ids that own the playbook; the first owns every page no other rule gives"
        " an owner.",
    )
    file_owners: dict[str, RoleId] = Field(
        default_factory=dict,
        description="Data file (path under data/, e.g. gates.yaml) to the role id that owns the"
        " pages generated from it. Role pages belong to their role, use-case pages to the use"
        " case's owner, and an unlisted lifecycle file's page to the role Accountable for most"
        " of its tasks.",
    )
    repo_url: HttpsUrl = Field(
        description="The source repository (https), used for 'edit this data' links."
    )
    edit_branch: GitRef = Field("main", description="Branch that edit links point at.")
    raci_letters: Literal["RACI", "RASCI"] = Field(
        "RACI", description="RACI, or RASCI with S = Support."
    )
    rules: Rules = Field(default_factory=Rules)
    profile: Literal["reference"] | None = Field(
        None,
        description="The content bar the data is validated against: 'reference' holds it to"
        " the reference playbook's quantities (playbook/data/profiles.py). A fork with its own"
        " content leaves it out.",
    )


# --------------------------------------------------------------------------------------------
# data/roles.yaml
# --------------------------------------------------------------------------------------------


class Role(Keyed):
    """A role in the ML lifecycle."""

    name: Text = Field(description="Display name, e.g. 'ML engineer'.")
    team: Text = Field(description="The team or function the role sits in.")
    line_of_defence: LineOfDefence = Field(
        description="1 = business and technology, 2 = risk and compliance, 3 = internal audit."
    )
    description: Markdown = Field(description="What the role does and decides." + MARKDOWN_NOTE)
    aliases: list[Text] = Field(
        default_factory=list,
        description="Other names people use for the role ('model validator', 'MRM'): shown "
        "on the role page, so searching for them finds it.",
    )


class RolesFile(Record):
    """``data/roles.yaml``."""

    roles: dict[Slug, Role] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# data/lifecycle/*.yaml
# --------------------------------------------------------------------------------------------


class Raci(Record):
    """Who does what on a task. A holds exactly one role; R at least one."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    R: list[RoleId] = Field(default_factory=list, description="Responsible: does the work.")
    A: RoleId | list[RoleId] = Field(
        description="Accountable: exactly one role that signs off and answers for the outcome."
    )
    S: list[RoleId] = Field(default_factory=list, description="Support (RASCI only).")
    C: list[RoleId] = Field(default_factory=list, description="Consulted before the work is done.")
    I: list[RoleId] = Field(default_factory=list, description="Informed after.")  # noqa: E741

    @property
    def accountable(self) -> list[str]:
        """The A role(s) as a list, whatever form they were written in."""
        return [self.A] if isinstance(self.A, str) else list(self.A)

    def letters(self) -> Iterator[tuple[Letter, str]]:
        """Each (letter, role id) pair in R, A, S, C, I order."""
        for role in self.R:
            yield "R", role
        for role in self.accountable:
            yield "A", role
        for letter in ("S", "C", "I"):
            for role in getattr(self, letter):
                yield letter, role

    def letters_of(self, role: str) -> list[Letter]:
        """The letters ``role`` holds on this task."""
        return [letter for letter, r in self.letters() if r == role]


def _kind_required(schema: dict[str, Any]) -> None:
    """Editors require ``kind``; the model accepts its absence so the validator can report it
    as a located error (and ``playbook diff`` can still read data written before kinds)."""
    schema["required"] = sorted({*schema.get("required", []), "kind"})


class Task(Keyed):
    """One unit of work in the lifecycle."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_kind_required)

    name: Text = Field(description="Imperative name, e.g. 'Register the candidate model'.")
    kind: TaskKind | None = Field(
        None,
        description="What the task is; the independence rules select by it. A task without one"
        " is an error (task-kind).",
    )
    description: Markdown = Field(description="What is done and why." + MARKDOWN_NOTE)
    inputs: list[Text] = Field(default_factory=list, description="What the task starts from.")
    outputs: list[Text] = Field(
        default_factory=list, description="Deliverables and artefacts the task produces."
    )
    tools: list[ToolId] = Field(
        default_factory=list, description="Tool ids used (data/tools.yaml)."
    )
    gates: list[GateId] = Field(default_factory=list, description="Gate ids this task feeds.")
    controls: list[ControlId] = Field(
        default_factory=list, description="Control ids it implements."
    )
    raci: Raci


class SubPhase(Keyed):
    """A group of related tasks within a phase."""

    name: Text
    description: Markdown = Field(description="What this sub-phase achieves." + MARKDOWN_NOTE)
    tasks: dict[Slug, Task] = Field(min_length=1)


class Phase(Record):
    """``data/lifecycle/NN-<phase>.yaml``: one lifecycle phase."""

    id: Slug = Field(description="The phase id; tasks and rules refer to it.")
    order: int = Field(ge=1, description="Position in the lifecycle, from 1.")
    name: Text
    summary: Markdown = Field(description="One paragraph on the phase." + MARKDOWN_NOTE)
    chapter: str | None = Field(
        None,
        description="Path under docs/ of the hand-written chapter shown above the generated tasks.",
    )
    sub_phases: dict[Slug, SubPhase] = Field(min_length=1)

    def tasks(self) -> Iterator[tuple[SubPhase, Task]]:
        """Every (sub-phase, task) in file order."""
        for sub in self.sub_phases.values():
            for task in sub.tasks.values():
                yield sub, task


# --------------------------------------------------------------------------------------------
# data/tools.yaml
# --------------------------------------------------------------------------------------------


class Capability(Keyed):
    """A tool category, e.g. 'Experiment tracking and registry'."""

    name: Text
    description: Text


class Tool(Keyed):
    """A tool in the firm's stack or under consideration."""

    name: Text
    category: CategoryId = Field(description="A category id from this file's `categories`.")
    status: ToolStatus = Field(description="adopt, trial, assess or hold (a technology radar).")
    environments: list[Environment] = Field(default_factory=list)
    owner: RoleId = Field(description="The role that owns the tool.")
    description: Markdown = Field(description="What the firm uses it for." + MARKDOWN_NOTE)
    fallback: list[ToolId] = Field(
        default_factory=list,
        description="Adopted tools the standard path uses where this one (on trial or under"
        " assessment) is not approved for the workload.",
    )
    no_fallback: Text | None = Field(
        None,
        description="Why a trial or assess tool the standard path uses has no adopted fallback,"
        " and what happens without it.",
    )
    url: HttpsUrl | None = None


class ToolsFile(Record):
    """``data/tools.yaml``."""

    categories: dict[Slug, Capability] = Field(min_length=1)
    tools: dict[Slug, Tool] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# data/gates.yaml
# --------------------------------------------------------------------------------------------


class Criterion(Record):
    """A measurable entry criterion of a gate.

    A criterion with an ``id`` is a policy parameter, ``gates.<gate>.<id>``, that prose cites
    instead of retyping its threshold.
    """

    id: Slug | None = Field(
        None, description="Makes the threshold citable as the parameter gates.<gate>.<id>."
    )
    metric: Text = Field(description="e.g. 'AUC on out-of-time holdout'.")
    operator: Literal[">=", "<=", ">", "<", "=="]
    threshold: float | None = Field(
        None, description="The threshold; or leave it out and name a policy `param`."
    )
    param: str | None = Field(
        None,
        description="A policy parameter (data/policy.yaml) that is the threshold, e.g."
        " monitoring.psi_alert, when the value is firm-wide rather than the gate's own.",
    )
    unit: Unit = Field("", description="The threshold's unit; empty for a plain number.")
    note: str = ""

    @model_validator(mode="after")
    def _one_threshold(self) -> Criterion:
        if (self.threshold is None) == (self.param is None):
            raise ValueError("give either 'threshold' (with its 'unit') or 'param', not both")
        return self

    @property
    def quantity(self) -> Quantity | None:
        """The threshold with its unit (None when it is a policy parameter)."""
        if self.threshold is None:
            return None
        return Quantity.parse(self.threshold).with_unit(self.unit)


class Gate(Keyed):
    """A stage gate: what must be true, and who approves, before a model moves on."""

    name: Text
    from_stage: Stage
    to_stage: Stage
    task: TaskId = Field(description="The task that runs the gate review.")
    approvers: list[RoleId] = Field(min_length=1, description="Role ids that must approve.")
    criteria: list[Criterion] = Field(min_length=1)
    evidence: list[Text] = Field(min_length=1, description="Artefacts the approvers review.")
    description: Markdown = Field(description="Purpose of the gate." + MARKDOWN_NOTE)


class GatesFile(Record):
    """``data/gates.yaml``."""

    gates: dict[Slug, Gate] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# data/controls.yaml
# --------------------------------------------------------------------------------------------


SourceStatus = Literal["current", "superseded"]
Applicability = Literal["binding", "adopted", "voluntary", "internal"]


class Source(Keyed):
    """A regulation, guidance, framework or internal policy that controls cite."""

    title: Text
    issuer: Text
    date: datetime.date | None = Field(
        None,
        description="Issue or adoption date of the text cited (ISO 8601, e.g. 2026-04-17);"
        " a source without one is a validator warning.",
    )
    status: SourceStatus = Field(
        "current",
        description="current, or superseded (then `superseded_by` names what replaced it). A"
        " control may not rest on a superseded source; it may name one under `history`.",
    )
    superseded_by: list[SourceId] = Field(
        default_factory=list,
        description="Source ids that replace this one; required when status is superseded.",
    )
    applicability: Applicability | None = Field(
        None,
        description="binding on the firm, adopted by firm policy (e.g. banking guidance a"
        " broker-dealer follows as its benchmark), voluntary framework, or internal policy;"
        " a source without one is a validator warning.",
    )
    url: HttpsUrl | None = None
    provenance: Text | None = Field(
        None,
        description="What the citations were checked against: the primary text read, or, where"
        " it could not be read, the secondary text used and what remains unverified.",
    )


class EnforcedAt(Record):
    """Where a control is enforced."""

    gates: list[GateId] = Field(default_factory=list)
    tasks: list[TaskId] = Field(default_factory=list)
    components: list[ComponentId] = Field(default_factory=list)


class Control(Keyed):
    """A security or governance control."""

    title: Text
    source: SourceId = Field(
        description="The control's basis: a current source id from this file's `sources`."
    )
    citation: str = Field("", description="Section or paragraph of the source, if any.")
    history: list[SourceId] = Field(
        default_factory=list,
        description="Earlier sources the control used to rest on (superseded ones allowed);"
        " shown as history, never as the basis.",
    )
    description: Markdown = Field(description="What the control requires." + MARKDOWN_NOTE)
    enforced_at: EnforcedAt


class ControlsFile(Record):
    """``data/controls.yaml``."""

    sources: dict[Slug, Source] = Field(min_length=1)
    controls: dict[Slug, Control] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# data/architecture.yaml
# --------------------------------------------------------------------------------------------


class EnvironmentSpec(Keyed):
    """A segmented environment (dev, staging, prod)."""

    name: Text
    description: Markdown


class Component(Keyed):
    """A building block of the reference architecture."""

    name: Text
    environment: Annotated[Environment, Ref("environment")]
    tools: list[ToolId] = Field(default_factory=list)
    description: Markdown


class Flow(Keyed):
    """A directed flow between components; promotion flows must name a gate."""

    source: ComponentId = Field(alias="from", description="Component id the flow starts at.")
    target: ComponentId = Field(alias="to", description="Component id the flow ends at.")
    kind: Literal["data", "promotion", "deployment", "feedback", "rollback"]
    label: Text
    gate: GateId | None = Field(None, description="The gate guarding this flow (promotion).")


class ArchitectureFile(Record):
    """``data/architecture.yaml``."""

    environments: dict[Environment, EnvironmentSpec] = Field(min_length=1)
    components: dict[Slug, Component] = Field(min_length=1)
    flows: dict[Slug, Flow] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# data/gap_analysis.yaml
# --------------------------------------------------------------------------------------------


class MaturityLevel(Record):
    """A level of the 0-4 maturity scale."""

    name: Text
    description: Text


class Recommendation(Record):
    """An action that closes a gap."""

    text: Text
    tools: list[ToolId] = Field(default_factory=list)


class CapabilityGap(Keyed):
    """A capability rated against operational readiness."""

    name: Text
    dimension: Literal["people", "process", "technology"]
    priority: Priority
    current: int = Field(ge=0, le=4, description="Current maturity, 0-4.")
    target: int = Field(ge=0, le=4, description="Target maturity, 0-4; at least current.")
    horizon: Literal["0-6 months", "6-12 months", "12-24 months"]
    description: Markdown
    hurdles: list[Text] = Field(min_length=1)
    recommendations: list[Recommendation] = Field(min_length=1)


class GapAnalysisFile(Record):
    """``data/gap_analysis.yaml``."""

    maturity_levels: dict[int, MaturityLevel] = Field(min_length=5, max_length=5)
    capabilities: dict[Slug, CapabilityGap] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# data/tool_evaluation.yaml
# --------------------------------------------------------------------------------------------


class EvaluationCriterion(Keyed):
    """A weighted criterion; weights across criteria sum to 100."""

    name: Text
    weight: int = Field(gt=0, le=100)
    description: Text


class Candidate(Record):
    """A candidate tool's 1-5 scores."""

    scores: dict[CriterionId, int] = Field(description="Criterion id to a score from 1 to 5.")
    notes: Text


class Evaluation(Keyed):
    """A tool selection: candidates scored against the weighted criteria."""

    title: Text
    category: CategoryId = Field(description="Tool category id (data/tools.yaml).")
    context: Markdown
    candidates: dict[ToolId, Candidate] = Field(
        min_length=2, description="Tool id to its scores; each tool is in data/tools.yaml."
    )
    decision: Markdown


class ToolEvaluationFile(Record):
    """``data/tool_evaluation.yaml``."""

    criteria: dict[Slug, EvaluationCriterion] = Field(min_length=1)
    evaluations: dict[Slug, Evaluation] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# data/self_heal.yaml
# --------------------------------------------------------------------------------------------

SelfHealActionId = Annotated[Slug, Ref("self_heal_action")]


class SelfHealAction(Keyed):
    """An automatic remediation allowed to run without a human deciding first."""

    name: Text
    trigger: Text = Field(description="What sets it off: the alert or check that fires.")
    response: Text = Field(description="What the automation does.")
    conditions: list[Text] = Field(
        min_length=1,
        description="What must hold for it to run; the validator approves them at validation.",
    )
    limits: list[Text] = Field(
        min_length=1, description="How far and how often it may go before a human takes over."
    )
    runs_on: list[ToolId] = Field(min_length=1, description="The tools that carry it out.")
    paged: RoleId = Field(description="The role alerted as soon as it runs.")
    reviewer: RoleId = Field(description="The role that reviews each run afterwards.")
    review_within: Text = Field(description="When that review happens.")


class SelfHealFile(Record):
    """``data/self_heal.yaml``: the self-heal policy and the actions it allows."""

    summary: Markdown = Field(description="What the policy allows and why." + MARKDOWN_NOTE)
    approved_by: RoleId = Field(description="The role that approves a model's actions.")
    approved_at: GateId = Field(description="The gate at which they are approved.")
    change_record: Markdown = Field(description="How every run is logged as a change.")
    review: Markdown = Field(description="How runs are reviewed afterwards.")
    never_automatic: list[Text] = Field(
        min_length=1, description="What automation must never do to a model in production."
    )
    actions: dict[Slug, SelfHealAction] = Field(min_length=1)


class SelfHealUse(Record):
    """How a use case applies one action of the self-heal policy."""

    action: SelfHealActionId = Field(description="An action id from data/self_heal.yaml.")
    applies: Text = Field(description="What triggers it here and what happens, in this use case.")


# --------------------------------------------------------------------------------------------
# data/use_cases/*.yaml
# --------------------------------------------------------------------------------------------


class Kpi(Record):
    """A KPI, SLO or model metric with a numeric target.

    A KPI with an ``id`` is a policy parameter, ``use_cases.<use case>.<id>``, whose value is
    its target.
    """

    id: Slug | None = Field(
        None, description="Makes the target citable as the parameter use_cases.<use case>.<id>."
    )
    name: Text
    target: float
    direction: Literal["at_least", "at_most"]
    unit: Unit = Field("", description="The unit of target and baseline; empty for a score.")
    baseline: float | None = None
    kind: Literal["business", "model", "operational"]

    @property
    def quantity(self) -> Quantity:
        """The target with its unit."""
        return Quantity.parse(self.target).with_unit(self.unit)


class ValueItem(Keyed):
    """An input of a value case: a figure, its unit and where it comes from."""

    name: Text = Field(description="What the figure is, e.g. 'Blended advisory fee'.")
    value: Quantity
    source: Text = Field(description="Where the figure comes from (a report, the pilot, ...).")


class ValueStep(Keyed):
    """A computed figure of a value case: the product of inputs and earlier steps."""

    name: Text
    product: list[Slug] = Field(
        min_length=2, description="Input or earlier step ids multiplied together."
    )


class ValueCase(Record):
    """The arithmetic behind a use case's value: computed, never typed.

    The benefit is a chain of products of the inputs, the run cost the sum of its items; the
    validator checks benefit over run cost against the intake rule (gate criterion
    ``intake_approval.benefit_cost_ratio``). Every input, step, the run cost and the ratio are
    parameters ``use_cases.<use case>.<id>``.
    """

    inputs: dict[Slug, ValueItem] = Field(min_length=1)
    steps: dict[Slug, ValueStep] = Field(min_length=1)
    benefit: Slug = Field(description="The step that is the annual benefit in USD.")
    run_cost: dict[Slug, ValueItem] = Field(
        min_length=1, description="Items of the annual run cost in USD, summed."
    )


class DataSource(Record):
    """A data source feeding the use case."""

    name: Text
    description: Text
    contains_pii: bool


class PipelineStep(Record):
    """A pipeline step: a lifecycle task run with specific tools."""

    task: TaskId
    tools: list[ToolId] = Field(default_factory=list)
    note: Text


class MonitoringSignal(Record):
    """A monitored signal with its alert threshold and response."""

    signal: Text
    threshold: Text
    action: Text


class Risk(Record):
    """A risk and the controls that answer it."""

    risk: Text
    mitigation: Text
    controls: list[ControlId] = Field(min_length=1)


class UseCase(Record):
    """``data/use_cases/<id>.yaml``: one use-case deep dive."""

    id: Slug
    title: Text
    status: UseCaseStatus
    risk_tier: Literal[1, 2, 3] = Field(description="Model risk tier: 1 = highest.")
    owner: RoleId = Field(description="Role accountable for the business outcome.")
    owner_roles: list[RoleId] = Field(min_length=1, description="Roles that own delivery.")
    summary: Text
    business_problem: Markdown
    value_hypothesis: Markdown
    value_case: ValueCase | None = None
    kpis: list[Kpi] = Field(min_length=1)
    data_sources: list[DataSource] = Field(min_length=1)
    features: list[Text] = Field(min_length=1)
    model_approach: Markdown
    pipeline: list[PipelineStep] = Field(min_length=1)
    gates: list[GateId] = Field(min_length=1)
    deployment_pattern: DeploymentPattern
    deployment: Markdown = Field(description="How the pattern is applied here." + MARKDOWN_NOTE)
    monitoring: list[MonitoringSignal] = Field(min_length=1)
    retrain_triggers: list[Text] = Field(min_length=1)
    self_heal: list[SelfHealUse] = Field(
        default_factory=list,
        description="The self-heal policy's actions this use case uses, and how it applies them.",
    )
    risks: list[Risk] = Field(min_length=1)
    components: list[ComponentId] = Field(
        default_factory=list, description="Architecture components."
    )
    architecture: Markdown = Field(description="Architecture specifics." + MARKDOWN_NOTE)


# --------------------------------------------------------------------------------------------
# data/policy.yaml
# --------------------------------------------------------------------------------------------

TierOrUseCase = Annotated[int, Field(ge=1, le=3)] | Slug


class Parameter(Keyed):
    """A firm-wide governed number: a threshold, tolerance, duration, cadence, SLO or size.

    Its name is ``<area>.<id>``. Where it varies by risk tier or use case, ``varies_by`` says
    which and ``values`` holds one value per tier (1-3) or use-case id; ``value`` is then the
    default for anything not listed, and may be left out when every case is listed.
    """

    name: Text = Field(description="What the number is, e.g. 'PSI alert level'.")
    value: Quantity | None = Field(None, description="The value, e.g. '5 business days'.")
    varies_by: Literal["tier", "use_case"] | None = Field(
        None, description="The scope the value varies by."
    )
    values: dict[TierOrUseCase, Quantity] = Field(
        default_factory=dict, description="Value per risk tier (1-3) or per use-case id."
    )
    owner: RoleId = Field(description="The role that answers for the value.")
    description: Markdown = Field(description="What it governs and why." + MARKDOWN_NOTE)


class PolicyArea(Keyed):
    """A group of parameters shown together on the parameters page, e.g. monitoring."""

    name: Text
    parameters: dict[Slug, Parameter] = Field(min_length=1)


class PolicyFile(Record):
    """``data/policy.yaml``: firm-wide parameters and the terms the number lint watches."""

    areas: dict[Slug, PolicyArea] = Field(min_length=1)
    terms: dict[Text, list[Text]] = Field(
        default_factory=dict,
        description="A governed term (PSI, canary, SLO, ...) to the parameters a number written"
        " near it should cite instead; `playbook validate` reports such numbers.",
    )


# --------------------------------------------------------------------------------------------
# data/inventory.yaml: a snapshot of the MLflow model registry (``playbook inventory pull``)
# --------------------------------------------------------------------------------------------

#: The validation outcomes a model version can carry; a champion must hold one of the first two.
ValidationStatus = Literal["approved", "conditional", "pending", "rejected"]
#: Validation outcomes that allow a version to be the champion.
CHAMPION_STATUSES: tuple[ValidationStatus, ...] = ("approved", "conditional")
#: Registry tag values are untrusted free text: bounded, and never rendered as Markdown.
TagText = Annotated[str, StringConstraints(min_length=1, max_length=5000, strip_whitespace=True)]
ModelName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Field(description="The registered model's name in the registry."),
]
AliasName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,255}$"),
    Field(description="A registry alias, e.g. champion or challenger."),
]


class ModelTags(Record):
    """The registered-model tags of the tag contract (other tags are not pulled)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    use_case: Slug = Field(
        alias="playbook.use_case", description="The use case the model serves (its id)."
    )
    tier: Literal[1, 2, 3] | None = Field(
        None, alias="mrm.tier", description="Model risk tier; must equal the use case's tier."
    )
    owner: TagText | None = Field(
        None, alias="mrm.owner", description="The model owner: a name or a role id."
    )
    validator: TagText | None = Field(
        None, alias="mrm.validator", description="The independent validator: a name or a role id."
    )
    next_review: date | None = Field(
        None, alias="mrm.next_review", description="When the next periodic review is due."
    )
    vendor: Literal["true", "false"] | None = Field(
        None, alias="mrm.vendor", description="'true' for a vendor (third-party) model."
    )
    limitations: TagText | None = Field(
        None, alias="mrm.limitations", description="Known limitations, as plain text."
    )


class VersionTags(Record):
    """The model-version tags of the tag contract (other tags are not pulled)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    status: ValidationStatus | None = Field(
        None, alias="validation.status", description="The independent validation's outcome."
    )
    validated_on: date | None = Field(
        None, alias="validation.date", description="When the validation decision was made."
    )
    findings_open: int | None = Field(
        None,
        ge=0,
        alias="validation.findings_open",
        description="Validation findings not yet closed.",
    )
    report: HttpsUrl | None = Field(
        None, alias="validation.report", description="The validation report (https:// URL)."
    )


class ModelVersion(Record):
    """One version of a registered model, as the registry holds it."""

    run_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = Field(
        None, description="The MLflow run that produced the version."
    )
    experiment_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = (
        Field(None, description="The run's experiment, for the link to the run.")
    )
    run_link: HttpsUrl | None = Field(
        None, description="The registry's link to the run (https:// only)."
    )
    tags: VersionTags = Field(default_factory=VersionTags)


class RegisteredModel(Keyed):
    """A registered model: its contract tags, aliases and the versions they point at."""

    description: Annotated[str, StringConstraints(max_length=5000)] | None = Field(
        None, description="The registry's description of the model, as plain text."
    )
    tags: ModelTags
    aliases: dict[AliasName, int] = Field(
        default_factory=dict, description="Alias (champion, challenger, ...) to version number."
    )
    versions: dict[int, ModelVersion] = Field(
        default_factory=dict,
        description="The aliased versions and the latest one, by version number.",
    )

    @property
    def label(self) -> str:
        """How reports name the model beside its registry name: by the use case it serves."""
        return f"{self.tags.use_case} model"

    def alias(self, name: str) -> tuple[int, ModelVersion] | None:
        """The version an alias points at, when the snapshot holds it."""
        number = self.aliases.get(name)
        if number is None or number not in self.versions:
            return None
        return number, self.versions[number]


class InventoryFile(Record):
    """``data/inventory.yaml``: the registry snapshot ``playbook inventory pull`` writes."""

    ui_url: HttpsUrl | None = Field(
        None, description="The MLflow UI that run links point at (none: no run links)."
    )
    models: dict[ModelName, RegisteredModel] = Field(
        default_factory=dict, description="Registered model name to the model."
    )


# --------------------------------------------------------------------------------------------
# data/tiering.yaml
# --------------------------------------------------------------------------------------------

Tier = Annotated[int, Field(ge=1, le=3, description="Materiality tier: 1 = most material.")]
UseCaseId = Annotated[Slug, Ref("use_case")]


class TieringFactor(Keyed):
    """A factor of the materiality score sheet, scored on its scale of levels."""

    name: Text
    dimension: Literal["exposure", "purpose"] = Field(
        description="SR 26-2's two sides of materiality: the model's exposure or its purpose."
    )
    question: Text = Field(description="The question the scorer answers.")
    levels: dict[int, Text] = Field(
        min_length=2, description="Score (1, 2, ...) to what that score means; consecutive from 1."
    )


class TierBand(Record):
    """The range of total scores that maps to a tier, and the validation that tier gets."""

    tier: Tier
    min_score: int = Field(ge=0)
    max_score: int = Field(ge=0)
    validation: Markdown = Field(description="Depth of validation and who approves it.")


class TierFloor(Record):
    """A decisive factor: from ``min_level`` up, the tier is at least as material as ``tier``."""

    factor: Slug = Field(description="A factor id of this file.")
    min_level: int = Field(ge=1)
    tier: Tier
    reason: Text


class ReviewTrigger(Keyed):
    """An event that brings a review or revalidation forward, whatever the calendar says."""

    name: Text
    description: Markdown
    response: Markdown = Field(description="What happens, and by when.")
    gate: GateId = Field(description="The gate that records the decision.")


class TierAssessment(Record):
    """A use case's scores on the sheet; the tier they give must be its ``risk_tier``."""

    scores: dict[Slug, int] = Field(description="Factor id to the level scored.")
    rationale: Text


class TieringFile(Record):
    """``data/tiering.yaml``: the materiality score sheet, its tiers and the review triggers."""

    summary: Markdown
    factors: dict[Slug, TieringFactor] = Field(min_length=1)
    bands: list[TierBand] = Field(min_length=1)
    floors: list[TierFloor] = Field(default_factory=list)
    triggers: dict[Slug, ReviewTrigger] = Field(default_factory=dict)
    assessments: dict[UseCaseId, TierAssessment] = Field(default_factory=dict)

    def score(self, assessment: TierAssessment) -> int:
        """The total score of an assessment (unknown factors ignored)."""
        return sum(v for k, v in assessment.scores.items() if k in self.factors)

    def tier_of(self, assessment: TierAssessment) -> int | None:
        """The tier an assessment's scores give: its band, raised by any floor it meets."""
        total = self.score(assessment)
        band = next((b for b in self.bands if b.min_score <= total <= b.max_score), None)
        if band is None:
            return None
        tier = band.tier
        for floor in self.floors:
            if assessment.scores.get(floor.factor, 0) >= floor.min_level:
                tier = min(tier, floor.tier)
        return tier


# --------------------------------------------------------------------------------------------
# data/templates.yaml
# --------------------------------------------------------------------------------------------


class TemplateSection(Keyed):
    """A section of a governance template and the roles that fill it."""

    title: Text
    filled_by: list[RoleId] = Field(min_length=1, description="Role ids that write the section.")
    guidance: Markdown = Field(description="What the section must say." + MARKDOWN_NOTE)


class Template(Keyed):
    """A governance document template: its sections, who fills them, the gates that need it."""

    title: Text
    owner: RoleId = Field(description="The role accountable for the completed document.")
    produced_by: TaskId = Field(description="The lifecycle task that produces the document.")
    gates: list[GateId] = Field(min_length=1, description="Gates that will not open without it.")
    controls: list[ControlId] = Field(default_factory=list, description="Controls it evidences.")
    description: Markdown = Field(description="What the document is for." + MARKDOWN_NOTE)
    sections: dict[Slug, TemplateSection] = Field(min_length=1)


class TemplatesFile(Record):
    """``data/templates.yaml``: the governance templates."""

    templates: dict[Slug, Template] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# The assembled playbook
# --------------------------------------------------------------------------------------------


class Playbook(Record):
    """Every data file, validated and assembled (:func:`playbook.data.loader.load_playbook`)."""

    meta: PlaybookMeta
    roles: dict[str, Role]
    phases: list[Phase]
    categories: dict[str, Capability]
    tools: dict[str, Tool]
    gates: dict[str, Gate]
    sources: dict[str, Source]
    controls: dict[str, Control]
    environments: dict[str, EnvironmentSpec]
    components: dict[str, Component]
    flows: dict[str, Flow]
    maturity_levels: dict[int, MaturityLevel]
    capabilities: dict[str, CapabilityGap]
    criteria: dict[str, EvaluationCriterion]
    evaluations: dict[str, Evaluation]
    use_cases: dict[str, UseCase]
    policy: PolicyFile | None = Field(None, description="data/policy.yaml, when present.")
    self_heal: SelfHealFile
    inventory: InventoryFile | None = Field(
        None, description="The model registry's snapshot, when data/inventory.yaml exists."
    )
    tiering: TieringFile | None = Field(None, description="data/tiering.yaml, when present.")
    templates: dict[str, Template] = Field(
        default_factory=dict, description="data/templates.yaml: the governance templates."
    )
    files: dict[str, str] = Field(
        default_factory=dict, description="Record kind or id to its data file, for edit links."
    )

    def tasks(self) -> Iterator[tuple[Phase, SubPhase, Task]]:
        """Every (phase, sub-phase, task) in lifecycle order."""
        for phase in self.phases:
            for sub, task in phase.tasks():
                yield phase, sub, task

    def task_index(self) -> Mapping[str, tuple[Phase, SubPhase, Task]]:
        """Task id to its (phase, sub-phase, task); read-only, built once per playbook.

        Every task link asks for it, so rebuilding it per call made page generation quadratic
        in the number of tasks. The index is kept in the instance ``__dict__`` beside the
        fields (pydantic ignores such keys when comparing and dumping) together with the
        ``phases`` list it was built from: a ``model_copy`` that replaces the phases builds
        its own.
        """
        cached = self.__dict__.get(_TASK_INDEX)
        if cached is None or cached[0] is not self.phases:
            index = {task.id: (phase, sub, task) for phase, sub, task in self.tasks()}
            cached = (self.phases, MappingProxyType(index))
            self.__dict__[_TASK_INDEX] = cached
        return cached[1]

    def weighted_total(self, candidate: Candidate) -> float:
        """A candidate's weighted score on a 1-5 scale (weights sum to 100)."""
        total = sum(
            self.criteria[c].weight * s for c, s in candidate.scores.items() if c in self.criteria
        )
        return round(total / 100, 2)
