"""Put a dataset's S3 objects under their keys, skipping those the bucket already holds unchanged.

What a bucket holds is listed from the backend (ListObjectsV2) before anything is sent; an object whose
ETag equals the local file's MD5 (the ETag of a single-part PUT) is left alone, so a rerun after a cut
sends only what is missing or different. Each PUT carries Content-MD5, so the backend refuses a body
damaged on the way.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from simulator.backends.dataset import S3Object, read_object
from simulator.backends.pool import run_all
from simulator.backends.progress import Progress
from simulator.backends.retry import Backoff

ObjectHook = Callable[[S3Object], None]


@dataclass
class S3Result:
    sent: int = 0
    skipped: int = 0  # already present with the same content
    bytes_sent: int = 0
    retries: int = 0


def existing_etags(s3: Any, bucket: str) -> dict[str, str]:
    """key -> ETag (without quotes) of every object in the bucket."""
    out: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            out[item["Key"]] = item["ETag"].strip('"')
    return out


def deliver_objects(
    s3: Any,
    objects: Iterable[S3Object],
    *,
    workers: int = 8,
    progress: Progress | None = None,
    backoff: Callable[[], Backoff] = Backoff,
    on_object: ObjectHook | None = None,
) -> S3Result:
    objects = list(objects)
    result = S3Result()
    etags: dict[str, dict[str, str]] = {}
    for bucket in sorted({o.bucket for o in objects}):
        etags[bucket] = backoff().run(lambda b=bucket: existing_etags(s3, b))

    def put(obj: S3Object) -> tuple[bool, int, int]:
        data = read_object(obj)
        digest = hashlib.md5(data, usedforsecurity=False).digest()
        if etags[obj.bucket].get(obj.key) == digest.hex():
            return False, 0, 0
        policy = backoff()
        policy.run(
            lambda: s3.put_object(
                Bucket=obj.bucket, Key=obj.key, Body=data, ContentMD5=base64.b64encode(digest).decode()
            )
        )
        if on_object is not None:
            on_object(obj)
        return True, len(data), policy.retries

    def put_counted(obj: S3Object) -> tuple[bool, int, int]:
        outcome = put(obj)
        if progress is not None:
            progress.add_objects(1)
        return outcome

    for sent, size, retries in run_all(put_counted, objects, workers, "deliver-s3"):
        if sent:
            result.sent += 1
            result.bytes_sent += size
        else:
            result.skipped += 1
        result.retries += retries
    return result
