"""The metric store: per-metric samples, period aggregation, missing periods."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from grader.metrics import MetricKey, MetricStore, PeriodDatapoint, to_epoch_seconds


def test_periods_and_missing() -> None:
    store = MetricStore()
    for ts, v in ((5, 1.0), (70, 2.0), (75, 4.0), (200, 8.0)):
        store.put("ns", "m", v, ts)
    key = MetricKey.of("ns", "m")
    got = store.period_datapoints(key, "Sum", 60, 0, 240)
    assert got == [
        PeriodDatapoint(0, 1.0, 1),
        PeriodDatapoint(60, 6.0, 2),
        PeriodDatapoint(120, None, 0),
        PeriodDatapoint(180, 8.0, 1),
    ]
    assert [p.value for p in store.period_datapoints(key, "Average", 60, 0, 240)] == [1.0, 3.0, None, 8.0]
    assert [p.value for p in store.period_datapoints(key, "SampleCount", 120, 0, 240)] == [3.0, 1.0]


def test_dimension_sets_are_separate_metrics() -> None:
    store = MetricStore()
    store.put("ns", "m", 1, 0, {"b": "2", "a": "1"})
    store.put("ns", "m", 5, 0)
    assert store.keys() == [MetricKey("ns", "m", ()), MetricKey("ns", "m", (("a", "1"), ("b", "2")))]
    dp = store.period_datapoints(MetricKey.of("ns", "m", {"a": "1", "b": "2"}), "Sum", 60, 0, 60)
    assert dp[0].value == 1.0


def test_unit_filter() -> None:
    store = MetricStore()
    store.put("ns", "m", 1, 0, unit="Count")
    store.put("ns", "m", 2, 1, unit="Seconds")
    store.put("ns", "m", 4, 2)
    key = MetricKey.of("ns", "m")
    assert store.period_datapoints(key, "Sum", 60, 0, 60)[0].value == 7.0
    assert store.period_datapoints(key, "Sum", 60, 0, 60, unit="Count")[0].value == 1.0
    assert store.period_datapoints(key, "Sum", 60, 0, 60, unit="None")[0].value == 4.0
    assert store.period_datapoints(key, "Sum", 60, 0, 60, unit="Bytes")[0].value is None


def test_out_of_order_puts_and_timestamps() -> None:
    store = MetricStore()
    store.put("ns", "m", 2, "1970-01-01T00:01:10Z")
    store.put("ns", "m", 1, datetime(1970, 1, 1, tzinfo=UTC))
    assert [p.value for p in store.period_datapoints(MetricKey.of("ns", "m"), "Maximum", 60, 0, 120)] == [
        1.0,
        2.0,
    ]
    assert to_epoch_seconds("2024-01-01T00:00:00Z") == 1704067200.0
    assert to_epoch_seconds(datetime(2024, 1, 1)) == 1704067200.0
    with pytest.raises(TypeError):
        to_epoch_seconds(True)
