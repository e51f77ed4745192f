"""PutMetricAlarm validation, in AWS's order, with AWS's codes and wording.

1. request shape: member types and unknown members, worded like botocore's parameter validation;
2. API-model constraints: one ``N validation error(s) detected: ...`` message naming every member, as
   CloudWatch answers;
3. service rules: Statistic xor ExtendedStatistic, ExtendedStatistic syntax, Period values, Period x
   EvaluationPeriods limits, DatapointsToAlarm <= EvaluationPeriods, Threshold present, TreatMissingData and
   EvaluateLowSampleCountPercentile values.

Sources for each message: docs/conformance.md > Alarms > Validation messages. Metric-math (``Metrics``) and
anomaly-detection (``ThresholdMetricId``, band operators) alarms cannot be evaluated offline; they are rejected
with code ``UnsupportedByTrailwatch``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grader.alarms.errors import AlarmValidationError, ConstraintViolation, coral_message
from grader.metrics import StatisticSpec, UnsupportedStatisticError, parse_statistic

__all__ = ["ANOMALY_OPERATORS", "STATIC_OPERATORS", "TREAT_MISSING_DATA", "validate_request"]

STATIC_OPERATORS = (
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
)
ANOMALY_OPERATORS = (
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
)
TREAT_MISSING_DATA = ("missing", "notBreaching", "breaching", "ignore")
# Order as AWS prints the enum in its error (observed third-party reproduction, see docs/conformance.md).
_STATISTIC_ENUM_TEXT = "[Maximum, SampleCount, Sum, Minimum, Average]"
_UNITS = (
    "Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits "
    "Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second "
    "Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second "
    "Count/Second None"
).split()

# member -> (python types, botocore type label)
_MEMBERS: dict[str, tuple[tuple[type, ...], str]] = {
    "AlarmName": ((str,), "<class 'str'>"),
    "AlarmDescription": ((str,), "<class 'str'>"),
    "ActionsEnabled": ((bool,), "<class 'bool'>"),
    "OKActions": ((list, tuple), "<class 'list'>, <class 'tuple'>"),
    "AlarmActions": ((list, tuple), "<class 'list'>, <class 'tuple'>"),
    "InsufficientDataActions": ((list, tuple), "<class 'list'>, <class 'tuple'>"),
    "MetricName": ((str,), "<class 'str'>"),
    "Namespace": ((str,), "<class 'str'>"),
    "Statistic": ((str,), "<class 'str'>"),
    "ExtendedStatistic": ((str,), "<class 'str'>"),
    "Dimensions": ((list, tuple), "<class 'list'>, <class 'tuple'>"),
    "Period": ((int,), "<class 'int'>"),
    "Unit": ((str,), "<class 'str'>"),
    "EvaluationPeriods": ((int,), "<class 'int'>"),
    "DatapointsToAlarm": ((int,), "<class 'int'>"),
    "Threshold": ((int, float), "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>"),
    "ComparisonOperator": ((str,), "<class 'str'>"),
    "TreatMissingData": ((str,), "<class 'str'>"),
    "EvaluateLowSampleCountPercentile": ((str,), "<class 'str'>"),
    "Metrics": ((list, tuple), "<class 'list'>, <class 'tuple'>"),
    "Tags": ((list, tuple), "<class 'list'>, <class 'tuple'>"),
    "ThresholdMetricId": ((str,), "<class 'str'>"),
}


def _check_shape(request: Mapping[str, Any]) -> None:
    unknown = [k for k in request if k not in _MEMBERS]
    if unknown:
        raise AlarmValidationError(
            "ParamValidationError",
            f'Parameter validation failed:\nUnknown parameter in input: "{unknown[0]}", must be one of: '
            + ", ".join(_MEMBERS),
            unknown[0],
        )
    for name, value in request.items():
        types, label = _MEMBERS[name]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok:
            raise AlarmValidationError(
                "ParamValidationError",
                f"Parameter validation failed:\nInvalid type for parameter {name}, value: {value!r}, "
                f"type: {type(value)}, valid types: {label}",
                name,
            )
        if name in ("OKActions", "AlarmActions", "InsufficientDataActions"):
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    raise AlarmValidationError(
                        "ParamValidationError",
                        f"Parameter validation failed:\nInvalid type for parameter {name}[{i}], value: {item!r}, "
                        f"type: {type(item)}, valid types: <class 'str'>",
                        name,
                    )


def _model_violations(r: Mapping[str, Any]) -> list[ConstraintViolation]:
    out: list[ConstraintViolation] = []

    def length(member: str, key: str, lo: int, hi: int) -> None:
        value = r.get(key)
        if isinstance(value, str) and len(value) < lo:
            out.append(
                ConstraintViolation(member, value, f"Member must have length greater than or equal to {lo}")
            )
        elif isinstance(value, str) and len(value) > hi:
            out.append(
                ConstraintViolation(member, value, f"Member must have length less than or equal to {hi}")
            )

    if "AlarmName" in r:
        length("alarmName", "AlarmName", 1, 255)
    length("alarmDescription", "AlarmDescription", 0, 1024)
    for key, member in (
        ("OKActions", "oKActions"),
        ("AlarmActions", "alarmActions"),
        ("InsufficientDataActions", "insufficientDataActions"),
    ):
        if len(r.get(key, ())) > 5:
            out.append(
                ConstraintViolation(member, list(r[key]), "Member must have length less than or equal to 5")
            )
    length("metricName", "MetricName", 1, 255)
    length("namespace", "Namespace", 1, 255)
    if isinstance(r.get("Namespace"), str) and r["Namespace"].startswith(":"):
        out.append(
            ConstraintViolation(
                "namespace", r["Namespace"], "Member must satisfy regular expression pattern: [^:].*"
            )
        )
    if "Statistic" in r and r["Statistic"] not in ("SampleCount", "Average", "Sum", "Minimum", "Maximum"):
        out.append(
            ConstraintViolation(
                "statistic", r["Statistic"], f"Member must satisfy enum value set: {_STATISTIC_ENUM_TEXT}"
            )
        )
    if len(r.get("Dimensions", ())) > 30:
        out.append(
            ConstraintViolation(
                "dimensions", list(r["Dimensions"]), "Member must have length less than or equal to 30"
            )
        )
    if "Period" in r and r["Period"] < 1:
        out.append(
            ConstraintViolation("period", r["Period"], "Member must have value greater than or equal to 1")
        )
    if "Unit" in r and r["Unit"] not in _UNITS:
        out.append(
            ConstraintViolation(
                "unit", r["Unit"], "Member must satisfy enum value set: [" + ", ".join(_UNITS) + "]"
            )
        )
    if "EvaluationPeriods" not in r:
        out.append(ConstraintViolation("evaluationPeriods", None, "Member must not be null"))
    elif r["EvaluationPeriods"] < 1:
        out.append(
            ConstraintViolation(
                "evaluationPeriods",
                r["EvaluationPeriods"],
                "Member must have value greater than or equal to 1",
            )
        )
    if "DatapointsToAlarm" in r and r["DatapointsToAlarm"] < 1:
        out.append(
            ConstraintViolation(
                "datapointsToAlarm",
                r["DatapointsToAlarm"],
                "Member must have value greater than or equal to 1",
            )
        )
    if "ComparisonOperator" not in r:
        out.append(ConstraintViolation("comparisonOperator", None, "Member must not be null"))
    elif r["ComparisonOperator"] not in STATIC_OPERATORS + ANOMALY_OPERATORS:
        out.append(
            ConstraintViolation(
                "comparisonOperator",
                r["ComparisonOperator"],
                "Member must satisfy enum value set: ["
                + ", ".join(STATIC_OPERATORS + ANOMALY_OPERATORS)
                + "]",
            )
        )
    length("treatMissingData", "TreatMissingData", 1, 255)
    length("evaluateLowSampleCountPercentile", "EvaluateLowSampleCountPercentile", 1, 255)
    length("thresholdMetricId", "ThresholdMetricId", 1, 255)
    return out


def _service_checks(r: Mapping[str, Any]) -> StatisticSpec:
    if "Metrics" in r or "ThresholdMetricId" in r or r["ComparisonOperator"] in ANOMALY_OPERATORS:
        member = (
            "Metrics"
            if "Metrics" in r
            else "ThresholdMetricId"
            if "ThresholdMetricId" in r
            else "ComparisonOperator"
        )
        raise AlarmValidationError(
            "UnsupportedByTrailwatch",
            f"{member}: metric-math and anomaly-detection alarms cannot be evaluated offline; "
            f"use a static Threshold with one of {', '.join(STATIC_OPERATORS)}",
            member,
        )
    has_stat, has_ext = "Statistic" in r, "ExtendedStatistic" in r
    if has_stat and has_ext:
        raise AlarmValidationError(
            "InvalidParameterCombination",
            "The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both.",
            "ExtendedStatistic",
        )
    if not has_stat and not has_ext:
        raise AlarmValidationError(
            "MissingParameter",
            "The parameter Statistic or the parameter ExtendedStatistic must be specified.",
            "Statistic",
        )
    try:
        spec = parse_statistic(r["Statistic"] if has_stat else r["ExtendedStatistic"])
    except UnsupportedStatisticError as exc:
        raise AlarmValidationError(exc.code, str(exc), "ExtendedStatistic") from exc
    if "Period" not in r:
        raise AlarmValidationError("MissingParameter", "The parameter Period must be specified.", "Period")
    period = r["Period"]
    if period not in (10, 20, 30) and period % 60:
        raise AlarmValidationError(
            "InvalidParameterValue", "The parameter Period must be 10, 20, 30, or a multiple of 60.", "Period"
        )
    total = period * r["EvaluationPeriods"]
    limit = 86_400 if period < 3600 else 604_800
    if total > limit:
        raise AlarmValidationError(
            "InvalidParameterCombination",
            f"The product of Period ({period}) and EvaluationPeriods ({r['EvaluationPeriods']}) must not exceed "
            f"{limit} seconds for alarms with a Period {'below' if period < 3600 else 'of'} "
            f"{'3600 seconds' if period < 3600 else 'at least 3600 seconds'}.",
            "EvaluationPeriods",
        )
    if "DatapointsToAlarm" in r and r["DatapointsToAlarm"] > r["EvaluationPeriods"]:
        raise AlarmValidationError(
            "InvalidParameterValue",
            f"DatapointsToAlarm ({r['DatapointsToAlarm']}) must be less than or equal to "
            f"EvaluationPeriods ({r['EvaluationPeriods']}).",
            "DatapointsToAlarm",
        )
    if "Threshold" not in r:
        raise AlarmValidationError(
            "MissingParameter", "The parameter Threshold must be specified.", "Threshold"
        )
    tmd = r.get("TreatMissingData")
    if tmd is not None and tmd not in TREAT_MISSING_DATA:
        raise AlarmValidationError(
            "InvalidParameterValue",
            f"The value {tmd} for parameter TreatMissingData is not supported. "
            "Supported values are missing, notBreaching, breaching and ignore.",
            "TreatMissingData",
        )
    elsc = r.get("EvaluateLowSampleCountPercentile")
    if elsc is not None and elsc not in ("evaluate", "ignore"):
        # Wording as moto reproduces AWS (moto/cloudwatch/models.py put_metric_alarm).
        raise AlarmValidationError(
            "ValidationError",
            f"Option {elsc} is not supported. "
            "Supported options for parameter EvaluateLowSampleCountPercentile are evaluate and ignore.",
            "EvaluateLowSampleCountPercentile",
        )
    return spec


def validate_request(request: Mapping[str, Any]) -> StatisticSpec:
    """Raise :class:`AlarmValidationError` for anything CloudWatch would reject; return the parsed statistic."""
    if not isinstance(request, Mapping):
        raise AlarmValidationError(
            "ParamValidationError",
            "Parameter validation failed:\nthe request must be a mapping of PutMetricAlarm members",
        )
    _check_shape(request)
    violations = _model_violations(request)
    if violations:
        raise AlarmValidationError("ValidationError", coral_message(violations), violations[0].member)
    return _service_checks(request)
