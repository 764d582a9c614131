"""Inline SVG charts for the HTML report, drawn here: no script, no library, no request.

Each bar and each heatmap cell is one `<rect>` with a `<title>` (the browser's tooltip),
so the page reads the same with scripts off, and a test can count them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 960, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 36
BAR_COLOUR = "#2f6db5"
TARGET_COLOUR = "#c0392b"
EMPTY_CELL = "#f3f5f8"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: ``value`` None draws none (nothing to show, e.g. no call to rate); an
    empty ``label`` writes nothing under it."""

    label: str
    value: float | None
    tooltip: str


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    chart_id: str,
    bars: Sequence[Bar],
    top: float,
    axis: Callable[[float], str],
    target: float | None = None,
) -> str:
    """Bars from 0 to ``top``; ``axis`` writes the y labels, each bar's label (if any) goes
    under it; ``target`` draws a dashed line at that value."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(bars))
    top = top if top > 0 else 1.0
    out = [
        f'<svg id="{chart_id}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'xmlns="http://www.w3.org/2000/svg" role="img">'
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
            'stroke="#d5d9df" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{_fmt(y + 4)}" text-anchor="end" class="axis">'
            f"{escape(axis(top * fraction))}</text>"
        )
    for index, bar in enumerate(bars):
        x = LEFT + index * step
        if bar.value is not None:
            height = plot_h * min(1.0, max(0.0, bar.value / top))
            out.append(
                f'<rect class="bar" x="{_fmt(x + step * 0.1)}" y="{_fmt(TOP + plot_h - height)}" '
                f'width="{_fmt(max(step * 0.8, 0.5))}" height="{_fmt(height)}" '
                f'fill="{BAR_COLOUR}"><title>{escape(bar.tooltip)}</title></rect>'
            )
        if bar.label:
            out.append(
                f'<text x="{_fmt(x + step / 2)}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle" class="axis">{escape(bar.label)}</text>'
            )
    if target is not None:
        y = TOP + plot_h * (1 - min(1.0, target / top))
        out.append(
            f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y)}" '
            f'y2="{_fmt(y)}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    out.append("</svg>")
    return "".join(out)


def _shade(value: int, top: int) -> str:
    """White-blue to deep blue by share of the busiest cell; empty cells grey."""
    if value <= 0 or top <= 0:
        return EMPTY_CELL
    share = value / top
    low, high = (222, 235, 247), (8, 48, 107)
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def heat_grid(chart_id: str, grid: Sequence[Sequence[int]], rows: Sequence[str]) -> str:
    """``grid[row][hour]`` as coloured cells, 24 columns, the count written in each."""
    cell_w, cell_h, left, top_y = 36, 26, 48, 22
    width, height = left + 24 * cell_w + 4, top_y + len(rows) * cell_h + 4
    busiest = max((value for row in grid for value in row), default=0)
    out = [
        f'<svg id="{chart_id}" class="chart" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg" role="img">'
    ]
    for hour in range(24):
        out.append(
            f'<text x="{left + hour * cell_w + cell_w / 2}" y="{top_y - 8}" '
            f'text-anchor="middle" class="axis">{hour:02d}</text>'
        )
    for row_index, (name, row) in enumerate(zip(rows, grid, strict=True)):
        y = top_y + row_index * cell_h
        out.append(
            f'<text x="{left - 8}" y="{y + cell_h / 2 + 4}" text-anchor="end" class="axis">'
            f"{escape(name)}</text>"
        )
        for hour, value in enumerate(row):
            x = left + hour * cell_w
            ink = "#ffffff" if busiest and value > busiest * 0.55 else "#1d2733"
            tooltip = f"{name} {hour:02d}:00-{hour:02d}:59: {value} offered"
            out.append(
                f'<rect class="cell" x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" '
                f'height="{cell_h - 2}" fill="{_shade(value, busiest)}">'
                f"<title>{escape(tooltip)}</title></rect>"
            )
            if value:
                out.append(
                    f'<text x="{x + cell_w / 2}" y="{y + cell_h / 2 + 4}" text-anchor="middle" '
                    f'class="count" fill="{ink}">{value}</text>'
                )
    out.append("</svg>")
    return "".join(out)
