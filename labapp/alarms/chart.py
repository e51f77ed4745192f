"""Server-side SVG of one alarm: coloured state bands (OK / ALARM / INSUFFICIENT_DATA), the metric's value per
period as a line with points, and the threshold as a dashed line."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from labapp.alarms.evaluate import AlarmView
from labapp.explorer.svg import fmt_count, nice_max, time_label, time_ticks

STATE_TEXT = {"OK": "OK", "ALARM": "In alarm", "INSUFFICIENT_DATA": "Insufficient data"}


def alarm_svg(view: AlarmView, width: int = 960, height: int = 220) -> Markup:
    left, right, top, bottom = 56, 24, 10, 24
    pw, ph = width - left - right, height - top - bottom
    span = max(view.end - view.start, 1.0)
    threshold = float(view.definition.get("Threshold", 0.0))
    values = [v for _, v in view.points if v is not None]
    ymax = nice_max(max(values + [threshold * 1.25, 1.0]))
    ymin = min(0.0, min(values, default=0.0), threshold)

    def x(t: float) -> float:
        return left + (t - view.start) / span * pw

    def y(v: float) -> float:
        return top + ph - (v - ymin) / (ymax - ymin) * ph

    parts = [
        f'<svg class="tw-chart tw-alarm-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(view.name)}: metric value, threshold and alarm state over time" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for band in view.bands:
        x0, x1 = x(max(band.start, view.start)), x(min(band.end, view.end))
        label = escape(
            f"{STATE_TEXT.get(band.state, band.state)} from {time_label(int(band.start * 1000), 0)} "
            f"to {time_label(int(band.end * 1000), 0)} UTC"
        )
        parts.append(
            f'<rect class="band-{band.state}" x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 0.5):.1f}" height="{ph}">'
            f"<title>{label}</title></rect>"
        )
    for frac in (0.0, 0.5, 1.0):
        v = ymin + (ymax - ymin) * frac
        parts.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + pw}" y2="{y(v):.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" class="ylabel">{fmt_count(v)}</text>')
    period = float(view.definition.get("Period", 60))
    path, run = [], []
    for t, v in view.points:
        if v is None:
            if run:
                path.append("M" + " L".join(run))
            run = []
            continue
        run.append(f"{x(t + period / 2):.1f},{y(v):.1f}")
    if run:
        path.append("M" + " L".join(run))
    if path:
        parts.append(f'<path class="series" d="{" ".join(path)}"/>')
    if len(view.points) <= 400:
        for t, v in view.points:
            if v is not None:
                tip = escape(f"{time_label(int(t * 1000), 0)} UTC: {fmt_count(v)}")
                parts.append(
                    f'<circle class="point" cx="{x(t + period / 2):.1f}" cy="{y(v):.1f}" r="2.5"><title>{tip}</title></circle>'
                )
    ty = y(threshold)
    op = escape(view.definition.get("ComparisonOperator", ""))
    parts.append(
        f'<line class="threshold" x1="{left}" y1="{ty:.1f}" x2="{left + pw}" y2="{ty:.1f}"><title>Threshold {op} {fmt_count(threshold)}</title></line>'
    )
    parts.append(
        f'<text class="threshold-label" x="{left + pw - 4}" y="{ty - 4:.1f}" text-anchor="end">threshold {fmt_count(threshold)}</text>'
    )
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" class="axis"/>')
    for t in time_ticks(int(view.start * 1000), int(view.end * 1000)):
        parts.append(
            f'<text x="{x(t / 1000):.1f}" y="{height - 6}" class="xlabel">{escape(time_label(t, int(span * 1000)))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
