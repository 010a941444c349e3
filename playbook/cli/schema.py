"""JSON Schemas for the data files, generated from the model so they cannot drift."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from playbook.data import kinds

if TYPE_CHECKING:
    from pathlib import Path


def schema_names() -> dict[str, str]:
    """Schema file name for each data-file pattern of the kind registry."""
    return {pattern: kinds.schema_name(pattern) for pattern in kinds.file_models()}


def json_schemas() -> dict[str, str]:
    """Schema file name to its JSON text, for every data file kind."""
    out: dict[str, str] = {}
    for pattern, model in kinds.file_models().items():
        schema = model.model_json_schema(mode="validation", by_alias=True)
        name = kinds.schema_name(pattern)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": name,
            **schema,
        }
        out[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    from playbook.cli.export import export_schema

    out["export.schema.json"] = json.dumps(export_schema(), indent=2, sort_keys=True) + "\n"
    return dict(sorted(out.items()))


def modeline(relative: str) -> str:
    """The ``# yaml-language-server`` line a data file at ``relative`` should start with."""
    from playbook.data.loader import canonical_name

    pattern = kinds.pattern_of(canonical_name(relative))
    if pattern is None:
        raise ValueError(f"no data model for '{relative}'")
    up = "../" * relative.count("/")
    return f"# yaml-language-server: $schema={up}schema/{kinds.schema_name(pattern)}"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema into ``out_dir``; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(out_dir: Path) -> list[str]:
    """Names of schema files in ``out_dir`` that are missing or differ from the model."""
    return [
        name
        for name, text in json_schemas().items()
        if not (out_dir / name).is_file() or (out_dir / name).read_text(encoding="utf-8") != text
    ]
