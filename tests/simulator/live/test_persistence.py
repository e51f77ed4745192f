"""Stopping and starting the lab loses none of the learner's work: everything they created (and what was
delivered) is saved to the state dir and restored on start, without CloudTrail records for the restore."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from moto.moto_api._internal.models import moto_api_backend

from simulator.emulator import EmbeddedEmulator
from simulator.live.clock import ManualClock
from simulator.live.persistence import StateStore
from simulator.live.services import LiveServices
from tests.simulator.live.conftest import client_factory
from tests.simulator.live.learner_setup import (
    SG_CHANGES_PATTERN,
    build_trail_and_topic,
    metric_filter_and_alarm,
)


def _start(state_dir: Path) -> LiveServices:
    live = LiveServices(
        EmbeddedEmulator(port=0, delivery_delay=0.05),
        clock=ManualClock(),
        state=StateStore(state_dir, interval=0),
    )
    return live.start()


def _records(aws: Callable[..., Any], group: str) -> list[dict[str, Any]]:
    return [json.loads(e["message"]) for e in aws("logs").filter_log_events(logGroupName=group)["events"]]


@pytest.fixture(scope="module")
def restarted(tmp_path_factory: pytest.TempPathFactory) -> Any:
    state_dir = tmp_path_factory.mktemp("state")
    moto_api_backend.reset()
    first = _start(state_dir)
    aws = client_factory(first.emulator.endpoint_url)
    lab = build_trail_and_topic(aws)
    aws("cloudtrail").put_event_selectors(
        TrailName=lab.trail, EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]
    )
    metric_filter_and_alarm(aws, lab, SG_CHANGES_PATTERN, "SecurityGroupEventCount", "sg-changes", period=60)
    aws("s3").put_object(Bucket=lab.bucket, Key="notes/learner.txt", Body=b"my notes")
    events = aws("events")
    events.put_rule(Name="sg-rule", EventPattern=json.dumps({"source": ["aws.ec2"]}), State="ENABLED")
    events.put_targets(Rule="sg-rule", Targets=[{"Id": "t1", "Arn": lab.topic_arn}])
    aws("cloudwatch").put_metric_data(
        Namespace="CISBenchmark", MetricData=[{"MetricName": "SecurityGroupEventCount", "Value": 3}]
    )
    first.clock.set(time.time() + 60)  # type: ignore[attr-defined]
    first.monitor.evaluate_due()
    first.emulator.delivery.flush(force=True)
    before = {
        "records": len(_records(aws, lab.log_group)),
        "alarm": aws("cloudwatch").describe_alarms(AlarmNames=["sg-changes"])["MetricAlarms"][0],
        "inbox": len(first.inbox.messages()),
        "objects": sorted(o["Key"] for o in aws("s3").list_objects_v2(Bucket=lab.bucket)["Contents"]),
    }
    first.stop()
    moto_api_backend.reset()  # a new process starts with empty backends
    second = _start(state_dir)
    try:
        yield {
            "lab": lab,
            "before": before,
            "live": second,
            "aws": client_factory(second.emulator.endpoint_url),
            "dir": state_dir,
        }
    finally:
        second.stop()
        moto_api_backend.reset()


def test_state_files_written_atomically(restarted: dict[str, Any]) -> None:
    names = sorted(p.name for p in restarted["dir"].iterdir())
    assert names == ["live.json", "meta.json", "moto-state.pickle", "sqs.json"]  # no temporary files left
    assert restarted["live"].restored


def test_trail_logging_and_selectors_restored(restarted: dict[str, Any]) -> None:
    aws, lab = restarted["aws"], restarted["lab"]
    ct = aws("cloudtrail")
    trail = ct.get_trail(Name=lab.trail)["Trail"]
    assert (
        trail["CloudWatchLogsLogGroupArn"] == lab.log_group_arn
        and trail["CloudWatchLogsRoleArn"] == lab.role_arn
    )
    assert ct.get_trail_status(Name=lab.trail)["IsLogging"] is True
    selectors = ct.get_event_selectors(TrailName=lab.trail)["EventSelectors"]
    assert selectors[0]["ReadWriteType"] == "WriteOnly"
    assert aws("iam").get_role(RoleName=lab.role_arn.split("/")[-1])["Role"]["Arn"] == lab.role_arn


def test_logs_filters_objects_restored_without_restore_records(restarted: dict[str, Any]) -> None:
    aws, lab, before = restarted["aws"], restarted["lab"], restarted["before"]
    restarted["live"].emulator.delivery.flush(force=True)
    assert len(_records(aws, lab.log_group)) == before["records"]  # the restore itself recorded nothing
    filters = aws("logs").describe_metric_filters(logGroupName=lab.log_group)["metricFilters"]
    assert [f["filterPattern"] for f in filters] == [SG_CHANGES_PATTERN]
    keys = sorted(o["Key"] for o in aws("s3").list_objects_v2(Bucket=lab.bucket)["Contents"])
    assert keys == before["objects"] and any(k.endswith(".json.gz") for k in keys)
    assert aws("s3").get_object(Bucket=lab.bucket, Key="notes/learner.txt")["Body"].read() == b"my notes"


def test_alarm_state_history_topics_rules_inbox_restored(restarted: dict[str, Any]) -> None:
    aws, lab, before = restarted["aws"], restarted["lab"], restarted["before"]
    alarm = aws("cloudwatch").describe_alarms(AlarmNames=["sg-changes"])["MetricAlarms"][0]
    assert before["alarm"]["StateValue"] == "ALARM"
    assert alarm["StateValue"] == "ALARM" and alarm["StateReason"] == before["alarm"]["StateReason"]
    history = aws("cloudwatch").describe_alarm_history(AlarmName="sg-changes")["AlarmHistoryItems"]
    assert {h["HistoryItemType"] for h in history} == {"ConfigurationUpdate", "StateUpdate", "Action"}
    subs = aws("sns").list_subscriptions_by_topic(TopicArn=lab.topic_arn)["Subscriptions"]
    assert sorted(s["Protocol"] for s in subs) == ["email", "sqs"]
    assert aws("sqs").get_queue_url(QueueName=lab.queue_url.rsplit("/", 1)[1])["QueueUrl"]
    targets = aws("events").list_targets_by_rule(Rule="sg-rule")["Targets"]
    assert [t["Arn"] for t in targets] == [lab.topic_arn]
    assert before["inbox"] == 1 and len(restarted["live"].inbox.messages()) == 1


def test_restored_lab_keeps_working(restarted: dict[str, Any]) -> None:
    aws, lab, live = restarted["aws"], restarted["lab"], restarted["live"]
    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    ec2.create_security_group(GroupName="after-restart", Description="x", VpcId=vpc)
    live.emulator.delivery.flush(force=True)
    names = [r["eventName"] for r in _records(aws, lab.log_group)]
    assert names.count("CreateSecurityGroup") == 1
    got = aws("sqs").receive_message(QueueUrl=lab.queue_url, MaxNumberOfMessages=10)["Messages"]
    # the alarm notification from before the restart, and the EventBridge rule's event after it
    kinds = sorted("AlarmName" in json.loads(json.loads(m["Body"])["Message"]) for m in got)
    assert kinds == [False, True]


def test_periodic_save_only_after_activity(tmp_path: Path) -> None:
    moto_api_backend.reset()
    store = StateStore(tmp_path / "periodic", interval=0.05)
    counter = [0]
    store.start_periodic(dict, changes=lambda: counter[0])
    try:
        time.sleep(0.3)
        assert store.saves == 0  # nothing happened: nothing written
        counter[0] += 1
        deadline = time.monotonic() + 10  # generous: a loaded CI machine saves slowly
        while not store.saves and time.monotonic() < deadline:
            time.sleep(0.02)
        assert store.saves == 1 and (tmp_path / "periodic" / "moto-state.pickle").is_file()
        time.sleep(0.3)
        assert store.saves == 1
    finally:
        store.stop_periodic()
