"""One alarm evaluation: from the datapoints of the evaluation range to a state (or "keep the current one").

The rules are AWS's "How alarm state is evaluated when data is missing"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):

1. nothing missing in the range -> the newest N datapoints decide;
2. some missing but >= N real datapoints in the range -> the newest N *real* datapoints decide, TreatMissingData
   plays no role;
3. fewer than N real datapoints -> all real ones, filled up to N with the TreatMissingData treatment
   (``breaching`` / ``notBreaching``); ``missing`` and ``ignore`` decide on the real points alone; an empty
   range is INSUFFICIENT_DATA under ``missing`` and keeps the current state under ``ignore``;
4. premature-alarm rule: when every real datapoint in the range breaches and the oldest of them is at least M
   periods old (position from the newest, newest = 1), ``missing`` goes to ALARM and ``ignore`` keeps the
   current state, even with fewer than M breaching points. When every real datapoint breaches but fewer than M
   exist and the oldest is younger than M periods (``- - - - X``), the alarm "does not go immediately into
   ALARM": it keeps its current state (our reading; it has no non-breaching point to go OK on).

ALARM needs at least M breaching datapoints among those that decide; anything else is OK. With
``EvaluateLowSampleCountPercentile=ignore`` a percentile alarm keeps its state while any deciding period has
too few samples (p in [0.5, 1): fewer than 10/(1-p); p in (0, 0.5): fewer than 10/p).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "COMPARATORS",
    "Decision",
    "Point",
    "decide",
    "default_evaluation_range",
    "min_samples_for_percentile",
]

COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanOrEqualToThreshold": operator.ge,
    "GreaterThanThreshold": operator.gt,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}


@dataclass(frozen=True)
class Point:
    """One period of the evaluation range: its start (epoch s), value (``None`` = missing), sample count."""

    start: float
    value: float | None
    sample_count: int | None = None


@dataclass(frozen=True)
class Decision:
    """The outcome of one evaluation.

    ``state`` is ``None`` when the alarm keeps its current state. ``kind`` says why:
    ``threshold`` (datapoints compared), ``premature`` (rule 4 went to ALARM), ``all_filled`` (no real data,
    filled by breaching/notBreaching), ``insufficient`` (no real data, ``missing``), ``retain_empty``
    (no real data, ``ignore``), ``retain_premature`` (rule 4 under ``ignore``), ``retain_wait`` (only young
    breaching points), ``retain_low_samples``.
    ``evaluated`` are the real points that decided (oldest first) with ``breaching`` flags;
    ``filled`` counts missing periods filled by the treatment, ``filled_starts`` their period starts (newest
    first); ``missing_starts`` are the starts of the N newest periods when no real data was found.
    """

    state: str | None
    kind: str
    evaluated: tuple[Point, ...] = ()
    breaching: tuple[bool, ...] = ()
    filled: int = 0
    fill_breaching: bool | None = None
    filled_starts: tuple[float, ...] = ()


def default_evaluation_range(evaluation_periods: int) -> int:
    """How many periods an evaluation fetches. AWS does not publish it; every documented example has N = 3
    and a range of 5, so we use N + 2 (see docs/conformance.md)."""
    return evaluation_periods + 2


def min_samples_for_percentile(p: float) -> float:
    """Fewest samples for a statistically significant percentile (AWS "Percentile-based alarms and low data
    samples"); 0 when the rule does not apply (p0, p100)."""
    q = p / 100.0
    if 0.5 <= q < 1.0:
        return 10.0 / (1.0 - q)
    if 0.0 < q < 0.5:
        return 10.0 / q
    return 0.0


def decide(
    points: Sequence[Point],
    *,
    evaluation_periods: int,
    datapoints_to_alarm: int,
    comparison_operator: str,
    threshold: float,
    treat_missing_data: str,
    min_samples: float = 0.0,
) -> Decision:
    """Evaluate the range ``points`` (oldest first, ending with the newest period)."""
    n, m = evaluation_periods, datapoints_to_alarm
    breaches = COMPARATORS[comparison_operator]
    real = [(i, p) for i, p in enumerate(points) if p.value is not None]
    missing_idx = [i for i, p in enumerate(points) if p.value is None]

    if not real:
        newest = tuple(p.start for p in reversed(points[-n:]))
        if treat_missing_data == "breaching":
            return Decision("ALARM", "all_filled", filled=n, fill_breaching=True, filled_starts=newest)
        if treat_missing_data == "notBreaching":
            return Decision("OK", "all_filled", filled=n, fill_breaching=False, filled_starts=newest)
        if treat_missing_data == "ignore":
            return Decision(None, "retain_empty", filled_starts=newest)
        return Decision("INSUFFICIENT_DATA", "insufficient", filled_starts=newest)

    if len(real) >= n:
        chosen = [p for _, p in real[-n:]]
        flags = tuple(breaches(p.value, threshold) for p in chosen)  # type: ignore[arg-type]
        return _low_samples_or(
            Decision("ALARM" if sum(flags) >= m else "OK", "threshold", tuple(chosen), flags), min_samples
        )

    chosen = [p for _, p in real]
    flags = tuple(breaches(p.value, threshold) for p in chosen)  # type: ignore[arg-type]
    to_fill = n - len(real)
    fill_starts = tuple(points[i].start for i in reversed(missing_idx))[:to_fill]
    if treat_missing_data in ("breaching", "notBreaching"):
        fill_breach = treat_missing_data == "breaching"
        count = sum(flags) + (to_fill if fill_breach else 0)
        return _low_samples_or(
            Decision(
                "ALARM" if count >= m else "OK",
                "threshold",
                tuple(chosen),
                flags,
                to_fill,
                fill_breach,
                fill_starts,
            ),
            min_samples,
        )
    oldest_age = len(points) - real[0][0]
    if all(flags) and sum(flags) < m:
        if oldest_age < m:
            # "- - - - X" with M = 3: too early to alarm, and no non-breaching point to go OK on.
            return Decision(None, "retain_wait", tuple(chosen), flags)
        if treat_missing_data == "ignore":
            return Decision(None, "retain_premature", tuple(chosen), flags)
        return _low_samples_or(Decision("ALARM", "premature", tuple(chosen), flags), min_samples)
    return _low_samples_or(
        Decision("ALARM" if sum(flags) >= m else "OK", "threshold", tuple(chosen), flags), min_samples
    )


def _low_samples_or(decision: Decision, min_samples: float) -> Decision:
    if min_samples <= 0:
        return decision
    for p in decision.evaluated:
        if p.sample_count is not None and p.sample_count < math.ceil(round(min_samples, 6)):
            return Decision(None, "retain_low_samples", decision.evaluated, decision.breaching)
    return decision
