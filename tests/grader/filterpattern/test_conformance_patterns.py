"""Every case of filter_patterns.json and invalid_filter_patterns.json (recorded from real AWS)."""

from __future__ import annotations

import pytest

from grader.filterpattern import InvalidFilterPattern, LogEvent, compile_pattern
from tests.grader.filterpattern.corpus import cases


@pytest.mark.parametrize("case", cases("filter_patterns.json"))
def test_match(case: dict) -> None:
    pattern = compile_pattern(case["pattern"])
    event = LogEvent(case["message"])
    assert pattern.matches(event) is case["expected"], case["note"]
    if "expected_extracted" in case:
        assert pattern.extract(event) == case["expected_extracted"]


@pytest.mark.parametrize("case", cases("invalid_filter_patterns.json"))
def test_invalid(case: dict) -> None:
    with pytest.raises(InvalidFilterPattern) as info:
        compile_pattern(case["pattern"], api=case["api"])
    expected = case["expected_error"]
    assert info.value.code == expected["code"]
    assert str(info.value) == info.value.message
    if case["id"] == "err-057":
        # the documentation says '!' is rejected but does not quote the message
        assert info.value.message == "Invalid character(s) in term '%something!'"
        return
    # the length-limit message quotes the whole pattern; the corpus abbreviates it as <pattern>
    message = info.value.message
    if len(case["pattern"]) > 1024:
        message = message.replace(case["pattern"], "<pattern>")
    assert message == expected["message"]
