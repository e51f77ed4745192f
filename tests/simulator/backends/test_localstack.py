"""Delivery and configuration reading against LocalStack 4.14.0 started on the host (no Docker).

Also pins the LocalStack gaps docs/backends.md describes, so a LocalStack upgrade that changes them
fails here and the docs get updated.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from simulator.backends.config import BackendConfig
from simulator.backends.dataset import load_dataset, read_stream_events
from simulator.backends.delivery import DeliveryOptions, deliver_dataset
from simulator.backends.monitoring_config import read_monitoring_config

pytestmark = pytest.mark.localstack


def _quiet(**kw) -> DeliveryOptions:
    return DeliveryOptions(progress_interval=3600, **kw)


def _held(cfg: BackendConfig, group: str, stream: str) -> list[tuple[int, str]]:
    logs = cfg.client("logs")
    out, token = [], None
    while True:
        kw = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
        if token:
            kw["nextToken"] = token
        page = logs.get_log_events(**kw)
        out += [(e["timestamp"], e["message"]) for e in page["events"]]
        if not page["events"] or page["nextForwardToken"] == token:
            return out
        token = page["nextForwardToken"]


def test_delivery_is_complete_and_exactly_once_after_a_cut(localstack: BackendConfig, dataset_dir: Path):
    ds = load_dataset(dataset_dir)

    class Cut(Exception):
        pass

    batches = {"n": 0}

    def cut(group: str, stream: str, n: int) -> None:
        batches["n"] += 1
        if batches["n"] >= 4:
            raise Cut

    with pytest.raises(Cut):
        deliver_dataset(
            ds, localstack, _quiet(create_missing=True, workers=1, on_batch=cut, batch_events=1000)
        )
    summary = deliver_dataset(ds, localstack, _quiet(batch_events=1000))
    assert 0 < sum(s.already for s in summary.streams) < ds.event_count
    assert summary.s3.skipped == 14
    for stream in ds.streams:
        events = read_stream_events(stream)
        assert Counter(_held(localstack, stream.group, stream.stream)) == Counter(
            zip(events.timestamps, events.messages, strict=True)
        )
    s3 = localstack.client("s3")
    for obj in ds.objects:
        assert s3.head_object(Bucket=obj.bucket, Key=obj.key)["ContentLength"] == obj.size
    again = deliver_dataset(ds, localstack, _quiet())
    assert (again.s3.sent, sum(s.sent for s in again.streams)) == (0, 0)


def test_monitoring_config_reads_back(localstack: BackendConfig):
    logs, cw = localstack.client("logs"), localstack.client("cloudwatch")
    sns, sqs, events = localstack.client("sns"), localstack.client("sqs"), localstack.client("events")
    logs.create_log_group(logGroupName="cfg-trail-group")
    pattern = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = CreateSecurityGroup) }"
    logs.put_metric_filter(
        logGroupName="cfg-trail-group",
        filterName="SecurityGroupChanges",
        filterPattern=pattern,
        metricTransformations=[
            {"metricName": "SecurityGroupEventCount", "metricNamespace": "LogMetrics", "metricValue": "1"}
        ],
    )
    topic = sns.create_topic(Name="cfg-alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="cfg-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    cw.put_metric_alarm(
        AlarmName="SecurityGroupChanges",
        MetricName="SecurityGroupEventCount",
        Namespace="LogMetrics",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
        AlarmActions=[topic],
    )
    rule_pattern = {
        "source": ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventName": ["AuthorizeSecurityGroupIngress"]},
    }
    events.put_rule(Name="cfg-sg-rule", EventPattern=json.dumps(rule_pattern))
    events.put_targets(Rule="cfg-sg-rule", Targets=[{"Id": "1", "Arn": topic}])

    config = read_monitoring_config(localstack)
    mf = next(f for f in config["metric_filters"] if f["filterName"] == "SecurityGroupChanges")
    assert mf["filterPattern"] == pattern and mf["logGroupName"] == "cfg-trail-group"
    assert mf["metricTransformations"][0]["metricName"] == "SecurityGroupEventCount"
    alarm = next(a for a in config["alarms"]["MetricAlarms"] if a["AlarmName"] == "SecurityGroupChanges")
    assert (alarm["Threshold"], alarm["Period"], alarm["AlarmActions"]) == (1.0, 300, [topic])
    assert alarm["TreatMissingData"] == "notBreaching"
    t = next(t for t in config["topics"] if t["TopicArn"] == topic)
    assert [(s["Protocol"], s["Endpoint"]) for s in t["Subscriptions"]] == [("sqs", queue_arn)]
    rule = next(r for r in config["rules"] if r["Name"] == "cfg-sg-rule")
    assert json.loads(rule["EventPattern"]) == rule_pattern
    assert [x["Arn"] for x in rule["Targets"]] == [topic]


def test_gap_json_filter_patterns_match_every_event(localstack: BackendConfig):
    """LocalStack community's matcher returns True for any pattern (shared/reference/filter-pattern-peers.md §2)."""
    logs = localstack.client("logs")
    logs.create_log_group(logGroupName="gap-filter")
    logs.create_log_stream(logGroupName="gap-filter", logStreamName="s")
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName="gap-filter",
        logStreamName="s",
        logEvents=[
            {"timestamp": now, "message": '{"eventName":"DescribeVpcs"}'},
            {"timestamp": now + 1, "message": '{"eventName":"StopLogging"}'},
        ],
    )
    found = logs.filter_log_events(logGroupName="gap-filter", filterPattern='{ $.eventName = "StopLogging" }')
    # AWS returns only the StopLogging event; LocalStack returns both
    assert len(found["events"]) == 2


def test_gap_no_alarm_evaluation_from_metric_filters(localstack: BackendConfig):
    """Alarms are stored; the grader judges them from the logs, not from LocalStack's alarm state."""
    cw = localstack.client("cloudwatch")
    cw.put_metric_alarm(
        AlarmName="gap-alarm",
        MetricName="Nothing",
        Namespace="Gap",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    alarm = cw.describe_alarms(AlarmNames=["gap-alarm"])["MetricAlarms"][0]
    assert alarm["StateValue"] in ("INSUFFICIENT_DATA", "OK")


def test_gap_no_cloudtrail_elbv2_or_security_hub_api(localstack: BackendConfig):
    """Community LocalStack answers these with InternalFailure; Trailwatch records CloudTrail itself
    only on the embedded backend and delivers ALB logs as S3 objects (docs/backends.md)."""
    from botocore.exceptions import ClientError

    for service, call in (
        ("cloudtrail", lambda c: c.describe_trails()),
        ("elbv2", lambda c: c.describe_load_balancers()),
        ("securityhub", lambda c: c.describe_hub()),
    ):
        try:
            call(localstack.client(service))
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "InternalFailure", service
        else:
            raise AssertionError(f"{service} answered: LocalStack gained it, update docs/backends.md")
    assert "trails" in read_monitoring_config(localstack)["unavailable"]
