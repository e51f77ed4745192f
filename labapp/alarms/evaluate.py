"""Evaluate the learner's alarms over the scenario timeline with our engines, so the charts work offline too.

For each metric alarm: the learner's metric filters that publish its metric (same namespace and name) run
over their log group's events (grader.metrics.publish_metric_filter: per-minute samples), then
grader.alarms.evaluate_alarm_on_store evaluates the alarm on CloudWatch's schedule. The chart shows the
alarm's statistic per period, the threshold and the state after every evaluation. Results are cached in
process per (events source, filters, alarm), since a 7-day dataset takes seconds to evaluate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from grader.alarms import AlarmValidationError, evaluate_alarm_on_store, parse_metric_alarm
from grader.filterpattern import AwsError, LogEvent, MetricFilter
from grader.metrics import MetricStore, publish_metric_filter
from labapp.lru import LruCache

# (log group, metric filter) -> (events oldest first, where they came from) or None; a source may leave out
# events the filter cannot match when the filter has no defaultValue (they publish nothing)
EventsFor = Callable[[str, dict[str, Any]], tuple[list[tuple[int, str]], str] | None]


@dataclass
class StateBand:
    start: float  # epoch seconds
    end: float
    state: str


@dataclass
class AlarmView:
    name: str
    definition: dict[str, Any]
    filters: list[dict[str, Any]]
    problem: str | None = None
    start: float = 0.0
    end: float = 0.0
    points: list[tuple[float, float | None]] = field(default_factory=list)  # (period start s, value)
    bands: list[StateBand] = field(default_factory=list)
    transitions: list[dict[str, Any]] = field(default_factory=list)  # time, from, to, reason
    state: str = "INSUFFICIENT_DATA"
    notes: list[str] = field(default_factory=list)


CACHE_SIZE = 64
_cache: LruCache[str, AlarmView] = LruCache(CACHE_SIZE)


def _publishes(f: dict[str, Any], alarm: dict[str, Any]) -> bool:
    return any(
        t.get("metricNamespace") == alarm.get("Namespace") and t.get("metricName") == alarm.get("MetricName")
        for t in f.get("metricTransformations", [])
    )


def evaluate_view(
    alarm: dict[str, Any],
    filters: list[dict[str, Any]],
    events_for: EventsFor,
    time_range: tuple[float, float] | None,
    cache_key: str = "",
) -> AlarmView:
    """The chart data of one alarm (a PutMetricAlarm request) fed by the learner's metric ``filters``."""
    mine = [f for f in filters if _publishes(f, alarm)]
    key = hashlib.sha256(
        orjson.dumps([cache_key, alarm, mine, time_range], option=orjson.OPT_SORT_KEYS)
    ).hexdigest()
    cached = _cache.get(key)
    if cached is not None:
        return cached
    view = _evaluate(alarm, mine, events_for, time_range)
    _cache.put(key, view)
    return view


def _evaluate(
    alarm: dict[str, Any],
    mine: list[dict[str, Any]],
    events_for: EventsFor,
    time_range: tuple[float, float] | None,
) -> AlarmView:
    view = AlarmView(alarm.get("AlarmName", "?"), alarm, mine)
    try:
        parsed = parse_metric_alarm(alarm)
    except AlarmValidationError as exc:
        view.problem = f"{exc.code}: {exc.message}"
        return view
    if parsed.metric_name is None:
        view.problem = "Metric math alarms are not charted; only alarms on a single metric."
        return view
    store = MetricStore()
    times: list[int] = []
    sources: set[str] = set()
    for f in mine:
        got = events_for(f["logGroupName"], f)
        if got is None:
            view.notes.append(f"Log group {f['logGroupName']} has no events in the dataset or the backend.")
            continue
        events, where = got
        sources.add(where)
        try:
            metric_filter = MetricFilter(f.get("filterPattern", ""), f["metricTransformations"])
        except AwsError as exc:
            view.notes.append(f"Metric filter {f.get('filterName')}: {exc.code}: {exc.message}")
            continue
        publish_metric_filter(store, metric_filter, (LogEvent(m, ts) for ts, m in events))
        view.notes.append(
            f"Metric filter {f.get('filterName')} evaluated over {len(events):,} events ({where})."
        )
        if events:
            times += [events[0][0], events[-1][0]]
    if not mine:
        view.notes.append("None of your metric filters publishes this alarm's metric, so it never gets data.")
    if time_range is not None and any(w.startswith("dataset") for w in sources):
        start, end = time_range  # the scenario timeline
    elif times:
        start, end = min(times) / 1000, max(times) / 1000 + parsed.period * (parsed.evaluation_periods + 1)
    else:
        view.problem = "No events to evaluate the alarm over."
        return view
    start = start // 60 * 60
    view.start, view.end = start, end
    timeline = evaluate_alarm_on_store(parsed, store, start, end)
    view.points = [
        (p.timestamp, p.value)
        for p in store.period_datapoints(
            parsed.metric_key, parsed.stat_spec, parsed.period, start, end, parsed.unit
        )
    ]
    state, since = "INSUFFICIENT_DATA", start
    for e in timeline.transitions:
        view.bands.append(StateBand(since, e.timestamp, state))
        view.transitions.append(
            {"time": e.timestamp, "from": e.previous_state, "to": e.state, "reason": e.reason}
        )
        state, since = e.state, e.timestamp
    view.bands.append(StateBand(since, end, state))
    view.state = timeline.state
    return view
