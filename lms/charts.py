"""Small SVG bar charts drawn on the server: no chart library in the browser.

Each chart is decorative next to its table (the table carries the data for screen readers), so
the SVG has a title but is hidden from assistive technology.
"""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_decimal
from markupsafe import Markup, escape

CHAR_WIDTH = 7  # px per character of the 12 px labels, generously: a label is never cut


def rounded(value: float | int, places: int = 2) -> Decimal:
    """``value`` rounded once, half away from zero (2.175 → 2.18): the chart and its table show these digits."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: float | int | None, places: int = 2, signed: bool = False) -> str:
    """A rounded number with the language's decimal mark: "2,18" in Spanish, "2.18" in English."""
    if value is None:
        return ""
    pattern = "0." + "0" * places if places else "0"
    return format_decimal(rounded(value, places), format=f"+{pattern};-{pattern}" if signed else pattern)


def bar_chart(bars: list[tuple[str, float]], *, maximum: float, title: str, unit: str = "",
              width: int = 320, bar_height: int = 18, places: int | None = None) -> Markup:
    """A horizontal bar chart of ``bars`` (label, value) scaled to ``maximum``.

    With ``places`` each value is written as ``number(value, places)``, the same digits as the table
    beside the chart. Short labels sit left of their bars; when one would not fit, every label goes
    on its own line above its bar, whole.
    """
    label_w, gap = 70, 6
    stacked = any(len(label) * CHAR_WIDTH > label_w - 6 for label, _value in bars)
    if stacked:
        label_w = 0
    row = bar_height + gap + (16 if stacked else 0)
    plot_w = width - label_w - 48
    height = len(bars) * row + gap
    parts = [f'<svg class="chart" role="img" aria-hidden="true" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(bars):
        top = gap + i * row
        y = top + (16 if stacked else 0)
        w = 0 if maximum <= 0 else float(round(plot_w * max(0.0, min(float(value), maximum)) / maximum, 1))
        shown = (number(value, places) if places is not None else f"{value:g}") + unit
        if stacked:
            parts.append(f'<text x="0" y="{top + 12}">{escape(label)}</text>')
        else:
            parts.append(f'<text x="{label_w - 6}" y="{y + bar_height - 5}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w}" height="{bar_height}"/>'
                     f'<text x="{label_w + w + 4}" y="{y + bar_height - 5}">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
