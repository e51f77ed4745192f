"""The learner's metric filters, read from moto's CloudWatch Logs backend and applied to ingested events.

Filters are compiled with our engine (``grader.filterpattern.MetricFilter``) and cached per log group; the
cache is rebuilt for a backend whenever its filter list changes (PutMetricFilter/DeleteMetricFilter), so a
filter takes effect for events ingested after it was created, as on AWS (metric filters do not look back:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringLogData.html). moto appends a second
PutMetricFilter of the same name instead of replacing it; the last one wins here, as AWS replaces it.

``minute_samples`` turns one ingested batch into PutMetricData members: per metric (namespace, name,
dimensions, unit) and per minute of the event timestamp, the raw values with their counts (``Values`` and
``Counts``), so every statistic stays exact (grader.metrics.metricfilter explains the aggregation).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

import orjson
from moto.logs.models import logs_backends

from grader.filterpattern import AwsError, LogEvent, MetricFilter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompiledFilter:
    name: str
    log_group: str
    metric_filter: MetricFilter


def _fingerprint(raw: list[dict[str, Any]]) -> tuple[Any, ...]:
    return tuple(
        (
            f.get("filterName"),
            f.get("logGroupName"),
            f.get("filterPattern"),
            orjson.dumps(f.get("metricTransformations")),
        )
        for f in raw
    )


class FilterCache:
    """Compiled metric filters per (account, region, log group), refreshed when moto's list changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._prints: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._by_group: dict[tuple[str, str], dict[str, list[CompiledFilter]]] = {}
        self.rejected: dict[tuple[str, str, str], str] = {}  # (account, region, filter) -> why it is skipped

    def filters_for(self, account: str, region: str, group: str) -> list[CompiledFilter]:
        try:
            raw = list(logs_backends[account][region].filters.metric_filters)
        except KeyError:
            return []
        if not raw:
            return []
        fp = _fingerprint(raw)
        key = (account, region)
        with self._lock:
            if self._prints.get(key) != fp:
                self._by_group[key] = self._compile(account, region, raw)
                self._prints[key] = fp
            return list(self._by_group[key].get(group, ()))

    def _compile(
        self, account: str, region: str, raw: list[dict[str, Any]]
    ) -> dict[str, list[CompiledFilter]]:
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for f in raw:
            latest[(f["logGroupName"], f["filterName"])] = f
        out: dict[str, list[CompiledFilter]] = {}
        for (group, name), f in sorted(latest.items()):
            transformations = f.get("metricTransformations")
            if isinstance(transformations, str):
                transformations = orjson.loads(transformations)
            try:
                compiled = MetricFilter(f.get("filterPattern") or "", list(transformations or []))
            except AwsError as exc:  # moto accepted a filter AWS would have refused
                self.rejected[(account, region, name)] = str(exc)
                log.warning("metric filter %s on %s not applied: %s", name, group, exc)
                continue
            out.setdefault(group, []).append(CompiledFilter(name, group, compiled))
        return out


def minute_samples(
    filters: list[CompiledFilter], events: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """PutMetricData members per namespace for one batch of log events (``timestamp`` ms, ``message``)."""
    buckets: dict[tuple[str, str, tuple[tuple[str, str], ...], str | None, int], Counter[float]] = {}
    for event in events:
        ts = int(event["timestamp"])
        log_event = LogEvent(str(event["message"]), ts)
        minute = ts // 60_000 * 60
        for f in filters:
            for em in f.metric_filter.evaluate(log_event):
                unit = None if em.unit in (None, "None") else em.unit
                key = (em.namespace, em.name, tuple(sorted(em.dimensions.items())), unit, minute)
                buckets.setdefault(key, Counter())[float(em.value)] += 1
    out: dict[str, list[dict[str, Any]]] = {}
    for (namespace, name, dims, unit, minute), counts in sorted(
        buckets.items(), key=lambda kv: (kv[0][4], kv[0][:3], kv[0][3] or "")
    ):
        values = sorted(counts)
        member: dict[str, Any] = {
            "MetricName": name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dims],
            "Timestamp": dt.datetime.fromtimestamp(minute, dt.UTC).replace(
                tzinfo=None
            ),  # moto keeps naive UTC
            "Values": values,
            "Counts": [float(counts[v]) for v in values],
        }
        if unit is not None:
            member["Unit"] = unit
        out.setdefault(namespace, []).append(member)
    return out
