"""Unstructured term patterns: parsing ``ERROR -"BAD REQUEST" ?WARN`` and matching them.

Rules (recorded, filter-pattern-semantics.md §3): a bare term holds letters (any script), digits,
``_`` and ``.``; ``?`` and ``-`` start a new (optional / excluded) token even inside a word; a
quoted phrase is literal, non-empty, and must be followed by a blank or the end. Matching is a
case-sensitive substring test; ``?`` terms count (as OR) only when every term is optional.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.filterpattern.ast import Term, TermPattern
from grader.filterpattern.errors import GenericSyntaxError, bad_term

BLANKS = " \t\n\r\f\v"


def is_bare_char(c: str) -> bool:
    return c.isalnum() or c in "_."


def parse_terms(text: str) -> TermPattern:
    terms: list[Term] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in BLANKS:
            i += 1
            continue
        mode = "plain"
        if text[i] in "?-":
            mode = "optional" if text[i] == "?" else "exclude"
            i += 1
            if i >= n or text[i] in BLANKS or text[i] in "?-":
                raise GenericSyntaxError()
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end == -1:
                raise bad_term(text[i:])
            if end == i + 1:
                raise bad_term('""')
            if end + 1 < n and text[end + 1] not in BLANKS:
                raise GenericSyntaxError()
            terms.append(Term(text[i + 1 : end], True, mode))
            i = end + 1
            continue
        start = i
        while i < n and is_bare_char(text[i]):
            i += 1
        if i == start:
            raise bad_term(text[i])
        if i < n and text[i] not in BLANKS and text[i] not in "?-":
            if text[i] == '"':
                raise GenericSyntaxError()
            raise bad_term(text[i])
        terms.append(Term(text[start:i], False, mode))
    return TermPattern(tuple(terms))


def compile_terms(pattern: TermPattern) -> Callable[[str], bool]:
    """A predicate over the raw message."""
    required = tuple(t.text for t in pattern.terms if t.mode == "plain")
    excluded = tuple(t.text for t in pattern.terms if t.mode == "exclude")
    optional = tuple(t.text for t in pattern.terms if t.mode == "optional")
    if required or excluded:
        if len(required) == 1 and not excluded:
            only = required[0]
            return lambda message: only in message
        return lambda message: all(t in message for t in required) and not any(t in message for t in excluded)
    if optional:
        return lambda message: any(t in message for t in optional)
    return lambda message: True


def format_terms(pattern: TermPattern) -> str:
    out = []
    for t in pattern.terms:
        prefix = {"plain": "", "optional": "?", "exclude": "-"}[t.mode]
        out.append(prefix + (f'"{t.text}"' if t.quoted else t.text))
    return " ".join(out)
