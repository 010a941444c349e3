"""Load every data file, validate it against its model, and assemble the :class:`Playbook`.

``load_playbook`` is memoized on the files' modification times, so the macros, the hooks and the
CLI of one build share a single parsed model.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from playbook.data.issues import Issue, errors
from playbook.data.model import FILE_MODELS, Playbook
from playbook.data.sourcemap import Loc, SourceMap, load_yaml, lookup


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The assembled playbook (None when any file failed) and every issue found."""

    playbook: Playbook | None
    issues: list[Issue]
    sources: dict[str, SourceMap]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return self.playbook is not None and not errors(self.issues)


def data_files(data_dir: Path) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` file under ``data_dir``, sorted."""
    return sorted(p for p in data_dir.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def canonical_name(relative: str) -> str:
    """``relative`` with a ``.yml`` suffix spelled ``.yaml``, the name models are keyed by."""
    return relative[: -len(".yml")] + ".yaml" if relative.endswith(".yml") else relative


def model_for(relative: str) -> type[BaseModel] | None:
    """The model that validates the data file at ``relative`` (a POSIX path), if any."""
    name = canonical_name(relative)
    for pattern, model in FILE_MODELS.items():
        # fnmatch's '*' also matches '/', so a sub-folder must not pass for the folder itself
        if name.count("/") == pattern.count("/") and fnmatch.fnmatchcase(name, pattern):
            return model
    return None


def keyed_id_issues(record: BaseModel, source: SourceMap, loc: Loc = ()) -> list[Issue]:
    """Issues for an ``id:`` written inside a keyed record that differs from its mapping key."""
    from playbook.data.model import Keyed

    found: list[Issue] = []
    for name, field in type(record).model_fields.items():
        value = getattr(record, name)
        key = field.alias or name
        if isinstance(value, BaseModel):
            found += keyed_id_issues(value, source, (*loc, key))
        elif isinstance(value, dict):
            for item_key, item in value.items():
                if not isinstance(item, BaseModel):
                    continue
                if isinstance(item, Keyed) and item.id != item_key:
                    found.append(
                        source.issue(
                            (*loc, key, item_key, "id"),
                            "id-mismatch",
                            f"{key}.{item_key}: 'id: {item.id}' differs from the mapping key "
                            f"'{item_key}'; a record's id is its key, so remove this line",
                        )
                    )
                found += keyed_id_issues(item, source, (*loc, key, item_key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found += keyed_id_issues(item, source, (*loc, key, index))
    return found


def _field_names(model: type[BaseModel]) -> list[str]:
    return sorted({f.alias or n for n, f in model.model_fields.items() if n != "id"})


def _resolve(annotation: Any) -> Any:
    """Strip Annotated and Optional/unions down to a model, a dict/list type, or a scalar."""
    while True:
        origin = get_origin(annotation)
        if origin in (dict, list) or (
            isinstance(annotation, type) and issubclass(annotation, BaseModel)
        ):
            return annotation
        args = [a for a in get_args(annotation) if a is not type(None)]
        if not args:
            return annotation
        structured = [
            a
            for a in args
            if get_origin(a) in (dict, list) or (isinstance(a, type) and issubclass(a, BaseModel))
        ]
        annotation = structured[0] if structured else args[0]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the key at ``loc`` (for suggestions on unknown keys)."""
    current: Any = model
    for part in loc[:-1]:
        current = _resolve(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fld = next((f for n, f in current.model_fields.items() if part in {n, f.alias}), None)
            current = fld.annotation if fld else None
        elif get_origin(current) in (dict, list):
            current = get_args(current)[-1]
        else:
            return None
    current = _resolve(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def suggest(name: str, candidates: list[str]) -> str:
    """`` (did you mean 'x'?)`` when a close candidate exists, else ''."""
    match = difflib.get_close_matches(str(name), candidates, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _dotted(loc: Loc) -> str:
    return ".".join(str(p) for p in loc)


def pydantic_issues(exc: ValidationError, source: SourceMap, model: type[BaseModel]) -> list[Issue]:
    """Translate a pydantic error into issues located in ``source``."""
    found: list[Issue] = []
    for err in exc.errors(include_url=False):
        on_key = "[key]" in err["loc"]
        loc = tuple(p for p in err["loc"] if p != "[key]")
        kind = err["type"]
        where = _dotted(loc) or "file"
        if loc and loc[-1] == "id" and kind != "missing" and not on_key:
            parent = lookup(source.data, loc[:-1])
            if isinstance(parent, dict) and "id" not in parent:
                continue  # the id was copied from a mapping key, whose own error is reported
        if kind == "extra_forbidden":
            owner = _model_at(model, loc)
            hint = suggest(str(loc[-1]), _field_names(owner)) if owner else ""
            message = f"{where}: unknown key '{loc[-1]}'{hint}"
            code = "unknown-key"
        elif kind == "missing":
            message = f"{where}: required field '{loc[-1]}' is missing"
            code = "missing-field"
        elif on_key:
            message = f"{where}: key {loc[-1]!r}: {err['msg']}"
            code = "schema"
        else:
            value = lookup(source.data, loc)
            shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
            message = f"{where}: {err['msg']}{shown}"
            code = "schema"
        found.append(source.issue(loc, code, message))
    return found


def _read_file(path: Path, relative: str) -> tuple[SourceMap, BaseModel | None]:
    source = load_yaml(path, f"data/{relative}")
    model = model_for(relative)
    if source.issues or model is None:
        if model is None:
            source.issues.append(
                source.issue(
                    (),
                    "unknown-file",
                    f"no data model for '{relative}'; expected one of "
                    + ", ".join(sorted(FILE_MODELS)),
                )
            )
        return source, None
    try:
        record = model.model_validate(source.data)
    except ValidationError as exc:
        source.issues.extend(pydantic_issues(exc, source, model))
        return source, None
    mismatched = keyed_id_issues(record, source)
    if mismatched:
        source.issues.extend(mismatched)
        return source, None
    return source, record


def _assemble(records: dict[str, BaseModel], names: dict[str, str]) -> Playbook | None:
    """Combine the per-file models into one Playbook (None if a required file is missing)."""
    from playbook.data import model as m

    def single(name: str, kind: type[BaseModel]) -> Any:
        rec = records.get(name)
        return rec if isinstance(rec, kind) else None

    meta = single("playbook.yaml", m.PlaybookMeta)
    roles = single("roles.yaml", m.RolesFile)
    tools = single("tools.yaml", m.ToolsFile)
    gates = single("gates.yaml", m.GatesFile)
    controls = single("controls.yaml", m.ControlsFile)
    arch = single("architecture.yaml", m.ArchitectureFile)
    gaps = single("gap_analysis.yaml", m.GapAnalysisFile)
    evals = single("tool_evaluation.yaml", m.ToolEvaluationFile)
    if None in (meta, roles, tools, gates, controls, arch, gaps, evals):
        return None
    phases = sorted(
        (r for r in records.values() if isinstance(r, m.Phase)), key=lambda p: (p.order, p.id)
    )
    use_cases = sorted(
        (r for r in records.values() if isinstance(r, m.UseCase)), key=lambda u: u.id
    )
    files = {name: f"data/{names[name]}" for name in records if "/" not in name}
    for name, rec in records.items():
        if isinstance(rec, m.Phase):
            files[f"phase:{rec.id}"] = f"data/{names[name]}"
        elif isinstance(rec, m.UseCase):
            files[f"use_case:{rec.id}"] = f"data/{names[name]}"
    return m.Playbook(
        meta=meta,
        roles=roles.roles,
        phases=phases,
        categories=tools.categories,
        tools=tools.tools,
        gates=gates.gates,
        sources=controls.sources,
        controls=controls.controls,
        environments=arch.environments,
        components=arch.components,
        flows=arch.flows,
        maturity_levels=gaps.maturity_levels,
        capabilities=gaps.capabilities,
        criteria=evals.criteria,
        evaluations=evals.evaluations,
        use_cases={u.id: u for u in use_cases},
        files=files,
    )


def _check_file_ids(
    records: dict[str, BaseModel], sources: dict[str, SourceMap], names: dict[str, str]
) -> None:
    """Report phase and use-case ids used by two files, which would make one replace the other.

    Checked here rather than in :mod:`playbook.data.checks` because the assembled playbook keys
    these records (and their files) by id, so the second one would already be lost.
    """
    from playbook.data import model as m

    seen: dict[tuple[str, str], str] = {}
    for relative, record in sorted(records.items()):
        if not isinstance(record, m.Phase | m.UseCase):
            continue
        kind = "phase" if isinstance(record, m.Phase) else "use-case"
        first = seen.setdefault((kind, record.id), relative)
        if first != relative:
            source = sources[f"data/{names[relative]}"]
            source.issues.append(
                source.issue(
                    ("id",),
                    "duplicate-id",
                    f"{kind} id '{record.id}' is also used in data/{names[first]}",
                )
            )


REQUIRED_FILES = (
    "playbook.yaml",
    "roles.yaml",
    "tools.yaml",
    "gates.yaml",
    "controls.yaml",
    "architecture.yaml",
    "gap_analysis.yaml",
    "tool_evaluation.yaml",
)


def load_uncached(data_dir: Path) -> LoadResult:
    """Load, validate and check the playbook under ``data_dir`` (no memoization)."""
    from playbook.data.checks import check_playbook

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        issue = Issue(str(data_dir), 1, 1, "error", "io", "data folder not found")
        return LoadResult(None, [issue], {})
    sources: dict[str, SourceMap] = {}
    records: dict[str, BaseModel] = {}
    names: dict[str, str] = {}  # canonical name -> the file's real name (.yml or .yaml)
    for path in data_files(data_dir):
        relative = path.relative_to(data_dir).as_posix()
        if relative.startswith("schema/"):
            continue
        source, record = _read_file(path, relative)
        sources[source.file] = source
        if record is not None:
            records[canonical_name(relative)] = record
            names[canonical_name(relative)] = relative
    _check_file_ids(records, sources, names)
    issues = [i for s in sources.values() for i in s.issues]
    present = {canonical_name(name) for name in sources}
    for name in REQUIRED_FILES:
        if f"data/{name}" not in present:
            issues.append(
                Issue(f"data/{name}", 1, 1, "error", "missing-file", "required file is missing")
            )
    if not any(n.startswith("data/lifecycle/") for n in sources):
        issues.append(
            Issue("data/lifecycle", 1, 1, "error", "missing-file", "no lifecycle phase files found")
        )
    if errors(issues):
        return LoadResult(None, sorted(issues), sources)
    playbook = _assemble(records, names)
    if playbook is None:
        return LoadResult(None, sorted(issues), sources)
    issues.extend(check_playbook(playbook, sources))
    return LoadResult(playbook, sorted(issues), sources)


def _fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in data_files(data_dir))


@functools.lru_cache(maxsize=4)
def _load_cached(data_dir: str, fingerprint: tuple[tuple[str, int, int], ...]) -> LoadResult:
    return load_uncached(Path(data_dir))


def load_playbook(data_dir: Path | str) -> LoadResult:
    """Load the playbook, reusing the last result while no data file has changed."""
    path = Path(data_dir).resolve()
    if not path.is_dir():
        return load_uncached(path)
    return _load_cached(str(path), _fingerprint(path))
