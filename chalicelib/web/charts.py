"""Server-rendered SVG charts for the monitoring page: no script, no library to ship,
and the page stays readable with scripts off. Each chart is an `<svg role="img">` named
by its title; the page puts the same figures in a table for screen readers and export.
Colours come from the stylesheet (classes s0, s1, ...)."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40


def _scale(maximum: float) -> float:
    """A round upper bound for the y axis (1, 2 or 5 times a power of ten)."""
    if maximum <= 0:
        return 1.0
    step = 10 ** len(str(int(maximum))) / 100
    for factor in (1, 2, 5, 10, 20, 50, 100):
        if step * factor >= maximum:
            return step * factor
    return maximum


def _frame(title: str, top: float, labels: list[str], body: list[str], legend: list[str]) -> Markup:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{_number(top)}</text>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>',
    ]
    if labels:
        parts.append(f'<text class="tick" x="{LEFT}" y="{HEIGHT - 24}">{escape(labels[0])}</text>')
        if len(labels) > 1:
            last = escape(labels[-1])
            parts.append(f'<text class="tick" x="{LEFT + plot_w}" y="{HEIGHT - 24}" text-anchor="end">{last}</text>')
    parts += body
    for index, name in enumerate(legend):
        x = LEFT + index * 150
        parts.append(f'<rect class="s{index}" x="{x}" y="{HEIGHT - 12}" width="10" height="10"/>')
        parts.append(f'<text class="legend" x="{x + 14}" y="{HEIGHT - 3}">{escape(name)}</text>')
    parts.append("</svg>")
    svg = "".join(parts)
    return Markup(svg)  # nosec B704  # every text above went through escape(); the rest are numbers


def _number(value: float) -> str:
    return f"{value:g}"


def line_chart(title: str, labels: list[str], series: dict[str, list[float]]) -> Markup:
    """One polyline per series over the same x labels (oldest first)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _scale(max((v for values in series.values() for v in values), default=0))
    n = max(len(labels), 1)
    body = []
    for index, values in enumerate(series.values()):
        points = " ".join(
            f"{LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2):.1f},{TOP + plot_h - plot_h * v / top:.1f}"
            for i, v in enumerate(values)
        )
        if len(values) == 1:
            x, y = points.split(",")
            body.append(f'<circle class="s{index}" cx="{x}" cy="{y}" r="3"/>')
        elif values:
            body.append(f'<polyline class="line s{index}" points="{points}"/>')
    return _frame(title, top, labels, body, list(series))


def bar_chart(title: str, categories: list[str], series: dict[str, list[float]]) -> Markup:
    """Grouped bars: for each category one bar per series."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _scale(max((v for values in series.values() for v in values), default=0))
    group = plot_w / max(len(categories), 1)
    width = group * 0.8 / max(len(series), 1)
    body = []
    for s_index, values in enumerate(series.values()):
        for c_index, value in enumerate(values):
            height = plot_h * value / top
            x = LEFT + c_index * group + group * 0.1 + s_index * width
            body.append(
                f'<rect class="s{s_index}" x="{x:.1f}" y="{TOP + plot_h - height:.1f}" '
                f'width="{width:.1f}" height="{height:.1f}"/>'
            )
    return _frame(title, top, [categories[0], categories[-1]] if categories else [], body, list(series))
