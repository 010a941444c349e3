"""A deterministic synthetic playbook at a multiple of the reference data, for scale tests.

At scale ``k`` the lifecycle has ``k`` times the reference tasks (each sub-phase is repeated
``k`` times), ``6k`` use cases, and roles and tools that grow slower than the work, as they do
in a real firm: ``15 k^0.41`` roles (60 at x30) and ``41 k^0.91`` tools (about 900 at x30).
Copies keep the reference RACI pattern, mapped onto role and tool copies round-robin, so the
synthetic data passes the validator exactly as the reference data does.
"""

from __future__ import annotations

import argparse
import copy
import shutil
from pathlib import Path
from typing import Any

import yaml

from playbook.cli.schema import modeline

ROOT = Path(__file__).resolve().parent.parent


def _copies(base: int, k: int, exponent: float) -> int:
    """How many copies of each of ``base`` items make ``base * k**exponent`` in total."""
    return max(1, round(base * k**exponent / base))


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, relative: str, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(modeline(relative) + "\n" + body, encoding="utf-8")


def _variant(ident: str, n: int) -> str:
    return ident if n == 0 else f"{ident}_x{n}"


def generate(out: Path, k: int, source: Path = ROOT / "data") -> Path:
    """Write the synthetic playbook at scale ``k`` into ``out`` (replaced); return ``out``."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out, ignore=shutil.ignore_patterns("lifecycle", "use_cases"))
    roles_doc = _read(source / "roles.yaml")
    tools_doc = _read(source / "tools.yaml")
    role_ids = list(roles_doc["roles"])
    tool_ids = list(tools_doc["tools"])
    role_copies = _copies(len(role_ids), k, 0.41)
    tool_copies = _copies(len(tool_ids), k, 0.91)

    def role(rid: str, n: int) -> str:
        return _variant(rid, n % role_copies)

    def tool(tid: str, n: int) -> str:
        return _variant(tid, n % tool_copies)

    roles = {}
    for n in range(role_copies):
        for rid, rec in roles_doc["roles"].items():
            roles[_variant(rid, n)] = {**rec, "name": rec["name"] + (f" {n + 1}" if n else "")}
    _write(out / "roles.yaml", "roles.yaml", {"roles": roles})

    tools = {}
    for n in range(tool_copies):
        for tid, rec in tools_doc["tools"].items():
            tools[_variant(tid, n)] = {
                **rec,
                "name": rec["name"] + (f" {n + 1}" if n else ""),
                "owner": role(rec["owner"], n),
            }
    _write(
        out / "tools.yaml", "tools.yaml", {"categories": tools_doc["categories"], "tools": tools}
    )

    task_copy = 0
    for phase_file in sorted((source / "lifecycle").glob("*.yaml")):
        phase = _read(phase_file)
        subs: dict[str, Any] = {}
        for n in range(k):
            for sid, sub in phase["sub_phases"].items():
                tasks = {}
                for tid, task in sub["tasks"].items():
                    new = copy.deepcopy(task)
                    task_copy += 1
                    if n:
                        new["name"] = f"{task['name']} ({n + 1})"
                        new["gates"] = []  # a gate is run by its one original task
                        raci = new["raci"]
                        for letter in ("R", "S", "C", "I"):
                            if letter in raci:
                                raci[letter] = [role(r, n) for r in raci[letter]]
                        raci["A"] = role(raci["A"], n) if isinstance(raci["A"], str) else raci["A"]
                        new["tools"] = [tool(t, task_copy) for t in task.get("tools", [])]
                    tasks[_variant(tid, n)] = new
                subs[_variant(sid, n)] = {**sub, "tasks": tasks}
        if phase.get("chapter"):
            phase["chapter"] = phase["chapter"]
        relative = f"lifecycle/{phase_file.name}"
        _write(out / relative, relative, {**phase, "sub_phases": subs})

    # An independence rule that names roles covers every copy of them.
    meta = _read(source / "playbook.yaml")
    for rule in meta.get("rules", {}).get("independence", {}).values():
        named = rule.get("subjects", {}).get("roles")
        if named:
            rule["subjects"]["roles"] = [_variant(r, n) for r in named for n in range(role_copies)]
    _write(out / "playbook.yaml", "playbook.yaml", meta)

    use_cases = [_read(p) for p in sorted((source / "use_cases").glob("*.yaml"))]
    for n in range(k):
        for uc in use_cases:
            new = copy.deepcopy(uc)
            new["id"] = _variant(uc["id"], n)
            if n:
                new["title"] = f"{uc['title']} ({n + 1})"
                new["owner"] = role(uc["owner"], n)
                new["owner_roles"] = [role(r, n) for r in uc["owner_roles"]]
                for step in new["pipeline"]:
                    step["tools"] = [tool(t, n * 7 + i) for i, t in enumerate(step["tools"])]
            relative = f"use_cases/{new['id']}.yaml"
            _write(out / relative, relative, new)

    # The model inventory: each use case's models, once per copy of the use case.
    if (source / "inventory.yaml").is_file():
        inventory = _read(source / "inventory.yaml")
        models = {}
        for n in range(k):
            for name, registered in inventory.get("models", {}).items():
                new = copy.deepcopy(registered)
                new["tags"]["playbook.use_case"] = _variant(new["tags"]["playbook.use_case"], n)
                models[name if n == 0 else f"{name}-x{n}"] = new
        _write(out / "inventory.yaml", "inventory.yaml", {**inventory, "models": models})
    return out


def main() -> None:
    """``python -m benchmarks.synthetic --scale K --out DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path(".cache/synthetic"))
    args = parser.parse_args()
    path = generate(args.out, args.scale)
    print(f"wrote scale x{args.scale} playbook to {path}")


if __name__ == "__main__":
    main()
