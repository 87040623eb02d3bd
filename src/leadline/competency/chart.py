"""Radar (spider) charts drawn on the server as SVG: one per cornerstone, self against the
raters' mean (when shown) and the previous assessment. Vega-Lite has no radar mark, and an SVG
needs no script, so the page stays within the Content-Security-Policy. Colours are SVG
presentation attributes, not inline styles."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

SIZE = 320
WIDTH = 440  # room either side for the axis labels
CENTRE = SIZE / 2
MIDDLE = WIDTH / 2
RADIUS = 105
LEVELS = 5


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]  # one per axis, 1-5; None: not rated
    colour: str
    dashed: bool = False


SELF = "#2563eb"
RATERS = "#d97706"
BEFORE = "#6b7280"


def _point(i: int, n: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / n
    r = RADIUS * value / LEVELS
    return round(MIDDLE + r * math.cos(angle), 1), round(CENTRE + r * math.sin(angle), 1)


def _short(label: str, width: int = 20) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def radar_svg(title: str, axes: list[str], series: list[Series]) -> str:
    """Return an SVG radar of ``axes`` (competency names) with a polygon per series; one or two
    axes draw as a scale instead, since a polygon needs three corners."""
    n = len(axes)
    label = escape(title)
    desc = "; ".join(
        f"{s.label}: "
        + ", ".join(f"{a} {'–' if v is None else v}" for a, v in zip(axes, s.values, strict=True))
        for s in series
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {SIZE}" role="img" '
        f'class="competency-radar" data-radar="{label}" aria-label="{label}">',
        f"<title>{label}</title><desc>{escape(desc)}</desc>",
    ]
    if n < 3:
        return "".join(parts) + _scale(axes, series) + "</svg>"
    for level in range(1, LEVELS + 1):  # the web: one ring per level
        ring = " ".join(f"{x},{y}" for x, y in (_point(i, n, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#d1d5db" stroke-width="1"/>')
    for i, axis in enumerate(axes):
        x, y = _point(i, n, LEVELS)
        lx, ly = _point(i, n, LEVELS + 0.9)
        anchor = "middle" if abs(lx - MIDDLE) < 10 else ("start" if lx > MIDDLE else "end")
        parts.append(f'<line x1="{MIDDLE}" y1="{CENTRE}" x2="{x}" y2="{y}" stroke="#e5e7eb"/>')
        parts.append(
            f'<text x="{lx}" y="{ly}" font-size="9" text-anchor="{anchor}" fill="#374151">'
            f"<title>{escape(axis)}</title>{escape(_short(axis))}</text>"
        )
    for s in series:
        if s.dashed and sum(v is not None for v in s.values) < 3:
            continue  # an earlier outline with fewer than three corners says nothing
        points = [_point(i, n, v or 0) for i, v in enumerate(s.values)]
        dash = ' stroke-dasharray="4 3"' if s.dashed else ""
        parts.append(
            f'<polygon points="{" ".join(f"{x},{y}" for x, y in points)}" fill="{s.colour}" '
            f'fill-opacity="{0 if s.dashed else 0.15}" stroke="{s.colour}" stroke-width="2"{dash} '
            f'data-series="{escape(s.label)}"/>'
        )
        for (x, y), v, axis in zip(points, s.values, axes, strict=True):
            if v is not None:
                parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{s.colour}">'
                             f"<title>{escape(s.label)} · {escape(axis)}: {v}</title></circle>")  # fmt: skip
    return "".join(parts) + "</svg>"


def _scale(axes: list[str], series: list[Series]) -> str:
    parts = []
    for i, axis in enumerate(axes):
        y = 80 + i * 120
        x0, x1 = 40, WIDTH - 40
        parts.append(
            f'<text x="{x0}" y="{y - 30}" font-size="11" fill="#374151">{escape(axis)}</text>'
        )
        parts.append(
            f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#d1d5db" stroke-width="2"/>'
        )
        for level in range(1, LEVELS + 1):
            x = x0 + (x1 - x0) * (level - 1) / (LEVELS - 1)
            parts.append(f'<text x="{x}" y="{y + 18}" font-size="9" text-anchor="middle" '
                         f'fill="#6b7280">{level}</text>')  # fmt: skip
        for j, s in enumerate(series):
            v = s.values[i]
            if v is None:
                continue
            x = x0 + (x1 - x0) * (v - 1) / (LEVELS - 1)
            parts.append(
                f'<circle cx="{round(x, 1)}" cy="{y - 4 + 4 * j}" r="6" fill="{s.colour}" '
                f'data-series="{escape(s.label)}"><title>{escape(s.label)}: {v}</title></circle>'
            )
    return "".join(parts)
