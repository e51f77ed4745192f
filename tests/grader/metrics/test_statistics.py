"""Statistic parsing and computation."""

from __future__ import annotations

import pytest

from grader.metrics import UnsupportedStatisticError, compute_statistic, parse_statistic

VALUES = [float(v) for v in range(1, 11)]  # 1..10


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SampleCount", 10.0),
        ("Sum", 55.0),
        ("Average", 5.5),
        ("Minimum", 1.0),
        ("Maximum", 10.0),
        ("p50", 5.0),
        ("p90", 9.0),
        ("p99", 10.0),
        ("p100", 10.0),
        ("p0", 1.0),
        ("p10", 1.0),
        ("p10.5", 2.0),
        ("tm90", 5.0),
        ("tc90", 9.0),
        ("ts90", 45.0),
        ("IQM", 5.5),
        ("TM(10%:90%)", 5.5),
        ("TM(2:8)", 5.5),
        ("TM(:5)", 3.0),
        ("TC(10%:)", 9.0),
        ("TS(:3)", 6.0),
        ("wm80", 5.2),
        ("WM(10%:90%)", 5.5),
        ("PR(:3)", 30.0),
        ("PR(5:)", 50.0),
        ("PR(2:4)", 20.0),
    ],
)
def test_statistics_over_one_to_ten(name: str, expected: float) -> None:
    assert compute_statistic(parse_statistic(name), VALUES) == pytest.approx(expected)


def test_recorded_average_of_two_samples() -> None:
    # AWS-recorded: samples 21 and 22 in one period -> 21.5 (LocalStack snapshot, test_put_metric_alarm)
    assert compute_statistic(parse_statistic("Average"), [21, 22]) == 21.5


def test_no_samples_is_missing_not_zero() -> None:
    for name in ("Sum", "SampleCount", "p99", "TM(10%:90%)"):
        assert compute_statistic(parse_statistic(name), []) is None


def test_percentiles_with_few_samples() -> None:
    assert compute_statistic(parse_statistic("p99"), [7.0]) == 7.0
    assert compute_statistic(parse_statistic("p50"), [1.0, 100.0]) == 1.0
    assert compute_statistic(parse_statistic("p51"), [1.0, 100.0]) == 100.0


@pytest.mark.parametrize(
    "name", ["p101", "90", "P99", "avg", "TM()", "TM(90%:10%)", "PR(10%:20%)", "tm101", "p99.12345678901"]
)
def test_unsupported(name: str) -> None:
    with pytest.raises(UnsupportedStatisticError) as info:
        parse_statistic(name)
    assert str(info.value) == f"The value {name} for parameter ExtendedStatistic is not supported."
