"""metric_values.json (one event per case) plus the metric-transformation validation rules."""

from __future__ import annotations

import pytest

from grader.filterpattern import AwsError, InvalidMetricTransformation, LogEvent, MetricEmission, MetricFilter
from tests.grader.filterpattern.corpus import cases


def transformation(value: str, default: float | None = None, **extra: object) -> dict:
    t: dict = {"metricName": "Hits", "metricNamespace": "Lab", "metricValue": value, **extra}
    if default is not None:
        t["defaultValue"] = default
    return t


@pytest.mark.parametrize("case", cases("metric_values.json"))
def test_metric_value(case: dict) -> None:
    extra = {"dimensions": case["dimensions"]} if case.get("dimensions") else {}
    mf = MetricFilter(case["pattern"], [transformation(case["metricValue"], case["defaultValue"], **extra)])
    out = mf.evaluate(LogEvent(case["message"]))
    if case["expected_value"] is None:
        assert out == []
        return
    assert [e.value for e in out] == [case["expected_value"]]
    if "expected_dimensions" in case:
        assert out[0].dimensions == case["expected_dimensions"]


def test_emit_only_for_matches_and_default_separately() -> None:
    mf = MetricFilter("ERROR", [transformation("3", 7, unit="Count")])
    assert mf.emit("INFO") == []
    assert mf.default_emission(LogEvent("INFO", timestamp=60_000)) == MetricEmission(
        "Lab", "Hits", 7.0, {}, "Count", 60_000
    )
    # recorded: batch ERROR, INFO, ERROR -> Sum 13, SampleCount 3
    values = [e.value for msg in ("ERROR", "INFO", "ERROR") for e in mf.evaluate(msg)]
    assert values == [3.0, 7.0, 3.0]


def test_no_default_means_nothing_for_a_miss() -> None:
    assert MetricFilter("ERROR", [transformation("1")]).evaluate("INFO") == []


def test_dimension_rendering_and_missing_dimension() -> None:
    mf = MetricFilter("{ $.n = * }", [transformation("$.n", dimensions={"Code": "$.code"})])
    assert mf.emit('{"n": 2, "code": 404}')[0].dimensions == {"Code": "404"}
    assert mf.emit('{"n": 2, "code": 1.5}')[0].dimensions == {"Code": "1.5"}
    assert mf.emit('{"n": 2}')[0].dimensions == {}


def test_big_integer_value_is_exact() -> None:
    mf = MetricFilter("{ $.n = * }", [transformation("$.n")])
    assert mf.emit('{"n": 123456789012345678901234567890}')[0].value == 1.2345678901234568e29


def test_space_positional_reference() -> None:
    mf = MetricFilter("[, size]", [transformation("$1")])
    assert [e.value for e in mf.emit("12 x")] == [12.0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "$.items[*].value",
            "Invalid metric transformation: metric value $.items[*].value must be a valid number",
        ),
        ("banana", "Invalid metric transformation: metric value banana must be a valid number"),
        ("$.a[", "Invalid metric transformation: metric value $.a[ must be a valid number"),
    ],
)
def test_invalid_metric_value(value: str, message: str) -> None:
    with pytest.raises(InvalidMetricTransformation) as info:
        MetricFilter("{ $.a = 1 }", [transformation(value)])
    assert info.value.message == message
    assert info.value.code == "InvalidParameterException"


def test_wildcard_dimension_rejected() -> None:
    with pytest.raises(InvalidMetricTransformation, match="dimension value must be valid selector"):
        MetricFilter("{ $.a = 1 }", [transformation("1", dimensions={"X": "$.a[*]"})])


def test_string_default_is_a_serialization_error() -> None:
    with pytest.raises(AwsError) as info:
        MetricFilter(
            "ERROR", [{"metricName": "m", "metricNamespace": "n", "metricValue": "1", "defaultValue": "7"}]
        )
    assert (info.value.code, info.value.message) == (
        "SerializationException",
        "STRING_VALUE cannot be converted to Double",
    )


def test_exactly_one_transformation() -> None:
    with pytest.raises(AwsError, match="Member must have length less than or equal to 1"):
        MetricFilter("ERROR", [transformation("1"), transformation("2")])


def test_dimension_rules() -> None:
    with pytest.raises(InvalidMetricTransformation, match="does not support dimensions"):
        MetricFilter("ERROR", [transformation("1", dimensions={"A": "$.a"})])
    with pytest.raises(InvalidMetricTransformation, match="at most 3"):
        MetricFilter("{ $.a = 1 }", [transformation("1", dimensions={k: "$.a" for k in "ABCD"})])
    with pytest.raises(InvalidMetricTransformation, match="default value"):
        MetricFilter("{ $.a = 1 }", [transformation("1", 0, dimensions={"A": "$.a"})])


def test_unit_and_names_validated() -> None:
    with pytest.raises(AwsError, match="enum value set"):
        MetricFilter("ERROR", [transformation("1", unit="Parsecs")])
    with pytest.raises(AwsError, match=r"regular expression pattern: \[\^:\*\$\]\*"):
        MetricFilter("ERROR", [{"metricName": "a:b", "metricNamespace": "n", "metricValue": "1"}])
