"""Live alarms on the embedded backend: metric-filter ingestion throughput, call-to-datapoint latency,
alarm evaluation cost, and persistence save/restore time.

    .venv/bin/python benchmarks/live.py [EVENTS] [ALARMS]

1. Ingestion: EVENTS CloudTrail-shaped log events (default 100,000; 1 in 50 a security-group change) put
   into moto's CloudWatch Logs in-process in batches of 10,000, with and without the live monitor and the
   five CIS metric filters below on the group; prints events/s for both.
2. Latency: 20 AuthorizeSecurityGroupIngress calls with boto3 through a trail to CloudWatch Logs at the
   default delivery delay; prints call start -> datapoint in the monitor's metric store (median/p95/max ms).
3. Evaluation: ALARMS alarms (default 200) evaluated for one minute tick; prints ms per round.
4. Persistence: save and restore of the resulting state; prints seconds and the state size.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import boto3
import orjson
from moto.logs.models import logs_backends
from moto.moto_api._internal.models import moto_api_backend

from simulator.emulator import EmbeddedEmulator
from simulator.live import LiveMonitor, LiveServices, ManualClock, StateStore

ACCOUNT, REGION, GROUP = "123456789012", "us-east-1", "/bench/cloudtrail"
CIS = {
    "SecurityGroupEventCount": "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
    "ConsoleSigninFailureCount": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "RootAccountUsageCount": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    "UnauthorizedAttemptCount": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    "CloudTrailEventCount": "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
}


def _events(n: int) -> list[dict]:
    now = int(time.time() * 1000)
    out = []
    for i in range(n):
        name = "AuthorizeSecurityGroupIngress" if i % 50 == 0 else "DescribeInstances"
        record = {
            "eventVersion": "1.08",
            "userIdentity": {"type": "IAMUser", "userName": f"u{i % 97}"},
            "eventTime": "2026-03-02T10:00:00Z",
            "eventSource": "ec2.amazonaws.com",
            "eventName": name,
            "awsRegion": REGION,
            "sourceIPAddress": "203.0.113.7",
            "eventID": f"id-{i}",
            "eventType": "AwsApiCall",
        }
        out.append({"timestamp": now + i // 1000, "message": orjson.dumps(record).decode()})
    return out


def _ingest(events: list[dict], stream: str) -> float:
    backend = logs_backends[ACCOUNT][REGION]
    backend.ensure_log_stream(GROUP, stream)
    t0 = time.perf_counter()
    for i in range(0, len(events), 10_000):
        backend.put_log_events(GROUP, stream, events[i : i + 10_000])
    return len(events) / (time.perf_counter() - t0)


def ingestion(n: int) -> None:
    moto_api_backend.reset()
    logs_backends[ACCOUNT][REGION].create_log_group(GROUP, {})
    events = _events(n)
    plain = _ingest(events, "plain")
    for name, pattern in CIS.items():
        logs_backends[ACCOUNT][REGION].put_metric_filter(
            name,
            pattern,
            GROUP,
            [{"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}],
        )
    with LiveMonitor(ManualClock()) as monitor:
        filtered = _ingest(events, "filtered")
        print(
            f"ingestion: {plain:,.0f} events/s without the monitor, {filtered:,.0f} events/s with 5 CIS filters "
            f"({monitor.datapoints:,} datapoints)"
        )


def latency(calls: int = 20) -> None:
    moto_api_backend.reset()
    with LiveServices(EmbeddedEmulator(port=0), clock=ManualClock()) as live:
        kw = {
            "endpoint_url": live.emulator.endpoint_url,
            "region_name": REGION,
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
        }
        logs = boto3.client("logs", **kw)
        logs.create_log_group(logGroupName=GROUP)
        arn = logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]["arn"]
        boto3.client("s3", **kw).create_bucket(Bucket="bench-live")
        ct = boto3.client("cloudtrail", **kw)
        ct.create_trail(
            Name="bench-live",
            S3BucketName="bench-live",
            CloudWatchLogsLogGroupArn=arn,
            CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ct",
        )
        ct.start_logging(Name="bench-live")
        logs.put_metric_filter(
            logGroupName=GROUP,
            filterName="sg",
            filterPattern=CIS["SecurityGroupEventCount"],
            metricTransformations=[{"metricName": "SG", "metricNamespace": "CIS", "metricValue": "1"}],
        )
        ec2 = boto3.client("ec2", **kw)
        group = ec2.create_security_group(GroupName="bench", Description="b")["GroupId"]
        seen = live.monitor.datapoints
        waits = []
        for port in range(calls):
            t0 = time.perf_counter()
            ec2.authorize_security_group_ingress(
                GroupId=group, IpProtocol="tcp", FromPort=1000 + port, ToPort=1000 + port, CidrIp="10.0.0.0/8"
            )
            while live.monitor.datapoints <= seen:
                time.sleep(0.002)
            seen = live.monitor.datapoints
            waits.append((time.perf_counter() - t0) * 1000)
        waits.sort()
        print(
            f"call -> datapoint ({live.emulator.delivery.delay:g} s delivery delay): median {statistics.median(waits):.0f} ms, "
            f"p95 {waits[int(len(waits) * 0.95) - 1]:.0f} ms, max {waits[-1]:.0f} ms"
        )


def evaluation(alarms: int) -> None:
    moto_api_backend.reset()
    clock = ManualClock()
    with LiveMonitor(clock) as monitor:
        from moto.cloudwatch.models import cloudwatch_backends

        cw = cloudwatch_backends[ACCOUNT][REGION]
        for i in range(alarms):
            cw.put_metric_alarm(
                f"a{i}", "CIS", f"M{i % 20}", "GreaterThanOrEqualToThreshold", 1, 300, 1.0, "Sum", "", [], []
            )
            cw.put_metric_data("CIS", [{"MetricName": f"M{i % 20}", "Value": 1.0}])
        clock.advance(60)
        t0 = time.perf_counter()
        ran = monitor.evaluate_due()
        print(f"evaluation: {ran} alarms in {(time.perf_counter() - t0) * 1000:.0f} ms per minute tick")


def persistence() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = StateStore(Path(tmp))
        t0 = time.perf_counter()
        store.save({})
        saved = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        moto_api_backend.reset()
        t0 = time.perf_counter()
        store.load()
        print(
            f"persistence: save {saved:.2f} s, restore {time.perf_counter() - t0:.2f} s, {size / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    alarms = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    ingestion(n)
    persistence()
    latency()
    evaluation(alarms)
