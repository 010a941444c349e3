"""Where each record lives on the site, and relative links between generated pages.

Pages are named by their MkDocs source URI (``people/roles/ml_engineer.md``). Markdown links use
those URIs relative to the linking page, so MkDocs validates and converts them; raw HTML and SVG
links use :func:`href`, which computes the final directory-style URL.
"""

from __future__ import annotations

import functools
import posixpath

from playbook.data import kinds

HOME = "index.md"
ROLES = "people/index.md"
RACI_MATRIX = "people/raci.md"
RACI_ROLLUP = "people/raci-rollup.md"
PROCESS = "process/index.md"
USE_CASES = "use-cases/index.md"
TOOLS = "technology/tools.md"
OVERLAY = "technology/overlay.md"
ARCHITECTURE = "technology/architecture.md"
GAP_ANALYSIS = "technology/gap-analysis.md"
TOOL_EVALUATION = "technology/tool-evaluation.md"
GATES = "governance/gates.md"
CONTROLS = "governance/controls.md"
PARAMETERS = "governance/parameters.md"
TRACEABILITY = "governance/traceability.md"
INDEPENDENCE = "governance/independence.md"
SELF_HEAL = "governance/self-heal.md"
DATA_REFERENCE = "reference/data-model.md"
MODEL_INVENTORY = "governance/model-inventory.md"
TAG_CONTRACT = "reference/model-registry-tags.md"


def role_page(role_id: str) -> str:
    """Source URI of a role's page."""
    return record_page("role", role_id)


def raci_phase_page(phase_id: str) -> str:
    """Source URI of a phase's page of the RACI matrix (when the matrix is split)."""
    return f"people/raci/{phase_id}.md"


def raci_rollup_phase_page(phase_id: str) -> str:
    """Source URI of a phase's page of the RACI roll-up (when the roll-up is split)."""
    return f"people/raci-rollup/{phase_id}.md"


def overlay_phase_page(phase_id: str) -> str:
    """Source URI of a phase's page of the tool overlay (when the overlay is split)."""
    return f"technology/overlay/{phase_id}.md"


def phase_page(phase_id: str) -> str:
    """Source URI of a phase's page; tasks and sub-phases are anchors on it."""
    return record_page("phase", phase_id)


def use_case_page(use_case_id: str) -> str:
    """Source URI of a use case's deep-dive page."""
    return record_page("use_case", use_case_id)


def record_page(kind: str, record_id: str) -> str:
    """Source URI of the page of a record of a top-level kind (the registry's ``page``)."""
    page = kinds.get(kind).page
    if page is None:
        raise ValueError(f"records of kind {kind!r} have no page")
    return page.format(id=record_id)


def model_page(slug: str) -> str:
    """Source URI of a registered model's card (``slug`` from ``model_slugs``)."""
    return f"governance/models/{slug}.md"


@functools.lru_cache(maxsize=1 << 16)
def relative(target: str, page: str) -> str:
    """``target`` source URI relative to the folder of ``page`` (both source URIs).

    Memoized: ``posixpath.relpath`` asks for the working directory on every call, and a large
    playbook makes tens of thousands of links between a few hundred pages.
    """
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def md_href(target: str, page: str, anchor: str | None = None) -> str:
    """A Markdown link target: relative ``.md`` path plus optional ``#anchor``."""
    path = "" if target == page else relative(target, page)
    return f"{path}#{anchor}" if anchor else (path or "#")


def url_of(src_uri: str) -> str:
    """The directory-style URL MkDocs gives ``src_uri`` (``a/b.md`` -> ``a/b/``)."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


@functools.lru_cache(maxsize=1 << 16)
def href(target: str, page: str, anchor: str | None = None) -> str:
    """A final relative URL from ``page`` to ``target`` for raw HTML and SVG links."""
    here = url_of(page)
    there = url_of(target)
    path = posixpath.relpath(there or ".", here.rstrip("/") or ".")
    if path == ".":
        path = "./"
    elif not path.endswith("/"):
        path += "/"
    return f"{path}#{anchor}" if anchor else path
