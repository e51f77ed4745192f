"""test_metric_filter: the TestMetricFilter response shape."""

from __future__ import annotations

import pytest

from grader.filterpattern import AwsError, InvalidFilterPattern, test_metric_filter


def test_response_shape_and_numbering_from_one() -> None:
    out = test_metric_filter("[level=ERROR, rest]", ["INFO ok", "ERROR disk full"])
    assert out == {
        "matches": [
            {
                "eventNumber": 2,
                "eventMessage": "ERROR disk full",
                "extractedValues": {"$level": "ERROR", "$rest": "disk full"},
            }
        ]
    }


def test_non_space_patterns_extract_nothing() -> None:
    out = test_metric_filter("{ $.a = 1 }", ['{"a":1}', '{"a":2}', '{"a":1}'])
    assert [(m["eventNumber"], m["extractedValues"]) for m in out["matches"]] == [(1, {}), (3, {})]


def test_message_count_limits() -> None:
    with pytest.raises(AwsError, match="less than or equal to 50"):
        test_metric_filter("ERROR", ["x"] * 51)
    with pytest.raises(AwsError, match="greater than or equal to 1"):
        test_metric_filter("ERROR", [])


def test_invalid_pattern_uses_metric_wording() -> None:
    with pytest.raises(InvalidFilterPattern, match="^Invalid metric filter pattern$"):
        test_metric_filter("{ $.a == 1 }", ["x"])
