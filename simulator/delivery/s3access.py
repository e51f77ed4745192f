"""Where S3 server access logs land: plain-text objects in the target bucket under the target prefix.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html: delivery is periodic and
best effort; one log object holds records of one source bucket only; the object name carries the
delivery time (``<TargetPrefix>YYYY-mm-DD-HH-MM-SS-<UniqueString>``), which is later than the records
in it. We gather each source bucket's records into 15-minute slots (by request time) and deliver
each slot's object a few minutes after the slot ends; the delay and the unique string come from a
hash of the run's salt, so reruns are byte-identical.

Records a scenario injects (already formatted lines) go into the same objects as the baseline's: the object
of their source bucket and slot, in time order (a baseline record before an injected one of the same
millisecond); ``AccessLogObject.injected`` gives their 1-based line numbers with the caller's tags.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

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
    row_index: np.ndarray  # rows of the input, in line order (baseline records only)
    injected: tuple[tuple[int, Any], ...] = ()  # (1-based line number, tag) of injected lines


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
    injected: Sequence[tuple[int, bytes, Any]] = (),
) -> Iterator[AccessLogObject]:
    """Objects for one source bucket's records (``time_ms[i]`` is ``records[i].time_ms``).

    ``injected``: (time ms, formatted line without newline, tag) merged into the objects of their slots.
    """
    extra: dict[int, list[tuple[int, int, bytes, Any]]] = {}
    for k, (t, line, tag) in enumerate(injected):
        extra.setdefault(int(t) // SLOT_MS, []).append((int(t), k, line, tag))
    if not records and not extra:
        return
    time_ms = np.asarray(time_ms, dtype=np.int64)
    slot = time_ms // SLOT_MS
    order = np.lexsort((np.arange(len(records)), time_ms, slot))
    bounds = np.flatnonzero(np.diff(slot[order])) + 1
    groups = {int(slot[idx[0]]): idx for idx in np.split(order, bounds) if len(idx)}
    for s in sorted(set(groups) | set(extra)):
        idx = groups.get(s, np.zeros(0, dtype=np.int64))
        delay, unique = delivery(salt, source_bucket, s)
        delivered_s = (s + 1) * SLOT_MS // 1000 + delay
        key = fs.log_object_key(target_prefix, delivered_s, unique)
        if s not in extra:
            body = fs.render_lines([records[i] for i in idx.tolist()])
            yield AccessLogObject(bucket=target_bucket, key=key, body=body, records=len(idx), row_index=idx)
            continue
        merged = [(int(time_ms[i]), 0, n, fs.render_record(records[i]).encode("utf-8"), None)
                  for n, i in enumerate(idx.tolist())]
        merged += [(t, 1, k, line, tag) for t, k, line, tag in extra[s]]
        merged.sort(key=lambda m: m[:3])
        yield AccessLogObject(
            bucket=target_bucket, key=key, body=b"".join(m[3] + b"\n" for m in merged), records=len(merged),
            row_index=idx, injected=tuple((no, m[4]) for no, m in enumerate(merged, start=1) if m[1] == 1),
        )
