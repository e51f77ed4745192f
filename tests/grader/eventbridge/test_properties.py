"""Property tests: junk never crashes the compiler; it is accepted or rejected the AWS way."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.eventbridge import InvalidEventPattern, compile_event_pattern

PREFIX = "Event pattern is not valid. Reason: "
OPERATORS = [
    "prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard",
    "exactly", "$or", "EXISTS", "<", ">=", "=",
]  # fmt: skip
# EB_HYPOTHESIS_EXAMPLES raises the example count for a longer local run (4,000 passed).
SETTINGS = settings(
    max_examples=int(os.environ.get("EB_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet="ab*\\/:.1 -", max_size=8),
    st.sampled_from(["10.0.0.0/24", "::/64", "bad/", "<", ">", "<=", "=", "x**", "", "1.2.3.4"]),
)
keys = st.one_of(st.sampled_from(OPERATORS), st.text(alphabet="abc.", min_size=0, max_size=4))
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=3),
    ),
    max_leaves=12,
)


def _check(text: str) -> None:
    try:
        pattern = compile_event_pattern(text)
    except InvalidEventPattern as exc:
        assert exc.code == "InvalidEventPatternException"
        assert exc.message.startswith(PREFIX) and exc.reason
        assert exc.raw_message.startswith(exc.message)
        return
    # an accepted pattern can be matched against anything without error
    pattern.matches({"a": [1, {"b": None}], "source": "x", "detail": {"c": ["d", 2.5]}})


@SETTINGS
@given(st.text(max_size=40))
def test_random_text_never_crashes(text: str) -> None:
    _check(text)


@SETTINGS
@given(st.dictionaries(keys, json_values, max_size=4))
def test_random_json_objects_never_crash(value: dict[str, Any]) -> None:
    _check(json.dumps(value))


@SETTINGS
@given(st.text(alphabet='{}[]":,01a-nultrefx ', max_size=30))
def test_random_json_like_text_never_crashes(text: str) -> None:
    _check(text)


@SETTINGS
@given(st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), scalars, min_size=1, max_size=4))
def test_a_pattern_built_from_an_events_values_matches_it(event: dict[str, Any]) -> None:
    pattern = {key: [value] for key, value in event.items()}
    assert compile_event_pattern(pattern).matches(event)
    negated = {key: [{"exists": False}] for key in event}
    assert not compile_event_pattern(negated).matches(event)


SEEDS = [
    '{"source": ["aws.s3"], "detail": {"eventName": [{"prefix": "Put"}]}}',
    '{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "ip": [{"cidr": "10.0.0.0/24"}]}}',
    '{"x": [{"anything-but": {"wildcard": ["*/a/*", "b*"]}}], "y": [{"anything-but": [1, 2]}]}',
    '{"$or": [{"a": [{"exists": false}]}, {"b": [{"equals-ignore-case": "Q"}]}], "c": [null, true, 1.5]}',
    '{"d": [{"suffix": {"equals-ignore-case": ".PNG"}}], "e": [{"wildcard": "a\\\\*b*"}]}',
]


@SETTINGS
@given(
    st.sampled_from(SEEDS), st.integers(min_value=0, max_value=200), st.text(max_size=3), st.integers(0, 3)
)
def test_mutated_valid_patterns_never_crash(seed: str, at: int, insert: str, cut: int) -> None:
    at %= len(seed) + 1
    _check(seed[:at] + insert + seed[at + cut :])
