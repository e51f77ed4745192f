"""An in-memory CloudWatch metric store: raw samples per metric, aggregated into period statistics on read.

A metric is identified by namespace, name and the full dimension set (CloudWatch treats every distinct
dimension combination as a separate metric). Each sample keeps its timestamp, value and unit. Reading
aggregates the samples of each period ``[start + k*P, start + (k+1)*P)`` with a statistic; a period without
samples is *missing* (``value is None``), never 0. If a unit is requested, only samples published with that
unit count (a wrong unit leaves every period missing, as AWS documents for alarms with a ``Unit``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from grader.metrics.statistics import StatisticSpec, compute_statistic, parse_statistic

__all__ = ["MetricKey", "MetricStore", "PeriodDatapoint", "to_epoch_seconds"]


def to_epoch_seconds(ts: datetime | float | int | str) -> float:
    """Epoch seconds from an aware datetime, a number (epoch seconds) or an ISO-8601 string (``Z`` allowed)."""
    if isinstance(ts, bool):
        raise TypeError("timestamp must be a datetime, a number or an ISO-8601 string, not a bool")
    if isinstance(ts, int | float):
        return float(ts)
    if isinstance(ts, str):
        ts = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.timestamp()


@dataclass(frozen=True, order=True)
class MetricKey:
    """Namespace, metric name and the sorted dimension pairs."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, namespace: str, name: str, dimensions: Mapping[str, str] | None = None) -> MetricKey:
        return cls(namespace, name, tuple(sorted((dimensions or {}).items())))


@dataclass(frozen=True)
class PeriodDatapoint:
    """One period of an alarm or GetMetricStatistics read: start (epoch s), value (None = missing), samples."""

    timestamp: float
    value: float | None
    sample_count: int = 0


@dataclass
class _Series:
    times: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    units: list[str | None] = field(default_factory=list)
    _sorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._sorted is None:
            t = np.asarray(self.times, dtype=np.float64)
            order = np.argsort(t, kind="stable")
            v = np.asarray(self.values, dtype=np.float64)[order]
            u = np.asarray([x or "" for x in self.units], dtype=object)[order]
            self._sorted = (t[order], v, u)
        return self._sorted


class MetricStore:
    """Samples per :class:`MetricKey`; aggregation into periods with any CloudWatch statistic."""

    def __init__(self) -> None:
        self._series: dict[MetricKey, _Series] = {}

    def put(
        self,
        namespace: str,
        name: str,
        value: float,
        timestamp: datetime | float | int | str,
        dimensions: Mapping[str, str] | None = None,
        unit: str | None = None,
    ) -> None:
        """Record one sample (PutMetricData with a single Value)."""
        key = MetricKey.of(namespace, name, dimensions)
        series = self._series.setdefault(key, _Series())
        series.times.append(to_epoch_seconds(timestamp))
        series.values.append(float(value))
        series.units.append(None if unit in (None, "None") else unit)
        series._sorted = None

    def put_many(self, samples: Iterable[tuple[MetricKey, float, float, str | None]]) -> None:
        """Record ``(key, epoch_seconds, value, unit)`` samples."""
        for key, ts, value, unit in samples:
            self.put(key.namespace, key.name, value, ts, dict(key.dimensions), unit)

    def keys(self) -> list[MetricKey]:
        return sorted(self._series)

    def samples(
        self, key: MetricKey, start: float, end: float, unit: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Timestamps and values of the samples in ``[start, end)``, time ordered."""
        series = self._series.get(key)
        if series is None:
            empty = np.empty(0, dtype=np.float64)
            return empty, empty
        t, v, u = series.arrays()
        lo, hi = np.searchsorted(t, [start, end], side="left")
        t, v, u = t[lo:hi], v[lo:hi], u[lo:hi]
        if unit is not None and unit != "None":
            mask = u == unit
            t, v = t[mask], v[mask]
        elif unit == "None":
            mask = u == ""
            t, v = t[mask], v[mask]
        return t, v

    def period_datapoints(
        self,
        key: MetricKey,
        statistic: str | StatisticSpec,
        period: int,
        start: datetime | float | int | str,
        end: datetime | float | int | str,
        unit: str | None = None,
    ) -> list[PeriodDatapoint]:
        """One datapoint per period ``[start + k*P, start + (k+1)*P)`` up to ``end``, oldest first."""
        spec = statistic if isinstance(statistic, StatisticSpec) else parse_statistic(statistic)
        t0, t1 = to_epoch_seconds(start), to_epoch_seconds(end)
        times, values = self.samples(key, t0, t1, unit)
        count = int(max(0, (t1 - t0) // period))
        edges = t0 + period * np.arange(count + 1, dtype=np.float64)
        cuts = np.searchsorted(times, edges, side="left")
        out: list[PeriodDatapoint] = []
        for k in range(count):
            chunk = values[cuts[k] : cuts[k + 1]]
            out.append(PeriodDatapoint(float(edges[k]), compute_statistic(spec, chunk), int(chunk.size)))
        return out
