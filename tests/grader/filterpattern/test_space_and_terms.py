"""Space-delimited binding/extraction and term parsing details."""

from __future__ import annotations

import pytest

from grader.filterpattern import InvalidFilterPattern, compile_pattern


def test_ellipsis_extraction_positions() -> None:
    p = compile_pattern("[ip, ..., status, bytes]")
    assert p.extract("1.2.3.4 a b 404 10") == {
        "$ip": "1.2.3.4",
        "$2": "a",
        "$3": "b",
        "$status": "404",
        "$bytes": "10",
    }


def test_empty_pattern_extracts_every_field() -> None:
    assert compile_pattern("[]").extract('a [b c] "d"') == {"$1": "a", "$2": "b c", "$3": "d"}


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("[a, b > 10]", "x 10.5", True),
        ("[a, b > 10]", "x ten", False),
        ("[a, b != 10]", "x ten", True),
        ("[a, b = *.html]", "x /index.html", True),
        ('[a, b = "4*"]', "x 404", True),
        ("[a, b <= -1e2]", "x -100", True),
    ],
)
def test_field_conditions(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern).matches(message) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("ERR**", "Invalid character(s) in term '*'"),
        ("ERROR - WARN", "Invalid metric filter pattern"),
        ('-"unclosed', "Invalid character(s) in term '\"unclosed'"),
        ("[a, b", "Invalid metric filter pattern"),
        ("[a b]", "Invalid metric filter pattern"),
        ("{ }", "Invalid metric filter pattern"),
        ("{ $.a = 1 && }", "Invalid metric filter pattern"),
        ("{ $.a = 1 & $.b = 2 }", "Invalid character(s) in term '& '"),
    ],
)
def test_more_invalid(pattern: str, message: str) -> None:
    with pytest.raises(InvalidFilterPattern) as info:
        compile_pattern(pattern)
    assert info.value.message == message


def test_terms_across_lines_and_phrases() -> None:
    assert compile_pattern("ERROR ARGUMENTS").matches("ERROR\nARGUMENTS")
    assert compile_pattern('?"a b" ?c').matches("xa by")
    assert not compile_pattern("?x -y").matches("xy")
