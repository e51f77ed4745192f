"""Every case of shared/conformance/event_patterns.json (245; 175 recorded from AWS).

AWS-validated cases go through :func:`test_event_pattern` exactly as the TestEventPattern API was
called when they were recorded (event validation included); event-ruler library cases match the
event directly, as the library does (their events are not full EventBridge envelopes).
Invalid cases must produce AWS's error code and message verbatim.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from grader.eventbridge import (
    InvalidEvent,
    InvalidEventPattern,
    compile_event_pattern,
    test_event_pattern,
)
from tests.grader.eventbridge.shared import event_pattern_cases


def _outcome(case: dict[str, Any]) -> tuple[Any, dict[str, str] | None]:
    pattern = case["pattern_raw"] if "pattern_raw" in case else json.dumps(case["pattern"])
    try:
        if case["validated"] == "aws-validated":
            event = case["event_raw"] if "event_raw" in case else json.dumps(case["event"])
            return test_event_pattern(EventPattern=pattern, Event=event)["Result"], None
        return compile_event_pattern(pattern).matches(case["event"]), None
    except (InvalidEventPattern, InvalidEvent) as exc:
        return "invalid", {"code": exc.code, "message": exc.message}


@pytest.mark.parametrize("case", event_pattern_cases())
def test_event_pattern_case(case: dict[str, Any]) -> None:
    result, error = _outcome(case)
    assert result == case["expected"], case.get("note") or case["source"]
    if case["expected"] == "invalid":
        assert error == case["error"]
