"""Graphviz DOT text for the playbook's diagrams: lifecycle, use-case pipeline, architecture.

Pure functions: the model in, DOT source out; :mod:`playbook.render.svg` turns it into SVG. Every
node carries a ``URL`` (a final relative URL from the page it is drawn on, computed with
:func:`playbook.render.links.href`) and a ``tooltip``, so the SVG is navigable. Colours are
mid-tones that read on white and on Material's dark ("slate") background; fills and text are
re-themed for dark mode in ``docs/assets/stylesheets/diagrams.css`` through the ``class``
attributes set here.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from typing import TYPE_CHECKING

from playbook.render import links
from playbook.render.markdown import plain_text
from playbook.safety import dot_string as quote
from playbook.safety import escape

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from playbook.data.model import Flow, Playbook, UseCase

#: Helvetica has built-in metrics in every Graphviz build (including graphviz-pure); the SVG
#: post-processor widens the family to ``Helvetica,Arial,sans-serif``.
FONT = "Helvetica"

# A neutral palette (Tailwind slate, with amber gates) that reads on white and dark backgrounds.
TEXT = "#1e293b"
MUTED = "#475569"
NODE_FILL = "#f1f5f9"
NODE_LINE = "#64748b"
PHASE_FILL = "#dbe4ee"
CLUSTER_LINE = "#94a3b8"
GATE_FILL = "#fef3c7"
GATE_LINE = "#b45309"

#: Edge style per flow kind: (colour, style, pen width). Colours keep >= 3:1 contrast against
#: both white and Material's slate background.
FLOW_STYLES: dict[str, tuple[str, str, float]] = {
    "data": ("#64748b", "solid", 1.0),
    "deployment": ("#0891b2", "solid", 1.4),
    "promotion": ("#6366f1", "bold", 2.4),
    "feedback": ("#16a34a", "dotted", 1.6),
    "rollback": ("#dc2626", "dashed", 1.6),
}

_GRAPH_DEFAULTS = {
    "bgcolor": "transparent",
    "fontname": FONT,
    "fontsize": "12",
    "fontcolor": TEXT,
    "pad": "0.2",
}
_NODE_DEFAULTS = {
    "shape": "box",
    "style": "rounded,filled",
    "fontname": FONT,
    "fontsize": "11",
    "fontcolor": TEXT,
    "fillcolor": NODE_FILL,
    "color": NODE_LINE,
    "penwidth": "1",
    "margin": "0.12,0.06",
}
_EDGE_DEFAULTS = {
    "fontname": FONT,
    "fontsize": "10",
    "fontcolor": MUTED,
    "color": FLOW_STYLES["data"][0],
    "arrowsize": "0.7",
}


# --------------------------------------------------------------------------------------------
# DOT text helpers
# --------------------------------------------------------------------------------------------


class HtmlLabel(str):
    """A Graphviz HTML-like label built by :func:`_label` from escaped text.

    Only this type is written as ``<...>``; every other attribute value, even one that starts
    with ``<`` and ends with ``>``, goes through :func:`playbook.safety.dot_string`.
    """

    __slots__ = ()


def _attrs(attrs: Mapping[str, str | None]) -> str:
    """``[k="v", ...]``; only an :class:`HtmlLabel` is written as an HTML-like label."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        is_html = isinstance(value, HtmlLabel) and key in {"label", "xlabel"}
        parts.append(f"{key}={f'<{value}>' if is_html else quote(value)}")
    return "[" + ", ".join(parts) + "]"


def _wrap(value: str, width: int) -> list[str]:
    return textwrap.wrap(value, width=width, break_long_words=False, break_on_hyphens=False) or [
        value
    ]


def _label(
    title: str,
    detail: str = "",
    *,
    bold: bool = False,
    width: int = 22,
    detail_width: int | None = None,
    detail_size: int = 9,
) -> HtmlLabel:
    """An HTML-like label: the wrapped title, then an optional smaller second line."""
    lines = "<BR/>".join(escape(line) for line in _wrap(title, width))
    if bold:
        lines = f"<B>{lines}</B>"
    if detail:
        small = "<BR/>".join(escape(line) for line in _wrap(detail, detail_width or width + 6))
        lines += f'<BR/><FONT POINT-SIZE="{detail_size}">{small}</FONT>'
    return HtmlLabel(lines)


_BLOCK_MARKS = re.compile(r"[#>]+")


def plain(markdown: str, limit: int = 220) -> str:
    """A Markdown field reduced to one line of plain text for a tooltip."""
    flat = " ".join(_BLOCK_MARKS.sub("", plain_text(markdown)).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _node_id(kind: str, key: str) -> str:
    return quote(f"{kind}:{key}")


class _Dot:
    """A tiny ordered DOT writer: statements appended in call order, so output is stable."""

    def __init__(self, name: str, graph: Mapping[str, str]) -> None:
        self.lines = [f"digraph {quote(name)} {{"]
        self.lines.append(f"  graph {_attrs({**_GRAPH_DEFAULTS, **graph})};")
        self.lines.append(f"  node {_attrs(_NODE_DEFAULTS)};")
        self.lines.append(f"  edge {_attrs(_EDGE_DEFAULTS)};")
        self.indent = "  "

    def node(self, node_id: str, **attrs: str | None) -> None:
        self.lines.append(f"{self.indent}{node_id} {_attrs(attrs)};")

    def edge(self, tail: str, head: str, **attrs: str | None) -> None:
        self.lines.append(f"{self.indent}{tail} -> {head} {_attrs(attrs)};")

    def open(self, name: str, **attrs: str | None) -> None:
        self.lines.append(f"{self.indent}subgraph {quote(name)} {{")
        self.indent += "  "
        for key, value in attrs.items():
            if value is not None:
                self.lines.append(f"{self.indent}{_attrs({key: value})[1:-1]};")

    def close(self) -> None:
        self.indent = self.indent[:-2]
        self.lines.append(f"{self.indent}}}")

    def raw(self, statement: str) -> None:
        self.lines.append(f"{self.indent}{statement}")

    def source(self) -> str:
        return "\n".join([*self.lines, "}"]) + "\n"


_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def _names(pb: Playbook, tool_ids: Iterable[str], *, short: bool = True) -> str:
    """Tool names, comma-separated; ``short`` drops parenthesised qualifiers."""
    names = (pb.tools[t].name if t in pb.tools else t for t in tool_ids)
    return ", ".join(_PARENTHESES.sub("", n) if short else n for n in names)


# --------------------------------------------------------------------------------------------
# Lifecycle
# --------------------------------------------------------------------------------------------


#: Phase columns per row of the lifecycle diagram.
LIFECYCLE_PER_ROW = 3


def to_dot_lifecycle_compact(pb: Playbook, page: str) -> str:
    """The lifecycle for a phone: one column of phases, each with its sub-phase and task counts.

    Returns:
        DOT text. Phase nodes link to the phase page.
    """
    dot = _Dot(
        f"{pb.meta.title}: the ML lifecycle",
        {"rankdir": "TB", "nodesep": "0.2", "ranksep": "0.18"},
    )
    heads = []
    for phase in pb.phases:
        n_tasks = sum(len(sub.tasks) for sub in phase.sub_phases.values())
        head = _node_id("phase", phase.id)
        dot.node(
            head,
            label=_label(
                f"{phase.order}. {phase.name}",
                f"{len(phase.sub_phases)} sub-phases · {n_tasks} tasks",
                bold=True,
                width=26,
                detail_width=34,
                detail_size=11,
            ),
            URL=links.href(links.phase_page(phase.id), page),
            tooltip=f"{phase.name}: {plain(phase.summary)}",
            fillcolor=PHASE_FILL,
            fontsize="13",
            width="2.9",
            **{"class": "pb-node pb-node--phase"},
        )
        heads.append(head)
    for upper, lower in itertools.pairwise(heads):
        dot.edge(upper, lower, color=NODE_LINE, penwidth="1.4")
    return dot.source()


def to_dot_lifecycle(pb: Playbook, page: str) -> str:
    """The lifecycle left to right in rows of phase columns, sub-phases under each phase.

    Args:
        pb: The playbook.
        page: Source URI of the page the diagram is drawn on (links are relative to it).

    Returns:
        DOT text. Phase nodes link to the phase page; sub-phase nodes to their anchor on it.
    """
    dot = _Dot(
        f"{pb.meta.title}: the ML lifecycle",
        {"rankdir": "TB", "nodesep": "0.22", "ranksep": "0.16", "newrank": "true"},
    )
    # Rows of three phase columns keep the diagram narrow enough to read in a content column
    # (text at 11 px or more at 1440 px; phones get to_dot_lifecycle_compact instead).
    per_row = max(1, min(LIFECYCLE_PER_ROW, len(pb.phases)))
    heads: list[str] = []
    bottoms: list[str] = []
    for phase in pb.phases:
        n_tasks = sum(len(sub.tasks) for sub in phase.sub_phases.values())
        dot.open(
            f"cluster_{phase.id}",
            label="",
            style="rounded",
            color=CLUSTER_LINE,
            penwidth="0.8",
            margin="6",
            **{"class": "pb-cluster"},
        )
        head = _node_id("phase", phase.id)
        dot.node(
            head,
            label=_label(f"{phase.order}. {phase.name}", f"{n_tasks} tasks", bold=True, width=20),
            URL=links.href(links.phase_page(phase.id), page),
            tooltip=f"{phase.name}: {plain(phase.summary)}",
            fillcolor=PHASE_FILL,
            width="1.9",
            **{"class": "pb-node pb-node--phase"},
        )
        column = [head]
        for sub in phase.sub_phases.values():
            node = _node_id("sub_phase", f"{phase.id}.{sub.id}")
            dot.node(
                node,
                label=_label(sub.name, f"{len(sub.tasks)} tasks", width=20),
                URL=links.href(links.phase_page(phase.id), page, sub.id),
                tooltip=f"{sub.name} ({phase.name}): {plain(sub.description)}",
                width="1.9",
                **{"class": "pb-node"},
            )
            column.append(node)
        # Sub-phases hang under their phase; the invisible chain fixes their order.
        for upper, lower in itertools.pairwise(column):
            dot.edge(upper, lower, style="invis")
        dot.close()
        heads.append(head)
        bottoms.append(column[-1])
    for start in range(0, len(heads), per_row):
        row = heads[start : start + per_row]
        dot.raw("{ rank=same; " + "; ".join(row) + "; }")
        if start:
            # Push this row below the deepest column of the row above (weight 0, so shorter
            # columns are not pulled down towards it).
            for bottom in bottoms[start - per_row : start]:
                dot.edge(bottom, row[0], style="invis", weight="0")
    for i, (upper, lower) in enumerate(itertools.pairwise(heads)):
        names = pb.phases[i].name, pb.phases[i + 1].name
        dot.edge(
            upper,
            lower,
            color=NODE_LINE,
            penwidth="1.4",
            constraint="true" if (i + 1) % per_row else "false",
            tooltip=f"From {names[0]} to {names[1]}",
        )
    return dot.source()


# --------------------------------------------------------------------------------------------
# Use-case pipeline
# --------------------------------------------------------------------------------------------


def _pipeline_sequence(pb: Playbook, use_case: UseCase) -> list[tuple[str, int, str | None]]:
    """Pipeline items in order: ``("step", index, phase_id)`` and ``("gate", n, gate_id)``.

    A gate goes right after the step that runs its review task when that task is in the
    pipeline; otherwise after the last step whose phase is not later than the phase of the
    gate's task (before the first step if there is none).
    """
    index = pb.task_index()
    order = {phase.id: phase.order for phase in pb.phases}

    def phase_of(task_id: str) -> str | None:
        found = index.get(task_id)
        return found[0].id if found else None

    steps = [phase_of(step.task) for step in use_case.pipeline]
    after: dict[int, list[str]] = {}
    for gate_id in use_case.gates:
        gate = pb.gates.get(gate_id)
        if gate is None:
            continue
        own = [i for i, step in enumerate(use_case.pipeline) if step.task == gate.task]
        if own:
            position = own[-1]
        else:
            limit = order.get(phase_of(gate.task) or "", 0)
            earlier = [i for i, p in enumerate(steps) if order.get(p or "", 0) <= limit]
            position = earlier[-1] if earlier else -1
        after.setdefault(position, []).append(gate_id)
    sequence: list[tuple[str, int, str | None]] = [
        ("gate", n, g) for n, g in enumerate(after.get(-1, []))
    ]
    for i, phase_id in enumerate(steps):
        sequence.append(("step", i, phase_id))
        sequence.extend(("gate", n, g) for n, g in enumerate(after.get(i, [])))
    return sequence


def to_dot_use_case_pipeline(pb: Playbook, use_case: UseCase, page: str) -> str:
    """A use case's pipeline top to bottom, grouped by phase, with its gates as diamonds.

    Args:
        pb: The playbook.
        use_case: The use case whose ``pipeline`` and ``gates`` are drawn.
        page: Source URI of the page the diagram is drawn on.

    Returns:
        DOT text. Steps link to their task anchor on the phase page, gates to
        ``governance/gates.md#<gate>``; each step's second label line lists its tools.
    """
    index = pb.task_index()
    phases = {phase.id: phase for phase in pb.phases}
    dot = _Dot(
        f"{use_case.title}: pipeline",
        {"rankdir": "TB", "nodesep": "0.25", "ranksep": "0.2"},
    )
    open_phase: str | None = None
    run = 0
    # Edges are written after every cluster is closed: an edge statement inside a cluster
    # would pull its other end (a gate) into that cluster.
    chain: list[str] = []
    for kind, n, ref in _pipeline_sequence(pb, use_case):
        if kind == "step":
            step = use_case.pipeline[n]
            phase_id = ref
            if phase_id != open_phase:
                if open_phase is not None:
                    dot.close()
                    open_phase = None
                if phase_id is not None:
                    phase = phases[phase_id]
                    run += 1
                    dot.open(
                        f"cluster_{run}_{phase_id}",
                        label=phase.name,
                        labeljust="l",
                        style="rounded",
                        color=CLUSTER_LINE,
                        fontcolor=MUTED,
                        fontsize="10",
                        penwidth="0.8",
                        URL=links.href(links.phase_page(phase_id), page),
                        tooltip=f"Phase: {phase.name}",
                        **{"class": "pb-cluster"},
                    )
                    open_phase = phase_id
            found = index.get(step.task)
            name = found[2].name if found else step.task
            target = (
                links.href(links.phase_page(found[0].id), page, step.task)
                if found
                else links.href(links.PROCESS, page)
            )
            tools = step.tools or (list(found[2].tools) if found else [])
            node = _node_id("step", str(n))
            dot.node(
                node,
                label=_label(name, _names(pb, tools), bold=True, width=34),
                URL=target,
                tooltip=f"{name}: {step.note}",
                width="3.2",
                **{"class": "pb-node"},
            )
        else:
            if open_phase is not None:
                dot.close()
                open_phase = None
            gate = pb.gates[ref or ""]
            node = _node_id("gate", f"{ref}.{n}")
            dot.node(
                node,
                label=_label(gate.name, width=22),
                shape="diamond",
                style="filled",
                fillcolor=GATE_FILL,
                color=GATE_LINE,
                fontsize="10",
                margin="0.02",
                URL=links.href(links.GATES, page, gate.id),
                tooltip=f"Gate {gate.name}: {gate.from_stage} to {gate.to_stage}",
                **{"class": "pb-gate"},
            )
        chain.append(node)
    if open_phase is not None:
        dot.close()
    for tail, head in itertools.pairwise(chain):
        dot.edge(tail, head, color=NODE_LINE)
    return dot.source()


# --------------------------------------------------------------------------------------------
# Architecture
# --------------------------------------------------------------------------------------------

ENVIRONMENT_ORDER = ("dev", "staging", "prod")


def environment_anchor(env_id: str) -> str:
    """The anchor of an environment's section on the architecture page."""
    return f"environment-{env_id}"


def _flow_tooltip(pb: Playbook, flow: Flow) -> str:
    source = pb.components.get(flow.source)
    target = pb.components.get(flow.target)
    text = (
        f"{source.name if source else flow.source} to {target.name if target else flow.target}"
        f" ({flow.kind}): {flow.label}"
    )
    if flow.gate and flow.gate in pb.gates:
        text += f". Gate: {pb.gates[flow.gate].name}"
    return text


# --------------------------------------------------------------------------------------------
# Architecture, readable at column width: an overview of environments, one diagram per
# environment
# --------------------------------------------------------------------------------------------

#: Readable sizes for the column-width diagrams (points; 1 pt renders as 1.33 px unscaled).
_READABLE = {"fontsize": "12"}
GHOST_FILL = "#ffffff"


def environment_ids(pb: Playbook) -> list[str]:
    """Environment ids: dev, staging and prod first, in that order, then any others."""
    envs = [e for e in ENVIRONMENT_ORDER if e in pb.environments]
    return envs + [e for e in pb.environments if e not in envs]


def to_dot_environments(pb: Playbook, page: str) -> str:
    """The architecture at a glance: one node per environment, one arrow per direction.

    An arrow stands for every flow between two environments; it is labelled with the stage
    gates that guard them (else the number of flows) and styled as the strongest kind among
    them (promotion, deployment, rollback, feedback, data).
    """
    dot = _Dot(
        f"{pb.meta.title}: environments and the gates between them",
        {"rankdir": "TB", "nodesep": "0.6", "ranksep": "0.5", **_READABLE},
    )
    envs = environment_ids(pb)
    rank = {env_id: i for i, env_id in enumerate(envs)}
    for env_id in envs:
        env = pb.environments[env_id]
        members = [c for c in pb.components.values() if c.environment == env_id]
        dot.node(
            quote(f"environment:{env_id}"),
            label=_label(env.name, f"{len(members)} components", bold=True, width=14),
            URL=links.href(links.ARCHITECTURE, page, environment_anchor(env_id)),
            tooltip=f"{env.name}: {plain(env.description)}",
            fillcolor=PHASE_FILL,
            fontsize="13",
            margin="0.2,0.12",
            **{"class": "pb-node pb-node--phase"},
        )
    strength = ("promotion", "deployment", "rollback", "feedback", "data")
    pairs: dict[tuple[str, str], list[Flow]] = {}
    for flow in pb.flows.values():
        source, target = pb.components.get(flow.source), pb.components.get(flow.target)
        if source and target and source.environment != target.environment:
            pairs.setdefault((source.environment, target.environment), []).append(flow)
    for (source_env, target_env), flows in sorted(
        pairs.items(), key=lambda item: (rank.get(item[0][0], 0), rank.get(item[0][1], 0))
    ):
        kind = min((f.kind for f in flows), key=lambda k: strength.index(k) if k in strength else 9)
        color, style, width = FLOW_STYLES[kind]
        gates = list(dict.fromkeys(f.gate for f in flows if f.gate and f.gate in pb.gates))
        label = (
            "\n".join(pb.gates[g].name for g in gates)
            if gates
            else f"{len(flows)} flow{'s' if len(flows) != 1 else ''}"
        )
        dot.edge(
            quote(f"environment:{source_env}"),
            quote(f"environment:{target_env}"),
            label=_label(label.replace("\n", "; "), width=22),
            color=color,
            style=style,
            penwidth=str(width),
            fontsize="11",
            fontcolor=TEXT,
            constraint=None if rank.get(target_env, 0) >= rank.get(source_env, 0) else "false",
            tooltip="; ".join(_flow_tooltip(pb, f) for f in flows)[:400],
            **{"class": f"pb-edge pb-edge--{kind}"},
        )
    return dot.source()


def to_dot_environment(pb: Playbook, page: str, env_id: str) -> str:
    """One environment: its components (names only) and their flows, top to bottom.

    Flows to and from other environments end at one small node per other environment, which
    links to that environment's section, so the diagram stays as narrow as its own content.
    """
    env = pb.environments[env_id]
    dot = _Dot(
        f"{pb.meta.title}: {env.name}",
        {"rankdir": "TB", "nodesep": "0.25", "ranksep": "0.35", **_READABLE},
    )
    members = [c for c in pb.components.values() if c.environment == env_id]
    inside = {c.id for c in members}
    for comp in members:
        dot.node(
            _node_id("component", comp.id),
            label=_label(comp.name, bold=True, width=18),
            URL=links.href(links.ARCHITECTURE, page, comp.id),
            tooltip=f"{comp.name} ({_names(pb, comp.tools, short=False)}): "
            f"{plain(comp.description)}",
            fontsize="12",
            **{"class": "pb-node"},
        )
    # Other environments appear as small dashed nodes: "from" ones on top, "to" ones below.
    ghosts: dict[tuple[str, str], str] = {}
    for flow in pb.flows.values():
        source, target = pb.components.get(flow.source), pb.components.get(flow.target)
        if source is None or target is None or not ({flow.source, flow.target} & inside):
            continue
        ends = []
        for comp, side in ((source, "from"), (target, "to")):
            if comp.id in inside:
                ends.append(_node_id("component", comp.id))
                continue
            ghost = quote(f"environment:{side}:{comp.environment}")
            ghosts[(side, comp.environment)] = ghost
            ends.append(ghost)
        color, style, width = FLOW_STYLES[flow.kind]
        gate = pb.gates.get(flow.gate) if flow.gate else None
        attrs: dict[str, str | None] = {
            "color": color,
            "style": style,
            "penwidth": str(width),
            "tooltip": _flow_tooltip(pb, flow),
            "class": f"pb-edge pb-edge--{flow.kind}",
        }
        if gate is not None:
            attrs["URL"] = links.href(links.GATES, page, gate.id)
            if flow.kind == "promotion":
                attrs["label"] = _label(gate.name, width=16)
                attrs["fontcolor"] = TEXT
                attrs["fontsize"] = "11"
        dot.edge(ends[0], ends[1], **attrs)
    for side in ("from", "to"):
        placed = []
        for (ghost_side, other), ghost in ghosts.items():
            if ghost_side != side:
                continue
            name = pb.environments[other].name if other in pb.environments else other
            dot.node(
                ghost,
                label=_label(f"{side.capitalize()} {name}", width=22),
                URL=links.href(links.ARCHITECTURE, page, environment_anchor(other)),
                tooltip=f"Flows {side} {name}",
                style="rounded,dashed,filled",
                fillcolor=GHOST_FILL,
                fontcolor=MUTED,
                fontsize="11",
                **{"class": "pb-node pb-node--ghost"},
            )
            placed.append(ghost)
        if placed:
            dot.raw(f"{{ rank={'source' if side == 'from' else 'sink'}; {'; '.join(placed)}; }}")
    return dot.source()


# --------------------------------------------------------------------------------------------
# Gate flow
# --------------------------------------------------------------------------------------------

#: Stages a model is "in production" from: gates leaving them form the second column.
_LIVE_STAGES = frozenset({"production", "retired"})


def to_dot_gate_flow(
    pb: Playbook, page: str, signers: Mapping[str, list[str]], *, one_column: bool = False
) -> str:
    """The stage gates in order, each with the role that signs it (its Accountable approver).

    Two columns: the path to production, then the gates a live model passes (from production
    on); with ``one_column`` (for phones), one column in data order. Each gate links to its
    section on the gates page.

    Args:
        pb: The playbook.
        page: Source URI of the page the diagram is drawn on.
        signers: Gate id to the role ids Accountable for it
            (:func:`playbook.render.signoff.gate_signers`).
    """
    dot = _Dot(
        f"{pb.meta.title}: stage gates and who signs them",
        {"rankdir": "TB", "nodesep": "0.5", "ranksep": "0.22", "newrank": "true"},
    )
    columns: dict[bool, list[str]] = {False: [], True: []}
    for gate in pb.gates.values():
        names = [pb.roles[r].name if r in pb.roles else r for r in signers.get(gate.id, [])]
        stages = f"{gate.from_stage} → {gate.to_stage}".replace("_", " ")
        node = _node_id("gate", gate.id)
        dot.node(
            node,
            label=_label(
                gate.name,
                f"Signs: {', '.join(names) or 'nobody'}",
                bold=True,
                width=24,
                detail_width=30,
                detail_size=11,
            ),
            URL=links.href(links.GATES, page, gate.id),
            tooltip=f"{gate.name} ({stages}): {plain(gate.description)}",
            fillcolor=GATE_FILL,
            color=GATE_LINE,
            fontsize="12",
            width="2.8",
            **{"class": "pb-gate"},
        )
        columns[gate.from_stage in _LIVE_STAGES and not one_column].append(node)
    for column in columns.values():
        for upper, lower in itertools.pairwise(column):
            dot.edge(upper, lower, color=GATE_LINE, penwidth="1.2")
    if columns[False] and columns[True]:
        dot.raw(f"{{ rank=same; {columns[False][0]}; {columns[True][0]}; }}")
        # Into production: from the gate that releases to production (else the last one).
        into = [
            _node_id("gate", g.id)
            for g in pb.gates.values()
            if g.to_stage == "production" and g.from_stage not in _LIVE_STAGES
        ]
        dot.edge(
            (into or columns[False])[-1],
            columns[True][0],
            color=GATE_LINE,
            constraint="false",
            style="dashed",
            tooltip="Into production",
        )
    return dot.source()
