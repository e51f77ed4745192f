"""What an alarm writes and sends: DescribeAlarms/DescribeAlarmHistory items and the SNS notification of an
alarm action.

SNS ``Message`` key order and formats are those of the AWS recording in shared/reference/alarm-semantics.md
section 7: ``Trigger.Statistic`` upper-case, dimensions as lower-case ``name``/``value``, ``AlarmDescription``
``null`` when unset, ``Region`` the long region name, ``DatapointsToAlarm`` in Trigger only when set,
extended statistics as ``"StatisticType": "ExtendedStatistic", "ExtendedStatistic": "p99"``.
History items follow section 6 (``HistoryData`` is a JSON string, as DescribeAlarmHistory returns it).
"""

from __future__ import annotations

from typing import Any

import orjson

from grader.alarms.definition import MetricAlarm
from grader.alarms.formatting import iso_millis

__all__ = [
    "REGION_NAMES",
    "action_history_item",
    "config_history_item",
    "describe_metric_alarm",
    "sns_notification",
    "sns_subject",
    "state_history_item",
]

REGION_NAMES: dict[str, str] = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "af-south-1": "Africa (Cape Town)",
    "ap-east-1": "Asia Pacific (Hong Kong)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ca-central-1": "Canada (Central)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-west-3": "EU (Paris)",
    "eu-north-1": "EU (Stockholm)",
    "eu-south-1": "EU (Milan)",
    "me-south-1": "Middle East (Bahrain)",
    "sa-east-1": "South America (Sao Paulo)",
}

_STAT_UPPER = {
    "Average": "AVERAGE",
    "Sum": "SUM",
    "Minimum": "MINIMUM",
    "Maximum": "MAXIMUM",
    "SampleCount": "SAMPLE_COUNT",
}


def _region_name(region: str) -> str:
    return REGION_NAMES.get(region, region)


def _trigger(alarm: MetricAlarm) -> dict[str, Any]:
    trigger: dict[str, Any] = {"MetricName": alarm.metric_name, "Namespace": alarm.namespace}
    if alarm.statistic is not None:
        trigger["StatisticType"] = "Statistic"
        trigger["Statistic"] = _STAT_UPPER[alarm.statistic]
    else:
        trigger["StatisticType"] = "ExtendedStatistic"
        trigger["ExtendedStatistic"] = alarm.extended_statistic
    trigger["Unit"] = alarm.unit
    trigger["Dimensions"] = [{"value": v, "name": n} for n, v in alarm.dimensions]
    trigger["Period"] = alarm.period
    trigger["EvaluationPeriods"] = alarm.evaluation_periods
    if alarm.datapoints_to_alarm is not None:
        trigger["DatapointsToAlarm"] = alarm.datapoints_to_alarm
    trigger["ComparisonOperator"] = alarm.comparison_operator
    trigger["Threshold"] = alarm.threshold
    trigger["TreatMissingData"] = alarm.treat_missing_data if alarm.treat_missing_data_set else ""
    trigger["EvaluateLowSampleCountPercentile"] = alarm.evaluate_low_sample_count_percentile or ""
    return trigger


def sns_subject(alarm: MetricAlarm, new_state: str) -> str:
    """``ALARM: "name" in US East (N. Virginia)``, cut to SNS's 100-character subject limit."""
    return f'{new_state}: "{alarm.alarm_name}" in {_region_name(alarm.region)}'[:100]


def sns_notification(
    alarm: MetricAlarm,
    when: float,
    old_state: str,
    new_state: str,
    reason: str,
    configured_at: float | None = None,
) -> dict[str, Any]:
    """The SNS publish of an alarm action at epoch second ``when``: ``{"Subject": ..., "Message": <JSON
    string>}`` plus ``MessageJson`` (the same message as a dict). ``configured_at`` is when the alarm was
    created or last updated (defaults to ``when``)."""
    message: dict[str, Any] = {
        "AlarmName": alarm.alarm_name,
        "AlarmDescription": alarm.alarm_description,
        "AWSAccountId": alarm.account_id,
        "AlarmConfigurationUpdatedTimestamp": iso_millis(when if configured_at is None else configured_at),
        "NewStateValue": new_state,
        "NewStateReason": reason,
        "StateChangeTime": iso_millis(when),
        "Region": _region_name(alarm.region),
        "AlarmArn": alarm.arn,
        "OldStateValue": old_state,
        "OKActions": list(alarm.ok_actions),
        "AlarmActions": list(alarm.alarm_actions),
        "InsufficientDataActions": list(alarm.insufficient_data_actions),
        "Trigger": _trigger(alarm),
        "ActionExecutedAfterMuteWindow": False,
    }
    return {
        "Subject": sns_subject(alarm, new_state),
        "Message": orjson.dumps(message).decode(),
        "MessageJson": message,
    }


def config_history_item(alarm: MetricAlarm, when: float) -> dict[str, Any]:
    """``ConfigurationUpdate`` item written when the alarm is created."""
    created = {k[0].lower() + k[1:]: v for k, v in alarm.raw.items()}
    return {
        "AlarmName": alarm.alarm_name,
        "AlarmType": "MetricAlarm",
        "Timestamp": iso_millis(when),
        "HistoryItemType": "ConfigurationUpdate",
        "HistorySummary": f'Alarm "{alarm.alarm_name}" created',
        "HistoryData": orjson.dumps({"version": "1.0", "type": "Create", "createdAlarm": created}).decode(),
    }


def state_history_item(
    alarm: MetricAlarm,
    when: float,
    old_state: str,
    old_reason: str,
    old_data: dict[str, Any] | None,
    new_state: str,
    new_reason: str,
    new_data: dict[str, Any],
) -> dict[str, Any]:
    """``StateUpdate`` item: ``Alarm updated from OLD to NEW``; reason data embedded as objects."""
    old: dict[str, Any] = {"stateValue": old_state, "stateReason": old_reason}
    if old_data is not None:
        old["stateReasonData"] = old_data
    data = {
        "version": "1.0",
        "oldState": old,
        "newState": {"stateValue": new_state, "stateReason": new_reason, "stateReasonData": new_data},
    }
    return {
        "AlarmName": alarm.alarm_name,
        "AlarmType": "MetricAlarm",
        "Timestamp": iso_millis(when),
        "HistoryItemType": "StateUpdate",
        "HistorySummary": f"Alarm updated from {old_state} to {new_state}",
        "HistoryData": orjson.dumps(data).decode(),
    }


def action_history_item(
    alarm: MetricAlarm, when: float, arn: str, notification: dict[str, Any]
) -> dict[str, Any]:
    """``Action`` item, one per action ARN, after the StateUpdate item."""
    data = {
        "actionState": "Succeeded",
        "stateUpdateTimestamp": int(round(when * 1000)),
        "notificationResource": arn,
        "publishedMessage": notification["Message"],
    }
    return {
        "AlarmName": alarm.alarm_name,
        "AlarmType": "MetricAlarm",
        "Timestamp": iso_millis(when),
        "HistoryItemType": "Action",
        "HistorySummary": f"Successfully executed action {arn}",
        "HistoryData": orjson.dumps(data).decode(),
    }


def describe_metric_alarm(
    alarm: MetricAlarm,
    state: str,
    reason: str,
    reason_data: dict[str, Any] | None,
    configured: float,
    transitioned: float,
) -> dict[str, Any]:
    """The alarm as DescribeAlarms lists it (MetricAlarm member order; unset optional members absent, lists
    present, as in AWS-recorded responses); timestamps as ISO strings, StateReasonData as a JSON string."""
    out: dict[str, Any] = {"AlarmName": alarm.alarm_name, "AlarmArn": alarm.arn}
    if alarm.alarm_description is not None:
        out["AlarmDescription"] = alarm.alarm_description
    out["AlarmConfigurationUpdatedTimestamp"] = iso_millis(configured)
    out["ActionsEnabled"] = alarm.actions_enabled
    out["OKActions"] = list(alarm.ok_actions)
    out["AlarmActions"] = list(alarm.alarm_actions)
    out["InsufficientDataActions"] = list(alarm.insufficient_data_actions)
    out["StateValue"] = state
    out["StateReason"] = reason
    if reason_data is not None:
        out["StateReasonData"] = orjson.dumps(reason_data).decode()
    out["StateUpdatedTimestamp"] = iso_millis(transitioned)
    if alarm.metric_name is not None:
        out["MetricName"] = alarm.metric_name
    if alarm.namespace is not None:
        out["Namespace"] = alarm.namespace
    if alarm.statistic is not None:
        out["Statistic"] = alarm.statistic
    else:
        out["ExtendedStatistic"] = alarm.extended_statistic
    out["Dimensions"] = [{"Name": n, "Value": v} for n, v in alarm.dimensions]
    out["Period"] = alarm.period
    if alarm.unit is not None:
        out["Unit"] = alarm.unit
    out["EvaluationPeriods"] = alarm.evaluation_periods
    if alarm.datapoints_to_alarm is not None:
        out["DatapointsToAlarm"] = alarm.datapoints_to_alarm
    out["Threshold"] = alarm.threshold
    out["ComparisonOperator"] = alarm.comparison_operator
    if alarm.treat_missing_data_set:
        out["TreatMissingData"] = alarm.treat_missing_data
    if alarm.evaluate_low_sample_count_percentile is not None:
        out["EvaluateLowSampleCountPercentile"] = alarm.evaluate_low_sample_count_percentile
    out["StateTransitionedTimestamp"] = iso_millis(transitioned)
    return out
