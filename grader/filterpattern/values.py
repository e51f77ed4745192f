"""Predicates for one condition value against one JSON node or one space-delimited field.

JSON node semantics (recorded, filter-pattern-semantics.md §5.5): a string literal or bare word
matches strings by text (leading/trailing ``*`` = suffix/prefix/contains) and numbers through
their Java rendering; a number literal matches numbers numerically and strings by the literal's
exact text; booleans, null, arrays and objects satisfy none of ``= != < <= > >=`` or a regex.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from grader.filterpattern.ast import NumberValue, RegexValue, StringValue
from grader.filterpattern.numbers import NumberLiteral, parse_numeric_text, render_number
from grader.filterpattern.regex import compile_regex

Pred = Callable[[object], bool]
# characters that can occur in a rendered number ("-1.5E-7", "Infinity", "NaN")
NUMBER_CHARS = frozenset("0123456789.-EInfinityNa")
# doubles this large may be integers orjson could not hold exactly; re-check on an exact parse
SUSPICIOUS = 9.2e18


class NeedExact(Exception):
    """A double large enough to be a rounded big integer was met: retry on an exact parse."""


def _num(n: object, strict: bool) -> bool:
    """Is ``n`` a JSON number (bools excluded)? Raises NeedExact for suspicious doubles."""
    t = type(n)
    if t is int:
        return True
    if t is float:
        if not strict and (n >= SUSPICIOUS or n <= -SUSPICIOUS) and math.isfinite(n):  # type: ignore[operator]
            raise NeedExact()
        return True
    return False


def text_test(text: str) -> tuple[Callable[[str], bool], str, str]:
    """(test over a string, wildcard kind, core text) for a string value with * wildcards."""
    lead = text.startswith("*")
    trail = len(text) > 1 and text.endswith("*")
    if lead and trail:
        core = text[1:-1]
        return (lambda s: core in s), "contains", core
    if lead:
        core = text[1:]
        return (lambda s: s.endswith(core)), "suffix", core
    if trail:
        core = text[:-1]
        return (lambda s: s.startswith(core)), "prefix", core
    return (lambda s: s == text), "exact", text


def could_be_number(core: str, kind: str) -> bool:
    return kind != "exact" and not core or all(c in NUMBER_CHARS for c in core)


def json_predicates(value: object, strict: bool) -> tuple[Pred, Pred]:
    """(pred for ``=``-style tests, pred for ``!=``) over a JSON node."""
    if isinstance(value, StringValue):
        test, kind, core = text_test(value.text)
        if not could_be_number(core, kind):
            # no rendered number can satisfy the text test: numbers are always "not equal"
            if kind == "exact":
                text = value.text

                def ne_exact(n: object) -> bool:
                    return n != text if type(n) is str else _num(n, strict)

                return (lambda n: n == text), ne_exact

            def ne_text(n: object) -> bool:
                return not test(n) if type(n) is str else _num(n, strict)  # type: ignore[arg-type]

            return (lambda n: type(n) is str and test(n)), ne_text

        def eq(n: object) -> bool:
            if type(n) is str:
                return test(n)
            return _num(n, strict) and test(render_number(n))  # type: ignore[arg-type]

        def ne(n: object) -> bool:
            if type(n) is str:
                return not test(n)
            return _num(n, strict) and not test(render_number(n))  # type: ignore[arg-type]

        return eq, ne
    if isinstance(value, NumberValue):
        lit = NumberLiteral(value.text)
        text = value.text

        def eq(n: object) -> bool:
            if type(n) is str:
                return n == text
            return _num(n, strict) and lit.compare(n) == 0  # type: ignore[arg-type]

        def ne(n: object) -> bool:
            if type(n) is str:
                return n != text
            if not _num(n, strict):
                return False
            c = lit.compare(n)  # type: ignore[arg-type]
            return c is not None and c != 0

        return eq, ne
    if isinstance(value, RegexValue):
        search = compile_regex(value.source).search

        def eq(n: object) -> bool:
            if type(n) is str:
                return search(n) is not None
            return _num(n, strict) and search(render_number(n)) is not None  # type: ignore[arg-type]

        def ne(n: object) -> bool:
            if type(n) is str:
                return search(n) is None
            return _num(n, strict) and search(render_number(n)) is None  # type: ignore[arg-type]

        return eq, ne
    raise TypeError(value)


def json_relational(op: str, value: NumberValue, strict: bool) -> Pred:
    lit = NumberLiteral(value.text)
    accept = {"<": (-1,), "<=": (-1, 0), ">": (1,), ">=": (1, 0)}[op]

    def rel(n: object) -> bool:
        return _num(n, strict) and lit.compare(n) in accept  # type: ignore[arg-type]

    return rel


def field_predicate(op: str, value: object) -> Callable[[str], bool]:
    """A test over one space-delimited field's text (semantics §6.4)."""
    if isinstance(value, NumberValue):
        lit = NumberLiteral(value.text)
        exact = lit.exact

        def numeric(s: str) -> int | None:
            d = parse_numeric_text(s)
            return None if d is None else (d > exact) - (d < exact)

        if op == "=":
            return lambda s: numeric(s) == 0
        if op == "!=":
            return lambda s: numeric(s) != 0
        accept = {"<": (-1,), "<=": (-1, 0), ">": (1,), ">=": (1, 0)}[op]
        return lambda s: numeric(s) in accept
    if isinstance(value, RegexValue):
        search = compile_regex(value.source).search
        if op == "=":
            return lambda s: search(s) is not None
        return lambda s: search(s) is None
    if isinstance(value, StringValue):
        test = text_test(value.text)[0]
        if op == "=":
            return test
        return lambda s: not test(s)
    raise TypeError(value)
