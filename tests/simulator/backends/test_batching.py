"""PutLogEvents batch limits (simulator/backends/batching.py; limits cited there from the API reference)."""

from __future__ import annotations

import pytest

from simulator.backends.batching import (
    EVENT_OVERHEAD_BYTES,
    MAX_BATCH_BYTES,
    MAX_BATCH_SPAN_MS,
    MAX_EVENT_BYTES,
    BatchError,
    event_sizes,
    plan_batches,
)


def _check_batches(ts, sizes, batches, start=0):
    assert batches[0][0] == start and batches[-1][1] == len(ts)
    for (i, j), (k, _) in zip(batches, batches[1:] + [(len(ts), None)], strict=True):
        assert j == k and j > i
        assert j - i <= 10_000
        assert sum(sizes[i:j]) <= MAX_BATCH_BYTES
        assert ts[j - 1] - ts[i] <= MAX_BATCH_SPAN_MS


def test_sizes_count_utf8_bytes_plus_26():
    assert event_sizes(["abc", "é", "€uro", ""]) == [29, 28, 32, 26]


def test_ten_thousand_events_per_batch():
    ts = list(range(25_000))
    sizes = [30] * 25_000
    batches = plan_batches(ts, sizes)
    assert batches == [(0, 10_000), (10_000, 20_000), (20_000, 25_000)]
    _check_batches(ts, sizes, batches)


def test_byte_limit_is_inclusive_and_counts_overhead():
    # eight events of exactly an eighth of the limit fill one batch; the ninth starts the next
    eighth = MAX_BATCH_BYTES // 8
    assert plan_batches([0] * 9, [eighth] * 9) == [(0, 8), (8, 9)]
    # one byte more in the first event pushes the eighth out
    assert plan_batches([0] * 9, [eighth + 1] + [eighth] * 8) == [(0, 7), (7, 9)]


def test_messages_at_the_byte_limit_with_real_overhead():
    msg = "x" * (MAX_BATCH_BYTES // 8 - EVENT_OVERHEAD_BYTES)
    sizes = event_sizes([msg] * 9)
    assert sum(sizes[:8]) == MAX_BATCH_BYTES
    assert plan_batches([1] * 9, sizes) == [(0, 8), (8, 9)]


def test_span_of_exactly_24_hours_is_allowed_one_ms_more_is_not():
    assert plan_batches([0, MAX_BATCH_SPAN_MS], [30, 30]) == [(0, 2)]
    assert plan_batches([0, MAX_BATCH_SPAN_MS + 1], [30, 30]) == [(0, 1), (1, 2)]
    ts = [i * 3600_000 for i in range(60)]  # 59 hours, hourly
    batches = plan_batches(ts, [30] * 60)
    assert batches == [(0, 25), (25, 50), (50, 60)]
    _check_batches(ts, [30] * 60, batches)


def test_start_offset_and_empty():
    assert plan_batches([1, 2, 3], [30] * 3, start=2) == [(2, 3)]
    assert plan_batches([], []) == []


def test_out_of_order_events_are_refused():
    with pytest.raises(BatchError, match="event 2 is older"):
        plan_batches([5, 6, 4], [30] * 3)


def test_oversized_event_is_refused():
    with pytest.raises(BatchError, match="event 1 is"):
        plan_batches([1, 2], [30, MAX_EVENT_BYTES + 1])
    assert plan_batches([1], [MAX_EVENT_BYTES]) == [(0, 1)]
