"""Server-side SVG charts (no JavaScript, no inline style: fine under the strict CSP).

Accessible: ``role="img"`` with ``<title>`` and ``<desc>`` referenced by ``aria-labelledby``;
the page shows the same numbers in a table next to the chart.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 520, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 34
NO_VALUE = "\u2013"  # en dash


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    points: list[tuple[str, float | None]],
    y_min: float,
    y_max: float,
) -> SafeString:
    """A bar per label (e.g. per year); ``None`` values leave a gap labelled with a dash."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    span = (y_max - y_min) or 1

    def y(value: float) -> float:
        return TOP + plot_h - (value - y_min) / span * plot_h

    ticks = _ticks(y_min, y_max)
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-grid" stroke="#d0d4d9"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#41464b">{}</text>',
        (
            (
                LEFT,
                WIDTH - RIGHT,
                f"{y(t):.1f}",
                f"{y(t):.1f}",
                LEFT - 6,
                f"{y(t) + 4:.1f}",
                _tick(t),
            )
            for t in ticks
        ),
    )
    slot = plot_w / max(len(points), 1)
    bar_w = min(56, slot * 0.6)
    bars = []
    for i, (label, value) in enumerate(points):
        x = LEFT + slot * i + (slot - bar_w) / 2
        cx = f"{x + bar_w / 2:.1f}"
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#212529">{}</text>',
                cx,
                HEIGHT - BOTTOM + 18,
                label,
            )
        )
        if value is None:
            bars.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="12" '
                    'fill="#41464b">{}</text>',
                    cx,
                    TOP + plot_h - 4,
                    NO_VALUE,
                )
            )
            continue
        top = y(value)
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#1d4f7c"/>'
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#212529">{}</text>',
                f"{x:.1f}",
                f"{top:.1f}",
                f"{bar_w:.1f}",
                f"{TOP + plot_h - top:.1f}",
                cx,
                f"{top - 4:.1f}",
                _num(value),
            )
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'class="lus-chart" role="img" aria-labelledby="{id}-title {id}-desc" '
        'focusable="false"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}'
        "</desc>{grid}"
        '<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom}" stroke="#41464b"/>'
        '<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#41464b"/>'
        "{bars}</svg>",
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=desc,
        grid=grid,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        bars=mark_safe("".join(bars)),
    )


def _ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50) if span / s <= 6), 100)
    first = -(-lo // step) * step
    ticks, t = [], first
    while t <= hi + 1e-9:
        ticks.append(t)
        t += step
    return ticks


def _num(value: float) -> str:
    return number_format(round(value, 1), decimal_pos=1)


def _tick(value: float) -> str:
    return number_format(value, decimal_pos=0 if value % 1 == 0 else 1)
