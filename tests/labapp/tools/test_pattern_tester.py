"""The pattern tester's core: AWS's exact error text with a caret, matches and metric values per sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from labapp.patterns.tester import locate, test_pattern

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "conformance"


def _cases(name: str) -> list[dict[str, Any]]:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is missing: the shared conformance corpus is needed for this test")
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_recorded_syntax_error_is_shown_with_aws_text() -> None:
    cases = [
        c
        for c in _cases("invalid_filter_patterns.json")
        if c["api"] == "TestMetricFilter"
        and not c["expected_error"]["message"].startswith("(")  # text not recorded
    ]
    assert len(cases) > 50
    for case in cases:
        result = test_pattern(case["pattern"], ["any message"])
        assert result.problem is not None, case["id"]
        assert (result.problem.code, result.problem.message) == (
            case["expected_error"]["code"],
            case["expected_error"]["message"],
        ), case["id"]
        assert result.samples == []


@pytest.mark.parametrize(
    ("pattern", "pointer"),
    [
        ("ERROR!", "ERROR!\n     ^"),
        ("a/b", "a/b\n ^"),
        ('{ $.eventName = "x" ', '{ $.eventName = "x" \n                   ^'),
        ("%abc", "%abc\n    ^"),
        ('"ERROR', '"ERROR\n^^^^^^'),
    ],
)
def test_caret_under_the_offending_text(pattern: str, pointer: str) -> None:
    result = test_pattern(pattern, ["x"])
    assert result.problem is not None
    assert result.problem.pointer(pattern) == pointer


def test_no_caret_when_the_position_is_unknown() -> None:
    result = test_pattern('"ERROR"WARN', ["x"])
    assert result.problem is not None and result.problem.message == "Invalid metric filter pattern"
    assert result.problem.pos is None and result.problem.pointer('"ERROR"WARN') is None
    assert locate("abc", "Something else") == (None, 1)


def test_matches_numbering_and_extracted_values() -> None:
    messages = [
        '127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /x HTTP/1.1" 404 308',
        '127.0.0.1 - - [24/Sep/2013:11:50:52 -0700] "GET /y HTTP/1.1" 200 12',
    ]
    result = test_pattern("[ip, id, user, timestamp, request, status_code=404, size]", messages, "$size", 0)
    assert result.matched == 1
    first, second = result.samples
    assert (first.number, first.matched, first.value, first.default_used) == (1, True, 308.0, False)
    assert first.extracted["$status_code"] == "404" and first.extracted["$size"] == "308"
    assert (second.matched, second.value, second.default_used) == (False, 0.0, True)


def test_recorded_metric_values() -> None:
    for case in _cases("metric_values.json"):
        result = test_pattern(case["pattern"], [case["message"]], case["metricValue"], case["defaultValue"])
        if result.problem or result.transformation_problem:
            continue  # transformations AWS rejects are covered by the engine's own tests
        got = result.samples[0].value
        assert got == (None if case["expected_value"] is None else float(case["expected_value"])), case["id"]


def test_bad_metric_value_is_reported_but_matches_still_shown() -> None:
    result = test_pattern("ERROR", ["ERROR one", "fine"], "$.nope[", None)
    assert result.transformation_problem is not None
    assert "metric value" in result.transformation_problem.message
    assert [s.matched for s in result.samples] == [True, False]
    assert all(s.value is None for s in result.samples)
