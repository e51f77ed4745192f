"""CloudWatch metrics offline: a metric store, period statistics, and metric-filter datapoints over time.

Public API:

* :class:`MetricStore` — ``put(namespace, name, value, timestamp, dimensions=None, unit=None)`` records a raw
  sample; ``period_datapoints(key, statistic, period, start, end, unit=None)`` returns one
  :class:`PeriodDatapoint` (period start, value or ``None`` when missing, sample count) per period.
* :class:`MetricKey` — namespace, name and sorted dimensions (``MetricKey.of(ns, name, {"k": "v"})``).
* :func:`parse_statistic` / :func:`compute_statistic` — ``SampleCount``/``Sum``/``Average``/``Minimum``/
  ``Maximum`` and the extended statistics ``pNN``, ``tmNN``/``tcNN``/``tsNN``/``wmNN``, ``IQM``,
  ``TM|TC|TS|WM(a:b)``, ``PR(n:m)``; an unsupported name raises :class:`UnsupportedStatisticError`.
* :func:`metric_filter_datapoints(metric_filter, events)` — the per-minute data (:class:`MinuteDatum`) a
  CloudWatch Logs metric filter publishes for time-ordered log events (``grader.filterpattern.MetricFilter``
  and ``LogEvent``); :func:`publish_metric_filter(store, metric_filter, events)` feeds them into a store.
"""

from grader.metrics.metricfilter import MinuteDatum, metric_filter_datapoints, publish_metric_filter
from grader.metrics.statistics import (
    STANDARD_STATISTICS,
    StatisticSpec,
    UnsupportedStatisticError,
    compute_statistic,
    parse_statistic,
)
from grader.metrics.store import MetricKey, MetricStore, PeriodDatapoint, to_epoch_seconds

__all__ = [
    "STANDARD_STATISTICS",
    "MetricKey",
    "MetricStore",
    "MinuteDatum",
    "PeriodDatapoint",
    "StatisticSpec",
    "UnsupportedStatisticError",
    "compute_statistic",
    "metric_filter_datapoints",
    "parse_statistic",
    "publish_metric_filter",
    "to_epoch_seconds",
]
