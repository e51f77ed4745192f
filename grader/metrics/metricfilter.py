"""Metric filter -> the datapoints CloudWatch publishes over time.

How matches become datapoints (decisions and sources in docs/conformance.md, "Metric filters and metric
values" > "How matches become datapoints over time"):

* every ingested log event contributes what the filter emits for it: the metricValue when it matches, the
  ``defaultValue`` when it does not (one sample **per non-matching event**, without dimensions), nothing when
  the referenced value is not numeric. API reference: "The value to emit when a filter pattern does not match
  a log event" (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html),
  confirmed by live-AWS recordings (ERROR/INFO/ERROR with value 3, default 7 -> Sum 13, SampleCount 3);
* the contributions are aggregated per **minute of the event's timestamp** (not ingestion time) and per metric
  (namespace, name, dimension set, unit); a minute without ingested events publishes nothing;
* each contribution stays a separate sample, so Sum, SampleCount, Minimum, Maximum, Average and
  percentiles of the minute are all available (the docs allow any statistic, percentiles included, on
  metric-filter metrics: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringLogData.html).

The per-event evaluation itself (matching, metricValue extraction, dimensions, defaultValue) is the filter
pattern engine's job: ``grader.filterpattern.MetricFilter.evaluate`` (``emit`` for a match, the default
datapoint for a miss). Log event timestamps are epoch milliseconds, as in CloudWatch Logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from grader.metrics.store import MetricKey, MetricStore

__all__ = ["MinuteDatum", "metric_filter_datapoints", "publish_metric_filter"]


class _Emission(Protocol):
    namespace: str
    name: str
    value: float
    dimensions: dict[str, str]
    unit: str | None


class _Emitter(Protocol):
    def evaluate(self, event: Any) -> list[Any]: ...


@dataclass(frozen=True)
class MinuteDatum:
    """What one metric receives in one minute: the samples of every contributing event, in event order."""

    timestamp: float  # start of the minute, epoch seconds
    key: MetricKey
    unit: str | None
    values: tuple[float, ...]

    @property
    def sample_count(self) -> int:
        return len(self.values)

    @property
    def sum(self) -> float:
        return float(sum(self.values))

    @property
    def minimum(self) -> float:
        return min(self.values)

    @property
    def maximum(self) -> float:
        return max(self.values)

    def statistic_set(self) -> dict[str, float]:
        """The minute as a PutMetricData ``StatisticValues`` set."""
        return {
            "SampleCount": float(self.sample_count),
            "Sum": self.sum,
            "Minimum": self.minimum,
            "Maximum": self.maximum,
        }


def metric_filter_datapoints(metric_filter: _Emitter, events: Iterable[Any]) -> list[MinuteDatum]:
    """Aggregate the filter's per-event results into per-minute data, ordered by minute then metric.

    Every event needs a ``timestamp`` (epoch ms); a missing one raises ``ValueError`` naming the event.
    """
    buckets: dict[tuple[float, MetricKey, str | None], list[float]] = {}
    for index, event in enumerate(events):
        if event.timestamp is None:
            raise ValueError(
                f"log event {index}: no timestamp (epoch milliseconds needed to place its datapoint)"
            )
        emissions = metric_filter.evaluate(event)
        if not emissions:
            continue
        minute = (int(event.timestamp) // 60_000) * 60.0
        for em in emissions:
            unit = None if em.unit in (None, "None") else em.unit
            key = MetricKey.of(em.namespace, em.name, em.dimensions)
            buckets.setdefault((minute, key, unit), []).append(float(em.value))
    return [
        MinuteDatum(minute, key, unit, tuple(values))
        for (minute, key, unit), values in sorted(
            buckets.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        )
    ]


def publish_metric_filter(store: MetricStore, metric_filter: _Emitter, events: Iterable[Any]) -> int:
    """Feed the filter's samples into ``store`` (each sample at its minute); return how many were stored."""
    stored = 0
    for datum in metric_filter_datapoints(metric_filter, events):
        for value in datum.values:
            store.put(
                datum.key.namespace,
                datum.key.name,
                value,
                datum.timestamp,
                dict(datum.key.dimensions),
                datum.unit,
            )
            stored += 1
    return stored
