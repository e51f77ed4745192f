"""``TestEventPattern``: the EventBridge API call, same input and output shapes, no AWS involved.

Request ``{"EventPattern": str, "Event": str}`` → response ``{"Result": bool}``
(https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html).
Errors are raised as exceptions carrying AWS's ``code`` and ``message``:
``ValidationException: Parameter Event is not valid.`` for an event that is not a JSON object or lacks
``id``, ``account``, ``source``, ``time``, ``region`` or ``detail-type`` (AWS-validated cases
plain_string_event, array_event, event_missing_mandatory_fields; ``resources`` is documented as
required but AWS accepts events without it), and ``InvalidEventPatternException`` for a bad pattern.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from grader.eventbridge.errors import InvalidEvent, InvalidEventPattern
from grader.eventbridge.pattern import compile_event_pattern

MANDATORY_EVENT_FIELDS = ("id", "account", "source", "time", "region", "detail-type")


def parse_test_event(event: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    """Parse ``Event`` as TestEventPattern does; raises InvalidEvent. An already-parsed mapping is
    accepted for callers that hold one (the API itself only takes a string)."""
    if isinstance(event, Mapping):
        parsed: Any = dict(event)
        if any(key not in parsed for key in MANDATORY_EVENT_FIELDS):
            raise InvalidEvent()
        return parsed
    try:
        parsed = orjson.loads(event)
    except orjson.JSONDecodeError:
        try:  # orjson refuses integers beyond 64 bits; the standard parser does not
            parsed = json.loads(event, parse_constant=_reject_constant)
        except (ValueError, TypeError):
            raise InvalidEvent() from None
    if not isinstance(parsed, dict) or any(key not in parsed for key in MANDATORY_EVENT_FIELDS):
        raise InvalidEvent()
    return parsed


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def test_event_pattern(EventPattern: str, Event: str | Mapping[str, Any]) -> dict[str, bool]:  # noqa: N803 - AWS names
    """Evaluate like the TestEventPattern API: ``{"Result": True|False}``.

    The event is checked before the pattern, as LocalStack's AWS-parity provider does; AWS's order
    when both are bad is not recorded.
    """
    parsed = parse_test_event(Event)
    return {"Result": compile_event_pattern(EventPattern).matches(parsed)}


test_event_pattern.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def error_response(exc: InvalidEventPattern | InvalidEvent) -> dict[str, dict[str, str]]:
    """The error body AWS returns for ``exc`` (botocore's ``ClientError.response["Error"]`` shape)."""
    message = exc.raw_message if isinstance(exc, InvalidEventPattern) else exc.message
    return {"Error": {"Code": exc.code, "Message": message}}
