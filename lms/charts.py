"""Small SVG bar charts drawn on the server: no chart library in the browser.

Each chart is decorative next to its table (the table carries the data for screen readers), so
the SVG has a title but is hidden from assistive technology.
"""

from markupsafe import Markup, escape


def bar_chart(bars: list[tuple[str, float]], *, maximum: float, title: str, unit: str = "",
              width: int = 320, bar_height: int = 18) -> Markup:
    """A horizontal bar chart of ``bars`` (label, value) scaled to ``maximum``."""
    label_w, gap = 70, 6
    plot_w = width - label_w - 40
    height = len(bars) * (bar_height + gap) + gap
    parts = [f'<svg class="chart" role="img" aria-hidden="true" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(bars):
        y = gap + i * (bar_height + gap)
        w = 0 if maximum <= 0 else round(plot_w * max(0.0, min(value, maximum)) / maximum, 1)
        shown = f"{value:g}{unit}"
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_height - 5}" text-anchor="end">{escape(label)}</text>'
                     f'<rect class="bar" x="{label_w}" y="{y}" width="{w}" height="{bar_height}"/>'
                     f'<text x="{label_w + w + 4}" y="{y + bar_height - 5}">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
