"""The evaluation rules one by one: M of N, the evaluation range, each TreatMissingData, premature alarms,
operators at the threshold, low-sample percentiles."""

from __future__ import annotations

import pytest

from grader.alarms import Point, decide, default_evaluation_range, min_samples_for_percentile

X, O, _ = 15.0, 5.0, None  # noqa: E741 -- breaching, not breaching, missing (threshold 10, GreaterThanThreshold)


def run(
    values: list[float | None],
    m: int,
    n: int = 3,
    tmd: str = "missing",
    op: str = "GreaterThanThreshold",
    threshold: float = 10.0,
    counts: list[int | None] | None = None,
    min_samples: float = 0.0,
):
    counts = counts or [None] * len(values)
    points = [Point(60.0 * i, v, c) for i, (v, c) in enumerate(zip(values, counts, strict=True))]
    return decide(
        points,
        evaluation_periods=n,
        datapoints_to_alarm=m,
        comparison_operator=op,
        threshold=threshold,
        treat_missing_data=tmd,
        min_samples=min_samples,
    )


@pytest.mark.parametrize(
    ("values", "m", "state"),
    [
        ([X, O, X, O, X], 2, "ALARM"),  # breaching points need not be consecutive
        ([X, O, O, X, O], 2, "OK"),  # newest 3 are O X O: 1 of 3
        ([O, X, O, X, X], 3, "OK"),  # 2 of 3 newest
        ([O, O, X, X, X], 3, "ALARM"),
        ([O, O, O, O, X], 1, "ALARM"),
        ([X, X, X, X, O], 1, "ALARM"),  # 1 of the newest 3 still breaches
        ([X, X, O, O, O], 1, "OK"),
    ],
)
def test_m_of_n_uses_the_newest_n_points(values: list[float | None], m: int, state: str) -> None:
    assert run(values, m).state == state


def test_gaps_reach_back_for_real_points_and_ignore_the_treatment() -> None:
    for tmd in ("missing", "ignore", "breaching", "notBreaching"):
        d = run([X, X, _, O, O], m=2, tmd=tmd)
        assert (d.state, d.filled, [p.value for p in d.evaluated]) == ("OK", 0, [X, O, O])


@pytest.mark.parametrize(
    ("tmd", "state", "filled"),
    [("breaching", "ALARM", 2), ("notBreaching", "OK", 2), ("missing", "OK", 0), ("ignore", "OK", 0)],
)
def test_few_real_points_are_filled_by_the_treatment(tmd: str, state: str, filled: int) -> None:
    d = run([_, _, _, _, O], m=2, tmd=tmd)
    assert (d.state, d.filled) == (state, filled)


@pytest.mark.parametrize(
    ("tmd", "state", "kind"),
    [
        ("missing", "INSUFFICIENT_DATA", "insufficient"),
        ("ignore", None, "retain_empty"),
        ("breaching", "ALARM", "all_filled"),
        ("notBreaching", "OK", "all_filled"),
    ],
)
def test_empty_range(tmd: str, state: str | None, kind: str) -> None:
    d = run([_, _, _, _, _], m=3, tmd=tmd)
    assert (d.state, d.kind) == (state, kind)


def test_a_point_older_than_the_range_does_not_count() -> None:
    # The range is what the caller passes: X four periods back is outside a range of 3.
    assert run([_, _, _], m=1, n=1, tmd="missing").state == "INSUFFICIENT_DATA"
    assert run([X, _, _], m=1, n=1, tmd="missing").state == "ALARM"


def test_premature_alarm_rule() -> None:
    assert run([_, _, X, _, _], m=3, tmd="missing").kind == "premature"
    assert run([_, _, X, _, _], m=3, tmd="missing").state == "ALARM"
    assert run([_, _, X, _, _], m=3, tmd="ignore").kind == "retain_premature"
    assert run([_, _, _, X, _], m=3, tmd="missing").kind == "retain_wait"
    assert run([_, _, _, _, X], m=3, tmd="missing").state is None
    assert run([_, _, _, X, _], m=2, tmd="missing").state == "ALARM"
    # a real non-breaching point anywhere in the range disables it (docs: "0 - X - -", M=2 -> OK)
    assert run([O, _, X, _, _], m=2, tmd="missing").state == "OK"


@pytest.mark.parametrize(
    ("op", "value", "breaches"),
    [
        ("GreaterThanThreshold", 10.0, False),
        ("GreaterThanThreshold", 10.5, True),
        ("GreaterThanOrEqualToThreshold", 10.0, True),
        ("GreaterThanOrEqualToThreshold", 9.9, False),
        ("LessThanThreshold", 10.0, False),
        ("LessThanThreshold", 9.9, True),
        ("LessThanOrEqualToThreshold", 10.0, True),
        ("LessThanOrEqualToThreshold", 10.1, False),
    ],
)
def test_operators_at_the_threshold(op: str, value: float, breaches: bool) -> None:
    d = run([value], m=1, n=1, op=op)
    assert d.breaching == (breaches,)
    assert d.state == ("ALARM" if breaches else "OK")


def test_low_sample_percentiles() -> None:
    assert min_samples_for_percentile(99) == pytest.approx(1000)
    assert min_samples_for_percentile(50) == pytest.approx(20)
    assert min_samples_for_percentile(10) == pytest.approx(100)
    assert min_samples_for_percentile(100) == 0 and min_samples_for_percentile(0) == 0
    low = run([X], m=1, n=1, counts=[999], min_samples=min_samples_for_percentile(99))
    assert (low.state, low.kind) == (None, "retain_low_samples")
    enough = run([X], m=1, n=1, counts=[1000], min_samples=min_samples_for_percentile(99))
    assert enough.state == "ALARM"


def test_default_evaluation_range_matches_the_documented_examples() -> None:
    assert default_evaluation_range(3) == 5
