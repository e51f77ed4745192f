"""The %regex% dialect: AWS's whitelist and the RE2 semantics we translate to Python."""

from __future__ import annotations

import pytest

from grader.filterpattern import InvalidFilterPattern, compile_pattern


def matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern).matches(message)


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("%^a$%", "a\n", False),  # RE2: $ is end of text, not "before a final newline" (Python's $)
        ("%a\\sb%", "a\vb", False),  # RE2's \s is [\t\n\f\r ], no vertical tab
        ("%a\\sb%", "a\fb", True),
        ("%\\w%", "é", False),  # ASCII word characters only
        ("%a{,3}%", "a{,3}", True),  # {,n} is a literal in RE2 (a repeat in Python 3.11)
        ("%a{,3}%", "aa", False),
        ("%[[:digit:]]+x%", "12x", True),  # POSIX class, not a set of '[', ':', 'd', ...
        ("%[[:digit:]]%", ":", False),
        ("%\\Qa.b\\E%", "axb", False),
        ("%\\Qa.b\\E%", "a.b", True),
        ("%\\x{41}%", "A", True),
        ("%[^a]%", "\n", True),  # negated classes match newline
        ("%a.c%", "a\nc", False),
        ("%\\101%", "A", True),  # octal escape: \1 followed by octal digits is not a back-reference
    ],
)
def test_re2_semantics(pattern: str, message: str, expected: bool) -> None:
    assert matches(pattern, message) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        "%a**%",
        "%a{2}{3}%",
        "%*a%",
        "%a{1001}%",
        "%a{3,2}%",
        "%\\1%",
        "%\\e%",
        "%\\pL%",
        "%[a-\\d]%",
        "%\\x4%",
        "%{2}%",
    ],
)
def test_re2_compile_errors(pattern: str) -> None:
    with pytest.raises(InvalidFilterPattern) as info:
        compile_pattern(pattern)
    assert info.value.message == "Failed to compile regular expression."


def test_repeat_limit_is_inclusive() -> None:
    assert matches("%^a{1000}$%", "a" * 1000)


def test_whitelist_reports_prefix_through_bad_character() -> None:
    with pytest.raises(InvalidFilterPattern, match=r"Invalid character\(s\) in term '%ab\"'"):
        compile_pattern('%ab"c%')


def test_regex_in_json_and_space_fields() -> None:
    assert compile_pattern("{ $.ip = %^10\\.% }").matches('{"ip": "10.1.2.3"}')
    assert not compile_pattern("{ $.ip != %^10\\.% }").matches('{"ip": "10.1.2.3"}')
    assert compile_pattern("[ip = %^10\\.%, rest]").matches("10.0.0.1 GET /")


def test_third_regex_is_rejected() -> None:
    with pytest.raises(InvalidFilterPattern, match="maximum of 2 regular expressions"):
        compile_pattern("[a = %x% || a = %y% || a = %z%]")
