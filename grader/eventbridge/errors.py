"""Exceptions raised by the EventBridge engine, carrying AWS's error codes and message texts.

AWS answers a bad pattern with ``InvalidEventPatternException`` and the message
``Event pattern is not valid. Reason: <reason>``; when the reason comes from the JSON parser
(Jackson, inside aws/event-ruler) AWS appends ``\\n at [Source: (String)"<pattern>"; line: L, column: C]``.
Recorded from AWS in localstack/localstack tests/aws/services/events/test_events_patterns.snapshot.json
(``Message`` / ``MessageRaw``).
"""

from __future__ import annotations

PATTERN_ERROR_CODE = "InvalidEventPatternException"
PATTERN_MESSAGE_PREFIX = "Event pattern is not valid. Reason: "
VALIDATION_ERROR_CODE = "ValidationException"


class InvalidEventPattern(ValueError):
    """A pattern EventBridge rejects.

    ``message`` is AWS's message without the parser position (what consoles and most SDK users see
    on the first line); ``raw_message`` adds Jackson's ``at [Source: ...]`` suffix where AWS adds it.
    """

    def __init__(
        self, reason: str, location: str | None = None, *, inner_location: str | None = None
    ) -> None:
        self.code = PATTERN_ERROR_CODE
        self.reason = reason
        self.location = location
        self.message = PATTERN_MESSAGE_PREFIX + reason
        raw = self.message
        # event-ruler re-wraps parse errors raised inside anything-but lists, so AWS prints the
        # position twice there (content_anything_but_ignorecase_list_EXC in the snapshot above)
        for where in (inner_location, location):
            if where is not None:
                raw += f"\n at {where}"
        self.raw_message = raw
        super().__init__(self.message)


class InvalidEvent(ValueError):
    """An event ``TestEventPattern`` refuses (``ValidationException: Parameter Event is not valid.``)."""

    def __init__(self, message: str = "Parameter Event is not valid.") -> None:
        self.code = VALIDATION_ERROR_CODE
        self.message = message
        super().__init__(message)
