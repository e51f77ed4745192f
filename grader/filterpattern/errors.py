"""AWS-style errors raised by the filter-pattern engine: an error code plus AWS's exact message text.

Message texts come from real TestMetricFilter / PutMetricFilter responses
(../shared/conformance/invalid_filter_patterns.json).
"""

from __future__ import annotations

INVALID_PARAMETER = "InvalidParameterException"

# The same syntax error is worded differently per API (recorded, filter-pattern-semantics.md §1).
GENERIC_MESSAGE = {
    "TestMetricFilter": "Invalid metric filter pattern",
    "PutMetricFilter": "Invalid metric filter pattern",
    "PutSubscriptionFilter": "Invalid subscription filter pattern",
    "FilterLogEvents": "Invalid filter pattern",
}


class AwsError(Exception):
    """An error as AWS reports it: ``code`` (e.g. InvalidParameterException) and ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidFilterPattern(AwsError):
    """The filter pattern was rejected; ``code``/``message`` are AWS's exact words."""


class InvalidMetricTransformation(AwsError):
    """A metric filter's transformation (value, default, dimensions, unit) was rejected."""


class GenericSyntaxError(Exception):
    """Internal: a syntax error AWS reports with the API-dependent generic message."""


def bad_term(term: str) -> InvalidFilterPattern:
    return InvalidFilterPattern(INVALID_PARAMETER, f"Invalid character(s) in term '{term}'")


def plain(message: str) -> InvalidFilterPattern:
    return InvalidFilterPattern(INVALID_PARAMETER, message)


MUST_END_BRACE = "If a filter pattern starts with '{' it must end with '}'"
MUST_END_PERCENT = "If a filter pattern starts with '%' it must end with '%'"
REGEX_COMPILE = "Failed to compile regular expression."
TOO_MANY_REGEX = "Your input has exceeded the maximum of 2 regular expressions per filter pattern."
TOO_MANY_WILDCARDS_IN_SELECTOR = "Your filter pattern has a JSON path selector that exceeds the maximum of 1 wildcard allowed per json selector."
TOO_MANY_WILDCARD_SELECTORS = (
    "Your input has exceeded the maximum of 3 JSON wildcard selectors allowed per filter pattern."
)
MAX_PATTERN_LENGTH = 1024
