"""PutMetricAlarm validation: AWS's codes and wording, naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from grader.alarms import AlarmValidationError, parse_metric_alarm

OK: dict[str, Any] = {
    "AlarmName": "a",
    "Statistic": "Sum",
    "Period": 300,
    "EvaluationPeriods": 1,
    "Threshold": 1,
    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
}


def reject(**changes: Any) -> AlarmValidationError:
    request = {k: v for k, v in {**OK, **changes}.items() if v is not ...}
    with pytest.raises(AlarmValidationError) as info:
        parse_metric_alarm(request)
    return info.value


def test_valid_request_defaults() -> None:
    alarm = parse_metric_alarm(OK)
    assert (alarm.m, alarm.treat_missing_data, alarm.actions_enabled, alarm.threshold) == (
        1,
        "missing",
        True,
        1.0,
    )
    assert alarm.arn == "arn:aws:cloudwatch:us-east-1:111111111111:alarm:a"
    assert parse_metric_alarm({**OK, "Period": 10}).period == 10
    percentile = {k: v for k, v in OK.items() if k != "Statistic"} | {"ExtendedStatistic": "p99.9"}
    assert parse_metric_alarm(percentile).stat_name == "p99.9"


@pytest.mark.parametrize(
    ("changes", "code", "message", "field"),
    [
        (
            {"EvaluationPeriods": 0},
            "ValidationError",
            "1 validation error detected: Value '0' at 'evaluationPeriods' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
            "evaluationPeriods",
        ),
        (
            {"EvaluationPeriods": ...},
            "ValidationError",
            "1 validation error detected: Value null at 'evaluationPeriods' failed to satisfy constraint: "
            "Member must not be null",
            "evaluationPeriods",
        ),
        (
            {"Statistic": "Avg"},
            "ValidationError",
            "1 validation error detected: Value 'Avg' at 'statistic' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]",
            "statistic",
        ),
        (
            {"ComparisonOperator": "Above"},
            "ValidationError",
            "1 validation error detected: Value 'Above' at 'comparisonOperator' failed to satisfy constraint: Member "
            "must satisfy enum value set: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, "
            "LessThanOrEqualToThreshold, LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, "
            "GreaterThanUpperThreshold]",
            "comparisonOperator",
        ),
        (
            {"AlarmName": "x" * 256},
            "ValidationError",
            f"1 validation error detected: Value '{'x' * 256}' at 'alarmName' failed to satisfy constraint: "
            "Member must have length less than or equal to 255",
            "alarmName",
        ),
        (
            {"AlarmActions": ["a"] * 6},
            "ValidationError",
            "1 validation error detected: Value '[a, a, a, a, a, a]' at 'alarmActions' failed to satisfy constraint: "
            "Member must have length less than or equal to 5",
            "alarmActions",
        ),
        (
            {"ExtendedStatistic": "p101", "Statistic": ...},
            "InvalidParameterValue",
            "The value p101 for parameter ExtendedStatistic is not supported.",
            "ExtendedStatistic",
        ),
        (
            {"ExtendedStatistic": "90", "Statistic": ...},
            "InvalidParameterValue",
            "The value 90 for parameter ExtendedStatistic is not supported.",
            "ExtendedStatistic",
        ),
        (
            {"ExtendedStatistic": "p90"},
            "InvalidParameterCombination",
            "The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both.",
            "ExtendedStatistic",
        ),
        (
            {"Statistic": ...},
            "MissingParameter",
            "The parameter Statistic or the parameter ExtendedStatistic must be specified.",
            "Statistic",
        ),
        (
            {"Period": 45},
            "InvalidParameterValue",
            "The parameter Period must be 10, 20, 30, or a multiple of 60.",
            "Period",
        ),
        ({"Period": ...}, "MissingParameter", "The parameter Period must be specified.", "Period"),
        ({"Threshold": ...}, "MissingParameter", "The parameter Threshold must be specified.", "Threshold"),
        (
            {"EvaluateLowSampleCountPercentile": "sometimes"},
            "ValidationError",
            "Option sometimes is not supported. Supported options for parameter EvaluateLowSampleCountPercentile "
            "are evaluate and ignore.",
            "EvaluateLowSampleCountPercentile",
        ),
    ],
)
def test_rejections(changes: dict[str, Any], code: str, message: str, field: str) -> None:
    err = reject(**changes)
    assert (err.code, err.message, err.field) == (code, message, field)


def test_several_model_errors_in_one_message() -> None:
    err = reject(EvaluationPeriods=0, DatapointsToAlarm=0)
    assert err.message.startswith("2 validation errors detected: Value '0' at 'evaluationPeriods'")
    assert "; Value '0' at 'datapointsToAlarm' failed to satisfy constraint" in err.message


def test_service_rules() -> None:
    assert reject(DatapointsToAlarm=2).field == "DatapointsToAlarm"
    assert reject(Period=60, EvaluationPeriods=1441).code == "InvalidParameterCombination"
    parse_metric_alarm({**OK, "Period": 60, "EvaluationPeriods": 1440})
    parse_metric_alarm({**OK, "Period": 3600, "EvaluationPeriods": 168})
    assert reject(Period=3600, EvaluationPeriods=169).field == "EvaluationPeriods"
    assert reject(TreatMissingData="zero").field == "TreatMissingData"
    assert reject(ComparisonOperator="GreaterThanUpperThreshold").code == "UnsupportedByTrailwatch"
    assert reject(Metrics=[]).field == "Metrics"


def test_shape_errors_name_the_member() -> None:
    err = reject(Period="300")
    assert err.field == "Period" and "Invalid type for parameter Period" in err.message
    assert reject(Threshold=True).field == "Threshold"
    assert reject(AlarmActions=[1]).message.endswith(
        "Invalid type for parameter AlarmActions[0], value: 1, type: <class 'int'>, valid types: <class 'str'>"
    )
    err = reject(Foo=1)
    assert err.field == "Foo" and 'Unknown parameter in input: "Foo"' in err.message


def test_dynamodb_alarms_always_ignore_missing_data() -> None:
    alarm = parse_metric_alarm({**OK, "Namespace": "AWS/DynamoDB", "TreatMissingData": "breaching"})
    assert alarm.effective_treat_missing_data == "ignore"
