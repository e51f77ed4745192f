"""CloudWatch statistics: parse a ``Statistic`` / ``ExtendedStatistic`` name and compute it over samples.

Definitions follow "CloudWatch statistics definitions"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html):

* ``SampleCount``, ``Sum``, ``Average`` (= Sum / SampleCount), ``Minimum``, ``Maximum``;
* ``pNN`` / ``pNN.NN`` percentiles (``p95``: 95 % of the data is lower than the value);
* ``tmNN``, ``tcNN``, ``tsNN``, ``wmNN`` (short forms: drop the top ``100-NN`` %), ``IQM`` (= ``TM(25%:75%)``),
  ``TM(a:b)``, ``TC(a:b)``, ``TS(a:b)``, ``WM(a:b)`` with percentage (``5%``) or absolute (``150``) bounds,
  one side may be empty (``TM(:95%)``), and ``PR(n:m)`` (percentage of values with ``n < v <= m``).

The exact interpolation AWS uses is not published. We use the nearest-rank percentile (the smallest sample
such that at least p % of the samples are <= it) and symmetric rank-based trimming for percentage bounds
(``TM(a%:b%)`` drops the ceil(a % of n) lowest and the ceil((100-b) % of n) highest samples); absolute bounds
follow the documented example "TM(150:1000) removes data points <= 150 or > 1000". See docs/conformance.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "STANDARD_STATISTICS",
    "StatisticSpec",
    "compute_statistic",
    "parse_statistic",
    "UnsupportedStatisticError",
]

STANDARD_STATISTICS: tuple[str, ...] = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")

_NUM = r"(?:\d+(?:\.\d{1,10})?)"
_PERCENTILE = re.compile(rf"^p({_NUM})$")
_SHORT_TRIM = re.compile(rf"^(tm|tc|ts|wm)({_NUM})$")
_RANGE = re.compile(rf"^(TM|TC|TS|WM|PR)\(\s*({_NUM}%?)?\s*:\s*({_NUM}%?)?\s*\)$")

_KIND_BY_PREFIX = {
    "tm": "trimmed_mean",
    "tc": "trimmed_count",
    "ts": "trimmed_sum",
    "wm": "winsorized_mean",
    "pr": "percentile_rank",
}


class UnsupportedStatisticError(ValueError):
    """Raised for an ExtendedStatistic AWS would reject (``InvalidParameterValue``)."""

    code = "InvalidParameterValue"

    def __init__(self, text: str) -> None:
        # Wording as moto reproduces AWS: moto/cloudwatch/models.py put_metric_alarm.
        super().__init__(f"The value {text} for parameter ExtendedStatistic is not supported.")


@dataclass(frozen=True)
class StatisticSpec:
    """A parsed statistic.

    ``kind`` is ``standard`` (``name`` holds the statistic), ``percentile`` (``low`` = p in percent),
    or one of ``trimmed_mean``/``trimmed_count``/``trimmed_sum``/``winsorized_mean``/``percentile_rank``
    with bounds ``low``/``high`` (``None`` = open side); ``low_pct``/``high_pct`` tell whether a bound
    is a percentage (rank based) or an absolute value.
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    low_pct: bool = False
    high_pct: bool = False

    @property
    def is_percentile(self) -> bool:
        return self.kind == "percentile"


def _bound(text: str | None) -> tuple[float | None, bool]:
    if text is None or text == "":
        return None, False
    if text.endswith("%"):
        return float(text[:-1]), True
    return float(text), False


def parse_statistic(name: str) -> StatisticSpec:
    """Parse a ``Statistic`` or ``ExtendedStatistic`` string; raise :class:`UnsupportedStatisticError`."""
    if name in STANDARD_STATISTICS:
        return StatisticSpec(name, "standard")
    m = _PERCENTILE.match(name)
    if m:
        p = float(m.group(1))
        if p > 100:
            raise UnsupportedStatisticError(name)
        return StatisticSpec(name, "percentile", low=p)
    m = _SHORT_TRIM.match(name)
    if m:
        upper = float(m.group(2))
        if upper > 100:
            raise UnsupportedStatisticError(name)
        return StatisticSpec(name, _KIND_BY_PREFIX[m.group(1)], low=None, high=upper, high_pct=True)
    if name == "IQM":
        return StatisticSpec(name, "trimmed_mean", low=25.0, high=75.0, low_pct=True, high_pct=True)
    m = _RANGE.match(name)
    if m:
        low, low_pct = _bound(m.group(2))
        high, high_pct = _bound(m.group(3))
        if low is None and high is None:
            raise UnsupportedStatisticError(name)
        kind = _KIND_BY_PREFIX[m.group(1).lower()]
        for value, pct in ((low, low_pct), (high, high_pct)):
            if value is not None and pct and value > 100:
                raise UnsupportedStatisticError(name)
        if kind == "percentile_rank" and (low_pct or high_pct):
            raise UnsupportedStatisticError(name)
        if low is not None and high is not None and low_pct == high_pct and low > high:
            raise UnsupportedStatisticError(name)
        return StatisticSpec(name, kind, low, high, low_pct, high_pct)
    raise UnsupportedStatisticError(name)


def _nearest_rank(sorted_values: np.ndarray, p: float) -> float:
    n = len(sorted_values)
    if p <= 0:
        return float(sorted_values[0])
    rank = math.ceil(p / 100.0 * n)
    return float(sorted_values[min(max(rank, 1), n) - 1])


def _kept_mask(spec: StatisticSpec, sorted_values: np.ndarray) -> np.ndarray:
    """Which sorted samples lie inside the statistic's bounds."""
    n = len(sorted_values)
    keep = np.ones(n, dtype=bool)
    ranks = np.arange(n)
    if spec.low is not None:
        if spec.low_pct:
            keep &= ranks >= math.ceil(round(spec.low / 100.0 * n, 9))
        else:
            keep &= sorted_values > spec.low
    if spec.high is not None:
        if spec.high_pct:
            keep &= ranks < n - math.ceil(round((100.0 - spec.high) / 100.0 * n, 9))
        else:
            keep &= sorted_values <= spec.high
    return keep


def compute_statistic(spec: StatisticSpec, values: Sequence[float] | np.ndarray) -> float | None:
    """The statistic over one period's samples; ``None`` when the period has no samples (missing)."""
    arr = np.asarray(values, dtype=np.float64)
    n = arr.size
    if n == 0:
        return None
    if spec.kind == "standard":
        if spec.name == "SampleCount":
            return float(n)
        if spec.name == "Sum":
            return float(arr.sum())
        if spec.name == "Average":
            return float(arr.sum()) / n
        if spec.name == "Minimum":
            return float(arr.min())
        return float(arr.max())
    ordered = np.sort(arr, kind="stable")
    if spec.kind == "percentile":
        assert spec.low is not None
        return _nearest_rank(ordered, spec.low)
    if spec.kind == "percentile_rank":
        kept = _kept_mask(spec, ordered)
        return float(kept.sum()) * 100.0 / n
    kept = _kept_mask(spec, ordered)
    inside = ordered[kept]
    if spec.kind == "trimmed_count":
        return float(inside.size)
    if spec.kind == "trimmed_sum":
        return float(inside.sum())
    if spec.kind == "trimmed_mean":
        return float(inside.mean()) if inside.size else None
    # winsorized mean: values outside the bounds are clamped to the nearest kept value.
    if inside.size == 0:
        return None
    clamped = np.clip(ordered, inside[0], inside[-1])
    return float(clamped.mean())
