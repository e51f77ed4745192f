"""The learner's metric filters and metric alarms, read from the configured backend with boto3.

DescribeAlarms returns alarms in DescribeAlarms shape; ``grader.alarms.put_metric_alarm_request`` turns one
back into the PutMetricAlarm request the alarm engine takes. Log events of a log group that the dataset
does not hold (lab 2's live trail) are read from the backend with FilterLogEvents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labapp.backend import Backend

MAX_BACKEND_EVENTS = 200_000


@dataclass
class LearnerResources:
    metric_filters: list[dict[str, Any]] = field(default_factory=list)  # DescribeMetricFilters items
    alarms: list[dict[str, Any]] = field(default_factory=list)  # DescribeAlarms MetricAlarms items
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # alarm -> StateUpdate items
    problem: str | None = None  # why the backend could not be read


def read_resources(backend: Backend) -> LearnerResources:
    """Every metric filter, metric alarm and alarm state history the backend holds."""
    out = LearnerResources()
    try:
        logs = backend.client("logs")
        for page in logs.get_paginator("describe_metric_filters").paginate():
            out.metric_filters.extend(page.get("metricFilters", []))
        cw = backend.client("cloudwatch")
        for page in cw.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
            out.alarms.extend(page.get("MetricAlarms", []))
        for alarm in out.alarms:
            name = alarm["AlarmName"]
            items = cw.describe_alarm_history(AlarmName=name, HistoryItemType="StateUpdate", MaxRecords=100)
            out.history[name] = items.get("AlarmHistoryItems", [])
    except Exception as exc:  # noqa: BLE001 - any backend failure is shown on the page, not raised
        out.problem = f"The AWS backend could not be read ({type(exc).__name__}: {exc})."
    out.metric_filters.sort(key=lambda f: (f.get("logGroupName", ""), f.get("filterName", "")))
    out.alarms.sort(key=lambda a: a["AlarmName"])
    return out


def backend_events(backend: Backend, log_group: str) -> list[tuple[int, str]]:
    """(timestamp ms, message) of every event in ``log_group`` on the backend, oldest first (capped)."""
    logs = backend.client("logs")
    events: list[tuple[int, str]] = []
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=log_group):
        for e in page.get("events", []):
            events.append((int(e["timestamp"]), e["message"]))
        if len(events) >= MAX_BACKEND_EVENTS:
            break
    events.sort(key=lambda e: e[0])
    return events
