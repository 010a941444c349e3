"""Exports of the validated playbook: one JSON document, and the RACI as CSV, XLSX or Markdown."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model

from playbook.data import kinds
from playbook.data import model as m
from playbook.data.params import Param, parameters
from playbook.render.markdown import table, text
from playbook.safety import spreadsheet_cell
from playbook.site.revisions import source_date_epoch

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

By = Literal["task", "role", "phase"]
LETTERS = ("R", "A", "S", "C", "I")


# --------------------------------------------------------------------------------------------
# RACI tables (shared by CSV, XLSX and Markdown so the three hold the same cells)
# --------------------------------------------------------------------------------------------


def raci_by_task(pb: m.Playbook) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per task, one column per role holding its letter."""
    roles = list(pb.roles.values())
    header = ["Phase", "Sub-phase", "Task id", "Task", *(r.name for r in roles)]
    rows = []
    for phase, sub, task in pb.tasks():
        letters = {role: letter for letter, role in task.raci.letters()}
        rows.append(
            [phase.name, sub.name, task.id, task.name, *(letters.get(r.id, "") for r in roles)]
        )
    return header, rows


def raci_by_role(pb: m.Playbook) -> tuple[list[str], list[list[str]]]:
    """Header and rows: for each role, every task where it holds a letter."""
    header = ["Role", "Letter", "Phase", "Sub-phase", "Task id", "Task"]
    rows = []
    for role in pb.roles.values():
        for phase, sub, task in pb.tasks():
            for letter in task.raci.letters_of(role.id):
                rows.append([role.name, letter, phase.name, sub.name, task.id, task.name])
    return header, rows


def raci_rollup(pb: m.Playbook) -> dict[str, dict[str, dict[str, int]]]:
    """Phase id -> role id -> letter -> number of tasks."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for phase in pb.phases:
        counts: dict[str, Counter[str]] = {r: Counter() for r in pb.roles}
        for _, task in phase.tasks():
            for letter, role in task.raci.letters():
                if role in counts:
                    counts[role][letter] += 1
        out[phase.id] = {
            role: {letter: counts[role][letter] for letter in LETTERS if counts[role][letter]}
            for role in pb.roles
        }
    return out


def rollup_table(pb: m.Playbook) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the phase roll-up: counts like ``R3 A1 C2``."""
    roles = list(pb.roles.values())
    rollup = raci_rollup(pb)
    header = ["Phase", *(r.name for r in roles)]
    rows = [
        [
            phase.name,
            *(" ".join(f"{k}{v}" for k, v in rollup[phase.id][r.id].items()) for r in roles),
        ]
        for phase in pb.phases
    ]
    return header, rows


def raci_table(pb: m.Playbook, by: By = "task") -> tuple[list[str], list[list[str]]]:
    """Header and rows of the RACI by task, by role, or the roll-up by phase."""
    if by == "task":
        return raci_by_task(pb)
    return raci_by_role(pb) if by == "role" else rollup_table(pb)


def raci_csv(pb: m.Playbook, by: By = "task") -> str:
    """The RACI document as CSV: by task, by role, or the roll-up by phase.

    A cell starting like a formula (``=``, ``+``, ``-``, ``@``, tab, CR) gets a ``'`` in front,
    so no spreadsheet evaluates data (:func:`playbook.safety.spreadsheet_cell`).
    """
    header, rows = raci_table(pb, by)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in [header, *rows]:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return buffer.getvalue()


def raci_markdown(pb: m.Playbook, by: By = "task") -> str:
    """The RACI document as Markdown: by task (a table per phase) or by role, plus the roll-up.

    ``by="phase"`` gives the roll-up alone.
    """
    parts = [f"# {text(pb.meta.title)}: RACI\n"]
    if by == "task":
        header, rows = raci_by_task(pb)
        for phase in pb.phases:
            parts.append(f"\n## {text(phase.name)}\n\n")
            phase_rows = [r for r in rows if r[0] == phase.name]
            parts.append(table(header[1:], ([text(c) for c in r[1:]] for r in phase_rows)))
    elif by == "role":
        header, rows = raci_by_role(pb)
        for role in pb.roles.values():
            role_rows = [r for r in rows if r[0] == role.name]
            parts.append(f"\n## {text(role.name)}\n\n")
            parts.append(table(header[1:], ([text(c) for c in r[1:]] for r in role_rows)))
    header, rows = rollup_table(pb)
    parts.append("\n## Roll-up by phase\n\n")
    parts.append(table([text(h) for h in header], ([text(c) for c in r] for r in rows)))
    return "".join(parts)


def _sheet_title(name: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet title (31 characters, no []:*?/\\)."""
    clean = "".join("-" if c in "[]:*?/\\" else c for c in name)[:31]
    title, n = clean, 2
    while title in used:
        suffix = f" {n}"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def raci_xlsx(pb: m.Playbook, path: Path) -> None:
    """Write the RACI workbook: one sheet per phase, a roll-up sheet and a by-role sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    if workbook.active is not None:  # the blank first sheet; every sheet here is named
        workbook.remove(workbook.active)
    used: set[str] = set()
    header, rows = raci_by_task(pb)
    sheets: list[tuple[str, list[str], list[list[str]]]] = [
        (phase.name, header, [r for r in rows if r[0] == phase.name]) for phase in pb.phases
    ]
    sheets.append(("Roll-up", *rollup_table(pb)))
    sheets.append(("By role", *raci_by_role(pb)))
    for name, head, body in sheets:
        sheet = workbook.create_sheet(_sheet_title(name, used))
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in body:
            sheet.append(row)
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # data, never a formula
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_reproducible_xlsx(workbook, pb.meta.organization))


def _reproducible_xlsx(workbook: Any, creator: str) -> bytes:
    """The workbook's bytes, identical for identical data.

    ``Workbook.save`` stamps the document and every zip entry with the clock; here both get
    ``$SOURCE_DATE_EPOCH``, or 1980-01-01 (the zip format's first day) when it is unset.
    """
    from openpyxl.writer.excel import ExcelWriter

    stamp = datetime.fromtimestamp(source_date_epoch() or _ZIP_EPOCH, tz=UTC)
    workbook.properties.creator = creator
    workbook.properties.created = workbook.properties.modified = stamp.replace(tzinfo=None)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        ExcelWriter(workbook, archive).write_data()
    out = io.BytesIO()
    date_time = stamp.timetuple()[:6]
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info))
    return out.getvalue()


_ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


class ScoredCandidate(BaseModel):
    """A candidate's scores with its computed weighted total."""

    model_config = ConfigDict(extra="forbid")
    scores: dict[str, int]
    notes: str
    weighted_total: float


class ScoredEvaluation(BaseModel):
    """An evaluation with computed totals and ranking."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    category: str
    context: str
    decision: str
    candidates: dict[str, ScoredCandidate]
    ranking: list[str]


class ExportPhase(m.Phase):
    """A lifecycle phase with its computed RACI roll-up."""

    raci_rollup: dict[str, dict[str, int]] = Field(
        description="Role id to letter to the number of the phase's tasks where it holds it."
    )


class ExportParameter(BaseModel):
    """A policy parameter: a governed number, its unit, scope, owner and where it is defined."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="The dotted name chapters cite, e.g. monitoring.psi_alert.")
    label: str
    value: str | None = Field(description="Value and unit as text; null when only scoped.")
    amount: str | None = Field(description="The value's number, as exact decimal text.")
    unit: str
    varies_by: Literal["", "tier", "use_case"]
    values: dict[str, str] = Field(description="Risk tier or use-case id to the value as text.")
    owner: str = Field(description="The role id that answers for the value.")
    area: str
    defined_in: str = Field(description="The data file that defines it.")
    computed: bool = Field(description="True for value-case figures computed from inputs.")


def export_parameter(param: Param) -> ExportParameter:
    """A parameter as exported."""
    unit = param.value.unit if param.value else (param.values[0][1].unit if param.values else "")
    return ExportParameter(
        name=param.name,
        label=param.label,
        value=param.value.as_text() if param.value else None,
        amount=str(param.value.amount) if param.value else None,
        unit=unit,
        varies_by=param.varies_by,
        values={k: v.as_text() for k, v in param.values},
        owner=param.owner,
        area=param.area,
        defined_in=param.file,
        computed=param.computed,
    )


def scored_evaluation(pb: m.Playbook, ev: m.Evaluation) -> ScoredEvaluation:
    """An evaluation with each candidate's weighted total and the ranking (best first)."""
    candidates = {
        tool: ScoredCandidate(
            scores=dict(c.scores), notes=c.notes, weighted_total=pb.weighted_total(c)
        )
        for tool, c in ev.candidates.items()
    }
    ranking = sorted(candidates, key=lambda t: (-candidates[t].weighted_total, t))
    return ScoredEvaluation(
        id=ev.id,
        title=ev.title,
        category=ev.category,
        context=ev.context,
        decision=ev.decision,
        candidates=candidates,
        ranking=ranking,
    )


def _phase_with_rollup(pb: m.Playbook, phase: m.Phase) -> ExportPhase:
    return ExportPhase(**dict(phase), raci_rollup=raci_rollup(pb)[phase.id])


#: Kinds whose records the export extends with computed values: the exported model and how
#: to compute it from a record.
COMPUTED: dict[str, tuple[type[BaseModel], Callable[[m.Playbook, Any], BaseModel]]] = {
    "phase": (ExportPhase, _phase_with_rollup),
    "evaluation": (ScoredEvaluation, scored_evaluation),
}

#: Top-level parts of the export computed from the whole playbook rather than one kind's
#: records: name to (type, description, how to compute it). They follow the kinds' parts.
DERIVED: dict[str, tuple[Any, str, Callable[[m.Playbook], Any]]] = {
    "parameters": (
        dict[str, ExportParameter],
        "Every policy parameter by name, value-case figures computed.",
        lambda pb: {n: export_parameter(p) for n, p in parameters(pb).items()},
    ),
}

#: The description of each group of the export that no kind is exported as.
GROUPS: dict[str, str] = {"architecture": "The reference architecture."}

_DOCUMENT = """The whole validated playbook as one JSON document.

Records are keyed by id, as in the data, and carry their ``id``. Computed values: each
phase's RACI roll-up, and each evaluation's weighted totals and ranking."""

_META = "data/playbook.yaml, with the scales and lists the records refer to by id."


def _annotation(kind: kinds.Kind) -> Any:
    """The type of ``kind``'s value in the export: its Playbook field, computed models swapped."""
    annotation = kinds.playbook_class().model_fields[kind.plural].annotation
    if kind.name not in COMPUTED:
        return annotation
    model = COMPUTED[kind.name][0]
    return list[model] if get_origin(annotation) is list else dict[str, model]  # type: ignore[valid-type]


def _field(kind: kinds.Kind, annotation: Any) -> tuple[Any, Any]:
    description = kind.export_description or None
    return (annotation, Field(description=description) if description else ...)


def export_model() -> type[BaseModel]:
    """The model of the export document, built from the kind registry's ``export`` paths.

    A path ``a`` is a top-level field; ``a.b`` is field ``b`` of the group ``a``, which is
    the kind exported as ``a`` extended with ``b`` (the playbook's meta and its scales), or a
    group of its own (the architecture).
    """
    top: dict[str, tuple[Any, Any]] = {}
    grouped: dict[str, dict[str, tuple[Any, Any]]] = {}
    exported = {k.export: k for k in kinds.KINDS if k.export}
    for path, kind in exported.items():
        head, _, rest = path.partition(".")
        if rest:
            grouped.setdefault(head, {})[rest] = _field(kind, _annotation(kind))
            top.setdefault(head, (None, ...))
        else:
            top[head] = _field(kind, _annotation(kind))
    fields: dict[str, Any] = {}
    for name, (annotation, info) in top.items():
        extra = grouped.get(name)
        if extra is None:
            fields[name] = (annotation, info)
            continue
        base = exported.get(name)
        group_name = "Export" + ("Meta" if base and base.single else name.title())
        group = _group(group_name, base.file_model if base else None, GROUPS.get(name), extra)
        fields[name] = (group, info)
    for name, (annotation, description, _) in DERIVED.items():
        fields[name] = (annotation, Field(description=description))
    return _cached_model(tuple(fields.items()))


_MODELS: dict[Any, type[BaseModel]] = {}


def _cached_model(fields: tuple[tuple[str, Any], ...]) -> type[BaseModel]:
    key = repr(fields)
    if key not in _MODELS:
        _MODELS[key] = create_model(
            "ExportDocument",
            __config__=ConfigDict(extra="forbid"),
            __doc__=_DOCUMENT,
            **dict(fields),
        )
    return _MODELS[key]


def _group(
    name: str,
    base: type[BaseModel] | None,
    doc: str | None,
    fields: dict[str, tuple[Any, Any]],
) -> type[BaseModel]:
    if base is not None:
        return create_model(name, __base__=base, __doc__=_META, **fields)  # type: ignore[call-overload, no-any-return]
    return create_model(  # type: ignore[call-overload, no-any-return]
        name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields
    )


def _value(pb: m.Playbook, kind: kinds.Kind) -> Any:
    value = getattr(pb, kind.plural)
    if kind.name not in COMPUTED:
        return value
    compute = COMPUTED[kind.name][1]
    if isinstance(value, list):
        return [compute(pb, record) for record in value]
    return {key: compute(pb, record) for key, record in value.items()}


def export_document(pb: m.Playbook) -> dict[str, Any]:
    """The JSON-ready export of the whole playbook, computed values included."""
    values: dict[str, Any] = {}
    for kind in kinds.KINDS:
        if not kind.export:
            continue
        head, _, rest = kind.export.partition(".")
        value = _value(pb, kind)
        if rest:
            values.setdefault(head, {})[rest] = value
        elif kind.single and value is not None:
            values.setdefault(head, {}).update(dict(value))
        else:
            values[head] = value  # None: an optional file that is absent
    for name, (_, _, compute) in DERIVED.items():
        values[name] = compute(pb)
    doc = export_model().model_validate(values)
    return doc.model_dump(mode="json", by_alias=True)


def export_json(pb: m.Playbook) -> str:
    """The export as indented JSON text."""
    return json.dumps(export_document(pb), indent=2, ensure_ascii=False) + "\n"


def export_schema() -> dict[str, Any]:
    """JSON Schema of :func:`export_document` output (committed as data/schema/export.schema.json).

    Keyed records carry their ``id`` in the export, although it is never written in YAML.
    """
    schema = export_model().model_json_schema(mode="serialization", by_alias=True)
    keyed = {
        name
        for name, obj in vars(m).items()
        if isinstance(obj, type) and issubclass(obj, m.Keyed) and obj is not m.Keyed
    }
    for name, definition in schema.get("$defs", {}).items():
        if name in keyed:
            definition.setdefault("properties", {})["id"] = {"type": "string"}
            definition.setdefault("required", []).append("id")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "export.schema.json",
        **schema,
    }
