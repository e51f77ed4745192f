"""Pattern validation beyond the conformance corpus, following aws/event-ruler's JsonRuleCompiler.

Reasons not recorded from AWS come from event-ruler (the engine behind EventBridge), which reproduces
all 41 AWS-recorded reasons verbatim (shared/reference/eventbridge-peers.md).
"""

from __future__ import annotations

import pytest

from grader.eventbridge import InvalidEventPattern, compile_event_pattern

CASES = [
    ("{}", "Empty objects are not allowed"),
    ('{"detail": {}}', "Empty objects are not allowed"),
    ('{"a": [[1]]}', "Match value must be String, number, true, false, or null"),
    ('{"a": [{}]}', "Match expression name not found"),
    ('{"a": [{"prefix": "x", "suffix": "y"}]}', "Only one key allowed in match expression"),
    ('{"a": [{"exists": "yes"}]}', "exists match pattern must be either true or false."),
    ('{"a": [{"exists": true, "prefix": "x"}]}', "Only one key allowed in match expression"),
    ('{"a": [{"exactly": 1}]}', "exact match pattern must be a string"),
    ('{"a": [{"numeric": []}]}', "Invalid member in numeric match: ]"),
    ('{"a": [{"numeric": [5]}]}', "Invalid member in numeric match: 5"),
    ('{"a": [{"numeric": ["!", 5]}]}', "Unrecognized numeric range operator: !"),
    ('{"a": [{"numeric": ["=", "5"]}]}', "Value of equals must be numeric"),
    ('{"a": [{"numeric": ["=", 5, 6]}]}', "Too many elements in numeric expression"),
    ('{"a": [{"numeric": ["<", 5, ">", 1]}]}', "Too many elements in numeric expression"),
    ('{"a": [{"numeric": [">", 5, 6]}]}', "Bad value in numeric range: 6"),
    ('{"a": [{"numeric": [">", 5, "<", 10, 11]}]}', "Too many terms in numeric range expression"),
    ('{"a": [{"numeric": [">", 10, "<", 5]}]}', "Bottom must be less than top"),
    ('{"a": [{"numeric": [">=", 5, "<=", 5]}]}', "Bottom must be less than top"),
    ('{"a": [{"numeric": [">", 0], "x": 1}]}', "Too many elements in numeric expression"),
    ('{"a": [{"anything-but": {}}]}', "Anything-But expression name not found"),
    ('{"a": [{"anything-but": {"numeric": [">", 1]}}]}', "Unsupported anything-but pattern: numeric"),
    (
        '{"a": [{"anything-but": true}]}',
        "Value of anything-but must be an array or single string/number value.",
    ),
    (
        '{"a": [{"anything-but": []}]}',
        "Inside anything but list, either all values are number or string, mixed type is not supported",
    ),
    (
        '{"a": [{"anything-but": ["x", 1]}]}',
        "Inside anything but list, either all values are number or string, mixed type is not supported",
    ),
    ('{"a": [{"anything-but": {"prefix": [""]}}]}', "Null prefix/suffix not allowed"),
    ('{"a": [{"anything-but": {"wildcard": "a**"}}]}', "Consecutive wildcard characters at pos 2"),
    ('{"a": [{"prefix": {}}]}', "Prefix expression name not found"),
    ('{"a": [{"prefix": {"wildcard": "x"}}]}', "Unsupported prefix pattern: wildcard"),
    ('{"a": [{"suffix": {"equals-ignore-case": 1}}]}', "equals-ignore-case match pattern must be a string"),
    ('{"a": [{"wildcard": "a\\\\b"}]}', "Invalid escape character at pos 2"),
    ('{"a": [{"wildcard": "ab\\\\"}]}', "Invalid escape character at pos 3"),
    ('{"a": [{"cidr": "10.0.0.0/32"}]}', "IPv4 mask bits must be < 32"),
    ('{"a": [{"cidr": "::/128"}]}', "IPv6 mask bits must be < 128"),
    ('{"a": [{"cidr": "10.0.0.0/-1"}]}', "Malformed CIDR, mask bits must not be negative"),
    ('{"a": [{"cidr": "10.0.0.0/"}]}', "Malformed CIDR, one '/' required"),
    ('{"a": [{"cidr": "10.0.0.0/8/8"}]}', "Malformed CIDR, one '/' required"),
    ('{"a": [{"cidr": "10.0.0.300/8"}]}', "Invalid IP address: 10.0.0.300"),
    ('{"$or": "x"}', "It must be an Array followed with $or."),
    ('{"$or": [{"a": ["x"]}]}', "There must have at least 2 Objects in $or relationship."),
    ('{"$or": [{"a": ["x"]}, "b"]}', "Only JSON object is allowed in array of $or relationship."),
    (
        '{"$or": [{"prefix": ["x"]}, {"b": ["y"]}]}',
        "prefix is Ruler reserved fieldName which cannot be used inside $or.",
    ),
    ('{"$or": [{"a": ["x"]}, {}]}', "Empty objects are not allowed"),
    ('{"a": ["x"]} trailing', None),  # event-ruler stops reading after the pattern object
]


@pytest.mark.parametrize(("pattern", "reason"), CASES, ids=[c[0] for c in CASES])
def test_validation_reason(pattern: str, reason: str | None) -> None:
    if reason is None:
        compile_event_pattern(pattern)
        return
    with pytest.raises(InvalidEventPattern) as info:
        compile_event_pattern(pattern)
    assert info.value.reason == reason
    assert info.value.code == "InvalidEventPatternException"
    assert info.value.message == "Event pattern is not valid. Reason: " + reason


JSON_ERRORS = [
    ('{"a": ["x"', "Unexpected end-of-input: expected close marker for Array"),
    (
        '{"a": ["x"], }',
        "Unexpected character ('}' (code 125)): was expecting double-quote to start field name",
    ),
    (
        '{"a" ["x"]}',
        "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value",
    ),
    (
        '{"a": ["x" "y"]}',
        "Unexpected character ('\"' (code 34)): was expecting comma to separate Array entries",
    ),
    ('{"a": ["\\q"]}', "Unrecognized character escape 'q' (code 113)"),
    ('{"a": [NaN]}', "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"),
    (
        '{"a": [1.]}',
        "Unexpected character (']' (code 93)) in numeric value: Decimal point not followed by a digit",
    ),
    ('{"a": ["x"]]', "Unexpected close marker ']': expected '}'"),
]


@pytest.mark.parametrize(("pattern", "reason_start"), JSON_ERRORS, ids=[c[0] for c in JSON_ERRORS])
def test_json_syntax_errors_use_jacksons_wording(pattern: str, reason_start: str) -> None:
    with pytest.raises(InvalidEventPattern) as info:
        compile_event_pattern(pattern)
    assert info.value.reason.startswith(reason_start)
    assert "\n at [Source: (String)" in info.value.raw_message


def test_errors_are_reported_in_reading_order() -> None:
    # the empty array comes first, so its reason wins over the later syntax error
    with pytest.raises(InvalidEventPattern) as info:
        compile_event_pattern('{"a": [], "b": nope}')
    assert info.value.reason == "Empty arrays are not allowed"


def test_or_combinations_are_limited() -> None:
    branch = ", ".join(f'{{"k{i}": ["v"]}}' for i in range(11))
    pattern = "{" + ", ".join(f'"f{j}": {{"$or": [{branch}]}}' for j in range(3)) + "}"
    with pytest.raises(InvalidEventPattern) as info:  # 11**3 = 1331 combinations > 1000
        compile_event_pattern(pattern)
    assert "1000" in info.value.reason
    two = "{" + ", ".join(f'"f{j}": {{"$or": [{branch}]}}' for j in range(2)) + "}"
    assert compile_event_pattern(two).matches({"f0": {"k3": "v"}, "f1": {"k9": "v"}})


def test_dict_patterns_are_serialised_then_validated() -> None:
    assert compile_event_pattern({"source": ["aws.s3"]}).matches({"source": "aws.s3"})
    with pytest.raises(InvalidEventPattern, match="Filter is not an object"):
        compile_event_pattern(["not", "an", "object"])
    with pytest.raises(TypeError, match="not JSON-serialisable"):
        compile_event_pattern({"a": [object()]})


def test_wildcard_complexity_limit_rejects_only_heavy_patterns() -> None:
    compile_event_pattern('{"a": [{"wildcard": "/Users/*/dir/dir/dir/dir/dir/doc.txt"}]}')
    compile_event_pattern('{"a": [{"wildcard": "arn:aws:iam::*:role/*"}]}')
    with pytest.raises(InvalidEventPattern, match="Rule is too complex"):
        compile_event_pattern('{"a": [{"wildcard": "*:*:*:*:event-bus/*"}]}')


def test_nesting_depth_follows_jacksons_limit() -> None:
    """Jackson 2.15+ refuses documents nested deeper than 1000 (StreamReadConstraints)."""
    deep = '{"a":' * 999 + "[1]" + "}" * 999
    event: object = 1
    for _ in range(999):
        event = {"a": event}
    assert compile_event_pattern(deep).matches(event)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidEventPattern, match=r"Document nesting depth \(1001\) exceeds the maximum allowed"
    ):
        compile_event_pattern('{"a":' * 1000 + "[1]" + "}" * 1000)


def test_or_that_is_not_an_or_falls_back_to_a_plain_field_name() -> None:
    """event-ruler's Machine.addRule retries with the older compiler, where "$or" is a field name
    (README, "The backward compatibility of using $or as filed name in the rule")."""
    assert compile_event_pattern('{"$or": {"a": ["x"]}}').matches({"$or": {"a": "x"}})
    legacy = compile_event_pattern('{"$or": [{"numeric": [">", 1]}, {"prefix": "abc"}]}')
    assert legacy.matches({"$or": 5}) and legacy.matches({"$or": "abcd"}) and not legacy.matches({"a": 5})
    # when both compilers refuse, the $or-aware compiler's reason is reported
    with pytest.raises(InvalidEventPattern) as info:
        compile_event_pattern('{"$or": [{"a": ["x"]}]}')
    assert info.value.reason == "There must have at least 2 Objects in $or relationship."
