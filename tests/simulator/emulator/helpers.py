"""Helpers for the emulator tests: trails, polling, reading delivered records."""

from __future__ import annotations

import gzip
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
REGION = "us-east-1"
ACCOUNT = "123456789012"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_trail(
    aws: Callable[..., Any], name: str | None = None, start: bool = True, **extra: Any
) -> dict[str, str]:
    """Bucket + log group + trail delivering to both; started unless `start=False`."""
    name = name or unique("trail")
    bucket, group = f"{name}-bucket", f"/trailwatch/{name}"
    aws("s3").create_bucket(Bucket=bucket)
    logs = aws("logs")
    logs.create_log_group(logGroupName=group)
    group_arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"]
    aws("cloudtrail").create_trail(
        Name=name,
        S3BucketName=bucket,
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role",
        **extra,
    )
    if start:
        aws("cloudtrail").start_logging(Name=name)
    return {"name": name, "bucket": bucket, "group": group}


def wait_for(
    fetch: Callable[[], list[dict[str, Any]]],
    done: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 10.0,
) -> list[dict[str, Any]]:
    """Poll `fetch` until `done(result)` or the timeout; returns the last result."""
    deadline = time.monotonic() + timeout
    result = fetch()
    while not done(result) and time.monotonic() < deadline:
        time.sleep(0.05)
        result = fetch()
    return result


def log_group_records(aws: Callable[..., Any], group: str) -> list[dict[str, Any]]:
    logs = aws("logs")
    events = logs.filter_log_events(logGroupName=group).get("events", [])
    return [json.loads(e["message"]) for e in events]


def bucket_records(aws: Callable[..., Any], bucket: str) -> list[tuple[str, dict[str, Any]]]:
    """(object key, record) for every record in every CloudTrail file of `bucket`."""
    s3 = aws("s3")
    out = []
    for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
        for record in json.loads(gzip.decompress(body))["Records"]:
            out.append((obj["Key"], record))
    return out


def named(records: list[dict[str, Any]], event_name: str) -> list[dict[str, Any]]:
    return [r for r in records if r["eventName"] == event_name]


def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"reference material not found at {SHARED.resolve()} (needs /work/shared)")
    return SHARED
