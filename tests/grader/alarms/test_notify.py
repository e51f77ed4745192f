"""Actions run on transitions only; the SNS message an action publishes; alarm history items."""

from __future__ import annotations

import orjson

from grader.alarms import evaluate_alarm, parse_metric_alarm, sns_notification, sns_subject

TOPIC = "arn:aws:sns:us-east-1:111111111111:topic"
ALARM = {
    "AlarmName": "test-alarm",
    "AlarmDescription": "testing cloudwatch alarms",
    "Namespace": "test-nsp",
    "MetricName": "my-metric1",
    "Dimensions": [{"Name": "InstanceId", "Value": "abc"}],
    "Statistic": "Average",
    "Unit": "Seconds",
    "Period": 10,
    "EvaluationPeriods": 1,
    "ComparisonOperator": "GreaterThanThreshold",
    "Threshold": 21.0,
    "TreatMissingData": "ignore",
    "OKActions": [TOPIC],
    "AlarmActions": [TOPIC],
}


def test_actions_run_on_transitions_only() -> None:
    tl = evaluate_alarm(ALARM, [30.0, 40.0, 50.0, 1.0, 2.0, 60.0])
    assert [e.state for e in tl.entries] == ["ALARM", "ALARM", "ALARM", "OK", "OK", "ALARM"]
    assert [e.actions for e in tl.entries] == [(TOPIC,), (), (), (TOPIC,), (), (TOPIC,)]
    assert [orjson.loads(n["Message"])["NewStateValue"] for n in tl.notifications] == ["ALARM", "OK", "ALARM"]
    assert [n["TopicArn"] for n in tl.notifications] == [TOPIC] * 3


def test_actions_disabled_still_record_transitions() -> None:
    tl = evaluate_alarm({**ALARM, "ActionsEnabled": False}, [30.0, 1.0])
    assert [e.transition for e in tl.entries] == [True, True]
    assert all(e.actions == () for e in tl.entries) and tl.notifications == []
    assert [h["HistoryItemType"] for h in tl.history] == ["ConfigurationUpdate", "StateUpdate", "StateUpdate"]


def test_insufficient_data_actions() -> None:
    alarm = {
        **ALARM,
        "TreatMissingData": "missing",
        "InsufficientDataActions": ["arn:aws:sns:us-east-1:111111111111:gone"],
    }
    tl = evaluate_alarm(alarm, [30.0, None, None, None])
    assert [e.state for e in tl.entries] == ["ALARM", "ALARM", "ALARM", "INSUFFICIENT_DATA"]
    assert tl.entries[-1].actions == ("arn:aws:sns:us-east-1:111111111111:gone",)
    assert tl.reason == "Insufficient Data: 1 datapoint was unknown."


def test_sns_message_shape_and_order() -> None:
    alarm = parse_metric_alarm(ALARM)
    sent = sns_notification(
        alarm, 1772100845.456, "INSUFFICIENT_DATA", "ALARM", "why", configured_at=1772100781.123
    )
    assert sent["Subject"] == 'ALARM: "test-alarm" in US East (N. Virginia)'
    message = orjson.loads(sent["Message"])
    assert list(message) == [
        "AlarmName",
        "AlarmDescription",
        "AWSAccountId",
        "AlarmConfigurationUpdatedTimestamp",
        "NewStateValue",
        "NewStateReason",
        "StateChangeTime",
        "Region",
        "AlarmArn",
        "OldStateValue",
        "OKActions",
        "AlarmActions",
        "InsufficientDataActions",
        "Trigger",
        "ActionExecutedAfterMuteWindow",
    ]
    assert message["AlarmConfigurationUpdatedTimestamp"] == "2026-02-26T10:13:01.123+0000"
    assert message["StateChangeTime"] == "2026-02-26T10:14:05.456+0000"
    assert message["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:111111111111:alarm:test-alarm"
    assert message["Region"] == "US East (N. Virginia)"
    assert message["Trigger"] == {
        "MetricName": "my-metric1",
        "Namespace": "test-nsp",
        "StatisticType": "Statistic",
        "Statistic": "AVERAGE",
        "Unit": "Seconds",
        "Dimensions": [{"value": "abc", "name": "InstanceId"}],
        "Period": 10,
        "EvaluationPeriods": 1,
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": 21.0,
        "TreatMissingData": "ignore",
        "EvaluateLowSampleCountPercentile": "",
    }
    assert list(message["Trigger"]["Dimensions"][0]) == ["value", "name"]


def test_sns_trigger_variants() -> None:
    dropped = ("Statistic", "AlarmDescription", "Unit", "TreatMissingData")
    request = {k: v for k, v in ALARM.items() if k not in dropped}
    alarm = parse_metric_alarm({**request, "ExtendedStatistic": "p99", "DatapointsToAlarm": 1})
    message = sns_notification(alarm, 0.0, "OK", "ALARM", "r")["MessageJson"]
    assert message["AlarmDescription"] is None
    t = message["Trigger"]
    assert (t["StatisticType"], t["ExtendedStatistic"], t["Unit"], t["TreatMissingData"]) == (
        "ExtendedStatistic",
        "p99",
        None,
        "",
    )
    assert "Statistic" not in t
    keys = list(t)
    assert keys.index("DatapointsToAlarm") == keys.index("EvaluationPeriods") + 1
    long = parse_metric_alarm({**ALARM, "AlarmName": "x" * 200, "Statistic": "SampleCount"})
    assert len(sns_subject(long, "OK")) == 100
    assert (
        sns_notification(long, 0.0, "OK", "ALARM", "r")["MessageJson"]["Trigger"]["Statistic"]
        == "SAMPLE_COUNT"
    )


def test_history_items() -> None:
    tl = evaluate_alarm(ALARM, [30.0])
    config, update, action = tl.history
    assert config["HistoryItemType"] == "ConfigurationUpdate"
    assert config["HistorySummary"] == 'Alarm "test-alarm" created'
    assert orjson.loads(config["HistoryData"])["type"] == "Create"
    assert update["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"
    assert update["AlarmType"] == "MetricAlarm"
    data = orjson.loads(update["HistoryData"])
    assert data["oldState"] == {
        "stateValue": "INSUFFICIENT_DATA",
        "stateReason": "Unchecked: Initial alarm creation",
    }
    assert data["newState"]["stateValue"] == "ALARM"
    assert data["newState"]["stateReason"] == tl.reason
    assert data["newState"]["stateReasonData"] == tl.reason_data
    assert action["HistoryItemType"] == "Action"
    assert action["HistorySummary"] == f"Successfully executed action {TOPIC}"


def test_auto_scaling_actions_repeat_while_in_state_but_sns_does_not() -> None:
    scale = (
        "arn:aws:autoscaling:us-east-1:111111111111:scalingPolicy:abc:autoScalingGroupName/g:policyName/up"
    )
    tl = evaluate_alarm({**ALARM, "AlarmActions": [TOPIC, scale]}, [30.0, 40.0, 1.0])
    assert [e.actions for e in tl.entries] == [(TOPIC, scale), (scale,), (TOPIC,)]
    assert len(tl.notifications) == 2


def test_describe_alarms_view() -> None:
    minimal = {
        "AlarmName": "m",
        "Namespace": "ns",
        "MetricName": "x",
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 30,
        "ComparisonOperator": "GreaterThanThreshold",
    }
    fresh = evaluate_alarm(minimal, []).describe()
    # key set of AWS's recorded describe_minimal_metric_alarm (LocalStack snapshot), in MetricAlarm order
    assert list(fresh) == [
        "AlarmName",
        "AlarmArn",
        "AlarmConfigurationUpdatedTimestamp",
        "ActionsEnabled",
        "OKActions",
        "AlarmActions",
        "InsufficientDataActions",
        "StateValue",
        "StateReason",
        "StateUpdatedTimestamp",
        "MetricName",
        "Namespace",
        "Statistic",
        "Dimensions",
        "Period",
        "EvaluationPeriods",
        "Threshold",
        "ComparisonOperator",
        "StateTransitionedTimestamp",
    ]
    assert (fresh["StateValue"], fresh["StateReason"]) == (
        "INSUFFICIENT_DATA",
        "Unchecked: Initial alarm creation",
    )
    tl = evaluate_alarm(ALARM, [30.0, 40.0])
    d = tl.describe()
    assert d["StateValue"] == "ALARM" and d["StateReasonData"] == orjson.dumps(tl.reason_data).decode()
    assert d["StateTransitionedTimestamp"] == "2024-01-01T00:00:10.000+0000"
    assert d["Dimensions"] == [{"Name": "InstanceId", "Value": "abc"}]
    assert (d["Unit"], d["TreatMissingData"], d["AlarmDescription"]) == (
        "Seconds",
        "ignore",
        "testing cloudwatch alarms",
    )
