"""An alarm watching a metric store, evaluated on CloudWatch's schedule."""

from __future__ import annotations

from grader.alarms import evaluate_alarm_on_store
from grader.alarms.formatting import iso_millis
from grader.metrics import MetricStore

ALARM = {
    "AlarmName": "a",
    "Namespace": "ns",
    "MetricName": "m",
    "Statistic": "Sum",
    "Period": 300,
    "EvaluationPeriods": 1,
    "Threshold": 1,
    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    "TreatMissingData": "notBreaching",
}


def test_five_minute_windows_slide_by_one_minute() -> None:
    store = MetricStore()
    store.put("ns", "m", 1, "2024-01-01T00:02:30Z")
    tl = evaluate_alarm_on_store(ALARM, store, "2024-01-01T00:00:00Z", "2024-01-01T00:20:00Z")
    assert len(tl.entries) == 20  # every minute
    states = [e.state for e in tl.entries]
    # From 00:03 the newest window [t-5min, t) holds the sample; after 00:07 it is older, but the evaluation
    # range (3 periods = 15 min) still reaches it and rule 2 uses the newest real datapoint: the alarm
    # "keeps re-evaluating the last real datapoints" until 00:18.
    assert states == ["OK"] * 2 + ["ALARM"] * 15 + ["OK"] * 3
    first_alarm = tl.entries[2]
    assert iso_millis(first_alarm.timestamp) == "2024-01-01T00:03:00.000+0000"
    assert (
        first_alarm.reason
        == "Threshold Crossed: 1 datapoint [1.0 (31/12/23 23:58:00)] was greater than or equal to the threshold (1.0)."
    )
    assert [e.transition for e in tl.entries].count(True) == 3  # OK at creation, ALARM, OK


def test_dimensions_and_unit_select_the_metric() -> None:
    store = MetricStore()
    store.put("ns", "m", 5, 30, {"Host": "a"}, "Count")
    store.put("ns", "m", 5, 30, {"Host": "b"}, "Count")
    alarm = {
        **ALARM,
        "Period": 60,
        "Dimensions": [{"Name": "Host", "Value": "a"}],
        "TreatMissingData": "missing",
    }
    assert evaluate_alarm_on_store(alarm, store, 0, 60).state == "ALARM"
    assert evaluate_alarm_on_store({**alarm, "Unit": "Count"}, store, 0, 60).state == "ALARM"
    # a unit the data was not published with leaves the alarm without data (AWS: stuck in INSUFFICIENT_DATA)
    assert evaluate_alarm_on_store({**alarm, "Unit": "Seconds"}, store, 0, 60).state == "INSUFFICIENT_DATA"
    no_dims = {k: v for k, v in alarm.items() if k != "Dimensions"}
    assert evaluate_alarm_on_store(no_dims, store, 0, 60).state == "INSUFFICIENT_DATA"


def test_high_resolution_alarms_are_evaluated_every_10_seconds() -> None:
    store = MetricStore()
    store.put("ns", "m", 21, 5)
    store.put("ns", "m", 22, 7)
    alarm = {
        **ALARM,
        "Period": 10,
        "Statistic": "Average",
        "Threshold": 21,
        "ComparisonOperator": "GreaterThanThreshold",
    }
    tl = evaluate_alarm_on_store(alarm, store, 0, 60)
    assert [e.timestamp for e in tl.entries] == [10, 20, 30, 40, 50, 60]
    assert [e.state for e in tl.entries] == ["ALARM"] * 3 + ["OK"] * 3
    assert tl.entries[0].reason_data["evaluatedDatapoints"] == [
        {"timestamp": "1970-01-01T00:00:00.000+0000", "sampleCount": 2.0, "value": 21.5}
    ]


def test_percentile_alarm_with_low_sample_count_keeps_its_state() -> None:
    store = MetricStore()
    for i in range(50):
        store.put("ns", "m", 1000.0 if i == 49 else 1.0, 10 + i)
    alarm = {k: v for k, v in ALARM.items() if k != "Statistic"} | {
        "Period": 60,
        "ExtendedStatistic": "p99",
        "Threshold": 500,
        "ComparisonOperator": "GreaterThanThreshold",
    }
    assert evaluate_alarm_on_store(alarm, store, 0, 60).state == "ALARM"  # p99 of 50 samples is the top one
    ignored = evaluate_alarm_on_store({**alarm, "EvaluateLowSampleCountPercentile": "ignore"}, store, 0, 60)
    assert ignored.state == "INSUFFICIENT_DATA" and ignored.entries[0].outcome == "retain_low_samples"
