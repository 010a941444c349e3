"""``playbook new``: add a valid, clearly unfinished entry to the data.

Entries are inserted as text into the right mapping of the right file, so comments and layout
of the rest of the file are kept. Fields a human must write are filled with ``TODO:`` text,
which the validator reports as warnings: never silently published, never an error.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import yaml

from playbook.cli.schema import modeline
from playbook.data import kinds
from playbook.data.loader import load_playbook

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from playbook.data.issues import Issue
    from playbook.data.model import Playbook

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


class ScaffoldError(Exception):
    """The entry cannot be added (bad id, duplicate, unknown parent)."""


class _Dumper(yaml.SafeDumper):
    """The data files' style: ``[a, b]`` for lists of scalars, other lists indented under
    their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.SequenceNode:
    flow = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def to_yaml(record: dict[str, Any]) -> str:
    """``record`` as YAML in the style of the data files."""
    return yaml.dump(record, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)


def _dump(record: dict[str, Any], indent: int) -> str:
    text = to_yaml(record)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def _mapping_node(path: Path, keys: tuple[str, ...]) -> yaml.MappingNode:
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            raise ScaffoldError(f"{path}: '{'.'.join(keys)}' is not a mapping")
        match = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
        if not match:
            raise ScaffoldError(f"{path}: no '{'.'.join(keys)}' mapping to add to")
        node = match[0]
    if not isinstance(node, yaml.MappingNode) or not node.value:
        raise ScaffoldError(f"{path}: '{'.'.join(keys)}' is not a non-empty mapping")
    if node.flow_style:
        raise ScaffoldError(
            f"{path}: '{'.'.join(keys)}' is a flow mapping ({{...}}); make it a block"
        )
    return node


def insert_record(
    path: Path, keys: tuple[str, ...], record_id: str, record: dict[str, Any]
) -> None:
    """Insert ``record_id: record`` at the end of the mapping at ``keys`` in ``path``."""
    node = _mapping_node(path, keys)
    if any(k.value == record_id for k, _ in node.value):
        raise ScaffoldError(f"{path}: '{record_id}' already exists in '{'.'.join(keys)}'")
    indent = node.value[0][0].start_mark.column
    end = node.value[-1][1].end_mark
    lines = path.read_text(encoding="utf-8").splitlines(True)
    # The end mark sits where the next token starts: on a later line's indentation when the
    # mapping is followed by a shallower key, or mid-line when the value ended on that line.
    ends_before = end.line >= len(lines) or not lines[end.line][: end.column].strip()
    at = end.line if ends_before else end.line + 1
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    while at > 0 and not lines[at - 1].strip():  # keep blank lines after the new entry
        at -= 1
    block = _dump({record_id: record}, indent)
    lines[at:at] = [block]
    path.write_text("".join(lines), encoding="utf-8")


def _check_id(kind: str, record_id: str, existing: set[str]) -> None:
    if not SLUG.match(record_id) or len(record_id) > 64:
        raise ScaffoldError(
            f"'{record_id}' is not a valid {kind} id: start with a letter, then use up to 64"
            " lower-case letters, digits and _"
        )
    if record_id in existing:
        raise ScaffoldError(f"a {kind} with id '{record_id}' already exists")


def _check_ref(pb: Any, kind: str, record_id: str, *, listed: bool = False) -> None:
    """Raise unless ``record_id`` is a record of ``kind``; ``listed`` names the known ones."""
    known = kinds.index(pb, kind)
    if record_id not in known:
        choices = f"; one of: {', '.join(known)}" if listed else ""
        raise ScaffoldError(f"unknown {kind.replace('_', '-')} '{record_id}'{choices}")


def _check_text(**values: str) -> None:
    for option, value in values.items():
        if not value.strip():
            raise ScaffoldError(f"--{option.replace('_', '-')} must not be empty")


def snapshot(data_dir: Path) -> dict[Path, bytes]:
    """Every file under ``data_dir`` and its bytes, to undo a scaffold with :func:`restore`."""
    return {p: p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()}


def restore(data_dir: Path, saved: Mapping[Path, bytes]) -> None:
    """Put ``data_dir`` back as :func:`snapshot` found it: changed files back, new ones gone."""
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and path not in saved:
            path.unlink()
    for path, content in saved.items():
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)


def new_issues(before: Iterable[Issue], after: Iterable[Issue]) -> list[Issue]:
    """The issues of ``after`` that ``before`` did not have, wherever their lines moved."""
    seen = Counter((i.file, i.severity, i.code, i.message) for i in before)
    added = []
    for issue in sorted(after):
        key = (issue.file, issue.severity, issue.code, issue.message)
        if seen[key]:
            seen[key] -= 1
        else:
            added.append(issue)
    return added


def _playbook(data_dir: Path) -> Playbook:
    result = load_playbook(data_dir)
    if result.playbook is None:
        raise ScaffoldError(f"the data in '{data_dir}' has errors; run 'playbook validate' first")
    return result.playbook


def new_role(data_dir: Path, role_id: str, name: str, team: str, line: int) -> Path:
    """Add a role to ``roles.yaml``."""
    _check_text(name=name, team=team)
    pb = _playbook(data_dir)
    kind = kinds.get("role")
    _check_id(kind.noun, role_id, set(kinds.index(pb, kind)))
    path = data_dir / kind.file
    insert_record(
        path,
        (kind.key,),
        role_id,
        {
            "name": name,
            "team": team,
            "line_of_defence": line,
            "description": "TODO: what this role does, decides and signs off.",
        },
    )
    return path


def new_tool(data_dir: Path, tool_id: str, name: str, category: str, owner: str) -> Path:
    """Add a tool (status ``assess``) to ``tools.yaml``."""
    _check_text(name=name)
    pb = _playbook(data_dir)
    kind = kinds.get("tool")
    _check_id(kind.noun, tool_id, set(kinds.index(pb, kind)))
    _check_ref(pb, "category", category, listed=True)
    _check_ref(pb, "role", owner)
    path = data_dir / kind.file
    insert_record(
        path,
        (kind.key,),
        tool_id,
        {
            "name": name,
            "category": category,
            "status": "assess",
            "environments": ["dev"],
            "owner": owner,
            "description": "TODO: what the firm uses it for and what to assess.",
        },
    )
    return path


def new_task(
    data_dir: Path,
    task_id: str,
    *,
    phase: str,
    sub_phase: str,
    name: str,
    kind: str,
    accountable: str,
    responsible: str,
) -> Path:
    """Add a task to a sub-phase of a lifecycle phase file."""
    _check_text(name=name)
    pb = _playbook(data_dir)
    task, sub, top = kinds.get("task"), kinds.get("sub_phase"), kinds.get("phase")
    _check_id(task.noun, task_id, set(kinds.index(pb, task)))
    _check_ref(pb, "phase", phase, listed=True)
    subs = {k for k, w in kinds.index(pb, sub).items() if w.ancestors.get("phase") == phase}
    if sub_phase not in subs:
        raise ScaffoldError(
            f"unknown sub-phase '{sub_phase}' of phase '{phase}'; one of: "
            + ", ".join(k for k in kinds.index(pb, sub) if k in subs)
        )
    for role in (accountable, responsible):
        _check_ref(pb, "role", role)
    path = data_dir / pb.files[top.file_key(phase)].removeprefix("data/")
    insert_record(
        path,
        (sub.key, sub_phase, task.key),
        task_id,
        {
            "name": name,
            "kind": kind,
            "description": "TODO: what is done and why, in two or more sentences.",
            "inputs": ["TODO: what the task starts from"],
            "outputs": ["TODO: what the task produces"],
            "tools": [],
            "raci": {"A": accountable, "R": [responsible], "C": [], "I": []},
        },
    )
    return path


def new_use_case(data_dir: Path, use_case_id: str, title: str, owner: str) -> Path:
    """Create ``use_cases/<id>.yaml`` with every required field."""
    _check_text(title=title)
    pb = _playbook(data_dir)
    kind = kinds.get("use_case")
    _check_id("use case", use_case_id, set(kinds.index(pb, kind)))
    _check_ref(pb, "role", owner)
    relative = kind.file.replace("*", use_case_id)
    path = data_dir / relative
    if path.exists():
        raise ScaffoldError(f"{path} already exists")
    first_task = next(t.id for _, _, t in pb.tasks())
    todo = "TODO: write this section."
    record = {
        "id": use_case_id,
        "title": title,
        "status": "proposed",
        "risk_tier": 2,
        "owner": owner,
        "owner_roles": [owner],
        "summary": "TODO: one sentence on what the model does for whom.",
        "business_problem": todo,
        "value_hypothesis": todo,
        "kpis": [
            {"name": "TODO: KPI name", "target": 0, "direction": "at_least", "kind": "business"}
        ],
        "data_sources": [{"name": "TODO: source", "description": todo, "contains_pii": True}],
        "features": ["TODO: feature"],
        "model_approach": todo,
        "pipeline": [
            {
                "task": first_task,
                "tools": [],
                "note": "TODO: replace with the pipeline's real steps.",
            }
        ],
        "gates": [next(iter(pb.gates))],
        "deployment_pattern": "batch",
        "deployment": todo,
        "monitoring": [{"signal": "TODO: signal", "threshold": "TODO", "action": "TODO"}],
        "retrain_triggers": ["TODO: what triggers a retrain"],
        "risks": [
            {
                "risk": "TODO: risk",
                "mitigation": "TODO: mitigation",
                "controls": [next(iter(pb.controls))],
            }
        ],
        "architecture": todo,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    text = to_yaml(record)
    path.write_text(modeline(relative) + "\n" + text, encoding="utf-8")
    return path
