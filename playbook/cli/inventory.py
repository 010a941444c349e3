"""``playbook inventory``: pull the model registry into ``data/inventory.yaml``, or make a demo one.

The only module that talks to MLflow. The client is imported when a command runs (it takes
seconds), from the optional ``registry`` extra. The snapshot keeps the tags of the tag contract
(``playbook.*`` and ``mrm.*`` on models, ``validation.*`` on versions), the aliases, and the
versions they point at plus the latest one; it holds no timestamps, so pulling an unchanged
registry rewrites the same bytes.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import yaml

from playbook.cli.commands import DATA_OPTION, fail

if TYPE_CHECKING:
    from collections.abc import Callable

    from mlflow import MlflowClient

    from playbook.data.model import Playbook

#: Tag namespaces the snapshot keeps, on registered models and on model versions.
MODEL_TAGS = ("playbook.", "mrm.")
VERSION_TAGS = ("validation.",)
#: The header every snapshot starts with (the modeline makes editors check it).
HEADER = (
    "# yaml-language-server: $schema=schema/inventory.schema.json\n"
    "# The model registry's snapshot, written by `playbook inventory pull`: do not edit it by\n"
    "# hand. Pull again to refresh it; the pull request shows what changed in the registry.\n"
)
#: How often the pull reports progress on stderr, in registered models.
PROGRESS_EVERY = 25
#: Defaults for the MLflow client unless the environment sets them: no usage telemetry, and
#: an unreachable server fails in seconds instead of retrying for minutes.
CLIENT_ENV = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}
INSTALL_HINT = "the MLflow client is not installed: pip install 'mlops-playbook[registry]'"


class RegistryError(Exception):
    """The registry could not be read or written; the message is one line."""


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    message = lines[0] if lines else type(exc).__name__
    return message if len(message) <= 300 else message[:299] + "…"


def _client(tracking_uri: str, *, must_exist: bool) -> MlflowClient:
    """An MLflow client for ``tracking_uri`` (also the registry URI)."""
    for key, value in CLIENT_ENV.items():
        os.environ.setdefault(key, value)
    if tracking_uri.startswith("sqlite:///") and must_exist:
        path = Path(tracking_uri.removeprefix("sqlite:///").split("?", 1)[0])
        if not path.is_file():
            raise RegistryError(f"no registry database at '{path}'")
    try:
        from mlflow import MlflowClient
    except ImportError as exc:
        raise RegistryError(INSTALL_HINT) from exc
    try:
        return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    except Exception as exc:  # MLflow raises many kinds for a bad URI; each is one message here
        raise RegistryError(f"cannot open the registry '{tracking_uri}': {_one_line(exc)}") from exc


# --------------------------------------------------------------------------------------------
# Pull
# --------------------------------------------------------------------------------------------


def _kept(tags: dict[str, Any] | None, prefixes: tuple[str, ...]) -> dict[str, Any]:
    """The contract's tags, with integer-looking tier and findings values as integers."""
    kept: dict[str, Any] = {}
    for key, value in sorted((tags or {}).items()):
        if not key.startswith(prefixes):
            continue
        text = str(value)
        numeric = key in {"mrm.tier", "validation.findings_open"} and re.fullmatch(r"\d{1,9}", text)
        kept[key] = int(text) if numeric else text
    return kept


def _paged(fetch: Callable[[str | None], Any]) -> list[Any]:
    items: list[Any] = []
    token: str | None = None
    while True:
        page = fetch(token)
        items.extend(page)
        token = getattr(page, "token", None)
        if not token:
            return items


def _latest_version(client: MlflowClient, name: str) -> int | None:
    quote = "'" if "'" not in name else '"'
    if quote in name:
        return None  # the filter language cannot quote this name; the aliases still count
    found = client.search_model_versions(
        filter_string=f"name = {quote}{name}{quote}",
        order_by=["version_number DESC"],
        max_results=1,
    )
    return max((int(v.version) for v in found), default=None)


def _version(
    client: MlflowClient, name: str, number: int, runs: dict[str, str | None]
) -> dict[str, Any]:
    version = client.get_model_version(name, str(number))
    entry: dict[str, Any] = {}
    run_id = version.run_id or None
    if run_id:
        entry["run_id"] = run_id
        if run_id not in runs:
            try:
                runs[run_id] = str(client.get_run(run_id).info.experiment_id)
            except Exception:  # a deleted run, or one we may not read: keep the id alone
                runs[run_id] = None
        if runs[run_id] is not None:
            entry["experiment_id"] = runs[run_id]
    link = getattr(version, "run_link", None) or ""
    if link.startswith("https://"):
        entry["run_link"] = link
    tags = _kept(version.tags, VERSION_TAGS)
    if tags:
        entry["tags"] = tags
    return entry


def read_registry(
    tracking_uri: str, ui_url: str | None = None, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """The registry's snapshot as plain data, ready for :func:`snapshot_yaml`.

    Raises:
        RegistryError: The registry cannot be reached or read.
    """
    client = _client(tracking_uri, must_exist=True)
    try:
        found = _paged(
            lambda token: client.search_registered_models(max_results=200, page_token=token)
        )
        total = len(found)
        if total > PROGRESS_EVERY:
            progress(f"reading {total} registered models")
        models: dict[str, Any] = {}
        runs: dict[str, str | None] = {}
        for index, rm in enumerate(sorted(found, key=lambda m: m.name), start=1):
            aliases = {str(a): int(v) for a, v in sorted((rm.aliases or {}).items())}
            numbers = set(aliases.values())
            latest = _latest_version(client, rm.name)
            if latest is not None:
                numbers.add(latest)
            model: dict[str, Any] = {}
            if (rm.description or "").strip():
                model["description"] = rm.description.strip()
            model["tags"] = _kept(rm.tags, MODEL_TAGS)
            if aliases:
                model["aliases"] = aliases
            versions = {n: _version(client, rm.name, n, runs) for n in sorted(numbers)}
            if versions:
                model["versions"] = versions
            models[rm.name] = model
            if total > PROGRESS_EVERY and (index % PROGRESS_EVERY == 0 or index == total):
                progress(f"read {index}/{total} registered models")
    except RegistryError:
        raise
    except Exception as exc:  # network, permission, server or database errors alike
        raise RegistryError(f"cannot read the registry '{tracking_uri}': {_one_line(exc)}") from exc
    snapshot: dict[str, Any] = {}
    if ui_url:
        snapshot["ui_url"] = ui_url.rstrip("/")
    snapshot["models"] = models
    return snapshot


def snapshot_yaml(snapshot: dict[str, Any]) -> str:
    """The snapshot as the text of ``data/inventory.yaml``: keys sorted, the header first."""
    body = yaml.safe_dump(
        snapshot, sort_keys=True, allow_unicode=True, default_flow_style=False, width=100
    )
    return HEADER + body


# --------------------------------------------------------------------------------------------
# Demo registry
# --------------------------------------------------------------------------------------------


def create_demo(tracking_uri: str, pb: Playbook) -> list[str]:
    """Fill an empty registry with the demo models of :mod:`playbook.cli.inventory_demo`.

    Tiers come from the use cases in ``pb``, so the demo follows the playbook's data.

    Returns:
        The names of the registered models created.

    Raises:
        RegistryError: The registry is not empty, a use case is missing, or MLflow failed.
    """
    from playbook.cli.inventory_demo import DEMO_MODELS, DEMO_UI

    client = _client(tracking_uri, must_exist=False)
    try:
        if client.search_registered_models(max_results=1):
            raise RegistryError(f"the registry '{tracking_uri}' already has models; use a new one")
        created = []
        for demo in DEMO_MODELS:
            use_case = pb.use_cases.get(demo.use_case)
            if use_case is None:
                raise RegistryError(f"the demo needs use case '{demo.use_case}' in the data")
            tags = {"playbook.use_case": use_case.id, "mrm.tier": str(use_case.risk_tier)}
            tags |= demo.tags
            client.create_registered_model(demo.name, tags=tags, description=demo.description)
            for number, version in enumerate(demo.versions, start=1):
                run_link = f"{DEMO_UI}/#/experiments/{demo.experiment}/runs/{version.run}"
                client.create_model_version(
                    demo.name,
                    source=f"s3://northbridge-ml-artifacts/{use_case.id}/v{number}/model",
                    tags=version.tags,
                    run_link=run_link,
                    description=version.description,
                )
            for alias, number in sorted(demo.aliases.items()):
                client.set_registered_model_alias(demo.name, alias, str(number))
            created.append(demo.name)
    except RegistryError:
        raise
    except Exception as exc:
        raise RegistryError(
            f"cannot write the registry '{tracking_uri}': {_one_line(exc)}"
        ) from exc
    return created


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------

TRACKING_URI = click.option(
    "--tracking-uri",
    required=True,
    help="The MLflow tracking URI: sqlite:///registry.db, http(s)://host, databricks, ...",
)


@click.group()
def inventory() -> None:
    """The model inventory: a snapshot of the MLflow model registry in data/inventory.yaml."""


@inventory.command()
@TRACKING_URI
@DATA_OPTION
@click.option(
    "--ui-url",
    default=None,
    help="The MLflow UI that run links on model cards point at; by default the tracking URI "
    "when it is https://.",
)
def pull(tracking_uri: str, data_dir: Path, ui_url: str | None) -> None:
    """Read registered models, versions, aliases and tags into DATA/inventory.yaml."""
    if not data_dir.is_dir():
        fail(f"data folder '{data_dir}' not found")
    if ui_url is None and tracking_uri.startswith("https://"):
        ui_url = tracking_uri
    if ui_url is not None:
        from pydantic import TypeAdapter, ValidationError

        from playbook.data.model import HttpsUrl

        try:
            TypeAdapter(HttpsUrl).validate_python(ui_url.rstrip("/"))
        except ValidationError:
            fail(f"--ui-url must be an https:// URL without quotes or brackets (got {ui_url!r})")
    try:
        snapshot = read_registry(
            tracking_uri, ui_url, progress=lambda line: click.echo(line, err=True)
        )
    except RegistryError as exc:
        fail(str(exc))
    out = data_dir / "inventory.yaml"
    text = snapshot_yaml(snapshot)
    changed = not out.is_file() or out.read_text(encoding="utf-8") != text
    out.write_text(text, encoding="utf-8")
    count = len(snapshot["models"])
    state = "updated" if changed else "unchanged"
    click.echo(f"{out}: {count} registered model{'s' * (count != 1)} ({state})")


@inventory.command()
@TRACKING_URI
@DATA_OPTION
def demo(tracking_uri: str, data_dir: Path) -> None:
    """Create a demo registry for the reference use cases (for a SQLite URI, a new file)."""
    from playbook.data.issues import errors, format_text
    from playbook.data.loader import load_playbook

    result = load_playbook(data_dir)
    if result.playbook is None or errors(result.issues):
        click.echo(format_text(errors(result.issues)), err=True)
        sys.exit(1)
    try:
        names = create_demo(tracking_uri, result.playbook)
    except RegistryError as exc:
        fail(str(exc))
    click.echo(f"created {len(names)} registered models in {tracking_uri}: {', '.join(names)}")
