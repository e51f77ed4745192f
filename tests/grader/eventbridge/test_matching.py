"""Matching semantics beyond the conformance corpus (sources in each test's docstring or comment)."""

from __future__ import annotations

import json

import pytest

from grader.eventbridge import InvalidEvent, InvalidEventPattern, compile_event_pattern, test_event_pattern


def m(pattern: object, event: object) -> bool:
    return compile_event_pattern(pattern).matches(event)  # type: ignore[arg-type]


def test_types_matter_for_exact_values() -> None:
    """AWS: 300 == 300.0 (number_comparison_float); "300" is a string; true is not 1."""
    assert m({"n": [5]}, {"n": 5.0})
    assert not m({"n": [5]}, {"n": "5"})
    assert not m({"n": [1]}, {"n": True})
    assert not m({"n": [True]}, {"n": 1})
    assert m({"n": [None]}, {"n": None})
    assert not m({"n": [None]}, {"n": "null"})
    assert not m({"n": [None]}, {})


def test_numeric_ranges_only_match_json_numbers() -> None:
    p = {"n": [{"numeric": [">=", 0, "<", 10]}]}
    assert m(p, {"n": 0}) and m(p, {"n": 9.999}) and not m(p, {"n": 10})
    assert not m(p, {"n": True}) and not m(p, {"n": "5"}) and not m(p, {"n": None})
    # event-ruler 2.x compares full doubles (shared/reference/eventbridge-pattern-semantics.md §2)
    assert m({"n": [{"numeric": [">", 6e9]}]}, {"n": 7e9})
    assert m({"n": [{"numeric": ["=", 301.8]}]}, {"n": 301.8})


def test_anything_but_needs_a_present_value_and_lets_other_types_through() -> None:
    """AWS-validated: missing → no match; null → match; number vs string prefix → match."""
    p = {"s": [{"anything-but": ["a", "b"]}]}
    assert not m(p, {})
    assert m(p, {"s": None}) and m(p, {"s": True}) and m(p, {"s": 3}) and not m(p, {"s": "a"})
    assert m({"s": [{"anything-but": [1, 2]}]}, {"s": "1"})
    assert not m({"s": [{"anything-but": [1, 2]}]}, {"s": 2.0})
    assert m({"s": [{"anything-but": {"suffix": [".txt"]}}]}, {"s": ["a.txt", "b.png"]})


def test_exists_is_about_leaf_values() -> None:
    """AWS-validated: exists on [] is false, on an object false; null counts as present."""
    t, f = [{"exists": True}], [{"exists": False}]
    assert m({"k": t}, {"k": None})
    assert not m({"k": t}, {"k": []}) and m({"k": f}, {"k": []})
    assert not m({"k": t}, {"k": {}}) and m({"k": f}, {"k": {"x": 1}})
    assert m({"k": t}, {"k": [1]})


def test_array_elements_are_matched_consistently() -> None:
    """event-ruler: fields from different elements of one array never combine (arrays_nomatch_2)."""
    p = {"a": {"x": [1], "y": [2]}}
    assert not m(p, {"a": [{"x": 1}, {"y": 2}]})
    assert m(p, {"a": [{"x": 1}, {"x": 1, "y": 2}]})
    # different arrays may combine freely
    assert m({"a": {"x": [1]}, "b": {"y": [2]}}, {"a": [{"x": 1}], "b": [{"y": 2}]})
    # absence is judged inside the element chosen for the other fields
    q = {"a": {"x": [1], "z": [{"exists": False}]}}
    assert m(q, {"a": [{"x": 0, "z": 5}, {"x": 1}]})
    assert not m(q, {"a": [{"x": 1, "z": 5}]})


def test_dotted_paths_and_arrays_of_resources() -> None:
    event = {"detail": {"resources": [{"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::b"}]}}
    assert m({"detail": {"resources.type": ["AWS::S3::Bucket"]}}, event)
    assert m({"detail.resources": {"ARN": [{"prefix": "arn:aws:s3:::"}]}}, event)
    assert m({"detail": {"resources": {"ARN": [{"wildcard": "arn:aws:s3:::*"}]}}}, event)


def test_or_is_anded_with_sibling_fields_and_nests() -> None:
    p = {
        "source": ["aws.s3"],
        "$or": [
            {"detail": {"eventName": ["DeleteBucket"]}},
            {"detail": {"errorCode": [{"exists": True}], "$or": [{"a": ["1"]}, {"b": ["2"]}]}},
        ],
    }
    assert m(p, {"source": "aws.s3", "detail": {"eventName": "DeleteBucket"}})
    assert m(p, {"source": "aws.s3", "detail": {"errorCode": "AccessDenied", "b": "2"}})
    assert not m(p, {"source": "aws.s3", "detail": {"errorCode": "AccessDenied"}})
    assert not m(p, {"source": "aws.ec2", "detail": {"eventName": "DeleteBucket"}})


def test_a_field_repeated_inside_or_replaces_the_outer_one() -> None:
    """event-ruler's JsonRuleCompiler writes each $or branch over a copy of the outer fields."""
    p = '{"a": ["x"], "$or": [{"a": ["y"]}, {"b": ["z"]}]}'
    assert m(p, {"a": "y"})
    assert m(p, {"a": "x", "b": "z"})
    assert not m(p, {"a": "x"})


def test_duplicate_keys_merge_objects_and_replace_leaves() -> None:
    """Streaming compile: a repeated object key adds fields; a repeated leaf key replaces
    (AWS-validated complex_multi_key)."""
    p = '{"detail": {"a": ["1"]}, "detail": {"b": ["2"]}}'
    assert m(p, {"detail": {"a": "1", "b": "2"}})
    assert not m(p, {"detail": {"b": "2"}})


def test_string_operators() -> None:
    assert m({"s": [{"prefix": ""}]}, {"s": ""}) and not m({"s": [{"prefix": ""}]}, {"s": 1})
    assert m({"s": [{"equals-ignore-case": "ÄBC"}]}, {"s": "äbc"})
    assert m({"s": [{"suffix": {"equals-ignore-case": ".PNG"}}]}, {"s": "a.png"})
    assert m({"s": [{"wildcard": "a\\*b"}]}, {"s": "a*b"}) and not m(
        {"s": [{"wildcard": "a\\*b"}]}, {"s": "axb"}
    )
    assert m({"s": [{"wildcard": "a*"}]}, {"s": "a"})  # * matches zero characters (event-ruler)
    assert m({"s": [{"wildcard": "*"}]}, {"s": "x\ny"})
    assert m({"s": [{"exactly": "x"}]}, {"s": "x"})


def test_ip_addresses() -> None:
    """event-ruler: an IP-literal string in a pattern matches other spellings of that address;
    a CIDR range starts at the address as written (the base is not masked)."""
    assert m({"ip": ["2001:db8::1"]}, {"ip": "2001:0db8:0000:0000:0000:0000:0000:0001"})
    assert m({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": "10.255.1.2"})
    assert not m({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": "::ffff:0b00:0001"})
    assert m({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": "::ffff:0a00:0001"})  # IPv4-mapped → IPv4
    assert m({"ip": [{"cidr": "10.0.0.5/24"}]}, {"ip": "10.0.0.200"})
    assert not m({"ip": [{"cidr": "10.0.0.5/24"}]}, {"ip": "10.0.0.1"})
    assert m({"ip": [{"cidr": "0.0.0.0/0"}]}, {"ip": "203.0.113.9"})
    assert not m({"ip": [{"cidr": "0.0.0.0/0"}]}, {"ip": "AWS Internal"})


def test_compile_once_match_many() -> None:
    text = '{"source": ["aws.iam"]}'
    pattern = compile_event_pattern(text)
    assert compile_event_pattern(text) is pattern
    assert pattern.paths == ("source",)
    assert [pattern.matches(e) for e in ({"source": "aws.iam"}, {"source": "aws.s3"}, "[]")] == [
        True,
        False,
        False,
    ]
    assert pattern.matches(b'{"source": "aws.iam"}')


def _event(**extra: object) -> str:
    base = {
        "id": "1",
        "account": "1",
        "source": "s",
        "time": "2024-01-01T00:00:00Z",
        "region": "r",
        "detail-type": "d",
    }
    return json.dumps({**base, **extra})


def test_test_event_pattern_shapes() -> None:
    assert test_event_pattern(EventPattern='{"source": ["s"]}', Event=_event()) == {"Result": True}
    assert test_event_pattern(EventPattern='{"source": ["x"]}', Event=_event()) == {"Result": False}
    big = '{"id": "1", "account": "1", "source": "s", "time": "t", "region": "r", "detail-type": "d", "n": 123456789012345678901234}'
    assert test_event_pattern(EventPattern='{"n": [{"exists": true}]}', Event=big) == {"Result": True}
    for bad in ("not json", "[]", json.dumps({"id": "1"}), '{"id": NaN}'):
        with pytest.raises(InvalidEvent) as info:
            test_event_pattern(EventPattern='{"source": ["s"]}', Event=bad)
        assert (info.value.code, info.value.message) == (
            "ValidationException",
            "Parameter Event is not valid.",
        )
    with pytest.raises(InvalidEventPattern):
        test_event_pattern(EventPattern="{}", Event=_event())


def test_test_event_pattern_accepts_a_parsed_event() -> None:
    parsed = json.loads(_event())
    assert test_event_pattern(EventPattern='{"region": ["r"]}', Event=parsed) == {"Result": True}
    with pytest.raises(InvalidEvent):
        test_event_pattern(EventPattern='{"region": ["r"]}', Event={"id": "1"})
