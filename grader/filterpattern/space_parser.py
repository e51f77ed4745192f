"""Parser for space-delimited patterns ``[ip, user, ..., status = 4* || status = 5*, bytes > 1000]``.

Recorded rules (filter-pattern-semantics.md §6.2, §6.4): names start with a letter or ``_``
(``[1a]`` -> ``'1a'``); empty entries are anonymous fields; one ``...`` at most; duplicate names
or a second ``...`` -> ``Duplicate field '<name>'``; ``&&``/``||`` may only combine conditions on
the field itself (``Multiple variables used in a single filter. Var1 : a, Var2 : b``); relational
operators need a number; ``==`` and the bare word ``SPACE`` are grammar errors.
"""

from __future__ import annotations

import re

from grader.filterpattern.ast import (
    And,
    FieldTest,
    NumberValue,
    Or,
    RegexValue,
    SpaceField,
    SpacePattern,
    StringValue,
    flatten,
)
from grader.filterpattern.errors import GenericSyntaxError, bad_term, plain
from grader.filterpattern.json_parser import OPERATOR_STARTS, Token, lex_operator, lex_value
from grader.filterpattern.numbers import is_number_text, literal_exponent_ok

BLANKS = " \t\n\r\f\v"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def lex(s: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in BLANKS:
            i += 1
        elif c == ",":
            tokens.append(Token(",", ","))
            i += 1
        elif c in OPERATOR_STARTS:
            tok, i = lex_operator(s, i)
            tokens.append(tok)
        else:
            tok, i = lex_value(s, i)
            tokens.append(tok)
    return tokens


def _value(tok: Token, op: str) -> object:
    relational = op not in ("=", "!=")
    if tok.kind == "word":
        if is_number_text(tok.text):
            if not literal_exponent_ok(tok.text):
                raise GenericSyntaxError()
            return NumberValue(tok.text)
        if relational or tok.text == "SPACE" or tok.text == "...":
            raise GenericSyntaxError()
        return StringValue(tok.text)
    if relational:
        raise GenericSyntaxError()
    if tok.kind == "str":
        return StringValue(tok.value)  # type: ignore[arg-type]
    if tok.kind == "regex":
        return RegexValue(tok.value)  # type: ignore[arg-type]
    raise GenericSyntaxError()


def _field(tokens: list[Token]) -> SpaceField:
    if not tokens:
        return SpaceField(None)
    first = tokens[0]
    if first.kind != "word":
        raise GenericSyntaxError()
    if first.text == "...":
        if len(tokens) != 1:
            raise GenericSyntaxError()
        return SpaceField(None, ellipsis=True)
    name = first.text
    if NAME.match(name) is None:
        raise bad_term(name)
    if len(tokens) == 1:
        return SpaceField(name)
    # name op value ( (&&|||) name op value )*
    or_items: list = []
    and_items: list = []
    i = 0
    while True:
        if i + 3 > len(tokens):
            raise GenericSyntaxError()
        var, op, val = tokens[i], tokens[i + 1], tokens[i + 2]
        if var.kind != "word" or op.kind != "op":
            raise GenericSyntaxError()
        if var.text != name:
            if NAME.match(var.text) is None:
                raise bad_term(var.text)
            raise plain(f"Multiple variables used in a single filter. Var1 : {name}, Var2 : {var.text}")
        and_items.append(FieldTest(op.text, _value(val, op.text)))
        i += 3
        if i == len(tokens):
            break
        joiner = tokens[i].kind
        if joiner not in ("&&", "||"):
            raise GenericSyntaxError()
        if joiner == "||":
            or_items.append(flatten(And, and_items))
            and_items = []
        i += 1
    or_items.append(flatten(And, and_items))
    return SpaceField(name, condition=flatten(Or, or_items))


def parse_space_pattern(text: str) -> SpacePattern:
    """``text`` is the whole pattern, starting with ``[`` and ending with ``]``."""
    tokens = lex(text[1:-1])
    groups: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.kind == ",":
            groups.append([])
        else:
            groups[-1].append(tok)
    if len(groups) == 1 and not groups[0]:
        return SpacePattern(())
    fields = tuple(_field(g) for g in groups)
    seen: set[str] = set()
    for f in fields:
        key = "..." if f.ellipsis else f.name
        if key is None:
            continue
        if key in seen:
            raise plain(f"Duplicate field '{key}'")
        seen.add(key)
    return SpacePattern(fields)
