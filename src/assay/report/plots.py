"""Inline SVG charts for the HTML report: no JavaScript, no external resources.

Every label is escaped here; callers pass plain strings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from assay.report._text import format_number, safe_text

__all__ = ["bar_chart"]

_ROW = 22  # pixels per bar
_LABEL_CHARS = 36  # longer labels are cut (the full label stays in a tooltip)
_CHAR_PX = 7.0  # rough width of one character at the chart's font size


def _esc(text: str) -> str:
    return escape(safe_text(text), quote=True)


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | int | None],
    *,
    unit: str = "",
    title: str = "",
    width: int = 640,
) -> str:
    """A horizontal bar chart as an ``<svg>`` element; ``None`` or non-finite values show n/a."""
    n = min(len(labels), len(values))
    if n == 0:
        return ""
    shown = [_short(str(label)) for label in labels[:n]]
    nums = [
        float(v) if isinstance(v, int | float) and math.isfinite(float(v)) else None
        for v in values[:n]
    ]
    finite = [v for v in nums if v is not None]
    lo = min([0.0, *finite])
    hi = max([0.0, *finite])
    span = (hi - lo) or 1.0
    label_w = min(_LABEL_CHARS, max(len(s) for s in shown)) * _CHAR_PX + 12
    value_w = 90.0
    plot_w = max(120.0, width - label_w - value_w)
    zero_x = label_w + (0.0 - lo) / span * plot_w
    height = n * _ROW + 8
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_esc(title)}">'
    ]
    if title:
        parts.append(f"<title>{_esc(title)}</title>")
    for i, (label, full, v) in enumerate(zip(shown, labels, nums, strict=False)):
        y = 4 + i * _ROW
        mid = y + _ROW / 2
        parts.append(
            f'<text class="label" x="{label_w - 8:.1f}" y="{mid:.1f}" text-anchor="end" '
            f'dominant-baseline="middle"><title>{_esc(str(full))}</title>{_esc(label)}</text>'
        )
        if v is None:
            parts.append(
                f'<text class="value" x="{zero_x + 4:.1f}" y="{mid:.1f}" '
                f'dominant-baseline="middle">n/a</text>'
            )
            continue
        x0 = label_w + (min(v, 0.0) - lo) / span * plot_w
        w = max(abs(v) / span * plot_w, 1.0 if v else 0.0)
        parts.append(
            f'<rect class="bar" x="{x0:.1f}" y="{y + 3:.1f}" width="{w:.1f}" '
            f'height="{_ROW - 6}" rx="2"/>'
        )
        parts.append(
            f'<text class="value" x="{max(x0 + w, zero_x) + 5:.1f}" y="{mid:.1f}" '
            f'dominant-baseline="middle">{_esc(format_number(v, unit))}</text>'
        )
    if lo < 0:
        parts.append(
            f'<line class="axis" x1="{zero_x:.1f}" y1="0" x2="{zero_x:.1f}" y2="{height}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
