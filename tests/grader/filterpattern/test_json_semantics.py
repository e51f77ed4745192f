"""JSON-pattern behaviour beyond the corpus: exact numbers, parser fallbacks, prefilter soundness."""

from __future__ import annotations

import pytest

from grader.filterpattern import LogEvent, compile_pattern
from grader.filterpattern.numbers import java_double_to_string


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1.0"),
        (1e3, "1000.0"),
        (1e7, "1.0E7"),
        (1e-3, "0.001"),
        (1e-4, "1.0E-4"),
        (-0.0, "-0.0"),
        (float("inf"), "Infinity"),
        (123456789.0, "1.23456789E8"),
        (0.1, "0.1"),
    ],
)
def test_java_rendering(value: float, text: str) -> None:
    assert java_double_to_string(value) == text


def test_integers_beyond_64_bits_stay_exact() -> None:
    big = "123456789012345678901234567890"
    assert compile_pattern(f"{{ $.a = {big} }}").matches(f'{{"a": {big}}}')
    assert not compile_pattern(f"{{ $.a = {big} }}").matches('{"a": 123456789012345678901234567891}')
    assert compile_pattern(f'{{ $.a = "{big}" }}').matches(f'{{"a": {big}}}')  # rendered as an integer


def test_large_double_is_not_mistaken_for_an_integer() -> None:
    assert compile_pattern('{ $.a = "1.0E20" }').matches('{"a": 1e20}')


def test_lone_surrogate_escape_falls_back_to_stdlib_parser() -> None:
    assert compile_pattern("{ $.a = 1 }").matches('{"a": 1, "b": "\\ud800"}')


def test_prefilter_respects_unicode_escapes() -> None:
    p = compile_pattern("{ $.eventName = CreateTrail || $.eventName = UpdateTrail }")
    assert p.matches('{"eventName": "Create\\u0054rail"}')
    assert not p.matches('{"eventName": "CreateTrails"}')
    assert p.matches('{"eventName":"UpdateTrail"}')


def test_prefilter_with_wildcards_and_numbers() -> None:
    assert compile_pattern('{ $.code = "*Denied" }').matches('{"code": "AccessDenied"}')
    assert compile_pattern('{ $.n = "1000.0" }').matches('{"n": 1e3}')  # no prefilter for numeric text


def test_one_parse_is_shared() -> None:
    ev = LogEvent('{"a": 1}')
    first = compile_pattern("{ $.a = 1 }")
    second = compile_pattern("{ $.a > 0 }")
    assert first.matches(ev) and second.matches(ev)
    assert ev.json is ev.json


def test_text_before_json_never_matches() -> None:
    assert not compile_pattern("{ $.a NOT EXISTS }").matches('START {"b": 1}')


def test_filter_log_events_wording() -> None:
    from grader.filterpattern import InvalidFilterPattern

    with pytest.raises(InvalidFilterPattern, match="^Invalid filter pattern$"):
        compile_pattern("{ $.v EXISTS }", api="FilterLogEvents")
