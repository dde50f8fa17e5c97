"""Bar charts as server-rendered SVG (no script, nothing from a CDN). Every chart on a page has its
numbers in a table beside it; the SVG is labelled for screen readers with its title."""

from __future__ import annotations

from typing import Sequence, Tuple

from markupsafe import Markup, escape

BAR_COLOUR = "#23395d"


def _scale(values: Sequence[float]) -> float:
    return max([v for v in values if v > 0] or [1.0])


def column_chart(title: str, rows: Sequence[Tuple[str, float]], width: int = 640, height: int = 180) -> Markup:
    """Vertical bars, one per row (a day, say), labelled under every few bars."""
    top = _scale([v for _, v in rows])
    inner = height - 30
    step = width / max(len(rows), 1)
    label_every = max(1, len(rows) // 10)
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(rows):
        bar = inner * value / top
        x = index * step
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{inner - bar:.1f}" width="{max(step - 2, 1):.1f}" height="{bar:.1f}" '
            f'fill="{BAR_COLOUR}"><title>{escape(label)}: {value:g}</title></rect>'
        )
        if index % label_every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="11">{escape(label)}</text>')
    parts.append(f'<text x="{width - 4}" y="12" font-size="11" text-anchor="end">max {top:g}</text></svg>')
    return Markup("".join(parts))


def bar_chart(title: str, rows: Sequence[Tuple[str, float]], width: int = 640, bar_height: int = 22) -> Markup:
    """Horizontal bars with their labels and values (topics, say)."""
    top = _scale([v for _, v in rows])
    label_width = 220
    height = bar_height * max(len(rows), 1) + 4
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(rows):
        y = index * bar_height + 2
        length = (width - label_width - 50) * value / top
        parts.append(f'<text x="0" y="{y + bar_height - 8}" font-size="12">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height - 6}" fill="{BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height - 8}" font-size="12">{value:g}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
