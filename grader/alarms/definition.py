"""A static-threshold metric alarm as evaluated offline, parsed from a PutMetricAlarm request.

:func:`parse_metric_alarm` validates the request (:mod:`grader.alarms.validation`: AWS's codes and wording)
and returns a frozen :class:`MetricAlarm` with PutMetricAlarm's defaults applied (DatapointsToAlarm = N,
TreatMissingData ``missing``, ActionsEnabled true).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.alarms.errors import AlarmValidationError
from grader.alarms.validation import ANOMALY_OPERATORS, STATIC_OPERATORS, TREAT_MISSING_DATA, validate_request
from grader.metrics import MetricKey, StatisticSpec, parse_statistic

__all__ = [
    "ANOMALY_OPERATORS",
    "MetricAlarm",
    "PUT_METRIC_ALARM_FIELDS",
    "STATIC_OPERATORS",
    "TREAT_MISSING_DATA",
    "parse_metric_alarm",
    "put_metric_alarm_request",
]

# PutMetricAlarm request members that DescribeAlarms also returns for each MetricAlarms item.
PUT_METRIC_ALARM_FIELDS = (
    "AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions", "InsufficientDataActions",
    "MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit",
    "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData",
    "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId",
)


def put_metric_alarm_request(described: Mapping[str, Any]) -> dict[str, Any]:
    """The PutMetricAlarm request that recreates an alarm as DescribeAlarms shows it (unset members dropped)."""
    return {k: described[k] for k in PUT_METRIC_ALARM_FIELDS if described.get(k) not in (None, [], "")}


@dataclass(frozen=True)
class MetricAlarm:
    """A validated static-threshold metric alarm (field names follow PutMetricAlarm)."""

    alarm_name: str
    period: int
    evaluation_periods: int
    threshold: float
    comparison_operator: str
    statistic: str | None = None
    extended_statistic: str | None = None
    datapoints_to_alarm: int | None = None
    treat_missing_data: str = "missing"
    treat_missing_data_set: bool = False
    evaluate_low_sample_count_percentile: str | None = None
    alarm_description: str | None = None
    actions_enabled: bool = True
    ok_actions: tuple[str, ...] = ()
    alarm_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()
    metric_name: str | None = None
    namespace: str | None = None
    dimensions: tuple[tuple[str, str], ...] = ()
    unit: str | None = None
    region: str = "us-east-1"
    account_id: str = "111111111111"
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def m(self) -> int:
        """DatapointsToAlarm, defaulting to EvaluationPeriods (N consecutive) when unset."""
        return self.datapoints_to_alarm if self.datapoints_to_alarm is not None else self.evaluation_periods

    @property
    def stat_name(self) -> str:
        return self.statistic if self.statistic is not None else str(self.extended_statistic)

    @property
    def stat_spec(self) -> StatisticSpec:
        return parse_statistic(self.stat_name)

    @property
    def arn(self) -> str:
        return f"arn:aws:cloudwatch:{self.region}:{self.account_id}:alarm:{self.alarm_name}"

    @property
    def effective_treat_missing_data(self) -> str:
        # "Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing data"
        # (PutMetricAlarm API reference, TreatMissingData).
        return "ignore" if self.namespace == "AWS/DynamoDB" else self.treat_missing_data

    @property
    def metric_key(self) -> MetricKey:
        return MetricKey(self.namespace or "", self.metric_name or "", tuple(sorted(self.dimensions)))


def parse_metric_alarm(
    request: Mapping[str, Any],
    *,
    region: str = "us-east-1",
    account_id: str = "111111111111",
    default_name: str = "trailwatch-alarm",
) -> MetricAlarm:
    """Validate a PutMetricAlarm request (PascalCase members) and return the alarm.

    ``AlarmName`` may be omitted for offline evaluation (``default_name`` is used); everything else
    follows the API. Raises :class:`AlarmValidationError` with AWS's code and wording.
    """
    validate_request(request)
    dims = []
    for d in request.get("Dimensions", ()):
        if not isinstance(d, Mapping) or set(d) != {"Name", "Value"}:
            raise AlarmValidationError(
                "ParamValidationError",
                f"Parameter validation failed:\nInvalid dimension {d!r}: each dimension needs exactly Name and Value",
                "Dimensions",
            )
        dims.append((str(d["Name"]), str(d["Value"])))
    return MetricAlarm(
        alarm_name=request.get("AlarmName", default_name),
        period=request["Period"],
        evaluation_periods=request["EvaluationPeriods"],
        threshold=float(request["Threshold"]),
        comparison_operator=request["ComparisonOperator"],
        statistic=request.get("Statistic"),
        extended_statistic=request.get("ExtendedStatistic"),
        datapoints_to_alarm=request.get("DatapointsToAlarm"),
        treat_missing_data=request.get("TreatMissingData", "missing"),
        treat_missing_data_set="TreatMissingData" in request,
        evaluate_low_sample_count_percentile=request.get("EvaluateLowSampleCountPercentile"),
        alarm_description=request.get("AlarmDescription"),
        actions_enabled=request.get("ActionsEnabled", True),
        ok_actions=tuple(request.get("OKActions", ())),
        alarm_actions=tuple(request.get("AlarmActions", ())),
        insufficient_data_actions=tuple(request.get("InsufficientDataActions", ())),
        metric_name=request.get("MetricName"),
        namespace=request.get("Namespace"),
        dimensions=tuple(dims),
        unit=request.get("Unit"),
        region=region,
        account_id=account_id,
        raw=dict(request),
    )
