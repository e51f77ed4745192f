"""Metric filter -> per-minute datapoints, with the real filter pattern engine (grader.filterpattern).

Expected numbers are the live-AWS observations recorded in floci's metric-filter verification
(mariotoffia/floci docs/services/cloudwatch-metric-filters-verification.md) and summarised in
shared/reference/filter-pattern-semantics.md section 7.1.
"""

from __future__ import annotations

import pytest

from grader.alarms import evaluate_alarm_on_store
from grader.metrics import MetricKey, MetricStore, metric_filter_datapoints, publish_metric_filter

fp = pytest.importorskip(
    "grader.filterpattern", reason="the filter pattern engine (grader.filterpattern) is not installed"
)
MetricFilter, LogEvent = fp.MetricFilter, fp.LogEvent

MINUTE = 60_000
T0 = 1_704_067_200_000  # 2024-01-01T00:00:00Z in ms


def transformation(**extra: object) -> list[dict[str, object]]:
    return [{"metricName": "Errors", "metricNamespace": "App", "metricValue": "3", **extra}]


def test_default_value_is_emitted_per_non_matching_event() -> None:
    mf = MetricFilter("ERROR", transformation(defaultValue=7))
    events = [LogEvent(m, T0 + i) for i, m in enumerate(["ERROR", "INFO", "ERROR"])]
    [minute] = metric_filter_datapoints(mf, events)
    assert minute.statistic_set() == {"SampleCount": 3.0, "Sum": 13.0, "Minimum": 3.0, "Maximum": 7.0}
    assert minute.timestamp == T0 / 1000


def test_fourteen_misses_and_one_match_in_a_minute() -> None:
    mf = MetricFilter(
        "DEFAULT_MATCH", [{"metricName": "m", "metricNamespace": "ns", "metricValue": "5", "defaultValue": 3}]
    )
    events = [LogEvent("DEFAULT_MATCH" if i == 0 else f"other {i}", T0 + i * 1000) for i in range(15)]
    [minute] = metric_filter_datapoints(mf, events)
    assert (minute.sum, minute.sample_count) == (47.0, 15)


def test_minutes_follow_event_timestamps_and_empty_minutes_publish_nothing() -> None:
    mf = MetricFilter("ERROR", transformation(defaultValue=0))
    events = [LogEvent("ERROR a", T0 + 5 * MINUTE + 1), LogEvent("ERROR b", T0), LogEvent("ok", T0 + 30_000)]
    got = metric_filter_datapoints(mf, events)
    assert [(d.timestamp, d.values) for d in got] == [(T0 / 1000, (3.0, 0.0)), (T0 / 1000 + 300, (3.0,))]


def test_no_default_means_no_datapoint_for_misses() -> None:
    mf = MetricFilter("ERROR", transformation())
    assert metric_filter_datapoints(mf, [LogEvent("INFO", T0)]) == []


def test_extracted_values_dimensions_and_unit() -> None:
    mf = MetricFilter(
        '{ $.eventName = "ConsoleLogin" }',
        [
            {
                "metricName": "Logins",
                "metricNamespace": "Sec",
                "metricValue": "$.n",
                "unit": "Count",
                "dimensions": {"User": "$.user"},
            }
        ],
    )
    events = [
        LogEvent('{"eventName": "ConsoleLogin", "n": 2, "user": "alice"}', T0),
        LogEvent('{"eventName": "ConsoleLogin", "n": 5, "user": "bob"}', T0 + 1),
        LogEvent('{"eventName": "ConsoleLogin", "n": 1}', T0 + 2),  # missing dimension: no dimensions at all
        LogEvent('{"eventName": "ConsoleLogin", "n": "x", "user": "alice"}', T0 + 3),  # non-numeric: nothing
    ]
    got = metric_filter_datapoints(mf, events)
    assert [(d.key, d.unit, d.values) for d in got] == [
        (MetricKey("Sec", "Logins", ()), "Count", (1.0,)),
        (MetricKey("Sec", "Logins", (("User", "alice"),)), "Count", (2.0,)),
        (MetricKey("Sec", "Logins", (("User", "bob"),)), "Count", (5.0,)),
    ]


def test_events_need_timestamps() -> None:
    mf = MetricFilter("ERROR", transformation())
    with pytest.raises(ValueError, match="log event 1: no timestamp"):
        metric_filter_datapoints(mf, [LogEvent("ERROR", T0), LogEvent("ERROR")])


def test_metric_filter_to_alarm_end_to_end() -> None:
    # CIS-style: count root sign-ins per 5 minutes, alarm on Sum >= 1.
    mf = MetricFilter(
        '{ $.userIdentity.type = "Root" }',
        [{"metricName": "RootUsage", "metricNamespace": "CIS", "metricValue": "1"}],
    )
    events = [
        LogEvent('{"userIdentity": {"type": "IAMUser"}}', T0 + 60_000),
        LogEvent('{"userIdentity": {"type": "Root"}}', T0 + 7 * MINUTE),
    ]
    store = MetricStore()
    assert publish_metric_filter(store, mf, events) == 1
    alarm = {
        "AlarmName": "root",
        "Namespace": "CIS",
        "MetricName": "RootUsage",
        "Statistic": "Sum",
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
    }
    tl = evaluate_alarm_on_store(alarm, store, T0 / 1000, T0 / 1000 + 30 * 60)
    firsts = [e for e in tl.entries if e.transition]
    assert [(e.state, e.timestamp - T0 / 1000) for e in firsts] == [("OK", 60), ("ALARM", 480), ("OK", 1380)]
