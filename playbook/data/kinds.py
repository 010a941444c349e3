"""The registry of record kinds: one entry per kind of record the playbook holds.

Every part of the pipeline that handles "each kind of record" reads this table instead of
listing kinds itself: the loader assembles the :class:`~playbook.data.model.Playbook` from it,
the reference check resolves ``Ref("kind")`` markers against it, links and the ``ref`` macro
find a record's page and anchor in it, the home page counts by it, ``playbook.render.pages``
generates each kind's pages from it, and the JSON export, ``playbook diff``, the JSON Schemas
and ``playbook new`` are driven by it.

An entry (:class:`Kind`) says:

- ``name``: the kind's id, as ``Ref("role")`` markers, the ``ref`` macro and messages
  ("unknown role 'x'") name it.
- ``plural``: the :class:`Playbook` field holding the records (``roles``); for nested kinds,
  the name they are counted and reported by (``tasks``).
- ``file``: the data file pattern holding them (``roles.yaml``; a glob such as
  ``use_cases/*.yaml`` holds one record per file), and ``file_model``: the model that
  validates that whole file.
- ``key``: the field of the file model (or, for a nested kind, of the parent record) that maps
  ids to records; empty for one record per file or a single record (``single``).
- ``within``: the parent kind of a nested kind (tasks are within sub-phases).
- ``label``: the record attribute that names it (``name``, ``title``).
- ``title``: the heading for the kind (``Roles``) in reports.
- ``page`` and ``anchor``: where a record is shown, as patterns over ``{id}`` and the ids of its
  ancestors (``process/{phase}.md`` and ``{id}`` for a task).
- ``count``: the label the home page counts it with (``stage gates``), and ``count_page``.
- ``export``: its path in the JSON export (``architecture.components``), with
  ``export_description``; None keeps it out (nested kinds are exported inside their parent).
- ``pages``: the generated pages of the kind (:class:`PageSpec`): a URI (``{id}`` makes one
  page per record) and the renderer, ``module:function`` with the signature
  ``render(pb, page, ctx) -> str`` (see ``playbook.render.kind_pages``).

Example: a kind of record "incident" in ``data/incidents.yaml``, one page listing them all::

    Kind(
        name="incident",
        plural="incidents",
        file="incidents.yaml",
        file_model=m.IncidentsFile,  # incidents: dict[Slug, Incident]
        key="incidents",
        title="Incidents",
        page="governance/incidents.md",
        anchor="{id}",
        count="incidents",
        export="incidents",
        pages=(PageSpec("governance/incidents.md", "playbook.render.kind_pages:incidents"),),
    )

plus an ``incidents: dict[str, Incident]`` field on :class:`Playbook` and the renderer
``incidents(pb, page, ctx) -> str``; other records refer to an incident with a field typed
``Annotated[Slug, Ref("incident")]`` and ``check_references`` checks it. Order matters: pages are
generated, and the export and the change report are laid out, in registry order.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel, create_model

from playbook.data import model as m

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping


@dataclass(frozen=True, slots=True)
class PageSpec:
    """A page generated for a kind of record.

    Attributes:
        uri: The page's source URI; with ``{id}`` in it, one page per record.
        render: The renderer, ``module:function``, called as ``render(pb, page, ctx)``; it
            returns the page's Markdown (or a list of ``Page`` for a kind that splits a page).
        edit: The ``Playbook.files`` key of the data file the edit button opens; None for the
            kind's own file (or the record's file), "" for none (an overview of many files).
        search: False keeps the page out of the search index.
        keywords: The record attribute listing other words for the record (a role's
            ``aliases``): search finds the page by them first.
        wide: True hides the table of contents.
        owner: The record attribute naming the role that owns a per-record page ("" for the
            owner the data file gives it).
        chapter: The record attribute naming a hand-written chapter merged into the page.
    """

    uri: str
    render: str
    edit: str | None = None
    search: bool = True
    keywords: str = ""
    wide: bool = False
    owner: str = ""
    chapter: str = ""

    @property
    def per_record(self) -> bool:
        """True when the page is one of a page per record."""
        return "{id}" in self.uri


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of record; see the module docstring for each attribute.

    ``order_by`` names a record attribute that orders the kind's pages (and, for one record per
    file, the records themselves, then by id); otherwise data order. ``required``: for one
    record per file, whether at least one such file must exist; for a single record, whether
    its file must exist (without it, the ``Playbook`` field keeps its default, None).
    """

    name: str
    plural: str
    file: str
    file_model: type[BaseModel]
    title: str
    key: str = ""
    within: str | None = None
    single: bool = False
    label: str = "name"
    page: str | None = None
    anchor: str | None = None
    count: str | None = None
    count_page: str | None = None
    export: str | None = None
    export_description: str = ""
    order_by: str = ""
    required: bool = True
    pages: tuple[PageSpec, ...] = field(default=())

    @property
    def noun(self) -> str:
        """The kind in running text: ``sub-phase``, ``use-case``."""
        return self.name.replace("_", "-")

    @property
    def per_file(self) -> bool:
        """True when each record is a file of its own (the file is a glob)."""
        return "*" in self.file and self.within is None

    def file_key(self, record_id: str) -> str:
        """The ``Playbook.files`` key of the file holding ``record_id`` (top-level kinds)."""
        return f"{self.name}:{record_id}" if self.per_file else self.file


_PEOPLE = "people/index.md"
_PROCESS = "process/index.md"
_USE_CASES = "use-cases/index.md"
_TOOLS = "technology/tools.md"
_ARCHITECTURE = "technology/architecture.md"
_GAP_ANALYSIS = "technology/gap-analysis.md"
_TOOL_EVALUATION = "technology/tool-evaluation.md"
_GATES = "governance/gates.md"
_CONTROLS = "governance/controls.md"
_INVENTORY = "governance/model-inventory.md"
_PAGES = "playbook.render.kind_pages:"

#: Every kind of record, in the order pages, exports and reports list them.
KINDS: list[Kind] = [
    Kind(
        name="playbook",
        plural="meta",
        file="playbook.yaml",
        file_model=m.PlaybookMeta,
        title="Playbook",
        single=True,
        label="title",
        page="index.md",
        export="playbook",
        export_description="What the playbook is, its rules and scales.",
        pages=(PageSpec("governance/independence.md", _PAGES + "independence"),),
    ),
    Kind(
        name="role",
        plural="roles",
        file="roles.yaml",
        file_model=m.RolesFile,
        key="roles",
        title="Roles",
        order_by="line_of_defence",
        page="people/roles/{id}.md",
        count="roles",
        count_page=_PEOPLE,
        export="roles",
        pages=(
            PageSpec(_PEOPLE, _PAGES + "roles_index"),
            PageSpec("people/raci.md", _PAGES + "raci_matrix"),
            PageSpec("people/raci-rollup.md", _PAGES + "raci_rollup", search=False, wide=True),
            PageSpec("people/roles/{id}.md", _PAGES + "role_page", owner="id", keywords="aliases"),
        ),
    ),
    Kind(
        name="phase",
        plural="phases",
        file="lifecycle/*.yaml",
        file_model=m.Phase,
        title="Phases",
        order_by="order",
        page="process/{id}.md",
        count="phases",
        count_page=_PROCESS,
        export="phases",
        export_description="The lifecycle in order: sub-phases, their tasks, each task's RACI.",
        pages=(
            PageSpec(_PROCESS, _PAGES + "process_overview", edit=""),
            PageSpec("process/{id}.md", _PAGES + "phase_page", chapter="chapter"),
        ),
    ),
    Kind(
        name="sub_phase",
        plural="sub_phases",
        file="lifecycle/*.yaml",
        file_model=m.Phase,
        title="Sub-phases",
        key="sub_phases",
        within="phase",
        page="process/{phase}.md",
        anchor="{id}",
        count="sub-phases",
        count_page=_PROCESS,
    ),
    Kind(
        name="task",
        plural="tasks",
        file="lifecycle/*.yaml",
        file_model=m.Phase,
        title="Tasks",
        key="tasks",
        within="sub_phase",
        page="process/{phase}.md",
        anchor="{id}",
        count="tasks",
        count_page="people/raci.md",
    ),
    Kind(
        name="use_case",
        plural="use_cases",
        file="use_cases/*.yaml",
        file_model=m.UseCase,
        title="Use cases",
        label="title",
        required=False,
        page="use-cases/{id}.md",
        count="use cases",
        count_page=_USE_CASES,
        export="use_cases",
        pages=(
            PageSpec(_USE_CASES, _PAGES + "use_cases_index", edit=""),
            PageSpec("use-cases/{id}.md", _PAGES + "use_case_page", owner="owner"),
        ),
    ),
    Kind(
        name="category",
        plural="categories",
        file="tools.yaml",
        file_model=m.ToolsFile,
        key="categories",
        title="Tool categories",
        page=_TOOLS,
        anchor="category-{id}",
        export="playbook.tool_categories",
        export_description="Tool category id to category.",
    ),
    Kind(
        name="tool",
        plural="tools",
        file="tools.yaml",
        file_model=m.ToolsFile,
        key="tools",
        title="Tools",
        page=_TOOLS,
        anchor="{id}",
        count="tools",
        export="tools",
        pages=(
            PageSpec(_TOOLS, _PAGES + "tool_catalog"),
            PageSpec("technology/overlay.md", _PAGES + "overlay", search=False, wide=True),
        ),
    ),
    Kind(
        name="environment",
        plural="environments",
        file="architecture.yaml",
        file_model=m.ArchitectureFile,
        key="environments",
        title="Environments",
        page=_ARCHITECTURE,
        anchor="environment-{id}",
        export="architecture.environments",
    ),
    Kind(
        name="component",
        plural="components",
        file="architecture.yaml",
        file_model=m.ArchitectureFile,
        key="components",
        title="Components",
        page=_ARCHITECTURE,
        anchor="{id}",
        count="architecture components",
        export="architecture.components",
        pages=(PageSpec(_ARCHITECTURE, _PAGES + "architecture"),),
    ),
    Kind(
        name="flow",
        plural="flows",
        file="architecture.yaml",
        file_model=m.ArchitectureFile,
        key="flows",
        title="Flows",
        label="label",
        page=_ARCHITECTURE,
        anchor="flows",
        export="architecture.flows",
    ),
    Kind(
        name="maturity_level",
        plural="maturity_levels",
        file="gap_analysis.yaml",
        file_model=m.GapAnalysisFile,
        key="maturity_levels",
        title="Maturity levels",
        page=_GAP_ANALYSIS,
        anchor="maturity-scale",
        export="playbook.maturity_levels",
        export_description="The 0-4 maturity scale.",
    ),
    Kind(
        name="capability",
        plural="capabilities",
        file="gap_analysis.yaml",
        file_model=m.GapAnalysisFile,
        key="capabilities",
        title="Capabilities",
        page=_GAP_ANALYSIS,
        anchor="{id}",
        count="capabilities assessed",
        export="capabilities",
        export_description="The gap analysis: capabilities rated on the maturity scale.",
        pages=(PageSpec(_GAP_ANALYSIS, _PAGES + "gap_analysis"),),
    ),
    Kind(
        name="criterion",
        plural="criteria",
        file="tool_evaluation.yaml",
        file_model=m.ToolEvaluationFile,
        key="criteria",
        title="Evaluation criteria",
        page=_TOOL_EVALUATION,
        anchor="criteria",
        export="playbook.evaluation_criteria",
        export_description="The weighted criteria tool evaluations score against.",
    ),
    Kind(
        name="evaluation",
        plural="evaluations",
        file="tool_evaluation.yaml",
        file_model=m.ToolEvaluationFile,
        key="evaluations",
        title="Evaluations",
        label="title",
        page=_TOOL_EVALUATION,
        anchor="{id}",
        export="evaluations",
        pages=(PageSpec(_TOOL_EVALUATION, _PAGES + "tool_evaluation"),),
    ),
    Kind(
        name="gate",
        plural="gates",
        file="gates.yaml",
        file_model=m.GatesFile,
        key="gates",
        title="Gates",
        page=_GATES,
        anchor="{id}",
        count="stage gates",
        export="gates",
        pages=(PageSpec(_GATES, _PAGES + "gates"),),
    ),
    Kind(
        name="source",
        plural="sources",
        file="controls.yaml",
        file_model=m.ControlsFile,
        key="sources",
        title="Sources",
        label="title",
        # Only sources that controls cite get a section (``source-<id>``); the others are
        # listed together, so a link goes to the page.
        page=_CONTROLS,
        count="regulatory sources",
        export="playbook.sources",
        export_description="Source id to the regulation controls cite.",
    ),
    Kind(
        name="control",
        plural="controls",
        file="controls.yaml",
        file_model=m.ControlsFile,
        key="controls",
        title="Controls",
        label="title",
        page=_CONTROLS,
        anchor="{id}",
        count="controls",
        export="controls",
        pages=(
            PageSpec(_CONTROLS, _PAGES + "controls"),
            PageSpec("governance/traceability.md", _PAGES + "traceability", search=False),
        ),
    ),
    Kind(
        name="policy",
        plural="policy",
        file="policy.yaml",
        file_model=m.PolicyFile,
        title="Policy parameters",
        single=True,
        label="areas",
        required=False,
        page="governance/parameters.md",
        pages=(PageSpec("governance/parameters.md", _PAGES + "parameters"),),
    ),
    Kind(
        name="self_heal",
        plural="self_heal",
        file="self_heal.yaml",
        file_model=m.SelfHealFile,
        title="Self-heal policy",
        single=True,
        label="summary",
        page="governance/self-heal.md",
        export="self_heal",
        export_description="The self-heal policy: automatic remediations allowed without a human.",
        pages=(PageSpec("governance/self-heal.md", _PAGES + "self_heal"),),
    ),
    Kind(
        name="self_heal_action",
        plural="self_heal_actions",
        file="self_heal.yaml",
        file_model=m.SelfHealFile,
        title="Self-heal actions",
        key="actions",
        within="self_heal",
        page="governance/self-heal.md",
        anchor="{id}",
        count="self-heal actions",
    ),
    Kind(
        name="inventory",
        plural="inventory",
        file="inventory.yaml",
        file_model=m.InventoryFile,
        title="Model inventory",
        single=True,
        required=False,
        label="ui_url",
        export="inventory",
        export_description="The MLflow model registry's snapshot (data/inventory.yaml), if any.",
        pages=(PageSpec(_INVENTORY, _PAGES + "model_inventory", wide=True),),
    ),
    Kind(
        name="model",
        plural="models",
        file="inventory.yaml",
        file_model=m.InventoryFile,
        title="Registered models",
        key="models",
        within="inventory",
        label="label",
        count="registered models",
        count_page=_INVENTORY,
    ),
    Kind(
        name="template",
        plural="templates",
        file="templates.yaml",
        file_model=m.TemplatesFile,
        key="templates",
        title="Templates",
        label="title",
        required=False,
        page="governance/templates/{id}.md",
        count="templates",
        count_page="governance/templates/index.md",
        export="templates",
        pages=(
            PageSpec("governance/templates/index.md", _PAGES + "templates_index"),
            PageSpec("governance/templates/{id}.md", _PAGES + "template_page"),
        ),
    ),
    Kind(
        name="tiering",
        plural="tiering",
        file="tiering.yaml",
        file_model=m.TieringFile,
        title="Materiality tiering",
        single=True,
        label="summary",
        required=False,
        page="governance/tiering.md",
        pages=(PageSpec("governance/tiering.md", _PAGES + "tiering"),),
    ),
]


# --------------------------------------------------------------------------------------------
# Looking kinds up
# --------------------------------------------------------------------------------------------


def get(name: str) -> Kind:
    """The kind called ``name``.

    Raises:
        KeyError: no kind has that name.
    """
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)


def names() -> list[str]:
    """Every kind's name, in registry order."""
    return [kind.name for kind in KINDS]


def by_plural(plural: str) -> Kind | None:
    """The kind whose records are counted as ``plural`` (``tasks``), if any."""
    return next((k for k in KINDS if k.plural == plural), None)


def top_level() -> list[Kind]:
    """Kinds stored directly in a data file (not nested in another record)."""
    return [kind for kind in KINDS if kind.within is None]


def children(parent: str) -> list[Kind]:
    """Kinds nested directly in records of ``parent``."""
    return [kind for kind in KINDS if kind.within == parent]


def file_models() -> dict[str, type[BaseModel]]:
    """Each data file pattern and the model that validates the whole file."""
    out: dict[str, type[BaseModel]] = {}
    for kind in top_level():
        out.setdefault(kind.file, kind.file_model)
    return out


def pattern_of(name: str) -> str | None:
    """The data file pattern ``name`` (a POSIX path under data/, ``.yaml``) matches, if any."""
    for pattern in file_models():
        # fnmatch's '*' also matches '/', so a sub-folder must not pass for the folder itself
        if name.count("/") == pattern.count("/") and fnmatch.fnmatchcase(name, pattern):
            return pattern
    return None


def schema_name(pattern: str) -> str:
    """The JSON Schema file for a data file pattern: the kind for one record per file."""
    kind = next((k for k in top_level() if k.file == pattern and k.per_file), None)
    stem = kind.name if kind else pattern.removesuffix(".yaml")
    return f"{stem}.schema.json"


# --------------------------------------------------------------------------------------------
# The Playbook class
# --------------------------------------------------------------------------------------------


def playbook_class() -> type[m.Playbook]:
    """:class:`Playbook`, extended with a field for each registered kind it does not declare.

    The kinds of this repository are declared on :class:`Playbook` (typed attributes); a kind
    registered from outside (a fork's plug-in, a test) gets its field here.
    """
    extra = tuple(
        (kind.plural, kind.file_model if kind.single else dict[str, _record_model(kind)])  # type: ignore[misc]
        for kind in top_level()
        if kind.plural not in m.Playbook.model_fields
    )
    return _extended(extra) if extra else m.Playbook


def _record_model(kind: Kind) -> type[BaseModel]:
    if kind.per_file:
        return kind.file_model
    annotation = kind.file_model.model_fields[kind.key].annotation
    return annotation.__args__[1]  # type: ignore[union-attr, no-any-return]


_EXTENDED: dict[tuple[Any, ...], type[m.Playbook]] = {}


def _extended(extra: tuple[tuple[str, Any], ...]) -> type[m.Playbook]:
    if extra not in _EXTENDED:
        fields: dict[str, Any] = {name: (annotation, ...) for name, annotation in extra}
        _EXTENDED[extra] = create_model("Playbook", __base__=m.Playbook, **fields)
    return _EXTENDED[extra]


# --------------------------------------------------------------------------------------------
# Records of a kind
# --------------------------------------------------------------------------------------------


class Located(NamedTuple):
    """A record with where it is: its data file, key path there, and its ancestors' ids."""

    record: Any
    file: str
    loc: tuple[str | int, ...]
    ancestors: Mapping[str, str]


def _top_records(pb: m.Playbook, kind: Kind) -> Iterator[tuple[str, Any]]:
    value = getattr(pb, kind.plural)
    if kind.single:
        if value is not None:  # an optional single file (policy.yaml) may be absent
            yield "", value
    elif isinstance(value, list):
        for record in value:
            yield record.id, record
    else:
        yield from ((str(key), record) for key, record in value.items())


def locate(pb: m.Playbook, kind: Kind) -> Iterator[tuple[str, Located]]:
    """Every record of ``kind`` in ``pb`` with its location, in data order (duplicates too)."""
    if kind.within is None:
        for record_id, record in _top_records(pb, kind):
            file = pb.files.get(kind.file_key(record_id), f"data/{kind.file}")
            loc: tuple[str | int, ...] = () if kind.per_file or kind.single else (kind.key,)
            loc = loc if kind.per_file or kind.single else (*loc, record_id)
            yield record_id, Located(record, file, loc, {})
        return
    parent = get(kind.within)
    for parent_id, where in locate(pb, parent):
        ancestors = {**where.ancestors, parent.name: parent_id}
        for key, record in getattr(where.record, kind.key).items():
            yield str(key), Located(record, where.file, (*where.loc, kind.key, key), ancestors)


_INDEX = "_kind_index_cache"


def index(pb: m.Playbook, kind: Kind | str) -> Mapping[str, Located]:
    """Record id to its located record, for ``kind`` (first of duplicated ids); built once.

    Kept in the instance ``__dict__``, like ``Playbook.task_index``, with the field it was
    built from, so a ``model_copy`` that replaces the field builds its own.
    """
    kind = get(kind) if isinstance(kind, str) else kind
    top = kind
    while top.within is not None:
        top = get(top.within)
    source = getattr(pb, top.plural)
    cache: dict[str, tuple[Any, dict[str, Located]]] = pb.__dict__.setdefault(_INDEX, {})
    cached = cache.get(kind.name)
    if cached is None or cached[0] is not source:
        found: dict[str, Located] = {}
        for record_id, where in locate(pb, kind):
            found.setdefault(record_id, where)
        cached = (source, found)
        cache[kind.name] = cached
    return cached[1]


def label_of(kind: Kind, record: Any, fallback: str) -> str:
    """A record's display label (its name or title), else ``fallback``."""
    label = getattr(record, kind.label, None)
    return label if isinstance(label, str) and label else fallback


def page_of(kind: Kind, where: Located, record_id: str) -> tuple[str, str | None] | None:
    """The (page, anchor) a record is shown at, or None for a kind without a page."""
    if kind.page is None:
        return None
    values = {**where.ancestors, "id": record_id}
    anchor = kind.anchor.format(**values) if kind.anchor else None
    return kind.page.format(**values), anchor
