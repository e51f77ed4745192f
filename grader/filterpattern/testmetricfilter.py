"""``test_metric_filter``: the TestMetricFilter API (same request and response shape) offline.

Recorded (semantics §1, §11): matched events are numbered from 1; ``extractedValues`` holds
``$name``/``$N`` entries for space-delimited patterns and is ``{}`` otherwise; 1–50 messages.
https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TestMetricFilter.html
"""

from __future__ import annotations

from grader.filterpattern.errors import INVALID_PARAMETER, AwsError
from grader.filterpattern.event import LogEvent
from grader.filterpattern.pattern import compile_pattern

MAX_MESSAGES = 50


def test_metric_filter(filterPattern: str, logEventMessages: list[str]) -> dict:  # noqa: N803 (AWS names)
    """``{"matches": [{"eventNumber", "eventMessage", "extractedValues"}]}`` as AWS returns it."""
    n = len(logEventMessages)
    if n < 1 or n > MAX_MESSAGES:
        bound = "greater than or equal to 1" if n < 1 else f"less than or equal to {MAX_MESSAGES}"
        raise AwsError(
            INVALID_PARAMETER,
            f"1 validation error detected: Value '{logEventMessages}' at 'logEventMessages' "
            f"failed to satisfy constraint: Member must have length {bound}",
        )
    pattern = compile_pattern(filterPattern, api="TestMetricFilter")
    matches = []
    for number, message in enumerate(logEventMessages, start=1):
        event = LogEvent(message)
        if pattern.matches(event):
            matches.append(
                {"eventNumber": number, "eventMessage": message, "extractedValues": pattern.extract(event)}
            )
    return {"matches": matches}


test_metric_filter.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite its name
