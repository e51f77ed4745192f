"""Small server-side SVG charts (no front-end build step): the explorer's time histogram and shared axis helpers.

Charts are plain strings of SVG with a ``viewBox`` so they scale to their container; every element that
carries data has a ``<title>`` (a hover tooltip and an accessible label).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from markupsafe import Markup


def time_label(ms: int, span_ms: int) -> str:
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    if span_ms > 3 * 86_400_000:
        return dt.strftime("%a %d %H:%M")
    if span_ms > 86_400_000:
        return dt.strftime("%d %H:%M")
    return dt.strftime("%H:%M")


def time_ticks(start_ms: int, end_ms: int, target: int = 6) -> list[int]:
    """Round tick positions (epoch ms) inside [start, end]."""
    span = max(end_ms - start_ms, 1)
    steps = [60_000 * m for m in (1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)]
    step = next((s for s in steps if span / s <= target), steps[-1])
    first = -(-start_ms // step) * step
    return list(range(first, end_ms + 1, step))


def nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * magnitude:
            return float(m * magnitude)
    return float(10 * magnitude)


def fmt_count(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


def histogram_svg(
    bins: list[tuple[int, int]], start_ms: int, end_ms: int, bin_ms: int, width: int = 960, height: int = 140
) -> Markup:
    """Bars of matched events per bin over [start, end)."""
    left, right, top, bottom = 48, 24, 8, 22
    pw, ph = width - left - right, height - top - bottom
    span = max(end_ms - start_ms, 1)
    ymax = nice_max(max((c for _, c in bins), default=0))

    def x(ms: float) -> float:
        return left + (ms - start_ms) / span * pw

    parts = [
        f'<svg class="tw-chart tw-histogram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Matched events over time" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" class="axis"/>',
    ]
    for frac in (0.5, 1.0):
        y = top + ph - frac * ph
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="ylabel">{fmt_count(ymax * frac)}</text>')
    bar_w = max(pw * bin_ms / span - 1, 1)
    for b, c in bins:
        h = c / ymax * ph
        label = escape(f"{time_label(b, 0)}–{time_label(b + bin_ms, 0)} UTC: {c:,} events")
        parts.append(
            f'<rect class="bar" x="{x(b):.1f}" y="{top + ph - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
            f"<title>{label}</title></rect>"
        )
    for t in time_ticks(start_ms, end_ms):
        parts.append(
            f'<text x="{x(t):.1f}" y="{height - 6}" class="xlabel">{escape(time_label(t, span))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
