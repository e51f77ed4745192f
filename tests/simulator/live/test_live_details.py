"""Details of the live services: rule states and target input, CloudWatch Logs targets, email-json inbox
bodies, metric filters taking effect only for later events, alarm updates keeping state, SetAlarmState."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from simulator.live.eventbridge_router import target_input
from simulator.live.services import LiveServices
from tests.simulator.live.learner_setup import queue_subscriber, receive_all, unique

EVENT = {
    "id": "e1",
    "detail-type": "AWS API Call via CloudTrail",
    "source": "aws.ec2",
    "time": "2026-03-02T10:00:00Z",
    "detail": {"eventName": "CreateSecurityGroup", "userIdentity": {"userName": "learner"}},
}


def test_target_input_forms() -> None:
    assert json.loads(target_input({"Arn": "x"}, EVENT)) == EVENT
    assert target_input({"Arn": "x", "Input": '{"fixed": 1}'}, EVENT) == '{"fixed": 1}'
    assert json.loads(target_input({"Arn": "x", "InputPath": "$.detail"}, EVENT)) == EVENT["detail"]
    transformer = {
        "InputPathsMap": {
            "who": "$.detail.userIdentity.userName",
            "what": "$.detail.eventName",
            "d": "$.detail",
        },
        "InputTemplate": '{"text": "<who> called <what>", "user": "<who>", "raw": <d>}',
    }
    doc = json.loads(target_input({"Arn": "x", "InputTransformer": transformer}, EVENT))
    assert doc == {"text": "learner called CreateSecurityGroup", "user": "learner", "raw": EVENT["detail"]}
    plain = {
        "InputPathsMap": {"what": "$.detail.eventName"},
        "InputTemplate": "Security group change: <what>",
    }
    assert (
        target_input({"Arn": "x", "InputTransformer": plain}, EVENT)
        == "Security group change: CreateSecurityGroup"
    )


def _trail(aws: Callable[..., Any]) -> str:
    name = unique("details-trail")
    aws("s3").create_bucket(Bucket=name)
    aws("cloudtrail").create_trail(Name=name, S3BucketName=name)
    aws("cloudtrail").start_logging(Name=name)
    return name


def test_rule_states_and_logs_target(live: LiveServices, aws: Callable[..., Any]) -> None:
    _trail(aws)
    events, logs = aws("events"), aws("logs")
    group = f"/aws/events/{unique('ec2')}"
    logs.create_log_group(logGroupName=group)
    group_arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"]
    queue_all = aws("sqs").create_queue(QueueName=unique("all-mgmt"))["QueueUrl"]
    queue_all_arn = aws("sqs").get_queue_attributes(QueueUrl=queue_all, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    pattern = json.dumps({"source": ["aws.ec2"]})
    for name, state, arn in (
        ("enabled", "ENABLED", group_arn),
        ("all-mgmt", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", queue_all_arn),
        ("disabled", "DISABLED", queue_all_arn),
    ):
        rule = unique(name)
        events.put_rule(Name=rule, EventPattern=pattern, State=state)
        events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": arn}])
    ec2 = aws("ec2")
    ec2.describe_vpcs()  # read-only management event: only the ALL_CLOUDTRAIL rule gets it
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    ec2.create_security_group(GroupName=unique("g"), Description="d", VpcId=vpc)
    got_all = [
        json.loads(m)["detail"]["eventName"] for m in [json.dumps(b) for b in receive_all(aws, queue_all)]
    ]
    assert got_all == [
        "DescribeVpcs",
        "DescribeVpcs",
        "CreateSecurityGroup",
    ]  # once each: DISABLED sent nothing
    logged = logs.filter_log_events(logGroupName=group)["events"]
    assert [json.loads(e["message"])["detail"]["eventName"] for e in logged] == ["CreateSecurityGroup"]
    stream = logs.describe_log_streams(logGroupName=group)["logStreams"][0]["logStreamName"]
    assert stream == json.loads(logged[0]["message"])["id"]


def test_email_json_inbox_body(live: LiveServices, aws: Callable[..., Any]) -> None:
    sns = aws("sns")
    topic = sns.create_topic(Name=unique("mail"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint="json@anybank.example")
    sns.publish(TopicArn=topic, Message="hello", Subject="greeting")
    mail = live.inbox.messages(endpoint="json@anybank.example")
    assert len(mail) == 1 and mail[0].protocol == "email-json"
    body = json.loads(mail[0].body)
    assert (body["Type"], body["TopicArn"], body["Subject"], body["Message"]) == (
        "Notification",
        topic,
        "greeting",
        "hello",
    )


def _put_events(aws: Callable[..., Any], group: str, messages: list[str]) -> None:
    logs = aws("logs")
    stream = unique("s")
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": now, "message": m} for m in messages],
    )


def test_metric_filter_applies_to_later_events_and_follows_changes(
    live: LiveServices, aws: Callable[..., Any]
) -> None:
    logs, cw = aws("logs"), aws("cloudwatch")
    group, metric = unique("/app/errors"), unique("Errors")
    logs.create_log_group(logGroupName=group)
    _put_events(aws, group, ["ERROR before the filter"])
    logs.put_metric_filter(
        logGroupName=group,
        filterName="errors",
        filterPattern="ERROR",
        metricTransformations=[{"metricName": metric, "metricNamespace": "App", "metricValue": "1"}],
    )
    _put_events(aws, group, ["ERROR one", "INFO fine", "ERROR two"])
    logs.put_metric_filter(
        logGroupName=group,
        filterName="errors",
        filterPattern="ERROR",
        metricTransformations=[{"metricName": metric, "metricNamespace": "App", "metricValue": "5"}],
    )
    _put_events(aws, group, ["ERROR three"])
    logs.delete_metric_filter(logGroupName=group, filterName="errors")
    _put_events(aws, group, ["ERROR after deletion"])
    now = time.time()
    stats = cw.get_metric_statistics(
        Namespace="App",
        MetricName=metric,
        StartTime=now - 600,
        EndTime=now + 600,
        Period=3600,
        Statistics=["Sum", "SampleCount"],
    )["Datapoints"]
    assert sum(p["Sum"] for p in stats) == 7.0 and sum(p["SampleCount"] for p in stats) == 3.0


def test_alarm_update_keeps_state_and_set_alarm_state_is_adopted(
    live: LiveServices, aws: Callable[..., Any]
) -> None:
    cw = aws("cloudwatch")
    name, metric = unique("kept"), unique("Kept")
    args = dict(
        AlarmName=name,
        MetricName=metric,
        Namespace="App",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    cw.put_metric_alarm(**args)
    cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": metric, "Value": 4}])
    live.clock.set(time.time() + 60)  # type: ignore[attr-defined]
    live.monitor.evaluate_due()
    assert cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"] == "ALARM"
    cw.put_metric_alarm(**{**args, "AlarmDescription": "now with a description"})
    updated = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    assert updated["StateValue"] == "ALARM" and updated["AlarmDescription"] == "now with a description"
    cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="testing the action")
    assert cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"] == "OK"
    live.clock.set(live.clock.now() + 60)
    live.monitor.evaluate_due()
    # the datapoint is still within the evaluation range (N + 2 periods): back to ALARM from the set state
    history = cw.describe_alarm_history(AlarmName=name, HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    assert history[0]["HistorySummary"] == "Alarm updated from OK to ALARM"
    page = cw.describe_alarm_history(AlarmName=name, MaxRecords=1)
    assert len(page["AlarmHistoryItems"]) == 1 and "NextToken" in page


def test_set_alarm_state_runs_actions_and_writes_history(live: LiveServices, aws: Callable[..., Any]) -> None:
    sns, cw = aws("sns"), aws("cloudwatch")
    topic = sns.create_topic(Name=unique("manual"))["TopicArn"]
    queue = queue_subscriber(aws, topic, unique("manual-q"))
    name = unique("manual")
    cw.put_metric_alarm(
        AlarmName=name,
        MetricName=unique("M"),
        Namespace="App",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="testing the notification")
    got = receive_all(aws, queue)
    assert len(got) == 1
    message = json.loads(got[0]["Message"])
    assert (message["OldStateValue"], message["NewStateValue"], message["NewStateReason"]) == (
        "INSUFFICIENT_DATA",
        "ALARM",
        "testing the notification",
    )
    history = cw.describe_alarm_history(AlarmName=name)["AlarmHistoryItems"]
    assert [h["HistoryItemType"] for h in history] == ["Action", "StateUpdate", "ConfigurationUpdate"]
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="again")  # same state: no action
    assert receive_all(aws, queue) == []
