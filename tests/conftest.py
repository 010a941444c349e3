"""Shared fixtures: fresh copies of the valid data set and the reference data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from playbook.data import sourcemap
from tests.helpers import VALID, copy_data, playbook_of, reference_data

#: The loader classes available here: libyaml-backed when PyYAML has it, and pure Python.
BACKENDS = sorted({sourcemap._Loader, sourcemap._PyLoader}, key=lambda cls: cls.__name__)

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook


@pytest.fixture(name="pb", scope="module")
def fixture_pb() -> Playbook:
    """The valid fixture's playbook, loaded once per test module (copy it to change it)."""
    return playbook_of(VALID)


@pytest.fixture(name="valid_data")
def fixture_valid_data(tmp_path: Path) -> Path:
    """A writable copy of ``tests/fixtures/valid`` named ``data``, as in the repository."""
    return copy_data(VALID, tmp_path / "data")


@pytest.fixture(name="reference_copy")
def fixture_reference_copy(tmp_path: Path) -> Path:
    """A writable copy of the reference data (or the fixture until ``data/`` validates)."""
    return copy_data(reference_data(), tmp_path / "data")


@pytest.fixture(name="runner")
def fixture_runner() -> CliRunner:
    """A Click runner for the ``playbook`` command group (stderr kept apart from stdout)."""
    return CliRunner()


@pytest.fixture(name="yaml_backend", params=BACKENDS, ids=[b.__name__ for b in BACKENDS])
def fixture_yaml_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    """Run the test once with each YAML parser the loader can use (libyaml, pure Python)."""
    monkeypatch.setattr(sourcemap, "_Loader", request.param)
    return request.param  # type: ignore[no-any-return]
