"""Lexer and recursive-descent parser for JSON patterns ``{ $.a = 1 && ($.b IS NULL || … ) }``.

Error texts follow the recordings (invalid_filter_patterns.json): a lexing error reports the text
of the token being read up to and including the offending character (``'$['``, ``'[0:'``,
``'!('``, ``':'``), a grammar error is the API's generic message, a relational operator with a
non-number value reports that value (``'"0"'``), and an unknown word after ``IS`` is reported
(``'NOT'``). Precedence: parentheses, then ``&&``, then ``||`` (recorded).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.filterpattern.ast import (
    And,
    Check,
    Comparison,
    JsonPattern,
    NumberValue,
    Or,
    RegexValue,
    Segment,
    Selector,
    StringValue,
    flatten,
)
from grader.filterpattern.errors import GenericSyntaxError, bad_term
from grader.filterpattern.numbers import is_number_text, literal_exponent_ok
from grader.filterpattern.regex import Unterminated, scan_regex

BLANKS = " \t\n\r\f\v"
OPERATORS = ("!=", "<=", ">=", "=", "<", ">")


def is_word_char(c: str) -> bool:
    return c.isalnum() or c in "_.*+-"


def is_name_char(c: str) -> bool:
    return c.isalnum() or c in "_-"


@dataclass
class Token:
    kind: str  # ( ) && || op sel str word regex
    text: str
    value: object = None


def lex_selector(s: str, start: int) -> tuple[Selector, int]:
    n = len(s)
    i = start + 1
    if i >= n or s[i] != ".":
        raise bad_term(s[start : i + 1])
    i += 1
    segments: list[Segment] = []
    seg_start = start
    after_dot = True
    while True:
        if after_dot:
            if i >= n:
                raise bad_term(s[seg_start:])
            c = s[i]
            if is_name_char(c):
                j = i
                while j < n and is_name_char(s[j]):
                    j += 1
                segments.append(Segment("name", s[i:j]))
                i = j
            elif c == "*":
                segments.append(Segment("wild_dot"))
                i += 1
            elif c == "[":
                i += 1
                if i < n and s[i] == "'":
                    end = s.find("'", i + 1)
                    if end == -1 or end + 1 >= n or s[end + 1] != "]" or end == i + 1:
                        raise bad_term(s[seg_start : min(n, i + 1)])
                    segments.append(Segment("key", s[i + 1 : end]))
                    i = end + 2
                else:
                    i = _bracket(s, i, seg_start, segments)
            else:
                raise bad_term(s[seg_start : i + 1])
            after_dot = False
            continue
        if i < n and s[i] == ".":
            seg_start = i
            i += 1
            after_dot = True
            continue
        if i < n and s[i] == "[":
            seg_start = i
            i = _bracket(s, i + 1, seg_start, segments)
            continue
        return Selector(tuple(segments)), i


def _bracket(s: str, i: int, seg_start: int, segments: list[Segment]) -> int:
    """Parse ``[n]`` or ``[*]``; ``i`` points just after ``[``."""
    n = len(s)
    if i < n and s[i] == "*":
        if i + 1 < n and s[i + 1] == "]":
            segments.append(Segment("wild_bracket"))
            return i + 2
        raise bad_term(s[seg_start : i + 2])
    j = i
    while j < n and s[j].isdigit() and s[j].isascii():
        j += 1
    if j == i or j >= n or s[j] != "]":
        raise bad_term(s[seg_start : j + 1])
    segments.append(Segment("index", int(s[i:j])))
    return j + 1


OPERATOR_STARTS = "&|!<>="


def lex_operator(s: str, i: int) -> tuple[Token, int]:
    """The ``&&``, ``||`` or comparison operator starting at ``s[i]`` (shared by the JSON and space lexers)."""
    c = s[i]
    if c in "&|":
        if s[i + 1 : i + 2] == c:
            return Token(c * 2, c * 2), i + 2
        raise bad_term(s[i : i + 2])
    if c == "!":
        if s[i + 1 : i + 2] == "=":
            return Token("op", "!="), i + 2
        raise bad_term(s[i : i + 2])
    op = s[i : i + 2] if s[i : i + 2] in ("<=", ">=") else c
    return Token("op", op), i + len(op)


def lex_value(s: str, i: int) -> tuple[Token, int]:
    """The quoted string, %regex% or bare word starting at ``s[i]`` (shared by the JSON and space lexers)."""
    c = s[i]
    if c == '"':
        end = s.find('"', i + 1)
        if end == -1:
            raise bad_term(s[i:])
        return Token("str", s[i : end + 1], s[i + 1 : end]), end + 1
    if c == "%":
        try:
            source, j = scan_regex(s, i)
        except Unterminated:
            raise GenericSyntaxError() from None
        return Token("regex", s[i:j], source), j
    if is_word_char(c):
        j = i
        while j < len(s) and is_word_char(s[j]):
            j += 1
        return Token("word", s[i:j]), j
    raise bad_term(c)


def lex(s: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in BLANKS:
            i += 1
        elif c in "()":
            tokens.append(Token(c, c))
            i += 1
        elif c in OPERATOR_STARTS:
            tok, i = lex_operator(s, i)
            tokens.append(tok)
        elif c == "$":
            sel, j = lex_selector(s, i)
            tokens.append(Token("sel", s[i:j], sel))
            i = j
        else:
            tok, i = lex_value(s, i)
            tokens.append(tok)
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.t = tokens
        self.i = 0

    def peek(self, kind: str | None = None) -> Token | None:
        tok = self.t[self.i] if self.i < len(self.t) else None
        if kind is not None and (tok is None or tok.kind != kind):
            return None
        return tok

    def take(self, kind: str) -> Token:
        tok = self.peek(kind)
        if tok is None:
            raise GenericSyntaxError()
        self.i += 1
        return tok

    def parse(self) -> object:
        expr = self.or_expr()
        if self.i != len(self.t):
            raise GenericSyntaxError()
        return expr

    def or_expr(self) -> object:
        items = [self.and_expr()]
        while self.peek("||"):
            self.i += 1
            items.append(self.and_expr())
        return flatten(Or, items)

    def and_expr(self) -> object:
        items = [self.primary()]
        while self.peek("&&"):
            self.i += 1
            items.append(self.primary())
        return flatten(And, items)

    def primary(self) -> object:
        if self.peek("("):
            self.i += 1
            expr = self.or_expr()
            self.take(")")
            return expr
        selector: Selector = self.take("sel").value  # type: ignore[assignment]
        tok = self.peek()
        if tok is None:
            raise GenericSyntaxError()
        if tok.kind == "op":
            self.i += 1
            return Comparison(selector, tok.text, self.value(tok.text))
        if tok.kind == "word" and tok.text.upper() == "IS":
            self.i += 1
            what = self.peek("word")
            if what is None:
                raise GenericSyntaxError()
            if what.text.upper() not in ("NULL", "TRUE", "FALSE"):
                raise bad_term(what.text)
            self.i += 1
            return Check(selector, "IS " + what.text.upper())
        if tok.kind == "word" and tok.text.upper() == "NOT":
            self.i += 1
            what = self.peek("word")
            if what is None or what.text.upper() != "EXISTS":
                raise GenericSyntaxError()
            self.i += 1
            return Check(selector, "NOT EXISTS")
        raise GenericSyntaxError()

    def value(self, op: str) -> object:
        tok = self.peek()
        if tok is None or tok.kind not in ("str", "word", "regex"):
            raise GenericSyntaxError()
        self.i += 1
        relational = op not in ("=", "!=")
        if tok.kind == "word":
            if tok.text.lower() == "null":
                raise GenericSyntaxError()
            if is_number_text(tok.text):
                if not literal_exponent_ok(tok.text):
                    raise GenericSyntaxError()
                return NumberValue(tok.text)
            if relational:
                raise bad_term(tok.text)
            return StringValue(tok.text)
        if relational:
            raise bad_term(tok.text)
        if tok.kind == "str":
            return StringValue(tok.value)  # type: ignore[arg-type]
        return RegexValue(tok.value)  # type: ignore[arg-type]


def parse_json_pattern(text: str) -> JsonPattern:
    """``text`` is the whole pattern, already known to start with ``{`` and end with ``}``."""
    return JsonPattern(_Parser(lex(text[1:-1])).parse())


def iter_conditions(expr: object):
    if isinstance(expr, (And, Or)):
        for item in expr.items:
            yield from iter_conditions(item)
    else:
        yield expr
