"""The generated data-model reference."""

from __future__ import annotations

import pytest
import yaml
from pydantic import BaseModel

from playbook.data import kinds
from playbook.data import model as m
from playbook.data.loader import load_uncached
from playbook.render.reference import EXAMPLES, anchor, render_data_reference, type_name
from tests.helpers import VALID


@pytest.fixture(name="reference", scope="module")
def fixture_reference() -> str:
    """The reference page for the valid fixture."""
    result = load_uncached(VALID)
    assert result.playbook is not None
    return render_data_reference(result.playbook, "reference/data-model.md")


@pytest.mark.parametrize("pattern", list(kinds.file_models()))
def test_each_data_file_has_a_section_and_a_valid_example(reference: str, pattern: str) -> None:
    assert f"## `data/{pattern}`" in reference
    example = yaml.safe_load(EXAMPLES[pattern])
    kinds.file_models()[pattern].model_validate(example)


def _models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    pending: list[type] = list(kinds.file_models().values())
    while pending:
        current = pending.pop()
        if current in seen or not issubclass(current, BaseModel):
            continue
        seen.append(current)
        for field in current.model_fields.values():
            text = repr(field.annotation)
            pending += [
                v
                for v in vars(m).values()
                if isinstance(v, type) and issubclass(v, BaseModel) and f".{v.__name__}'" in text
            ]
            if isinstance(field.annotation, type):
                pending.append(field.annotation)
    return seen


@pytest.mark.parametrize("model", _models(), ids=lambda model: model.__name__)
def test_every_field_of_every_model_is_documented(reference: str, model: type[BaseModel]) -> None:
    section = reference.split(f"{{ #{anchor(model)} }}", 1)[1].split("\n### ", 1)[0]
    for name, field in model.model_fields.items():
        if name == "id" and issubclass(model, m.Keyed):
            continue
        assert f"| `{field.alias or name}` |" in section, name


def test_field_descriptions_and_types_come_from_the_model(reference: str) -> None:
    tool = reference.split("{ #model-tool }", 1)[1].split("\n### ", 1)[0]
    assert "| `status` | `adopt` \\| `trial` \\| `assess` \\| `hold` | yes |" in tool
    assert "| `owner` | id | yes | The role that owns the tool. |" in tool
    assert "| `description` | Markdown | yes |" in tool
    assert "| `environments` | list of `dev` \\| `staging` \\| `prod` | no |" in tool
    assert "| `url` | URL | no |" in tool


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (m.Slug, "id"),
        (list[m.Slug], "list of id"),
        (dict[m.Slug, m.Role], "mapping of id to [Role](#model-role)"),
        (m.Slug | list[m.Slug], "id or list of id"),
        (int, "integer"),
        (float, "number"),
        (bool, "true / false"),
    ],
)
def test_type_names(annotation: object, expected: str) -> None:
    assert type_name(annotation) == expected


def test_anchor_is_kebab_case() -> None:
    assert anchor(m.IndependenceRule) == "model-independence-rule"
