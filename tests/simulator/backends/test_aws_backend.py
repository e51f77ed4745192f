"""The `aws` backend with moto in-process standing in for AWS (no network): cost estimate and
confirmation first, everything created is tagged, `trailwatch teardown` removes exactly that."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from simulator.backends.cli import deliver, teardown
from simulator.backends.config import BackendConfig
from simulator.backends.cost import GB, CostEstimate, estimate
from simulator.backends.dataset import load_dataset
from simulator.backends.delivery import DeliveryError, DeliveryOptions, deliver_dataset
from simulator.backends.tagging import DATASET_TAG, MANAGED_TAG

REGION = "eu-west-1"


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield


def _args(*extra: str) -> list[str]:
    return ["--backend", "aws", "--region", REGION, *extra]


def test_deliver_shows_cost_and_needs_confirmation(fake_aws: None, dataset_dir: Path):
    result = CliRunner().invoke(deliver, [str(dataset_dir), *_args("--create-missing")], input="n\n")
    assert result.exit_code == 1
    assert "Estimated AWS cost (us-east-1 list prices checked 2026-11-26, no free tier):" in result.output
    assert "CloudWatch Logs ingestion (6,250 events" in result.output
    assert result.output.strip().splitlines()[-1] in (
        "Error: cancelled, nothing was changed",
        f"Error: Deliver dataset {load_dataset(dataset_dir).dataset_id} to AWS (default credentials, region "
        f"{REGION})? needs confirmation: run in a terminal or pass --yes",
    )
    assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []


def test_deliver_tags_everything_and_teardown_removes_it(fake_aws: None, dataset_dir: Path):
    s3 = boto3.client("s3", region_name=REGION)
    logs = boto3.client("logs", region_name=REGION)
    # resources Trailwatch did not create must survive teardown
    s3.create_bucket(Bucket="learner-own", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket="learner-own", Key="k", Body=b"x")
    logs.create_log_group(logGroupName="learner-group")

    result = CliRunner().invoke(deliver, [str(dataset_dir), *_args("--create-missing", "--yes")])
    assert result.exit_code == 0, result.output
    assert "S3: 14 objects put" in result.output and "6,250 events put" in result.output
    ds = load_dataset(dataset_dir)
    for bucket in ds.buckets:
        tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
        assert tags == {MANAGED_TAG: "true", DATASET_TAG: ds.dataset_id}
        assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == REGION
    for group in logs.describe_log_groups()["logGroups"]:
        arn = group["arn"].removesuffix(":*")
        tags = logs.list_tags_for_resource(resourceArn=arn)["tags"]
        if group["logGroupName"] == "learner-group":
            assert tags == {}
        else:
            assert tags == {MANAGED_TAG: "true", DATASET_TAG: ds.dataset_id}

    refused = CliRunner().invoke(teardown, _args())  # no terminal, no --yes: nothing is deleted
    assert refused.exit_code == 1 and "pass --yes" in refused.output
    assert len(s3.list_buckets()["Buckets"]) == 4

    done = CliRunner().invoke(teardown, _args("--yes"))
    assert done.exit_code == 0, done.output
    assert "Removed 5 resources (14 objects)" in done.output
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["learner-own"]
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["learner-group"]
    again = CliRunner().invoke(teardown, _args("--yes"))
    assert again.exit_code == 0 and "Nothing tagged by Trailwatch" in again.output


def test_teardown_empties_versioned_buckets(fake_aws: None, dataset_dir: Path):
    ds = load_dataset(dataset_dir)
    cfg = BackendConfig("aws", region=REGION)
    deliver_dataset(ds, cfg, DeliveryOptions(create_missing=True, logs=False, progress_interval=3600))
    s3 = boto3.client("s3", region_name=REGION)
    bucket = ds.buckets[0]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="v", Body=b"1")
    s3.put_object(Bucket=bucket, Key="v", Body=b"2")
    s3.delete_object(Bucket=bucket, Key="v")  # leaves two versions and a delete marker
    result = CliRunner().invoke(teardown, _args("--yes", "--dataset-id", ds.dataset_id))
    assert result.exit_code == 0, result.output
    assert s3.list_buckets()["Buckets"] == []


def test_missing_credentials_are_one_line(monkeypatch: pytest.MonkeyPatch, dataset_dir: Path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(
        DeliveryError, match=r"^no AWS credentials for AWS \(default credentials, region eu-west-1\)"
    ):
        deliver_dataset(load_dataset(dataset_dir), BackendConfig("aws", region=REGION), DeliveryOptions())
    result = CliRunner().invoke(deliver, [str(dataset_dir), *_args("--profile", "sandbox", "--yes")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: AWS profile 'sandbox' not found")


def test_cost_estimate_arithmetic(dataset_dir: Path):
    est = estimate(load_dataset(dataset_dir))
    assert est.objects == 14 and est.events == 6250
    # 2,500 flow lines + 2,500 burst lines + 1,250 CloudTrail records, each message + 26 bytes
    assert est.ingested_bytes > 6250 * 26
    fixed = CostEstimate(objects=2000, object_bytes=GB, events=10, ingested_bytes=2 * GB, archived_bytes=GB)
    assert fixed.s3_requests == 2002
    values = dict((label.split(" (")[0], round(v, 6)) for label, v in fixed.items)
    assert values == {
        "S3 PUT/LIST requests": 0.01001,
        "S3 Standard storage": 0.023,
        "CloudWatch Logs ingestion": 1.0,
        "CloudWatch Logs storage": 0.03,
    }
    assert round(fixed.total, 5) == 1.06301
