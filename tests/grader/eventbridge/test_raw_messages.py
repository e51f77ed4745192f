"""Full AWS error messages, parser position included, as recorded from AWS.

Source: localstack/localstack tests/aws/services/events/test_events_patterns.snapshot.json
(``MessageRaw`` / ``Message`` of TestEventPattern calls recorded against AWS, Nov-Dec 2024). The
patterns were sent as ``json.dumps(pattern)``; LocalStack's ``<partition>``/``<region>`` placeholders
are put back to the ``aws``/``us-east-1`` of the recorded patterns.
"""

from __future__ import annotations

import pytest

from grader.eventbridge import InvalidEventPattern, compile_event_pattern, error_response

P = "Event pattern is not valid. Reason: "


def _at(source: str, column: int) -> str:
    return f'\n at [Source: (String)"{source}"; line: 1, column: {column}]'


RECORDED = [
    ('{"int": 42}', '"int" must be an object or an array', 11),
    ('{"string": "my-value"}', '"string" must be an object or an array', 13),
    ('{"resources": []}', "Empty arrays are not allowed", 17),
    ('{"my_key": [{"EXISTS": true}]}', "Unrecognized match type EXISTS", 28),
    ('{"detail": {"equal": [{"NUMERIC": ["=", 5]}]}}', "Unrecognized match type NUMERIC", 36),
    ('{"detail": {"c-count": [{"numeric": [">", 0, ">", 0]}]}}', "Bad numeric range operator: >", 49),
    ('{"detail": {"c-count": [{"numeric": [">", 0, "<"]}]}}', "Value of < must be numeric", 50),
    (
        '{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]}',
        "Consecutive wildcard characters at pos 26",
        72,
    ),
    (
        '{"detail-type": [{"equals-ignore-case": ["ec2 instance state-change notification"]}]}',
        "equals-ignore-case match pattern must be a string",
        42,
    ),
    (
        '{"detail-type": [{"equals-ignore-case": {"prefix": "ec2"}}]}',
        "equals-ignore-case match pattern must be a string",
        42,
    ),
    (
        '{"detail": {"state": [{"anything-but": {"equals-ignore-case": 123}}]}}',
        "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
        66,
    ),
    ('{"EventBusArn": [{"wildcard": 123}]}', "wildcard match pattern must be a string", 34),
    (
        '{"EventBusArn": [{"wildcard": ["arn:aws:events:us-east-1:**:event-bus/*"]}]}',
        "wildcard match pattern must be a string",
        32,
    ),
    (
        '{"detail": {"FilePath": [{"anything-but": {"wildcard": 123}}]}}',
        "wildcard match pattern must be a string",
        59,
    ),
    (
        '{"detail": {"FileName": [{"anything-but": {"suffix": 123}}]}}',
        "prefix/suffix match pattern must be a string",
        57,
    ),
    (
        '{"detail": {"state": [{"anything-but": {"prefix": 123}}]}}',
        "prefix/suffix match pattern must be a string",
        54,
    ),
    ('{"time": [{"prefix": ["2022-07-13"]}]}', "prefix match pattern must be a string", 23),
    ('{"time": [{"prefix": 123}]}', "prefix match pattern must be a string", 25),
    ('{"FileName": [{"suffix": 123}]}', "suffix match pattern must be a string", 29),
    ('{"FileName": [{"suffix": [".png"]}]}', "suffix match pattern must be a string", 27),
    (
        '{"detail": {"FileName": [{"anything-but": {"prefix": {"equals-ignore-case": "file"}}}]}}',
        "Value of anything-but must be an array or single string/number value.",
        55,
    ),
    (
        '{"detail": {"FileName": [{"anything-but": {"suffix": {"equals-ignore-case": ".png"}}}]}}',
        "Value of anything-but must be an array or single string/number value.",
        55,
    ),
    (
        '{"detail": {"sourceIPAddress": [{"cidr": ["bad-type"]}]}}',
        "prefix match pattern must be a string",
        43,
    ),
    (
        "this is valid json but not a dict",
        "Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null', "
        "'true' or 'false')",
        5,
    ),
    (
        "{'bad': 'quotation'}",
        "Unexpected character (''' (code 39)): was expecting double-quote to start field name",
        2,
    ),
    (
        '{"not": closed mark"',
        "Unrecognized token 'closed': was expecting (JSON String, Number, Array, Object or token 'null', "
        "'true' or 'false')",
        15,
    ),
    ('["not", "a", "dict", "but valid json"]', "Filter is not an object", 2),
]

# Errors raised inside anything-but lists are wrapped once more by event-ruler: position twice.
RECORDED_TWICE = [
    (
        '{"detail": {"state": [{"anything-but": {"equals-ignore-case": [123, 456]}}]}}',
        "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
        67,
    ),
    (
        '{"detail": {"state": [{"anything-but": {"wildcard": [123, "*/dir/*"]}}]}}',
        "wildcard match pattern must be a string",
        57,
    ),
    (
        '{"detail": {"FileName": [{"anything-but": {"suffix": [123, ".txt"]}}]}}',
        "prefix/suffix match pattern must be a string",
        58,
    ),
    (
        '{"detail": {"state": [{"anything-but": {"prefix": [123, "test"]}}]}}',
        "prefix/suffix match pattern must be a string",
        55,
    ),
]

# Errors event-ruler raises outside the JSON parser carry no position.
RECORDED_BARE = [
    ('{"detail": {"sourceIPAddress": [{"cidr": "bad-filter"}]}}', "Malformed CIDR, one '/' required"),
    (
        '{"detail": {"sourceIPAddress": [{"cidr": "bad-/64filter"}]}}',
        "Malformed CIDR, mask bits must be an integer",
    ),
    ('{"detail": {"sourceIPAddress": [{"cidr": "xx.11.xx/8"}]}}', "Nonstandard IP address: xx.11.xx"),
    (
        '{"detail": {"sourceIPAddress": [{"cidr": "xxxx:db8:1234:1a00::/64"}]}}',
        "Nonstandard IP address: xxxx:db8:1234:1a00::",
    ),
    (
        '{"EventBusArn": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}',
        "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences "
        "after a wildcard character",
    ),
]


def _error(pattern: str) -> InvalidEventPattern:
    with pytest.raises(InvalidEventPattern) as info:
        compile_event_pattern(pattern)
    return info.value


@pytest.mark.parametrize(
    ("pattern", "reason", "column"), RECORDED, ids=[r[1][:40] + f"@{r[2]}" for r in RECORDED]
)
def test_raw_message_with_position(pattern: str, reason: str, column: int) -> None:
    exc = _error(pattern)
    assert exc.message == P + reason
    assert exc.raw_message == P + reason + _at(pattern, column)
    assert error_response(exc) == {
        "Error": {"Code": "InvalidEventPatternException", "Message": exc.raw_message}
    }


@pytest.mark.parametrize(
    ("pattern", "reason", "column"), RECORDED_TWICE, ids=[r[0][30:60] for r in RECORDED_TWICE]
)
def test_raw_message_position_twice_inside_anything_but_lists(pattern: str, reason: str, column: int) -> None:
    exc = _error(pattern)
    assert exc.message == P + reason
    assert exc.raw_message == P + reason + _at(pattern, column) * 2


@pytest.mark.parametrize(("pattern", "reason"), RECORDED_BARE, ids=[r[1][:40] for r in RECORDED_BARE])
def test_raw_message_without_position(pattern: str, reason: str) -> None:
    exc = _error(pattern)
    assert exc.raw_message == exc.message == P + reason


def test_source_longer_than_500_characters_is_truncated_like_jackson() -> None:
    pattern = '{"a": ["' + "x" * 600 + '"], "b": 1}'
    exc = _error(pattern)
    assert exc.reason == '"b" must be an object or an array'
    assert (
        f'(String)"{pattern[:500]}"[truncated {len(pattern) - 500} chars]; line: 1, column: '
        in exc.raw_message
    )


def test_multi_line_pattern_reports_line_and_column() -> None:
    pattern = (
        '{\n  "detail-type": ["Build Started"],\n  "detail": {\n    "pipeline": {\n      "slug": "x" } } }'
    )
    exc = _error(pattern)
    assert exc.reason == '"slug" must be an object or an array'
    assert exc.raw_message.endswith("; line: 5, column: 16]")
