"""Split a stream's events into PutLogEvents batches that CloudWatch Logs accepts.

Limits (PutLogEvents API reference, https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html,
checked 2026-11-26 through the docs search):
- at most 10,000 events per batch;
- at most 1,048,576 bytes per batch, counted as the UTF-8 size of every message plus 26 bytes per event;
- events in chronological order within a batch;
- a batch may not span more than 24 hours;
- one event may be no larger than 256 KB (the current reference raises this to 1 MB; we keep the older,
  stricter 256 KB so the same batches work on LocalStack and on accounts without the change). We count
  the 26-byte overhead inside the 256 KB, the reading that never sends an event AWS could refuse.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000
MAX_EVENT_BYTES = 256 * 1024


class BatchError(ValueError):
    """An event CloudWatch Logs cannot take at all (too large, or out of order)."""


def event_sizes(messages: Sequence[str]) -> list[int]:
    """Each event's size as PutLogEvents counts it: UTF-8 bytes + 26."""
    return [
        len(m.encode()) + EVENT_OVERHEAD_BYTES if not m.isascii() else len(m) + EVENT_OVERHEAD_BYTES
        for m in messages
    ]


def check_order(timestamps: Sequence[int]) -> int | None:
    """Index of the first event older than the one before it, or None when chronological."""
    for i in range(1, len(timestamps)):
        if timestamps[i] < timestamps[i - 1]:
            return i
    return None


def plan_batches(
    timestamps: Sequence[int],
    sizes: Sequence[int],
    start: int = 0,
    *,
    max_events: int = MAX_BATCH_EVENTS,
    max_bytes: int = MAX_BATCH_BYTES,
    max_span_ms: int = MAX_BATCH_SPAN_MS,
) -> list[tuple[int, int]]:
    """Half-open index ranges [i, j) covering events start..end, each a valid PutLogEvents batch."""
    if len(timestamps) != len(sizes):
        raise ValueError("timestamps and sizes differ in length")
    bad = check_order(timestamps[start:])
    if bad is not None:
        raise BatchError(
            f"event {start + bad} is older than the event before it; batches must be chronological"
        )
    batches: list[tuple[int, int]] = []
    n = len(timestamps)
    i = start
    while i < n:
        first_ts = timestamps[i]
        used = 0
        j = i
        while j < n and j - i < max_events:
            size = sizes[j]
            if size > MAX_EVENT_BYTES:
                raise BatchError(f"event {j} is {size} bytes with overhead; the limit is {MAX_EVENT_BYTES}")
            if used + size > max_bytes or timestamps[j] - first_ts > max_span_ms:
                break
            used += size
            j += 1
        batches.append((i, j))
        i = j
    return batches
