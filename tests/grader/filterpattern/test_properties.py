"""Hypothesis properties of the parser: printer round-trip and no crash on junk."""

from __future__ import annotations

import json
import os
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from grader.filterpattern import InvalidFilterPattern, LogEvent, compile_pattern, format_pattern
from grader.filterpattern.ast import (
    And,
    Check,
    Comparison,
    FieldTest,
    JsonPattern,
    MatchAll,
    NumberValue,
    Or,
    RegexPattern,
    RegexValue,
    Segment,
    Selector,
    SpaceField,
    SpacePattern,
    StringValue,
    Term,
    TermPattern,
    flatten,
)
from grader.filterpattern.pattern import parse_pattern
from tests.grader.filterpattern.corpus import SHARED

# moderate by default so the suite stays fast; TRAILWATCH_FP_EXAMPLES=5000 for a deep run
SETTINGS = settings(
    max_examples=int(os.environ.get("TRAILWATCH_FP_EXAMPLES", "150")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

word = st.text(alphabet="abcXYZ019_.", min_size=1, max_size=6)
phrase = st.text(
    alphabet=st.characters(blacklist_characters='"', blacklist_categories=("Cs",)), min_size=1, max_size=8
)
name = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,5}", fullmatch=True)
number = st.from_regex(r"[+-]?(0|[1-9][0-9]{0,3})(\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?", fullmatch=True)
regex_source = st.lists(
    st.sampled_from(
        ["a", "b1", "\\d+", "[a-c]", "x{2,3}", "^", "$", "|", ".", "\\.", " ", ":", "\\x21", "[^z]", "q*?"]
    ),
    min_size=1,
    max_size=5,
).map("".join)

terms = st.lists(
    st.builds(
        Term, st.one_of(word, phrase), st.just(False), st.sampled_from(["plain", "optional", "exclude"])
    ),
    min_size=1,
    max_size=4,
).map(lambda ts: TermPattern(tuple(Term(t.text, not re.fullmatch(r"[\w.]+", t.text), t.mode) for t in ts)))

string_value = st.builds(
    StringValue,
    st.text(alphabet=st.characters(blacklist_characters='"', blacklist_categories=("Cs",)), max_size=6),
)
value = st.one_of(string_value, st.builds(NumberValue, number), st.builds(RegexValue, regex_source))


@st.composite
def selectors(draw: st.DrawFn) -> Selector:
    segs = []
    wild_used = False
    for _i in range(draw(st.integers(1, 3))):
        kinds = ["name", "name", "index", "key"] + ([] if wild_used else ["wild_dot", "wild_bracket"])
        kind = draw(st.sampled_from(kinds))
        if kind == "name":
            segs.append(Segment("name", draw(st.from_regex(r"[A-Za-z0-9_-]{1,5}", fullmatch=True))))
        elif kind == "key":
            segs.append(Segment("key", draw(st.text(alphabet="ab.c d", min_size=1, max_size=5))))
        elif kind == "index":
            segs.append(Segment("index", draw(st.integers(0, 12))))
        else:
            wild_used = True
            segs.append(Segment(kind))
    return Selector(tuple(segs))


@st.composite
def conditions(draw: st.DrawFn) -> object:
    sel = draw(selectors())
    if draw(st.booleans()):
        return Check(sel, draw(st.sampled_from(["IS NULL", "IS TRUE", "IS FALSE", "NOT EXISTS"])))
    val = draw(value)
    ops = ["=", "!="] + (["<", "<=", ">", ">="] if isinstance(val, NumberValue) else [])
    return Comparison(sel, draw(st.sampled_from(ops)), val)


json_expr = st.recursive(
    conditions(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: flatten(And, xs)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: flatten(Or, xs)),
    ),
    max_leaves=6,
)


@st.composite
def space_patterns(draw: st.DrawFn) -> SpacePattern:
    names = draw(st.lists(name, unique=True, max_size=4))
    fields: list[SpaceField] = []
    for n in names:
        cond = None
        if draw(st.booleans()):
            groups = draw(
                st.lists(
                    st.lists(
                        st.builds(lambda v, o: (v, o), value, st.sampled_from(["=", "!=", "<", ">="])),
                        min_size=1,
                        max_size=2,
                    ),
                    min_size=1,
                    max_size=2,
                )
            )
            ors = []
            for group in groups:
                tests = [
                    FieldTest(o if isinstance(v, NumberValue) else o if o in ("=", "!=") else "=", v)
                    for v, o in group
                ]
                ors.append(flatten(And, tests))
            cond = flatten(Or, ors)
        fields.append(SpaceField(n, condition=cond))
    for _ in range(draw(st.integers(0, 2))):
        fields.insert(draw(st.integers(0, len(fields))), SpaceField(None))
    if draw(st.booleans()):
        fields.insert(draw(st.integers(0, len(fields))), SpaceField(None, ellipsis=True))
    assume(fields != [SpaceField(None)])
    return SpacePattern(tuple(fields))


patterns = st.one_of(
    st.just(MatchAll()),
    terms,
    st.builds(RegexPattern, regex_source),
    st.builds(JsonPattern, json_expr),
    space_patterns(),
)


def _limits_ok(ast: object) -> bool:
    try:
        compile_pattern(format_pattern(ast))
    except InvalidFilterPattern as exc:
        # random trees may exceed AWS's limits (regex count, wildcard selectors, bad regexes)
        return not re.search(r"maximum|Failed to compile", exc.message)
    return True


@SETTINGS
@given(patterns)
def test_format_round_trips(ast: object) -> None:
    assume(_limits_ok(ast))
    text = format_pattern(ast)
    assert parse_pattern(text) == ast, text
    assert format_pattern(compile_pattern(text)) == text


MESSAGE_FORMS = re.compile(
    r"Invalid character\(s\) in term '.+'\Z|Invalid metric filter pattern\Z|"
    r"If a filter pattern starts with '[{%]' it must end with '[}%]'\Z|Failed to compile regular expression\.\Z|"
    r"Your input has exceeded the maximum of \d .*\Z|Your filter pattern has a JSON path selector .*\Z|"
    r"Duplicate field '.+'\Z|Multiple variables used in a single filter\. Var1 : \w+, Var2 : \w+\Z|"
    r"1 validation error detected: .*",
    re.S,
)
MESSAGES = ["", "ERROR x", '{"a": 1, "b": [null, "x"], "c": {"d": 2.5}}', 'a "b c" [d] 1.5', "[]", "{}"]


def _check(text: str) -> None:
    try:
        p = compile_pattern(text)
    except InvalidFilterPattern as exc:
        assert exc.code == "InvalidParameterException"
        assert MESSAGE_FORMS.match(exc.message), exc.message
        return
    for m in MESSAGES:
        ev = LogEvent(m)
        assert p.matches(ev) in (True, False)
        assert isinstance(p.extract(ev), dict)
    canonical = format_pattern(p)
    assert parse_pattern(canonical) == p.ast, (text, canonical)


@SETTINGS
@given(st.text(max_size=40))
def test_junk_text_never_crashes(text: str) -> None:
    _check(text)


junk_alphabet = "{}[]()$.*%\"'=!<>&|?-, \tabAZ01_:\\^+"
keywords = st.sampled_from(
    ["IS", "NULL", "NOT", "EXISTS", "TRUE", "is", "$.a", "$.b[*]", "...", "&&", "||", "%a%", '"x"']
)


@SETTINGS
@given(st.lists(st.one_of(st.text(alphabet=junk_alphabet, min_size=1, max_size=4), keywords), max_size=10))
def test_junk_from_pattern_alphabet_never_crashes(parts: list[str]) -> None:
    _check("".join(parts))
    _check("{ " + " ".join(parts) + " }")
    _check("[" + " ".join(parts) + "]")


def _corpus_patterns() -> list[str]:
    path = SHARED / "conformance" / "filter_patterns.json"
    if not path.is_file():
        return ["{ $.a = 1 }"]
    return sorted({c["pattern"] for c in json.loads(path.read_text(encoding="utf-8"))})


@SETTINGS
@given(
    st.sampled_from(_corpus_patterns()),
    st.integers(0, 60),
    st.integers(0, 3),
    st.text(alphabet=junk_alphabet, max_size=3),
)
def test_mutated_corpus_patterns_never_crash(pattern: str, at: int, cut: int, insert: str) -> None:
    at = min(at, len(pattern))
    _check(pattern[:at] + insert + pattern[at + cut :])


def test_corpus_patterns_round_trip() -> None:
    for text in _corpus_patterns():
        p = compile_pattern(text)
        assert parse_pattern(format_pattern(p)) == p.ast, text
