"""Small inline SVG charts for the HTML report (no JavaScript, no external file)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = ["Series", "line_chart"]

_COLOURS = ("#1f6feb", "#d9480f", "#2f9e44", "#ae3ec9", "#f08c00")

type Series = tuple[str, Sequence[float | None], Sequence[float | None], Sequence[float | None]]
"""(name, means, lows, highs): one line with its confidence band (lows/highs may be None)."""


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    percent: bool = False,
    width: int = 760,
    height: int = 240,
    marked: Sequence[tuple[int, int, str]] = (),
) -> str:
    """Lines with shaded 95 % bands; None values leave gaps. ``marked``: (first, last, label)
    ranges of x indices drawn as hatched windows behind the lines (outages)."""
    left, right, top, bottom = 52, 12, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [
        v
        for _, means, lows, highs in series
        for group in (means, lows, highs)
        for v in group
        if v is not None and math.isfinite(v)
    ]
    high = max(values, default=1.0)
    high = 1.0 if percent else (high * 1.1 if high > 0 else 1.0)
    count = max(1, len(x_labels))

    def x(index: int) -> float:
        return left + (index + 0.5) * plot_w / count

    def y(value: float) -> float:
        return top + plot_h - min(value, high) / high * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for step in range(5):
        value = high * step / 4
        text = f"{value * 100:.0f} %" if percent else f"{value:.0f}"
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(value) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{text}</text>'
        )
    for first, last, name in marked:
        x0 = x(first) - plot_w / count / 2
        x1 = x(last) + plot_w / count / 2
        parts.append(
            f'<g data-outage="{escape(name)}"><rect x="{x0:.1f}" y="{top}" '
            f'width="{x1 - x0:.1f}" height="{plot_h}" fill="#c92a2a" opacity="0.12"/>'
            f'<text x="{x0 + 3:.1f}" y="{top + plot_h - 4}" font-size="10" fill="#8a1c1c">'
            f"{escape(name)}</text></g>"
        )
    every = max(1, math.ceil(count / 12))
    for index, name in enumerate(x_labels):
        if index % every == 0:
            parts.append(
                f'<text x="{x(index):.1f}" y="{height - bottom + 14}" font-size="10" '
                f'text-anchor="middle">{escape(name)}</text>'
            )
    for number, (name, means, lows, highs) in enumerate(series):
        colour = _COLOURS[number % len(_COLOURS)]
        band = [
            (i, lo, hi)
            for i, (lo, hi) in enumerate(zip(lows, highs, strict=False))
            if lo is not None and hi is not None
        ]
        if band:
            upper = " ".join(f"{x(i):.1f},{y(hi):.1f}" for i, _, hi in band)
            lower = " ".join(f"{x(i):.1f},{y(max(lo, 0.0)):.1f}" for i, lo, _ in reversed(band))
            parts.append(f'<polygon points="{upper} {lower}" fill="{colour}" opacity="0.15"/>')
        segments: list[list[str]] = [[]]
        for i, mean in enumerate(means):
            if mean is None or not math.isfinite(mean):
                segments.append([])
            else:
                segments[-1].append(f"{x(i):.1f},{y(mean):.1f}")
        for segment in segments:
            if segment:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
        legend_x = left + 8 + number * 180
        parts.append(
            f'<rect x="{legend_x}" y="{top + 2}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="{top + 11}" font-size="11">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
