"""Match expressions inside a pattern's value arrays: ``{"prefix": ..}``, ``{"numeric": [..]}``...

Part of the compiler (see :mod:`grader.eventbridge.compiler`): a mixin that reads one match expression
from the token stream exactly as aws/event-ruler's ``JsonRuleCompiler.processMatchExpression`` does,
raising AWS's reasons in the same order.
"""

from __future__ import annotations

import re

from grader.eventbridge.errors import InvalidEventPattern
from grader.eventbridge.ipaddr import CidrError, parse_cidr
from grader.eventbridge.jsontokens import NUMERIC_TOKENS, JsonSyntaxError, Tok, TokenStream
from grader.eventbridge.matchers import (
    AnythingBut,
    AnythingButForm,
    Cidr,
    ExactString,
    Exists,
    IgnoreCase,
    Matcher,
    Numeric,
    Prefix,
    Suffix,
    Wildcard,
    ignore_case_regex,
)
from grader.eventbridge.wildcard import WildcardError, parse_wildcard, wildcard_regex

ONE_KEY = "Only one key allowed in match expression"
TOO_MANY_NUMERIC = "Too many elements in numeric expression"


def number(tok: Tok, text: str) -> int | float:
    return int(text) if tok is Tok.NUMBER_INT else float(text)


class ExpressionParser:
    """Reads match expressions; the compiler provides the token stream ``t``."""

    t: TokenStream

    def barf(self, reason: str) -> None:
        raise InvalidEventPattern(reason, self.t.location())

    def next(self) -> Tok | None:
        return self.t.next_token()

    def expect_end(self, reason: str = ONE_KEY) -> None:
        if self.next() is not Tok.END_OBJECT:
            self.barf(reason)

    def match_expression(self) -> Matcher:
        if self.next() is not Tok.FIELD_NAME:
            self.barf("Match expression name not found")
        op = self.t.name
        if op in ("exactly", "prefix", "suffix", "equals-ignore-case", "wildcard", "cidr"):
            return self.string_operator(op)
        if op == "numeric":
            if self.next() is not Tok.START_ARRAY:
                self.barf("Value of numeric must be an array.")
            numeric = self.numeric()
            self.expect_end(TOO_MANY_NUMERIC)
            return numeric
        if op == "anything-but":
            return self.anything_but()
        if op == "exists":
            tok = self.next()
            if tok is not Tok.TRUE and tok is not Tok.FALSE:
                self.barf("exists match pattern must be either true or false.")
            self.expect_end()
            return Exists(tok is Tok.TRUE)
        self.barf(f"Unrecognized match type {op}")
        raise AssertionError("unreachable")

    def string_operator(self, op: str) -> Matcher:
        tok = self.next()
        if tok is Tok.START_OBJECT and op in ("prefix", "suffix"):
            return self.affix_ignore_case(op)
        if tok is not Tok.STRING:
            what = {"exactly": "exact", "cidr": "prefix"}.get(op, op)
            self.barf(f"{what} match pattern must be a string")
        text = self.t.text()
        matcher: Matcher
        if op == "exactly":
            matcher = ExactString(text)
        elif op == "prefix":
            matcher = Prefix(text)
        elif op == "suffix":
            matcher = Suffix(text)
        elif op == "equals-ignore-case":
            matcher = IgnoreCase(text, "equals")
        elif op == "wildcard":
            try:
                tokens = parse_wildcard(text)
            except WildcardError as exc:
                self.barf(str(exc))
            matcher = Wildcard(text, wildcard_regex(tokens))
        else:
            try:
                bits, bottom, top = parse_cidr(text)
            except CidrError as exc:  # event-ruler lets this one escape without a parser location
                raise InvalidEventPattern(str(exc)) from None
            matcher = Cidr(bits, bottom, top)
        self.expect_end()
        return matcher

    def affix_ignore_case(self, op: str) -> Matcher:
        label = op.capitalize()
        if self.next() is not Tok.FIELD_NAME:
            self.barf(f"{label} expression name not found")
        if self.t.name != "equals-ignore-case":
            self.barf(f"Unsupported {op} pattern: {self.t.name}")
        if self.next() is not Tok.STRING:
            self.barf("equals-ignore-case match pattern must be a string")
        matcher = IgnoreCase(self.t.text(), op)
        self.expect_end()
        self.expect_end()
        return matcher

    def numeric(self) -> Numeric:
        if self.next() is not Tok.STRING:
            self.barf(f"Invalid member in numeric match: {self.t.text()}")
        op = self.t.text()
        tok = self.next()
        is_number = tok in NUMERIC_TOKENS
        if op == "=":
            if not is_number:
                self.barf("Value of equals must be numeric")
            value = number(tok, self.t.text())  # type: ignore[arg-type]
            self.expect_end_array(TOO_MANY_NUMERIC)
            return Numeric(value, False, value, False)
        if op in (">", ">="):
            if not is_number:
                self.barf(f"Value of {op} must be numeric")
            bottom = number(tok, self.t.text())  # type: ignore[arg-type]
            tok = self.next()
            if tok is Tok.END_ARRAY:
                return Numeric(bottom, op == ">", None, False)
            return self.numeric_range(tok, bottom, op == ">")
        if op in ("<", "<="):
            if not is_number:
                self.barf(f"Value of {op} must be numeric")
            top = number(tok, self.t.text())  # type: ignore[arg-type]
            self.expect_end_array(TOO_MANY_NUMERIC)
            return Numeric(None, False, top, op == "<")
        self.barf(f"Unrecognized numeric range operator: {op}")
        raise AssertionError("unreachable")

    def expect_end_array(self, reason: str) -> None:
        if self.next() is not Tok.END_ARRAY:
            self.barf(reason)

    def numeric_range(self, tok: Tok | None, bottom: int | float, open_bottom: bool) -> Numeric:
        if tok is not Tok.STRING:
            self.barf(f"Bad value in numeric range: {self.t.text()}")
        op = self.t.text()
        if op not in ("<", "<="):
            self.barf(f"Bad numeric range operator: {op}")
        tok = self.next()
        if tok not in NUMERIC_TOKENS:
            self.barf(f"Value of {op} must be numeric")
        top = number(tok, self.t.text())  # type: ignore[arg-type]
        self.expect_end_array("Too many terms in numeric range expression")
        if not bottom < top:
            self.barf("Bottom must be less than top")
        return Numeric(bottom, open_bottom, top, op == "<")

    def anything_but(self) -> Matcher:
        kind = "plain"
        tok = self.next()
        if tok is Tok.START_OBJECT:
            if self.next() is not Tok.FIELD_NAME:
                self.barf("Anything-But expression name not found")
            kind = self.t.name or ""
            if kind not in ("equals-ignore-case", "prefix", "suffix", "wildcard"):
                self.barf(f"Unsupported anything-but pattern: {kind}")
            tok = self.next()
        if tok is not Tok.START_ARRAY and tok is not Tok.STRING and tok not in NUMERIC_TOKENS:
            self.barf("Value of anything-but must be an array or single string/number value.")
        matcher = self.anything_but_plain(tok) if kind == "plain" else self.anything_but_form(tok, kind)
        self.expect_end(TOO_MANY_NUMERIC)
        if kind != "plain":
            self.expect_end(TOO_MANY_NUMERIC)
        return matcher

    def anything_but_plain(self, tok: Tok | None) -> Matcher:
        strings: set[str] = set()
        numbers: list[int | float] = []
        if tok is Tok.STRING:
            return AnythingBut(frozenset([self.t.text()]))
        if tok in NUMERIC_TOKENS:
            return AnythingBut(numbers=(number(tok, self.t.text()),))  # type: ignore[arg-type]
        try:
            while (tok := self.next()) is not Tok.END_ARRAY:
                if tok is Tok.STRING:
                    strings.add(self.t.text())
                elif tok in NUMERIC_TOKENS:
                    numbers.append(number(tok, self.t.text()))  # type: ignore[arg-type]
                else:
                    self.barf("Inside anything but list, start|null|boolean is not supported.")
        except (InvalidEventPattern, JsonSyntaxError) as exc:
            self.rewrap(exc)
        if bool(strings) == bool(numbers):
            self.barf(
                "Inside anything but list, either all values are number or string, mixed type is not supported"
            )
        return AnythingBut(frozenset(strings), tuple(numbers))

    def anything_but_form(self, tok: Tok | None, kind: str) -> Matcher:
        if tok is not Tok.START_ARRAY:
            texts = [self.anything_but_form_value(tok, kind)]
        else:
            texts = []
            try:
                while (tok := self.next()) is not Tok.END_ARRAY:
                    texts.append(self.anything_but_form_value(tok, kind))
            except (InvalidEventPattern, JsonSyntaxError) as exc:
                self.rewrap(exc)
        regexes: tuple[re.Pattern[str], ...] = ()
        if kind == "wildcard":
            parsed = []
            for text in texts:
                try:
                    parsed.append(wildcard_regex(parse_wildcard(text)))
                except WildcardError as exc:
                    self.barf(str(exc))
            regexes = tuple(parsed)
        elif kind == "equals-ignore-case":
            regexes = tuple(re.compile(ignore_case_regex(text), re.DOTALL) for text in texts)
        return AnythingButForm(kind, tuple(texts), regexes)

    def anything_but_form_value(self, tok: Tok | None, kind: str) -> str:
        if tok is Tok.STRING:
            text = self.t.text()
            if kind in ("prefix", "suffix") and text == "":
                self.barf("Null prefix/suffix not allowed")
            return text
        if kind == "equals-ignore-case":
            self.barf(
                "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
            )
        elif kind == "wildcard":
            self.barf("wildcard match pattern must be a string")
        else:
            self.barf("prefix/suffix match pattern must be a string")
        raise AssertionError("unreachable")

    def rewrap(self, exc: InvalidEventPattern | JsonSyntaxError) -> None:
        """event-ruler catches errors inside anything-but lists and raises them again with the
        parser's position appended a second time."""
        inner = exc.location
        raise InvalidEventPattern(exc.reason, self.t.location(), inner_location=inner) from None
