"""Resources Trailwatch creates carry tags, so `trailwatch teardown` can find and remove exactly those.

Buckets get S3 bucket tags, log groups CloudWatch Logs tags:
`trailwatch:managed=true` and `trailwatch:dataset=<dataset id>` (docs/backends.md).
Objects and streams are not tagged one by one: they go away with their bucket or group.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from simulator.backends.retry import error_code, http_status

MANAGED_TAG = "trailwatch:managed"
DATASET_TAG = "trailwatch:dataset"


def trailwatch_tags(dataset_id: str) -> dict[str, str]:
    return {MANAGED_TAG: "true", DATASET_TAG: dataset_id}


def bucket_exists(s3: Any, bucket: str) -> bool:
    """True when the bucket exists and we may use it; False when it does not exist."""
    try:
        s3.head_bucket(Bucket=bucket)
        return True
    except ClientError as exc:
        if http_status(exc) == 404 or error_code(exc) in ("404", "NoSuchBucket", "NotFound"):
            return False
        raise


def create_bucket(s3: Any, bucket: str, region: str, dataset_id: str) -> None:
    """Create a tagged bucket in `region` (us-east-1 takes no LocationConstraint)."""
    kwargs: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    s3.put_bucket_tagging(
        Bucket=bucket,
        Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in trailwatch_tags(dataset_id).items()]},
    )


def log_group_exists(logs: Any, group: str) -> bool:
    pages = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=group)
    return any(g["logGroupName"] == group for page in pages for g in page.get("logGroups", []))


def create_log_group(logs: Any, group: str, dataset_id: str) -> None:
    try:
        logs.create_log_group(logGroupName=group, tags=trailwatch_tags(dataset_id))
    except ClientError as exc:
        if error_code(exc) != "ResourceAlreadyExistsException":
            raise


def bucket_tags(s3: Any, bucket: str) -> dict[str, str]:
    try:
        tag_set = s3.get_bucket_tagging(Bucket=bucket).get("TagSet", [])
    except ClientError as exc:
        if error_code(exc) in ("NoSuchTagSet", "NoSuchTagSetError", "NoSuchBucket"):
            return {}
        raise
    return {t["Key"]: t["Value"] for t in tag_set}


def log_group_tags(logs: Any, group: dict) -> dict[str, str]:
    arn = group.get("logGroupArn") or group["arn"].removesuffix(":*")
    try:
        return dict(logs.list_tags_for_resource(resourceArn=arn).get("tags", {}))
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return {}
        raise


def managed_buckets(s3: Any, dataset_id: str | None = None) -> list[str]:
    """Buckets tagged `trailwatch:managed=true` (and with that dataset id, when given)."""
    out = []
    for b in s3.list_buckets().get("Buckets", []):
        tags = bucket_tags(s3, b["Name"])
        if tags.get(MANAGED_TAG) == "true" and (dataset_id is None or tags.get(DATASET_TAG) == dataset_id):
            out.append(b["Name"])
    return sorted(out)


def managed_log_groups(logs: Any, dataset_id: str | None = None) -> list[str]:
    out = []
    for page in logs.get_paginator("describe_log_groups").paginate():
        for group in page.get("logGroups", []):
            tags = log_group_tags(logs, group)
            if tags.get(MANAGED_TAG) == "true" and (
                dataset_id is None or tags.get(DATASET_TAG) == dataset_id
            ):
                out.append(group["logGroupName"])
    return sorted(out)


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every object version and delete marker (plain objects when unversioned); returns how many."""
    removed = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        keys = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for i in range(0, len(keys), 1000):  # DeleteObjects takes at most 1,000 keys
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i : i + 1000], "Quiet": True})
            removed += len(keys[i : i + 1000])
    return removed
