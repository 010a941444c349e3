"""The registry of record kinds: it matches the model, every consumer reads it, and a new kind
needs only a model class, a registry entry and a renderer (a toy kind proves it here)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import pytest
import yaml
from pydantic import BaseModel

from playbook.cli.diff import diff_playbooks, render_changes
from playbook.cli.export import export_document, export_schema
from playbook.cli.schema import json_schemas
from playbook.data import kinds
from playbook.data import model as m
from playbook.data.loader import load_uncached
from playbook.render import refs
from playbook.render.home import count, countable
from playbook.render.markdown import UNSEARCHED, heading, text
from playbook.render.pages import build_nav, generated_pages
from tests.helpers import VALID, copy_data, playbook_of, reference_data

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.render.pages import PageContext


def _svg(dot: str) -> str:
    return "<svg></svg>"


# --------------------------------------------------------------------------------------------
# The registry matches the model
# --------------------------------------------------------------------------------------------


def test_each_playbook_field_is_a_kind_and_each_top_level_kind_a_field() -> None:
    fields = set(m.Playbook.model_fields) - {"files"}
    assert {kind.plural for kind in kinds.top_level()} == fields


def test_kind_names_and_plurals_are_unique() -> None:
    assert len(set(kinds.names())) == len(kinds.KINDS)
    assert len({kind.plural for kind in kinds.KINDS}) == len(kinds.KINDS)


def _refs_in(annotation: Any, metadata: list[Any]) -> set[str]:
    found = {item.kind for item in metadata if isinstance(item, m.Ref)}
    for arg in getattr(annotation, "__args__", ()) or ():
        found |= _refs_in(arg, list(getattr(arg, "__metadata__", ())))
    return found


def test_every_reference_marker_names_a_kind() -> None:
    models = [v for v in vars(m).values() if isinstance(v, type) and issubclass(v, BaseModel)]
    marked = {
        ref
        for model in models
        for field in model.model_fields.values()
        for ref in _refs_in(field.annotation, list(field.metadata))
    }
    assert marked, "no field is marked as a reference"
    assert marked <= set(kinds.names())


def test_nested_kinds_live_in_their_parent_and_file() -> None:
    for kind in kinds.KINDS:
        if kind.within is None:
            assert kind.key == "" or kind.key in kind.file_model.model_fields, kind.name
            continue
        parent = kinds.get(kind.within)
        assert kind.file == parent.file, kind.name


def test_every_record_anchor_exists_on_its_page() -> None:
    pb = playbook_of(reference_data())
    pages = {p.src_uri: p.content for p in generated_pages(pb, [], _svg)}
    checked = set()
    for kind in kinds.KINDS:
        for record_id, where in kinds.index(pb, kind).items():
            target = kinds.page_of(kind, where, record_id)
            if target is None:
                continue
            page, anchor = target
            assert page in pages, f"{kind.name} {record_id}: no page {page}"
            if anchor is not None:
                marks = (f"{{ #{anchor} }}", f"{{ #{anchor} {UNSEARCHED} }}")
                assert any(mark in pages[page] for mark in marks), (
                    f"{kind.name} {record_id}: no anchor #{anchor} on {page}"
                )
            checked.add(kind.name)
    assert checked == {k.name for k in kinds.KINDS if k.page is not None}


def test_every_page_renderer_resolves() -> None:
    from playbook.render.pages import renderer

    for kind in kinds.KINDS:
        for spec in kind.pages:
            assert callable(renderer(spec.render)), spec.render


# --------------------------------------------------------------------------------------------
# A toy kind: model class, registry entry and renderer, nothing else
# --------------------------------------------------------------------------------------------


class Toy(m.Keyed):
    """A toy on the shelf."""

    name: m.Text
    keeper: Annotated[m.Slug, m.Ref("role")]
    description: m.Markdown


class ToysFile(m.Record):
    """``data/toys.yaml``."""

    toys: dict[m.Slug, Toy]


def render_toys(pb: m.Playbook, page: str, ctx: PageContext) -> str:
    """The toy shelf: an H2 per toy, anchored at its id, naming its keeper."""
    out = ["# Toy shelf\n\n"]
    for toy_id, where in kinds.index(pb, "toy").items():
        out.append(heading(2, text(where.record.name), toy_id))
        out.append(f"Kept by {refs.role(pb, page, where.record.keeper)}.\n\n")
    return "".join(out)


TOY = kinds.Kind(
    name="toy",
    plural="toys",
    file="toys.yaml",
    file_model=ToysFile,
    key="toys",
    title="Toys",
    page="technology/toys.md",
    anchor="{id}",
    count="toys",
    export="toys",
    pages=(kinds.PageSpec("technology/toys.md", f"{__name__}:render_toys"),),
)

TOYS = """\
toys:
  abacus:
    name: Abacus
    keeper: ml_engineer
    description: Counts beads.
  kite:
    name: Kite
    keeper: data_scientist
    description: Flies in the wind.
"""


@pytest.fixture(name="toy_data")
def fixture_toy_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The valid fixture plus ``toys.yaml``, with the toy kind registered."""
    monkeypatch.setattr(kinds, "KINDS", [*kinds.KINDS, TOY])
    data = copy_data(VALID, tmp_path / "data")
    (data / "toys.yaml").write_text(TOYS, encoding="utf-8")
    return data


def test_a_toy_kind_is_loaded_and_linked(toy_data: Path) -> None:
    pb = playbook_of(toy_data)
    toys = pb.toys
    assert [t.id for t in toys.values()] == ["abacus", "kite"]
    assert pb.files["toys.yaml"] == "data/toys.yaml"
    assert refs.ref(pb, "index.md", "toy", "kite") == "[Kite](technology/toys.md#kite)"
    assert count(pb, "toys") == 2
    assert countable()["toys"] == ("toys", "technology/toys.md")


def test_a_toy_kind_is_validated(toy_data: Path) -> None:
    (toy_data / "toys.yaml").write_text(TOYS.replace("keeper: ml_engineer", "keeper: nobody"))
    issues = [str(i) for i in load_uncached(toy_data).issues]
    assert "data/toys.yaml:4:5: error: unknown role 'nobody' [unknown-ref]" in issues
    (toy_data / "toys.yaml").unlink()
    issues = [str(i) for i in load_uncached(toy_data).issues]
    assert "data/toys.yaml:1:1: error: required file is missing [missing-file]" in issues


def test_a_toy_kind_gets_its_page_in_the_nav(toy_data: Path) -> None:
    pb = playbook_of(toy_data)
    pages = generated_pages(pb, [], _svg)
    [page] = [p for p in pages if p.src_uri == "technology/toys.md"]
    assert page.title == "Toy shelf"
    assert page.edit_path == "data/toys.yaml"
    assert "## Abacus { #abacus }" in page.content
    assert "Kept by [ML engineer](../people/roles/ml_engineer.md)." in page.content
    nav = build_nav(pages, [])
    technology = next(item["Technology"] for item in nav if "Technology" in item)
    assert "technology/toys.md" in technology
    reference = next(p for p in pages if p.src_uri == "reference/data-model.md")
    assert "## `data/toys.yaml`" in reference.content
    assert "### Toy { #model-toy }" in reference.content


def test_a_toy_kind_is_exported_with_a_schema(toy_data: Path) -> None:
    pb = playbook_of(toy_data)
    document = export_document(pb)
    assert document["toys"]["kite"] == {
        "id": "kite",
        "name": "Kite",
        "keeper": "data_scientist",
        "description": "Flies in the wind.",
    }
    assert "toys" in export_schema()["properties"]
    schema = json.loads(json_schemas()["toys.schema.json"])
    assert schema["$id"] == "toys.schema.json"
    assert set(schema["properties"]) == {"toys"}


def test_a_toy_kind_is_in_the_change_report(toy_data: Path, tmp_path: Path) -> None:
    old = playbook_of(toy_data)
    toys = yaml.safe_load(TOYS)
    toys["toys"]["kite"]["description"] = "Flies in a storm."
    del toys["toys"]["abacus"]
    (toy_data / "toys.yaml").write_text(yaml.safe_dump(toys), encoding="utf-8")
    new = playbook_of(toy_data)
    changes = [c for c in diff_playbooks(old, new) if c.section == "Toys"]
    assert [(c.record, c.kind, c.details) for c in changes] == [
        ("Abacus (abacus)", "removed", ()),
        ("Kite (kite)", "changed", ("description: Flies in the wind. → Flies in a storm.",)),
    ]
    assert {c.pages for c in changes} == {("technology/toys.md",)}
    assert {c.files for c in changes} == {("data/toys.yaml",)}
    report = render_changes(changes, "base", "head")
    assert "### Toys" in report
    assert "- `technology/toys.md`: toys: Abacus (abacus); toys: Kite (kite)" in report
