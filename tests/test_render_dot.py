"""DOT generation (playbook.render.dot) and SVG rendering (playbook.render.svg)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from playbook.data.loader import load_uncached
from playbook.render import svg as svg_module
from playbook.render.dot import (
    _pipeline_sequence,
    quote,
    to_dot_environment,
    to_dot_environments,
    to_dot_lifecycle,
    to_dot_use_case_pipeline,
)
from playbook.render.markdown import HTML_BLOCK_END, HTML_BLOCK_START
from playbook.render.svg import (
    DiagramError,
    cache_key,
    clean_svg,
    diagram_html,
    engine_identity,
    find_engine,
    render_count,
    render_svg,
    reset_render_count,
)
from tests.helpers import VALID, copy_data, reference_data, rewrite

if TYPE_CHECKING:
    from pathlib import Path

    from playbook.data.model import Playbook

NODE = re.compile(r'^\s*("(?:[^"\\]|\\.)*")\s\[(.*)\];$', re.MULTILINE)


def _diagrams(pb: Playbook) -> dict[str, str]:
    dots = {
        "lifecycle": to_dot_lifecycle(pb, "process/index.md"),
        "environments": to_dot_environments(pb, "technology/architecture.md"),
    }
    for env_id in pb.environments:
        dots[f"environment:{env_id}"] = to_dot_environment(pb, "technology/architecture.md", env_id)
    for uc in pb.use_cases.values():
        dots[f"pipeline:{uc.id}"] = to_dot_use_case_pipeline(pb, uc, f"use-cases/{uc.id}.md")
    return dots


def _nodes(dot: str) -> dict[str, str]:
    """Node name to its attribute list (edge statements have '->' and never match)."""
    return {m.group(1): m.group(2) for m in NODE.finditer(dot) if "->" not in m.group(0)}


def _attr(attrs: str, name: str) -> str | None:
    match = re.search(rf'(?:^|, ){name}="((?:[^"\\]|\\.)*)"', attrs)
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------
# DOT
# --------------------------------------------------------------------------------------------


def test_quote_escapes_quotes_backslashes_and_newlines() -> None:
    assert quote('say "hi"\\N\nnext') == '"say \\"hi\\"\\\\N\\nnext"'


@pytest.mark.parametrize("data", [VALID, reference_data()], ids=["fixture", "reference"])
def test_every_node_of_every_diagram_has_a_url_and_a_tooltip(data: Path) -> None:
    pb = load_uncached(data).playbook
    assert pb is not None
    for name, dot in _diagrams(pb).items():
        nodes = _nodes(dot)
        assert nodes, name
        for node, attrs in nodes.items():
            assert _attr(attrs, "URL"), f"{name}: {node} has no URL"
            assert _attr(attrs, "tooltip"), f"{name}: {node} has no tooltip"


def test_lifecycle_links_phases_and_sub_phase_anchors(pb: Playbook) -> None:
    nodes = _nodes(to_dot_lifecycle(pb, "process/index.md"))
    urls = {_attr(attrs, "URL") for attrs in nodes.values()}
    assert urls == {"build/", "build/#training", "validate/", "validate/#review"}
    assert len(nodes) == len(pb.phases) + sum(len(p.sub_phases) for p in pb.phases)


def test_lifecycle_links_are_relative_to_the_page(pb: Playbook) -> None:
    urls = {_attr(a, "URL") for a in _nodes(to_dot_lifecycle(pb, "index.md")).values()}
    assert "process/build/#training" in urls


def test_diagrams_are_transparent_and_use_a_common_font(pb: Playbook) -> None:
    for dot in _diagrams(pb).values():
        assert 'bgcolor="transparent"' in dot
        assert 'fontname="Helvetica"' in dot


def test_pipeline_places_a_gate_after_the_steps_of_its_phase(pb: Playbook) -> None:
    churn = pb.use_cases["churn"]
    # The validation gate's review task is in phase 2; the only step is in phase 1.
    assert _pipeline_sequence(pb, churn) == [
        ("step", 0, "build"),
        ("gate", 0, "validation_gate"),
    ]
    dot = to_dot_use_case_pipeline(pb, churn, "use-cases/churn.md")
    nodes = _nodes(dot)
    step = nodes['"step:0"']
    assert _attr(step, "URL") == "../../process/build/#train_candidate_model"
    assert "MLflow" in step  # the tools make up the label's second line
    gate = nodes['"gate:validation_gate.0"']
    assert 'shape="diamond"' in gate
    assert _attr(gate, "URL") == "../../governance/gates/#validation_gate"
    assert '"step:0" -> "gate:validation_gate.0"' in dot


def test_pipeline_gate_follows_its_own_review_step(pb: Playbook) -> None:
    churn = pb.use_cases["churn"]
    steps = [*churn.pipeline, churn.pipeline[0].model_copy(update={"task": "approve_validation"})]
    steps.append(churn.pipeline[0].model_copy(update={"task": "package_model"}))
    case = churn.model_copy(update={"pipeline": steps})
    assert _pipeline_sequence(pb, case) == [
        ("step", 0, "build"),
        ("step", 1, "validate"),
        ("gate", 0, "validation_gate"),
        ("step", 2, "build"),
    ]


def test_pipeline_gate_edges_stay_outside_phase_clusters(pb: Playbook) -> None:
    dot = to_dot_use_case_pipeline(pb, pb.use_cases["churn"], "use-cases/churn.md")
    cluster = dot[dot.index("subgraph") : dot.index("}", dot.index("subgraph"))]
    assert "gate:" not in cluster


def test_environment_diagram_draws_its_components_and_ends_other_flows_at_a_dashed_node(
    pb: Playbook,
) -> None:
    dot = to_dot_environment(pb, "technology/architecture.md", "dev")
    nodes = _nodes(dot)
    assert _attr(nodes['"component:registry"'], "URL") == "./#registry"
    assert '"component:endpoint"' not in nodes  # in prod: drawn as the prod node
    ghost = nodes['"environment:to:prod"']
    assert _attr(ghost, "URL") == "./#environment-prod"
    assert "dashed" in (_attr(ghost, "style") or "")
    edge = next(line for line in dot.splitlines() if "->" in line)
    assert edge.lstrip().startswith('"component:registry" -> "environment:to:prod"')
    assert 'style="bold"' in edge
    assert 'URL="../../governance/gates/#validation_gate"' in edge
    assert "Validation approval" in edge  # labelled with its gate
    assert "pb-edge--promotion" in edge
    # Names only: the tools are in the tooltip and the component's section, not the box.
    assert "POINT-SIZE" not in dot
    assert "rank=sink" in dot


def test_environments_overview_has_one_arrow_per_direction_labelled_with_gates(
    pb: Playbook,
) -> None:
    dot = to_dot_environments(pb, "technology/architecture.md")
    nodes = _nodes(dot)
    assert set(nodes) == {'"environment:dev"', '"environment:prod"'}
    assert _attr(nodes['"environment:dev"'], "URL") == "./#environment-dev"
    edges = [line for line in dot.splitlines() if "->" in line]
    assert len(edges) == 1
    assert "Validation approval" in edges[0]
    assert "pb-edge--promotion" in edges[0]


def test_labels_escape_html_and_dot_syntax(tmp_path: Path) -> None:
    data = copy_data(VALID, tmp_path / "data")
    rewrite(
        data,
        "architecture.yaml",
        lambda d: d["components"]["registry"].update(name='<b>"Reg" & \\N</b>'),
    )
    pb = load_uncached(data).playbook
    assert pb is not None
    dot = to_dot_environment(pb, "technology/architecture.md", "dev")
    assert "&lt;b&gt;&#34;Reg&#34; &amp; \\N&lt;/b&gt;" in dot
    svg = render_svg(dot, tmp_path / "cache")
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg


# --------------------------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------------------------


def test_rendered_svg_has_a_link_for_every_node(pb: Playbook, tmp_path: Path) -> None:
    for name, dot in _diagrams(pb).items():
        svg = render_svg(dot, tmp_path)
        groups = re.findall(r'<g class="node[^"]*">(.*?)</g>', svg, re.DOTALL)
        assert len(groups) == len(_nodes(dot)), name
        for group in groups:
            assert re.search(r'<a xlink:href="[^"]+"><title>[^<]+</title>', group), group


def test_rendered_svg_is_clean_and_accessible(pb: Playbook, tmp_path: Path) -> None:
    svg = render_svg(to_dot_lifecycle(pb, "process/index.md"), tmp_path)
    assert svg.startswith('<svg width="')
    for leftover in ("<?xml", "<!DOCTYPE", "<!--", "xlink:title", ' id="', "graphviz version"):
        assert leftover not in svg
    # Links are xlink:href only: Material's instant navigation throws on SVG elements with href.
    assert " href=" not in svg
    assert svg.count('xmlns:xlink="http://www.w3.org/1999/xlink"') == 1
    assert 'class="playbook-diagram"' in svg
    assert 'aria-label="Fixture Playbook: the ML lifecycle"' in svg
    # Linked diagrams are groups: an img role would hide the links from assistive technology.
    assert 'role="group"' in svg
    assert "\n\n" not in svg


def test_unlinked_svg_is_an_image_and_keeps_braces_as_text() -> None:
    raw = (
        '<?xml version="1.0"?>\n<!-- Generated by graphviz version 9 -->\n'
        '<svg width="10pt" height="10pt" xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">\n<g id="graph0" class="graph">'
        "<title>{{ name }}</title>\n<text>{% x %}</text></g></svg>\n"
    )
    svg = clean_svg(raw)
    assert 'role="img"' in svg
    # No template engine reads a diagram (playbook.render.pages.Page.template): braces are text.
    assert "<text>{% x %}</text>" in svg
    assert 'aria-label="{{ name }}"' in svg
    assert "xmlns:xlink" not in svg


def test_second_render_comes_from_the_cache(pb: Playbook, tmp_path: Path) -> None:
    dot = to_dot_lifecycle(pb, "process/index.md")
    reset_render_count()
    first = render_svg(dot, tmp_path / "cache")
    assert render_count() == 1
    second = render_svg(dot, tmp_path / "cache")
    assert render_count() == 1
    assert first == second
    cached = list((tmp_path / "cache").iterdir())
    assert len(cached) == 1
    assert cached[0].suffix == ".svg"


def test_a_planted_diagram_in_the_cache_is_never_used(
    pb: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pull request controls a committed .cache/: a file at the right name, with or without a
    # signature-shaped first line, holding script that clean_svg would not catch.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cache = tmp_path / "project" / ".cache" / "diagrams"
    dot = to_dot_lifecycle(pb, "process/index.md")
    key = cache_key(engine_identity(find_engine()), dot)
    planted = '<svg/onload=alert(1)><A xlink:href="javascript:alert(2)">x</A></svg>'
    for content in (planted, "0" * 64 + "\n" + planted):
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{key}.svg").write_text(content, encoding="utf-8")
        reset_render_count()
        svg = render_svg(dot, cache)
        assert render_count() == 1  # drawn by Graphviz, not read
        assert "alert" not in svg
        assert "alert" not in (cache / f"{key}.svg").read_text(encoding="utf-8")


def test_a_changed_diagram_is_rendered_again(pb: Playbook, tmp_path: Path) -> None:
    reset_render_count()
    render_svg(to_dot_lifecycle(pb, "process/index.md"), tmp_path)
    render_svg(to_dot_lifecycle(pb, "index.md"), tmp_path)
    assert render_count() == 2


def test_missing_graphviz_raises_with_install_hints(
    pb: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    with pytest.raises(DiagramError) as caught:
        render_svg(to_dot_lifecycle(pb, "process/index.md"), tmp_path / "cache")
    message = str(caught.value)
    for hint in ("apt-get install graphviz", "brew install graphviz", "pip install graphviz-pure"):
        assert hint in message


def test_graphviz_pure_beside_python_is_the_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / "bin"
    scripts.mkdir()
    fake = scripts / "graphviz-pure"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(sys, "executable", str(scripts / "python"))
    assert find_engine() == str(fake)


def _graphviz_pure() -> str | None:
    from pathlib import Path

    beside = Path(sys.executable).parent / "graphviz-pure"
    return str(beside) if beside.is_file() else shutil.which("graphviz-pure")


@pytest.mark.skipif(_graphviz_pure() is None, reason="graphviz-pure is not installed")
def test_graphviz_pure_renders_the_same_links(
    pb: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pure = _graphviz_pure()
    monkeypatch.setattr(svg_module, "find_engine", lambda: pure)
    dot = to_dot_environment(pb, "technology/architecture.md", "dev")
    svg = render_svg(dot, tmp_path)
    assert svg.count('<a xlink:href="./#registry">') == 1
    assert svg.count('<a xlink:href="./#environment-prod">') == 1
    assert "graphviz" not in svg.lower()


def test_invalid_dot_raises_a_diagram_error(tmp_path: Path) -> None:
    with pytest.raises(DiagramError, match="could not render"):
        render_svg("digraph { a -> }", tmp_path)


def test_diagram_html_is_one_markdown_safe_block(pb: Playbook, tmp_path: Path) -> None:
    svg = render_svg(to_dot_environments(pb, "technology/architecture.md"), tmp_path)
    block = diagram_html(svg, 'The "architecture" <diagram>')
    assert block.startswith(f'{HTML_BLOCK_START}\n<div class="playbook-diagram">\n<svg ')
    assert block.endswith(f"</div>\n{HTML_BLOCK_END}\n\n")
    assert "\n\n" not in block.rstrip()
    assert 'aria-label="The &#34;architecture&#34; &lt;diagram&gt;"' in block
    assert "<title>The &#34;architecture&#34; &lt;diagram&gt;</title>" in block


def test_dot_is_on_path_here() -> None:
    # The rest of this module renders with whatever engine is installed; make sure one is.
    engine = find_engine()
    proc = subprocess.run([engine, "-V"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0


def test_a_diagram_too_wide_to_shrink_scrolls_in_a_focusable_labelled_region() -> None:
    wide = diagram_html(
        '<svg width="900pt" height="10pt" aria-label="x"><title>x</title></svg>', "W"
    )
    narrow = diagram_html(
        '<svg width="300pt" height="10pt" aria-label="x"><title>x</title></svg>', "N"
    )
    # 900 pt is 1200 px: kept at 70 % at least, so the container scrolls and takes focus.
    assert wide.removeprefix(f"{HTML_BLOCK_START}\n").startswith(
        '<div class="playbook-diagram" tabindex="0" role="region" aria-label="W">'
    )
    assert 'style="min-width: 840px"' in wide
    assert narrow.startswith(f'{HTML_BLOCK_START}\n<div class="playbook-diagram">\n')
    assert "min-width" not in narrow
