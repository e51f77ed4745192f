"""Invariants of one evaluation, over random ranges (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.alarms import Point, decide, evaluate_alarm

TMD = st.sampled_from(["missing", "notBreaching", "breaching", "ignore"])
VALUE = st.one_of(st.none(), st.sampled_from([0.0, 5.0, 10.0, 15.0]))


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[float | None], int, int, str]:
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, n))
    values = draw(st.lists(VALUE, min_size=n + 2, max_size=n + 2))
    return values, n, m, draw(TMD)


def run(values: list[float | None], n: int, m: int, tmd: str):
    points = [Point(60.0 * i, v) for i, v in enumerate(values)]
    return decide(
        points,
        evaluation_periods=n,
        datapoints_to_alarm=m,
        comparison_operator="GreaterThanThreshold",
        threshold=10.0,
        treat_missing_data=tmd,
    )


@settings(max_examples=300, deadline=None)
@given(cases())
def test_without_gaps_the_treatment_is_irrelevant(case: tuple[list[float | None], int, int, str]) -> None:
    values, n, m, _ = case
    full = [0.0 if v is None else v for v in values]
    states = {run(full, n, m, tmd).state for tmd in ("missing", "notBreaching", "breaching", "ignore")}
    assert len(states) == 1
    newest = full[-n:]
    assert states == {"ALARM" if sum(v > 10.0 for v in newest) >= m else "OK"}


@settings(max_examples=300, deadline=None)
@given(cases())
def test_lowering_a_value_never_turns_ok_into_alarm(case: tuple[list[float | None], int, int, str]) -> None:
    values, n, m, tmd = case
    before = run(values, n, m, tmd)
    lowered = [0.0 if v == 15.0 else v for v in values]
    after = run(lowered, n, m, tmd)
    if before.state == "OK":
        assert after.state in ("OK", None)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_breaching_fill_is_at_least_as_alarming_as_not_breaching(
    case: tuple[list[float | None], int, int, str],
) -> None:
    values, n, m, _ = case
    if run(values, n, m, "notBreaching").state == "ALARM":
        assert run(values, n, m, "breaching").state == "ALARM"


@settings(max_examples=100, deadline=None)
@given(st.lists(VALUE, max_size=30), TMD)
def test_timelines_are_deterministic(values: list[float | None], tmd: str) -> None:
    alarm = {
        "Period": 60,
        "EvaluationPeriods": 3,
        "DatapointsToAlarm": 2,
        "Threshold": 10,
        "Statistic": "Sum",
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": tmd,
    }
    assert evaluate_alarm(alarm, values).to_dict() == evaluate_alarm(alarm, values).to_dict()


def test_evaluation_range_shorter_than_n_is_refused() -> None:
    alarm = {
        "Period": 60,
        "EvaluationPeriods": 3,
        "Threshold": 10,
        "Statistic": "Sum",
        "ComparisonOperator": "GreaterThanThreshold",
    }
    with pytest.raises(ValueError, match="shorter than EvaluationPeriods"):
        evaluate_alarm(alarm, [1.0], evaluation_range=2)
