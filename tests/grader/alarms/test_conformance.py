"""Every case of shared/conformance/alarms.json, evaluated two ways.

* as an alarm timeline: the alarm is created before the first datapoint and evaluated at the end of every
  period; the state after the last evaluation must be the expected one;
* as one evaluation of exactly the listed evaluation range (the docs' tables), through :func:`decide`.

``RETAIN_CURRENT_STATE`` means the last evaluation keeps whatever state the alarm had; ``NOT_ALARM`` means it
must not be ALARM.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from grader.alarms import Point, decide, evaluate_alarm
from grader.metrics import MetricKey, MetricStore
from tests.grader.alarms.shared import load_conformance

CASES = load_conformance("alarms.json")


def _request(case: dict[str, Any]) -> dict[str, Any]:
    req: dict[str, Any] = {
        "AlarmName": case["id"],
        "Namespace": "Trailwatch/Test",
        "MetricName": "m",
        "Period": case["period"],
        "EvaluationPeriods": case["evaluation_periods"],
        "Threshold": case["threshold"],
        "ComparisonOperator": case["comparison"],
        "Statistic": case["statistic"],
        "TreatMissingData": case["treat_missing_data"],
    }
    if case.get("datapoints_to_alarm") is not None:
        req["DatapointsToAlarm"] = case["datapoints_to_alarm"]
    if case["id"].startswith("aws-recorded"):
        req["Unit"] = "Seconds"  # both recordings had Unit Seconds (reason data shows "unit")
    return req


def _check_state(expected: str, final: str, before_last: str) -> None:
    if expected == "RETAIN_CURRENT_STATE":
        assert final == before_last
    elif expected == "NOT_ALARM":
        assert final != "ALARM"
    else:
        assert final == expected


@pytest.mark.parametrize("case", CASES)
def test_alarm_timeline_final_state(case: dict[str, Any]) -> None:
    timeline = evaluate_alarm(
        _request(case), case["datapoints"], initial_state=case.get("initial_state", "INSUFFICIENT_DATA")
    )
    last = timeline.entries[-1]
    _check_state(case["expected_state"], last.state, last.previous_state)


DOCUMENTED = [c for c in CASES if c.values[0] is None or "evaluation_range" in c.values[0]]


@pytest.mark.parametrize("case", DOCUMENTED)
def test_single_evaluation_of_the_documented_range(case: dict[str, Any]) -> None:
    assert len(case["datapoints"]) == case["evaluation_range"]
    points = [Point(float(i * case["period"]), v) for i, v in enumerate(case["datapoints"])]
    n = case["evaluation_periods"]
    d = decide(
        points,
        evaluation_periods=n,
        datapoints_to_alarm=case["datapoints_to_alarm"] or n,
        comparison_operator=case["comparison"],
        threshold=case["threshold"],
        treat_missing_data=case["treat_missing_data"],
    )
    if case["expected_state"] == "RETAIN_CURRENT_STATE":
        assert d.state is None
    elif case["expected_state"] == "NOT_ALARM":
        assert d.state != "ALARM"
    else:
        assert d.state == case["expected_state"]
    if (
        "datapoints_to_fill" in case
        and d.kind in ("threshold", "all_filled")
        and case["treat_missing_data"] in ("breaching", "notBreaching")
    ):
        assert d.filled == case["datapoints_to_fill"]


def _same_shape(actual: Any, expected: Any) -> None:
    """Compare reason data; ``<ts>`` in the recording stands for any timestamp of AWS's format."""
    if expected == "<ts>":
        assert isinstance(actual, str) and re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", actual
        )
    elif isinstance(expected, dict):
        assert list(actual) == list(expected)
        for k in expected:
            _same_shape(actual[k], expected[k])
    elif isinstance(expected, list):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected, strict=True):
            _same_shape(a, e)
    else:
        assert actual == expected and type(actual) is type(expected)


RECORDED = [c for c in CASES if c.values[0] is None or "expected_state_reason" in c.values[0]]


@pytest.mark.parametrize("case", RECORDED)
def test_recorded_reason_and_reason_data(case: dict[str, Any]) -> None:
    series: list[Any] = list(case["datapoints"])
    if "raw_samples_last_period" in case:
        # Aggregate the recorded raw samples through the metric store, as CloudWatch did.
        store = MetricStore()
        for v in case["raw_samples_last_period"]:
            store.put("Trailwatch/Test", "m", v, 1000.0)
        [dp] = store.period_datapoints(
            MetricKey.of("Trailwatch/Test", "m"),
            case["statistic"],
            case["period"],
            1000.0,
            1000.0 + case["period"],
        )
        assert dp.value == series[-1]
        series[-1] = dp
    timeline = evaluate_alarm(_request(case), series)
    pattern = re.escape(case["expected_state_reason"]).replace(
        re.escape("dd/mm/yy HH:MM:SS"), r"\d\d/\d\d/\d\d \d\d:\d\d:\d\d"
    )
    assert re.fullmatch(pattern, timeline.reason)
    _same_shape(timeline.reason_data, case["expected_state_reason_data"])
