"""API-call-to-CloudTrail-record latency of the embedded emulator.

    .venv/bin/python benchmarks/emulator_latency.py [CALLS] [DELAY_SECONDS]

Starts EmbeddedEmulator on a free port (delivery delay: the default unless given), creates a trail
to a CloudWatch Logs group and S3, then makes CALLS AuthorizeSecurityGroupIngress calls with boto3
(default 40), one at a time. For each call it prints nothing; at the end it prints, in milliseconds:
- the API call round trip (boto3 -> middleware -> moto -> record built),
- call start -> record visible in the trail's log group (polled in-process every 2 ms),
- call start -> record visible in an S3 log file,
as median / p95 / max. Goal (issue 5): record in CloudWatch Logs in under 1 s at the default delay.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from typing import Any

import boto3
import orjson
from moto.logs.models import logs_backends
from moto.s3.models import s3_backends

from simulator.emulator import DEFAULT_DELIVERY_DELAY, EmbeddedEmulator

ACCOUNT, REGION = "123456789012", "us-east-1"
GROUP, BUCKET, TRAIL = "/bench/cloudtrail", "bench-trail-bucket", "bench-trail"


def _client(emu: EmbeddedEmulator, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=emu.endpoint_url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def _log_ports() -> set[int]:
    group = logs_backends[ACCOUNT][REGION].groups[GROUP]
    ports: set[int] = set()
    for stream in group.streams.values():
        for event in stream.events:
            record = orjson.loads(event.message)
            if record["eventName"] == "AuthorizeSecurityGroupIngress":
                ports.add(record["requestParameters"]["fromPort"])
    return ports


def _s3_ports(seen_keys: set[str], ports: set[int]) -> set[int]:
    bucket = s3_backends[ACCOUNT]["aws"].buckets[BUCKET]
    for name in list(bucket.keys.keys()):
        if name in seen_keys:
            continue
        seen_keys.add(name)
        for record in orjson.loads(gzip.decompress(bucket.keys[name].value))["Records"]:
            if record["eventName"] == "AuthorizeSecurityGroupIngress":
                ports.add(record["requestParameters"]["fromPort"])
    return ports


def _summary(label: str, values_ms: list[float]) -> str:
    values = sorted(values_ms)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"{label:<40} median {statistics.median(values):8.1f}  p95 {p95:8.1f}  max {values[-1]:8.1f}"


def main(calls: int, delay: float) -> None:
    with EmbeddedEmulator(port=0, delivery_delay=delay) as emu:
        _client(emu, "s3").create_bucket(Bucket=BUCKET)
        logs = _client(emu, "logs")
        logs.create_log_group(logGroupName=GROUP)
        group_arn = logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]["arn"]
        trails = _client(emu, "cloudtrail")
        trails.create_trail(
            Name=TRAIL,
            S3BucketName=BUCKET,
            CloudWatchLogsLogGroupArn=group_arn,
            CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ct",
        )
        trails.start_logging(Name=TRAIL)
        ec2 = _client(emu, "ec2")
        group_id = ec2.create_security_group(GroupName="bench", Description="bench")["GroupId"]
        ec2.describe_vpcs()  # warm up botocore models and connections

        round_trip, to_logs, to_s3 = [], [], []
        seen_keys: set[str] = set()
        s3_ports: set[int] = set()
        for i in range(calls):
            port = 1000 + i
            start = time.perf_counter()
            ec2.authorize_security_group_ingress(
                GroupId=group_id, IpProtocol="tcp", FromPort=port, ToPort=port, CidrIp="10.0.0.0/8"
            )
            round_trip.append((time.perf_counter() - start) * 1000)
            got_logs = got_s3 = None
            deadline = start + delay + 10
            while (got_logs is None or got_s3 is None) and time.perf_counter() < deadline:
                now = time.perf_counter()
                if got_logs is None and port in _log_ports():
                    got_logs = now
                if got_s3 is None and port in _s3_ports(seen_keys, s3_ports):
                    got_s3 = now
                time.sleep(0.002)
            if got_logs is None or got_s3 is None:
                raise SystemExit(f"call {i}: record not delivered within {delay + 10:.1f} s")
            to_logs.append((got_logs - start) * 1000)
            to_s3.append((got_s3 - start) * 1000)

    print(
        f"embedded emulator, delivery delay {delay:.2f} s, {calls} AuthorizeSecurityGroupIngress calls (ms)"
    )
    print(_summary("API call round trip (incl. recording)", round_trip))
    print(_summary("call -> record in CloudWatch Logs", to_logs))
    print(_summary("call -> record in S3 log file", to_s3))
    verdict = "met" if statistics.median(to_logs) < 1000 else "NOT met"
    print(f"goal: median under 1000 ms to CloudWatch Logs (issue 5, at the default delay) -> {verdict}")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    d = float(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_DELIVERY_DELAY
    main(n, d)
