"""EventBridge with AWS's semantics, offline: event patterns, TestEventPattern, CloudTrail events.

- :func:`compile_event_pattern` validates a pattern (raising :class:`InvalidEventPattern` with AWS's
  code and message) and returns an :class:`EventPattern`; ``EventPattern.matches(event)`` tests events.
- :func:`test_event_pattern` is the TestEventPattern API (``{"Result": bool}``).
- :func:`cloudtrail_to_eventbridge` turns a CloudTrail record into the event AWS puts on the default bus;
  :func:`delivered_to_rule` says whether a rule in a given State receives it at all.
"""

from grader.eventbridge.api import error_response, test_event_pattern
from grader.eventbridge.cloudtrail import (
    API_CALL,
    CONSOLE_SIGN_IN,
    CONSOLE_SIGN_IN_DETAIL_TYPES,
    RULE_STATES,
    cloudtrail_to_eventbridge,
    delivered_to_rule,
    is_read_only_management_event,
)
from grader.eventbridge.errors import InvalidEvent, InvalidEventPattern
from grader.eventbridge.pattern import EventPattern, compile_event_pattern

__all__ = [
    "API_CALL",
    "CONSOLE_SIGN_IN",
    "CONSOLE_SIGN_IN_DETAIL_TYPES",
    "RULE_STATES",
    "EventPattern",
    "InvalidEvent",
    "InvalidEventPattern",
    "cloudtrail_to_eventbridge",
    "compile_event_pattern",
    "delivered_to_rule",
    "error_response",
    "is_read_only_management_event",
    "test_event_pattern",
]
