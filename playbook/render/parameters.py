"""Policy parameters in pages: the ``param`` macros, data placeholders and the reference page.

- Hand-written pages cite a parameter with ``{{ param("monitoring.psi_alert") }}``: its value
  and unit, linked to its row on the parameters page (:func:`render_param`).
- Data text cites one with ``[[param:monitoring.psi_alert]]``; :func:`resolve_placeholders`
  replaces it with the value as plain text before any renderer sees the data, so the usual
  escaping applies and data never passes through Jinja.
- :func:`render_parameters_page` lists every parameter by area with its value, unit, scope,
  owner, definition and the pages that cite it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from playbook.data.params import MACRO_CALL, PLACEHOLDER, Param, parameters, unknown_name
from playbook.render import links, refs
from playbook.render.common import data_note
from playbook.render.markdown import heading, markdown, table, text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from playbook.data.model import Playbook

_RESOLVED = "_placeholders_resolved"
_UNRESOLVED = "_placeholders_source"
_H1 = re.compile(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", re.MULTILINE)
SCOPE_NAMES = {"tier": "Risk tier", "use_case": "Use case"}


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def lookup(pb: Playbook, name: str) -> Param:
    """The parameter called ``name``.

    Raises:
        ValueError: no such parameter (the message suggests the closest name).
    """
    known = parameters(pb)
    if name not in known:
        raise ValueError(unknown_name(name, known))
    return known[name]


def value_text(pb: Playbook, name: str, scope: str | int | None = None) -> str:
    """A parameter's value as plain text with its unit (``5 business days``), unescaped.

    Raises:
        ValueError: unknown name, or no value for ``scope``.
    """
    param = lookup(pb, name)
    value = param.at(scope)
    if value is None or (scope is not None and param.varies_by and value is param.value):
        if scope is None:
            raise ValueError(
                f"parameter '{name}' varies by {param.varies_by}: name one, or use param_table"
            )
        listed = ", ".join(k for k, _ in param.values)
        raise ValueError(f"parameter '{name}' has no value for '{scope}' (it has: {listed})")
    return str(value)


def render_param(pb: Playbook, page: str, name: str, scope: str | int | None = None) -> str:
    """The ``param`` macro: the value linked to its row on the parameters page."""
    shown = value_text(pb, name, scope)
    target = links.md_href(links.PARAMETERS, page, parameters(pb)[name].anchor)
    return f"[{text(shown)}]({target})"


def render_bound(pb: Playbook, page: str, name: str) -> str:
    """A gate criterion's threshold that is a parameter: its value, or each scope's value."""
    known = parameters(pb)
    if name not in known:
        return text(name)  # the validator reports it
    param = known[name]
    target = links.md_href(links.PARAMETERS, page, param.anchor)
    if not param.varies_by:
        return f"[{text(param.value)}]({target})"
    scopes = [f"{_scope_name(pb, param.varies_by, k)}: {text(v)}" for k, v in param.values]
    default = [f"otherwise {text(param.value)}"] if param.value is not None else []
    return f"[{'; '.join(scopes + default)}]({target})"


def _scope_name(pb: Playbook, varies_by: str, key: str) -> str:
    if varies_by == "tier":
        return f"tier {key}"
    found = pb.use_cases.get(key)
    return found.title if found else key


def render_param_table(pb: Playbook, page: str, name: str) -> str:
    """The ``param_table`` macro: a parameter's value per tier or use case, as a table."""
    param = lookup(pb, name)
    if not param.varies_by:
        raise ValueError(f"parameter '{name}' does not vary; cite it with param()")
    rows = [[_scope_label(pb, page, param.varies_by, key), text(v)] for key, v in param.values]
    if param.value is not None:
        rows.append(["Any other", text(param.value)])
    target = links.md_href(links.PARAMETERS, page, param.anchor)
    return "\n" + table([SCOPE_NAMES[param.varies_by], f"[{text(param.label)}]({target})"], rows)


def _scope_label(pb: Playbook, page: str, varies_by: str, key: str) -> str:
    if varies_by == "tier":
        return f"Tier {text(key)}"
    return refs.use_case(pb, page, key)


def _substitute(pb: Playbook, value: str) -> str:
    def one(match: re.Match[str]) -> str:
        kind, body, scope = match.group(1), match.group(2).strip(), match.group(3)
        if kind == "literal":
            return body
        try:
            return value_text(pb, body, scope.strip() if scope else None)
        except ValueError:
            return body  # the validator reports it; a page never breaks on data

    return PLACEHOLDER.sub(one, value)


def _resolve(pb: Playbook, value: Any) -> Any:
    if isinstance(value, str):
        return _substitute(pb, value) if "[[" in value else value
    if isinstance(value, BaseModel):
        changed = {}
        for name in type(value).model_fields:
            item = getattr(value, name)
            new = _resolve(pb, item)
            if new is not item:
                changed[name] = new
        return value.model_copy(update=changed) if changed else value
    if isinstance(value, dict):
        items = {k: _resolve(pb, v) for k, v in value.items()}
        return items if any(items[k] is not value[k] for k in value) else value
    if isinstance(value, list):
        items_list = [_resolve(pb, v) for v in value]
        return (
            items_list if any(a is not b for a, b in zip(items_list, value, strict=True)) else value
        )
    return value


def resolve_placeholders(pb: Playbook) -> Playbook:
    """The playbook with every ``[[param:...]]`` and ``[[literal:...]]`` replaced by its text.

    Renderers then escape the result like any other data text; the policy file itself keeps
    its placeholders (the parameters page shows descriptions resolved too).
    """
    if pb.__dict__.get(_RESOLVED):
        return pb
    resolved: Playbook = _resolve(pb, pb)
    if resolved is pb:
        pb.__dict__[_RESOLVED] = True
        return pb
    resolved.__dict__[_RESOLVED] = True
    resolved.__dict__[_UNRESOLVED] = pb
    return resolved


def unresolved(pb: Playbook) -> Playbook:
    """The playbook as loaded, placeholders in place (itself when nothing was resolved)."""
    return pb.__dict__.get(_UNRESOLVED, pb)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------
# Who cites what
# --------------------------------------------------------------------------------------------


def _names_in(value: Any) -> Iterable[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "[[" in item:
                for match in PLACEHOLDER.finditer(item):
                    if match.group(1) == "param":
                        yield match.group(2).strip()
        elif isinstance(item, BaseModel):
            stack.extend(getattr(item, n) for n in type(item).model_fields)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _data_pages(pb: Playbook) -> Iterable[tuple[str, Any]]:
    """(page source URI, the records shown on it) for every page that shows data text."""
    yield links.HOME, pb.meta
    for role in pb.roles.values():
        yield links.role_page(role.id), role
    for phase in pb.phases:
        yield links.phase_page(phase.id), phase
    for uc in pb.use_cases.values():
        yield links.use_case_page(uc.id), uc
    yield links.TOOLS, [pb.categories, pb.tools]
    yield links.ARCHITECTURE, [pb.environments, pb.components, pb.flows]
    yield links.GAP_ANALYSIS, [pb.maturity_levels, pb.capabilities]
    yield links.TOOL_EVALUATION, [pb.criteria, pb.evaluations]
    yield links.GATES, pb.gates
    yield links.CONTROLS, [pb.sources, pb.controls]


def chapter_pages(pb: Playbook) -> dict[str, str]:
    """Hand-written chapter URI to the generated phase page it is merged into."""
    return {p.chapter: links.phase_page(p.id) for p in pb.phases if p.chapter}


def citations(pb: Playbook, docs: Mapping[str, str]) -> dict[str, list[str]]:
    """Parameter name to the source URIs of the pages that cite it, sorted."""
    cited: dict[str, set[str]] = {}
    for page, records in _data_pages(pb):
        for name in _names_in(records):
            cited.setdefault(name, set()).add(page)
    for gate in pb.gates.values():
        for criterion in gate.criteria:
            if criterion.param is not None:
                cited.setdefault(criterion.param, set()).add(links.GATES)
    merged = chapter_pages(pb)
    for uri, source in docs.items():
        if "param" not in source:
            continue
        for match in MACRO_CALL.finditer(source):
            cited.setdefault(match.group(2), set()).add(merged.get(uri, uri))
    return {name: sorted(pages) for name, pages in sorted(cited.items())}


def _page_label(pb: Playbook, uri: str, docs: Mapping[str, str]) -> str:
    phase = next((p for p in pb.phases if links.phase_page(p.id) == uri), None)
    if phase:
        return phase.name
    for uc in pb.use_cases.values():
        if links.use_case_page(uc.id) == uri:
            return uc.title
    for role in pb.roles.values():
        if links.role_page(role.id) == uri:
            return role.name
    fixed = {
        links.HOME: "Home",
        links.TOOLS: "Tool catalog",
        links.ARCHITECTURE: "Reference architecture",
        links.GAP_ANALYSIS: "Capability gap analysis",
        links.TOOL_EVALUATION: "Tool evaluation",
        links.GATES: "Stage gates",
        links.CONTROLS: "Controls",
    }
    if uri in fixed:
        return fixed[uri]
    found = _H1.search(docs.get(uri, ""))
    return found.group(1) if found else uri


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def _definition(pb: Playbook, page: str, param: Param) -> str:
    if param.area == "gates":
        gate = param.name.split(".")[1]
        return refs.gate(pb, page, gate)
    if param.area == "use_cases":
        return refs.use_case(pb, page, param.name.split(".")[1])
    return f"`{text(param.file)}`"


def _scope_cell(pb: Playbook, page: str, param: Param) -> str:
    if not param.varies_by:
        return "Firm-wide"
    parts = [f"{_scope_label(pb, page, param.varies_by, k)}: {text(v)}" for k, v in param.values]
    if param.value is not None:
        parts.append(f"any other: {text(param.value)}")
    return "<br>".join(parts)


def _value_cell(param: Param) -> str:
    if param.value is None:
        return "by " + text(SCOPE_NAMES[param.varies_by].lower())
    return text(param.value)


def render_parameters_page(pb: Playbook, page: str, docs: Mapping[str, str]) -> str:
    """The policy parameters reference: every governed number, grouped by area."""
    known = parameters(pb)
    cited = citations(unresolved(pb), docs)
    groups: dict[str, list[Param]] = {}
    titles: dict[str, str] = {}
    for param in known.values():
        groups.setdefault(param.area, []).append(param)
        titles[param.area] = param.area_name
    order = [a for a in (pb.policy.areas if pb.policy else {}) if a in groups]
    order += [a for a in ("gates", "use_cases") if a in groups]
    keys = ["policy.yaml", "gates.yaml", *(f"use_case:{u}" for u in pb.use_cases)]
    out = [
        "# Policy parameters\n\n",
        data_note(pb, *keys),
        "Every governed number of the playbook (thresholds, tolerances, durations, cadences, "
        "service levels, sizes and money) is defined once, in the record listed under "
        "*Defined in*. Chapters and data cite it by name instead of retyping it, so changing it "
        "there changes every page listed under *Cited by*. `playbook validate` reports a number "
        "written near a governed term that should cite one of these instead.\n\n",
    ]
    for area in order:
        out.append(heading(2, text(titles[area]), f"area-{area.replace('_', '-')}"))
        rows = []
        for param in groups[area]:
            pages = cited.get(param.name, [])
            rows.append(
                [
                    f"`{param.name}`{{ #{param.anchor} }}<br>{text(_substitute(pb, param.label))}",
                    _value_cell(param),
                    text(param.value.unit if param.value else param.values[0][1].unit) or "–",
                    _scope_cell(pb, page, param),
                    refs.role(pb, page, param.owner),
                    _definition(pb, page, param),
                    ", ".join(
                        f"[{text(_page_label(pb, uri, docs))}]({links.md_href(uri, page)})"
                        for uri in pages
                    )
                    or "–",
                ]
            )
        out.append(
            table(["Parameter", "Value", "Unit", "Scope", "Owner", "Defined in", "Cited by"], rows)
        )
        out.append("\n")
        described = [p for p in groups[area] if p.area not in ("gates", "use_cases")]
        if described:
            out.append(
                "".join(
                    f"`{p.name}`\n:   {markdown(_substitute(pb, p.description)).strip()}\n\n"
                    for p in described
                )
            )
    return "".join(out)
