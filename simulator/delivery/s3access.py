"""Where S3 server access logs land: plain-text objects in the target bucket under the target prefix.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html: delivery is periodic and
best effort; one log object holds records of one source bucket only; the object name carries the
delivery time (``<TargetPrefix>YYYY-mm-DD-HH-MM-SS-<UniqueString>``), which is later than the records
in it. We gather each source bucket's records into 15-minute slots (by request time) and deliver
each slot's object a few minutes after the slot ends; the delay and the unique string come from a
hash of the run's salt, so reruns are byte-identical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simulator.formats import s3access as fs

SLOT_MS = 15 * 60 * 1000
MIN_DELAY_S, MAX_DELAY_S = 120, 1500


@dataclass(frozen=True)
class AccessLogObject:
    bucket: str  # target bucket
    key: str
    body: bytes
    records: int
    row_index: np.ndarray  # rows of the input, in line order


def delivery(salt: str, source_bucket: str, slot: int) -> tuple[int, str]:
    """(delay seconds after slot end, 16 upper-hex unique string) for one log object."""
    d = hashlib.blake2b(f"{salt}|{source_bucket}|{slot}".encode(), digest_size=12).digest()
    delay = MIN_DELAY_S + int.from_bytes(d[:4], "big") % (MAX_DELAY_S - MIN_DELAY_S)
    return delay, d[4:].hex().upper()


def log_objects(
    records: list[fs.AccessRecord],
    time_ms: np.ndarray,
    source_bucket: str,
    target_bucket: str,
    target_prefix: str,
    salt: str,
) -> Iterator[AccessLogObject]:
    """Objects for one source bucket's records (``time_ms[i]`` is ``records[i].time_ms``)."""
    if not records:
        return
    slot = time_ms // SLOT_MS
    order = np.lexsort((np.arange(len(records)), time_ms, slot))
    bounds = np.flatnonzero(np.diff(slot[order])) + 1
    for idx in np.split(order, bounds):
        s = int(slot[idx[0]])
        delay, unique = delivery(salt, source_bucket, s)
        delivered_s = (s + 1) * SLOT_MS // 1000 + delay
        key = fs.log_object_key(target_prefix, delivered_s, unique)
        body = fs.render_lines([records[i] for i in idx.tolist()])
        yield AccessLogObject(bucket=target_bucket, key=key, body=body, records=len(idx), row_index=idx)
