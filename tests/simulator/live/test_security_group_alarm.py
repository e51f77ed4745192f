"""Must-show chain on the embedded backend, driven with boto3 as a learner would: a security-group change
is recorded by CloudTrail, reaches the trail's log group, the CIS metric filter publishes a datapoint, the
alarm goes to ALARM on the next minute, and AWS's alarm notification arrives in SQS and in the inbox; an
EventBridge rule on security-group changes fires to its SNS topic."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from simulator.live.services import LiveServices
from tests.simulator.live.learner_setup import (
    SG_CHANGES_PATTERN,
    SG_RULE_PATTERN,
    build_trail_and_topic,
    metric_filter_and_alarm,
    queue_subscriber,
    receive_all,
    unique,
)

REGION = "us-east-1"


def away_from_minute_boundary() -> None:
    """Start the chain early in a wall-clock minute, so the API call and the alarm's creation fall in the
    same minute and the first evaluation after the call is the one that sees it."""
    into = time.time() % 60
    if into > 45:
        time.sleep(60.5 - into)


@pytest.fixture(scope="module")
def chain(live: LiveServices, aws: Callable[..., Any]) -> dict[str, Any]:
    lab = build_trail_and_topic(aws)
    away_from_minute_boundary()
    live.clock.set(time.time())  # type: ignore[attr-defined]
    live.monitor.evaluate_due()
    alarm = unique("SecurityGroupChanges")
    metric_filter_and_alarm(aws, lab, SG_CHANGES_PATTERN, "SecurityGroupEventCount", alarm)
    sns = aws("sns")
    rule_topic = sns.create_topic(Name=unique("sg-rule-topic"))["TopicArn"]
    rule_queue = queue_subscriber(aws, rule_topic, unique("sg-rule-q"))
    events = aws("events")
    rule = unique("sg-changes")
    events.put_rule(Name=rule, EventPattern=json.dumps(SG_RULE_PATTERN), State="ENABLED")
    events.put_targets(Rule=rule, Targets=[{"Id": "notify", "Arn": rule_topic}])
    state_before = aws("cloudwatch").describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["StateValue"]

    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    ec2.describe_security_groups()  # read-only: neither metric nor rule
    group_id = ec2.create_security_group(GroupName=unique("web"), Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        ],
    )
    live.emulator.delivery.flush(force=True)
    called = time.time()
    live.clock.set(called + 60)  # type: ignore[attr-defined]
    live.monitor.evaluate_due()
    return {
        "lab": lab,
        "alarm": alarm,
        "group_id": group_id,
        "rule_queue": rule_queue,
        "state_before": state_before,
        "called": called,
    }


def test_record_reaches_log_group(chain: dict[str, Any], aws: Callable[..., Any]) -> None:
    lab = chain["lab"]
    events = aws("logs").filter_log_events(logGroupName=lab.log_group)["events"]
    records = [json.loads(e["message"]) for e in events]
    sg = [r for r in records if r["eventName"] == "AuthorizeSecurityGroupIngress"]
    assert len(sg) == 1
    assert sg[0]["requestParameters"]["groupId"] == chain["group_id"]
    assert sg[0]["userIdentity"]["userName"] == "learner"


def test_metric_gets_datapoints(chain: dict[str, Any], aws: Callable[..., Any]) -> None:
    now = chain["called"]
    stats = aws("cloudwatch").get_metric_statistics(
        Namespace="CISBenchmark",
        MetricName="SecurityGroupEventCount",
        StartTime=now - 900,
        EndTime=now + 300,
        Period=3600,
        Statistics=["Sum", "SampleCount"],
    )["Datapoints"]
    # CreateSecurityGroup and AuthorizeSecurityGroupIngress both match the CIS pattern
    assert sum(p["Sum"] for p in stats) == 2.0


def test_alarm_goes_to_alarm_with_history(chain: dict[str, Any], aws: Callable[..., Any]) -> None:
    assert chain["state_before"] == "INSUFFICIENT_DATA"
    cw = aws("cloudwatch")
    alarm = cw.describe_alarms(AlarmNames=[chain["alarm"]])["MetricAlarms"][0]
    assert alarm["StateValue"] == "ALARM"
    assert alarm["StateReason"].startswith("Threshold Crossed: 1 datapoint [2.0 (")
    reason_data = json.loads(alarm["StateReasonData"])
    assert reason_data["statistic"] == "Sum" and reason_data["recentDatapoints"] == [2.0]
    history = cw.describe_alarm_history(AlarmName=chain["alarm"])["AlarmHistoryItems"]
    kinds = [h["HistoryItemType"] for h in history]
    assert kinds == ["Action", "StateUpdate", "ConfigurationUpdate"]  # newest first
    assert history[1]["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"
    assert history[0]["HistorySummary"] == f"Successfully executed action {chain['lab'].topic_arn}"
    only_state = cw.describe_alarm_history(AlarmName=chain["alarm"], HistoryItemType="StateUpdate")
    assert len(only_state["AlarmHistoryItems"]) == 1


def test_notification_arrives_in_sqs_as_aws_alarm_json(
    chain: dict[str, Any], aws: Callable[..., Any]
) -> None:
    lab = chain["lab"]
    got = receive_all(aws, lab.queue_url)
    assert len(got) == 1
    envelope = got[0]
    assert envelope["Type"] == "Notification" and envelope["TopicArn"] == lab.topic_arn
    assert envelope["Subject"] == f'ALARM: "{chain["alarm"]}" in US East (N. Virginia)'
    message = json.loads(envelope["Message"])
    assert list(message)[:3] == ["AlarmName", "AlarmDescription", "AWSAccountId"]
    assert message["AlarmName"] == chain["alarm"]
    assert message["NewStateValue"] == "ALARM" and message["OldStateValue"] == "INSUFFICIENT_DATA"
    assert message["Trigger"]["MetricName"] == "SecurityGroupEventCount"
    assert message["Trigger"]["Statistic"] == "SUM"
    assert message["Region"] == "US East (N. Virginia)"


def test_notification_arrives_in_inbox(chain: dict[str, Any], live: LiveServices) -> None:
    lab = chain["lab"]
    mails = live.inbox.messages(endpoint=lab.email)
    assert len(mails) == 1
    assert mails[0].protocol == "email" and mails[0].topic_arn == lab.topic_arn
    assert mails[0].subject == f'ALARM: "{chain["alarm"]}" in US East (N. Virginia)'
    assert json.loads(mails[0].message)["NewStateValue"] == "ALARM"


def test_eventbridge_rule_fires_to_sns(chain: dict[str, Any], aws: Callable[..., Any]) -> None:
    got = receive_all(aws, chain["rule_queue"])
    events = [json.loads(m["Message"]) for m in got]
    names = sorted(e["detail"]["eventName"] for e in events)
    assert names == ["AuthorizeSecurityGroupIngress", "CreateSecurityGroup"]
    event = next(e for e in events if e["detail"]["eventName"] == "AuthorizeSecurityGroupIngress")
    assert event["detail-type"] == "AWS API Call via CloudTrail" and event["source"] == "aws.ec2"
    assert event["region"] == REGION


def test_alarm_stays_and_returns_to_ok(
    chain: dict[str, Any], live: LiveServices, aws: Callable[..., Any]
) -> None:
    # past the evaluation range (N + 2 = 3 periods of 5 minutes): the breaching datapoint has aged out
    live.clock.set(chain["called"] + 60 * 17)  # type: ignore[attr-defined]
    live.monitor.evaluate_due()
    cw = aws("cloudwatch")
    assert cw.describe_alarms(AlarmNames=[chain["alarm"]])["MetricAlarms"][0]["StateValue"] == "OK"
    # OK has no actions configured: nothing more is published
    assert receive_all(aws, chain["lab"].queue_url) == []
