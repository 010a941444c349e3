"""Charts drawn at build time as inline SVG: horizontal bars on a shared scale.

Pure: rows of numbers in, SVG text out. A chart is an ``img`` with a ``<title>`` and a
``<desc>`` that says in words what the bars show, so a screen reader gets the content and not
the geometry. Colours come from classes (``pb-chart__bar--<kind>``) that the stylesheet sets
for the light and the dark scheme; text is ``currentColor``. Every string is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from playbook.render.markdown import UNSEARCHED, html_block
from playbook.safety import escape

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Geometry, in CSS pixels at natural size (the SVG is drawn 1:1, never shrunk).
WIDTH = 640
LABEL_WIDTH = 210
NOTE_WIDTH = 110
ROW = 28
BAR = 16
TOP = 8
AXIS = 26
FONT = 13
#: Characters of a label that fit in :data:`LABEL_WIDTH` at :data:`FONT` px.
LABEL_CHARS = 25


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a chart.

    Attributes:
        label: The row's name, left of the bar.
        value: Where the bar ends, on the chart's scale.
        start: Where it starts (0 for a plain bar; more for a range).
        note: Text right of the bar (the value as the reader should read it).
        kind: Colour class of the bar (``pb-chart__bar--<kind>``).
        low: With ``high``, a whisker over the bar: the range the value moves within.
        high: See ``low``.
    """

    label: str
    value: float
    start: float = 0.0
    note: str = ""
    kind: str = "default"
    low: float | None = None
    high: float | None = None


def _x(value: float, maximum: float) -> float:
    span = WIDTH - LABEL_WIDTH - NOTE_WIDTH
    return LABEL_WIDTH + span * max(0.0, min(value, maximum)) / maximum if maximum else 0.0


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    maximum: float,
    ticks: Sequence[tuple[float, str]] = (),
) -> str:
    """A horizontal bar chart as one HTML block: ``<div class="pb-chart"><svg>...</svg></div>``.

    Args:
        title: The chart's accessible name (its ``<title>``).
        description: What the chart shows, in words (its ``<desc>``).
        bars: The rows, top to bottom.
        maximum: The value at the right end of the scale.
        ticks: ``(value, label)`` marks on the axis under the bars.

    Returns:
        The block followed by a blank line; '' without bars.
    """
    if not bars:
        return ""
    height = TOP + ROW * len(bars) + AXIS
    out = [
        f'<div class="pb-chart"><svg class="pb-chart__svg" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-size="{FONT}" {UNSEARCHED}>',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]
    for i, bar in enumerate(bars):
        top = TOP + i * ROW
        middle = top + ROW / 2
        x0, x1 = _x(bar.start, maximum), _x(bar.value, maximum)
        out.append(
            f'<text class="pb-chart__label" x="{LABEL_WIDTH - 8}" y="{middle + 4:.1f}" '
            f'text-anchor="end">{escape(_short(bar.label))}'
            + (f"<title>{escape(bar.label)}</title>" if _short(bar.label) != bar.label else "")
            + "</text>"
        )
        out.append(
            f'<rect class="pb-chart__bar pb-chart__bar--{escape(bar.kind)}" x="{x0:.1f}" '
            f'y="{middle - BAR / 2:.1f}" width="{max(x1 - x0, 2):.1f}" height="{BAR}" rx="2"/>'
        )
        if bar.low is not None and bar.high is not None:
            lo, hi = _x(bar.low, maximum), _x(bar.high, maximum)
            out.append(
                f'<path class="pb-chart__whisker" d="M{lo:.1f} {middle - 6:.1f}v12'
                f'M{lo:.1f} {middle:.1f}H{hi:.1f}M{hi:.1f} {middle - 6:.1f}v12"/>'
            )
        if bar.note:
            end = max(x1, _x(bar.high, maximum) if bar.high is not None else x1)
            out.append(
                f'<text class="pb-chart__note" x="{end + 6:.1f}" y="{middle + 4:.1f}">'
                f"{escape(bar.note)}</text>"
            )
    base = TOP + ROW * len(bars)
    out.append(
        f'<path class="pb-chart__axis" d="M{LABEL_WIDTH} {base + 2}H{_x(maximum, maximum):.1f}"/>'
    )
    for value, label in ticks:
        x = _x(value, maximum)
        out.append(
            f'<path class="pb-chart__axis" d="M{x:.1f} {TOP}V{base + 5}"/>'
            f'<text class="pb-chart__tick" x="{x:.1f}" y="{base + 19}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    out.append("</svg></div>")
    return html_block("".join(out))
