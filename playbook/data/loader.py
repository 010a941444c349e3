"""Load every data file, validate it against its model, and assemble the :class:`Playbook`.

``load_playbook`` is memoized on the files' modification times, so the macros, the hooks and the
CLI of one build share a single parsed model.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from playbook.data import kinds
from playbook.data.checks import check_playbook
from playbook.data.issues import Issue, errors, suggest
from playbook.data.model import Keyed, Playbook
from playbook.data.sourcemap import Loc, SourceMap, load_yaml, lookup, yaml_from_bytes
from playbook.safety import shorten


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


def outside_issue(path: Path, folder: Path, shown: str) -> Issue | None:
    """An error when ``path`` is (or lies under) a symlink leading out of ``folder``.

    Such a file is never read: a pull request could point it at ``/etc/passwd`` or a CI
    secret, and a validation message would echo the content. The target is not named either.
    """
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if inside:
        return None
    message = f"symbolic link leading out of {folder.name}/: refused (copy the file instead)"
    return Issue(shown, 1, 1, "error", "symlink", message)


#: What a file name under data/ or docs/ may hold: it ends up in URLs and HTML attributes
#: (the edit links, MkDocs's ``page.edit_url``) that nothing else escapes.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")


def name_issue(relative: str, shown: str) -> Issue | None:
    """An error when the path ``relative`` holds a character other than letters, digits,
    ``.``, ``_``, ``-`` and ``/`` (a quote or ``<`` in a name would break out of a link)."""
    if _SAFE_NAME.match(relative):
        return None
    message = (
        f"file name {shorten(repr(relative))} may hold only letters, digits, '.', '_', '-' "
        "and '/': rename it"
    )
    return Issue(shorten(shown), 1, 1, "error", "file-name", message)


def canonical_name(relative: str) -> str:
    """``relative`` with a ``.yml`` suffix spelled ``.yaml``, the name models are keyed by."""
    return relative[: -len(".yml")] + ".yaml" if relative.endswith(".yml") else relative


def model_for(relative: str) -> type[BaseModel] | None:
    """The model that validates the data file at ``relative`` (a POSIX path), if any."""
    pattern = kinds.pattern_of(canonical_name(relative))
    return kinds.file_models()[pattern] if pattern else None


def keyed_id_issues(record: BaseModel, source: SourceMap, loc: Loc = ()) -> list[Issue]:
    """Issues for an ``id:`` written inside a keyed record that differs from its mapping key."""
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
            message = f"{where}: key {shorten(repr(loc[-1]))}: {err['msg']}"
            code = "schema"
        else:
            value = lookup(source.data, loc)
            shown = "" if isinstance(value, dict | list) else f" (got {shorten(repr(value))})"
            message = f"{where}: {err['msg']}{shown}"
            code = "schema"
        found.append(source.issue(loc, code, message))
    return found


#: Files parsed and validated lately, by path: the SHA-256 of their bytes and the result.
_PARSED: OrderedDict[str, tuple[str, SourceMap, BaseModel | None]] = OrderedDict()
#: How many files :data:`_PARSED` keeps: all of a large playbook's, a few folders' worth.
_PARSED_FILES = 2048


def _read_file(path: Path, relative: str) -> tuple[SourceMap, BaseModel | None]:
    """Parse and validate one data file, reusing the result while its bytes are unchanged.

    A preview's rebuild after an edit so re-reads one file, not all of them. Later checks
    append to the source's issues: each caller gets its own list.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return _parse_file(load_yaml(path, f"data/{relative}"), relative)
    digest = hashlib.sha256(raw).hexdigest()
    key = f"{path}\0{relative}"
    kept = _PARSED.get(key)
    if kept is not None and kept[0] == digest:
        _PARSED.move_to_end(key)
        source, record = kept[1], kept[2]
    else:
        source, record = _parse_file(yaml_from_bytes(raw, f"data/{relative}"), relative)
        _PARSED[key] = (digest, source, record)
        if len(_PARSED) > _PARSED_FILES:
            _PARSED.popitem(last=False)
    return replace(source, issues=list(source.issues)), record


def _parse_file(source: SourceMap, relative: str) -> tuple[SourceMap, BaseModel | None]:
    model = model_for(relative)
    if source.issues or model is None:
        if model is None:
            source.issues.append(
                source.issue(
                    (),
                    "unknown-file",
                    f"no data model for '{relative}'; expected one of "
                    + ", ".join(sorted(kinds.file_models())),
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


def assemble(records: dict[str, BaseModel], names: dict[str, str]) -> Playbook | None:
    """Combine the per-file models into one Playbook, a field per top-level kind of the registry.

    Returns None if a required file is missing. ``files`` maps each single data file's name,
    and ``<kind>:<id>`` for each record that is a file of its own, to its path.
    """
    fields: dict[str, Any] = {}
    files = {name: f"data/{names[name]}" for name in records if kinds.pattern_of(name) == name}
    for kind in kinds.top_level():
        if not kind.per_file:
            record = records.get(kind.file)
            if record is None and not kind.required and kinds.pattern_of(kind.file):
                # an optional file that is absent: no single record, or no keyed records
                fields[kind.plural] = {} if kind.key else None
                continue
            if not isinstance(record, kind.file_model):
                return None
            fields[kind.plural] = getattr(record, kind.key) if kind.key else record
            continue
        found = sorted(
            (
                (rec, name)
                for name, rec in records.items()
                if kinds.pattern_of(name) == kind.file and isinstance(rec, kind.file_model)
            ),
            key=lambda pair: (getattr(pair[0], kind.order_by, 0), getattr(pair[0], "id", "")),
        )
        for rec, name in found:
            files[kind.file_key(getattr(rec, "id", ""))] = f"data/{names[name]}"
        playbook_class = kinds.playbook_class()
        is_list = get_origin(playbook_class.model_fields[kind.plural].annotation) is list
        values = [rec for rec, _ in found]
        fields[kind.plural] = values if is_list else {getattr(r, "id", ""): r for r in values}
    return kinds.playbook_class()(**fields, files=files)


def _check_file_ids(
    records: dict[str, BaseModel], sources: dict[str, SourceMap], names: dict[str, str]
) -> None:
    """Report ids of records that are files of their own (phases, use cases) used twice.

    Checked here rather than in :mod:`playbook.data.checks` because the assembled playbook keys
    these records (and their files) by id, so the second one would already be lost.
    """
    per_file = {kind.file: kind for kind in kinds.top_level() if kind.per_file}
    seen: dict[tuple[str, str], str] = {}
    for relative, record in sorted(records.items()):
        kind = per_file.get(kinds.pattern_of(relative) or "")
        if kind is None:
            continue
        record_id = str(getattr(record, "id", ""))
        first = seen.setdefault((kind.name, record_id), relative)
        if first != relative:
            source = sources[f"data/{names[relative]}"]
            source.issues.append(
                source.issue(
                    ("id",),
                    "duplicate-id",
                    f"{kind.noun} id '{record_id}' is also used in data/{names[first]}",
                )
            )


def _missing_files(present: set[str]) -> list[Issue]:
    """An issue for each single data file that is missing, and for a folder with no file."""
    found = []
    for pattern in kinds.file_models():
        kind = next(k for k in kinds.top_level() if k.file == pattern)
        if "*" not in pattern:
            optional = all(not k.required for k in kinds.top_level() if k.file == pattern)
            if f"data/{pattern}" not in present and not optional:
                found.append(
                    Issue(
                        f"data/{pattern}", 1, 1, "error", "missing-file", "required file is missing"
                    )
                )
            continue
        folder = pattern.rsplit("/", 1)[0]
        if kind.required and not any(
            kinds.pattern_of(n.removeprefix("data/")) == pattern for n in present
        ):
            message = f"no {folder} {kind.noun} files found"
            found.append(Issue(f"data/{folder}", 1, 1, "error", "missing-file", message))
    return found


def load_uncached(data_dir: Path) -> LoadResult:
    """Load, validate and check the playbook under ``data_dir`` (no memoization)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        issue = Issue(str(data_dir), 1, 1, "error", "io", "data folder not found")
        return LoadResult(None, [issue], {})
    sources: dict[str, SourceMap] = {}
    records: dict[str, BaseModel] = {}
    names: dict[str, str] = {}  # canonical name -> the file's real name (.yml or .yaml)
    file_issues: list[Issue] = []
    # Folders linked from elsewhere: their files are not listed, so report the link itself.
    for link in sorted(p for p in data_dir.rglob("*") if p.is_symlink() and p.is_dir()):
        shown = f"data/{link.relative_to(data_dir).as_posix()}"
        if (refused := outside_issue(link, data_dir, shown)) is not None:
            file_issues.append(refused)
    for path in data_files(data_dir):
        relative = path.relative_to(data_dir).as_posix()
        if relative.startswith("schema/"):
            continue
        refused = outside_issue(path, data_dir, f"data/{relative}") or name_issue(
            relative, f"data/{relative}"
        )
        if refused is not None:
            file_issues.append(refused)  # never read: its content must not reach a message
            continue
        twin = names.get(canonical_name(relative))
        if twin is not None:
            message = f"same data as data/{twin} (.yml and .yaml): keep only one of the two"
            file_issues.append(Issue(f"data/{relative}", 1, 1, "error", "duplicate-file", message))
            continue
        source, record = _read_file(path, relative)
        sources[source.file] = source
        names[canonical_name(relative)] = relative
        if record is not None:
            records[canonical_name(relative)] = record
    _check_file_ids(records, sources, names)
    issues = [*file_issues, *(i for s in sources.values() for i in s.issues)]
    issues += _missing_files({canonical_name(name) for name in sources})
    if errors(issues):
        return LoadResult(None, sorted(issues), sources)
    playbook = assemble(records, names)
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
