"""StateReason text and StateReasonData JSON, against the forms recorded from AWS."""

from __future__ import annotations

import orjson
import pytest

from grader.alarms import evaluate_alarm, evaluate_alarm_on_store, java_double
from grader.alarms.formatting import iso_millis, long_utc, reason_time
from grader.alarms.timeline import reason_data_string
from grader.metrics import MetricStore

BASE = {
    "AlarmName": "a",
    "Namespace": "ns",
    "MetricName": "m",
    "Statistic": "Average",
    "Threshold": 21.0,
    "ComparisonOperator": "GreaterThanThreshold",
    "Period": 60,
    "EvaluationPeriods": 1,
}
T0 = "2023-10-26T16:42:00Z"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (21.0, "21.0"),
        (21.5, "21.5"),
        (0.05, "0.05"),
        (0.050002640067216934, "0.050002640067216934"),
        (20000.0, "20000.0"),
        (1e7, "1.0E7"),
        (12345678.0, "1.2345678E7"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (-3.0, "-3.0"),
        (0.0, "0.0"),
        (613.0, "613.0"),
        (1.5e-10, "1.5E-10"),
    ],
)
def test_java_double(value: float, text: str) -> None:
    assert java_double(value) == text


def test_time_formats() -> None:
    t = 1667906765.399  # 2022-11-08T11:26:05.399Z
    assert iso_millis(t) == "2022-11-08T11:26:05.399+0000"
    assert reason_time(1667906700) == "08/11/22 11:25:00"
    assert long_utc(1658505465) == "Friday 22 July, 2022 15:57:45 UTC"


def test_short_form_when_datapoints_to_alarm_is_not_set() -> None:
    tl = evaluate_alarm(
        {**BASE, "Unit": "Seconds", "Period": 30}, [{"value": 21.5, "sampleCount": 2}], start=T0
    )
    assert (
        tl.reason
        == "Threshold Crossed: 1 datapoint [21.5 (26/10/23 16:42:00)] was greater than the threshold (21.0)."
    )
    assert reason_data_string(tl.reason_data) == (
        '{"version":"1.0","queryDate":"2023-10-26T16:42:30.000+0000","startDate":"2023-10-26T16:42:00.000+0000",'
        '"unit":"Seconds","statistic":"Average","period":30,"recentDatapoints":[21.5],"threshold":21.0,'
        '"evaluatedDatapoints":[{"timestamp":"2023-10-26T16:42:00.000+0000","sampleCount":2.0,"value":21.5}]}'
    )


def test_short_form_to_ok_lists_the_non_breaching_points_newest_first() -> None:
    # The metric already had data when the alarm was created: the first evaluation uses it (AWS docs).
    store = MetricStore()
    for ts, v in (
        ("2022-11-03T10:48:10Z", 0.031),
        ("2022-11-03T10:53:10Z", 0.043),
        ("2022-11-03T10:58:10Z", 0.05),
    ):
        store.put("ns", "m", v, ts)
    alarm = {**BASE, "Threshold": 60.0, "EvaluationPeriods": 3, "Period": 300}
    tl = evaluate_alarm_on_store(alarm, store, "2022-11-03T11:02:30Z", "2022-11-03T11:03:00Z")
    assert [e.state for e in tl.entries] == ["OK"]
    assert tl.reason == (
        "Threshold Crossed: 3 datapoints [0.05 (03/11/22 10:58:00), 0.043 (03/11/22 10:53:00), "
        "0.031 (03/11/22 10:48:00)] were not greater than the threshold (60.0)."
    )


def test_m_of_n_form() -> None:
    alarm = {
        **BASE,
        "Threshold": 7.0,
        "EvaluationPeriods": 3,
        "DatapointsToAlarm": 3,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }
    tl = evaluate_alarm(alarm, [7.0, 8.0, 9.0], start="2024-03-16T12:00:00Z")
    assert tl.reason == (
        "Threshold Crossed: 3 out of the last 3 datapoints [9.0 (16/03/24 12:02:00), 8.0 (16/03/24 12:01:00), "
        "7.0 (16/03/24 12:00:00)] were greater than or equal to the threshold (7.0) "
        "(minimum 3 datapoints for OK -> ALARM transition)."
    )
    back = evaluate_alarm(
        {**alarm, "Threshold": 0.1, "ComparisonOperator": "GreaterThanThreshold"},
        [5.0, 5.0, 5.0, 0.0],
        start="2021-10-04T21:39:00Z",
    )
    assert back.reason == (
        "Threshold Crossed: 1 out of the last 3 datapoints [0.0 (04/10/21 21:42:00)] was not greater than the "
        "threshold (0.1) (minimum 1 datapoint for ALARM -> OK transition)."
    )


def test_m_of_n_form_with_filled_points() -> None:
    alarm = {
        **BASE,
        "Threshold": 1.0,
        "EvaluationPeriods": 20,
        "DatapointsToAlarm": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
    }
    tl = evaluate_alarm(alarm, [613.0], start="2024-03-16T12:15:00Z")
    assert tl.reason == (
        "Threshold Crossed: 1 out of the last 20 datapoints [613.0 (16/03/24 12:15:00)] was greater than or "
        "equal to the threshold (1.0) and 19 missing datapoints were treated as [NonBreaching] "
        "(minimum 1 datapoint for OK -> ALARM transition)."
    )
    # ALARM is decided by the newest M = 1 breaching point
    assert tl.reason_data["evaluatedDatapoints"] == [
        {"timestamp": "2024-03-16T12:15:00.000+0000", "value": 613.0}
    ]


@pytest.mark.parametrize(
    ("tmd", "n", "text"),
    [
        (
            "breaching",
            2,
            "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].",
        ),
        (
            "notBreaching",
            1,
            "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].",
        ),
        ("missing", 1, "Insufficient Data: 1 datapoint was unknown."),
        ("missing", 3, "Insufficient Data: 3 datapoints were unknown."),
    ],
)
def test_no_data_reasons(tmd: str, n: int, text: str) -> None:
    initial = "OK" if tmd == "missing" else "INSUFFICIENT_DATA"
    tl = evaluate_alarm(
        {**BASE, "EvaluationPeriods": n, "TreatMissingData": tmd}, [None], initial_state=initial
    )
    assert tl.reason == text
    data = tl.reason_data
    assert "startDate" not in data and data["recentDatapoints"] == []
    assert all(list(e) == ["timestamp"] for e in data["evaluatedDatapoints"])


def test_reason_data_of_a_percentile_alarm_has_no_statistic_or_sample_count() -> None:
    alarm = {k: v for k, v in BASE.items() if k != "Statistic"} | {"ExtendedStatistic": "p99"}
    tl = evaluate_alarm(alarm, [{"value": 30.0, "sampleCount": 5}])
    assert "statistic" not in tl.reason_data
    assert tl.reason_data["evaluatedDatapoints"][0] == {
        "timestamp": "2024-01-01T00:00:00.000+0000",
        "value": 30.0,
    }


def test_reason_only_changes_on_transitions() -> None:
    tl = evaluate_alarm({**BASE, "EvaluationPeriods": 1}, [30.0, 40.0, 5.0])
    assert [e.transition for e in tl.entries] == [True, False, True]
    assert tl.entries[1].reason == tl.entries[0].reason
    assert orjson.dumps(tl.entries[1].reason_data) == orjson.dumps(tl.entries[0].reason_data)
