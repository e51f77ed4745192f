"""``compile_pattern``: classify, validate and compile a filter pattern into a ``FilterPattern``.

The first non-blank character picks the dialect (recorded, semantics §2): ``{`` JSON, ``[``
space-delimited, ``%`` one regex, anything else terms; a blank pattern matches everything.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.filterpattern.ast import (
    Comparison,
    FieldTest,
    JsonPattern,
    MatchAll,
    RegexPattern,
    RegexValue,
    SpacePattern,
    TermPattern,
)
from grader.filterpattern.errors import (
    GENERIC_MESSAGE,
    INVALID_PARAMETER,
    MAX_PATTERN_LENGTH,
    MUST_END_BRACE,
    MUST_END_PERCENT,
    TOO_MANY_REGEX,
    TOO_MANY_WILDCARD_SELECTORS,
    TOO_MANY_WILDCARDS_IN_SELECTOR,
    GenericSyntaxError,
    InvalidFilterPattern,
    bad_term,
    plain,
)
from grader.filterpattern.event import _UNSET, LogEvent
from grader.filterpattern.json_match import compile_json
from grader.filterpattern.json_parser import iter_conditions, parse_json_pattern
from grader.filterpattern.prefilter import build_prefilter
from grader.filterpattern.printer import format_ast
from grader.filterpattern.regex import Unterminated, compile_regex, scan_regex
from grader.filterpattern.space_match import SpaceMatcher
from grader.filterpattern.space_parser import parse_space_pattern
from grader.filterpattern.terms import compile_terms, parse_terms
from grader.filterpattern.values import NeedExact

BLANKS = " \t\n\r\f\v"


def parse_pattern(text: str, api: str = "TestMetricFilter") -> object:
    """The pattern's syntax tree; raises InvalidFilterPattern with AWS's code and message."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise plain(
            f"1 validation error detected: Value '{text}' at 'filterPattern' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_PATTERN_LENGTH}"
        )
    s = text.strip(BLANKS)
    try:
        if not s:
            return MatchAll()
        if s[0] == "{":
            if s[-1] != "}" or len(s) == 1:
                raise plain(MUST_END_BRACE)
            ast: object = parse_json_pattern(s)
        elif s[0] == "%":
            if s[-1] != "%" or len(s) == 1:
                raise plain(MUST_END_PERCENT)
            try:
                source, end = scan_regex(s, 0)
            except Unterminated:
                raise plain(MUST_END_PERCENT) from None
            if end != len(s):
                raise bad_term(s[end])
            ast = RegexPattern(source)
        elif s[0] == "[":
            if s[-1] != "]" or len(s) == 1:
                raise GenericSyntaxError()
            ast = parse_space_pattern(s)
        else:
            ast = parse_terms(s)
    except GenericSyntaxError:
        raise InvalidFilterPattern(
            INVALID_PARAMETER, GENERIC_MESSAGE.get(api, GENERIC_MESSAGE["TestMetricFilter"])
        ) from None
    _check_limits(ast)
    return ast


def _regex_sources(ast: object) -> list[str]:
    if isinstance(ast, RegexPattern):
        return [ast.source]
    if isinstance(ast, JsonPattern):
        return [
            c.value.source
            for c in iter_conditions(ast.expr)
            if isinstance(c, Comparison) and isinstance(c.value, RegexValue)
        ]
    if isinstance(ast, SpacePattern):
        out = []
        for f in ast.fields:
            out += (
                [
                    t.value.source
                    for t in iter_conditions(f.condition)
                    if isinstance(t, FieldTest) and isinstance(t.value, RegexValue)
                ]
                if f.condition
                else []
            )
        return out
    return []


def _check_limits(ast: object) -> None:
    if isinstance(ast, JsonPattern):
        selectors = [c.selector for c in iter_conditions(ast.expr)]
        if any(sel.wildcards > 1 for sel in selectors):
            raise plain(TOO_MANY_WILDCARDS_IN_SELECTOR)
        if sum(1 for sel in selectors if sel.wildcards) > 3:
            raise plain(TOO_MANY_WILDCARD_SELECTORS)
    sources = _regex_sources(ast)
    if len(sources) > 2:
        raise plain(TOO_MANY_REGEX)
    for source in sources:
        compile_regex(source)


class FilterPattern:
    """A compiled filter pattern. ``matches`` accepts a LogEvent (shared parses) or a message."""

    def __init__(self, text: str, ast: object) -> None:
        self.text = text
        self.ast = ast
        self.kind = type(ast).__name__.replace("Pattern", "").lower()  # matchall|term|regex|json|space
        self._space: SpaceMatcher | None = None
        self._match = self._build()

    def _build(self) -> Callable[[LogEvent], bool]:
        ast = self.ast
        if isinstance(ast, MatchAll):
            return lambda ev: True
        if isinstance(ast, TermPattern):
            test = compile_terms(ast)
            return lambda ev: test(ev.message)
        if isinstance(ast, RegexPattern):
            search = compile_regex(ast.source).search
            return lambda ev: search(ev.message) is not None
        if isinstance(ast, SpacePattern):
            self._space = SpaceMatcher(ast)
            return self._space.matches
        assert isinstance(ast, JsonPattern)
        fast, exact = compile_json(ast)
        prefilter = build_prefilter(ast.expr)

        def match_json(ev: LogEvent) -> bool:
            doc = ev._json
            if doc is _UNSET:  # not parsed yet: a cheap raw-text test may spare the parse
                msg = ev.message
                # a \u escape can spell a value without its literal text: then skip the prefilter
                if prefilter is not None and not prefilter(msg) and ("\\" not in msg or "\\u" not in msg):
                    return False
                doc = ev.json
            if doc is None:
                return False
            try:
                return fast(doc)
            except NeedExact:
                doc = ev.exact_json
                return doc is not None and exact(doc)

        return match_json

    def matches(self, event: LogEvent | str) -> bool:
        if type(event) is str:
            event = LogEvent(event)
        return self._match(event)  # type: ignore[arg-type]

    def extract(self, event: LogEvent | str) -> dict[str, str]:
        """TestMetricFilter's extractedValues: only space-delimited patterns extract anything."""
        if type(event) is str:
            event = LogEvent(event)
        if self._space is None:
            return {}
        return self._space.extract(event)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"FilterPattern({self.text!r})"


def compile_pattern(text: str, *, api: str = "TestMetricFilter") -> FilterPattern:
    """Compile ``text``; raises InvalidFilterPattern (AWS's code and message for ``api``)."""
    if not isinstance(text, str):
        raise TypeError("filter pattern must be a str")
    return FilterPattern(text, parse_pattern(text, api))


def format_pattern(pattern: FilterPattern | str | object) -> str:
    """Canonical text of a pattern (FilterPattern, pattern text or syntax tree)."""
    if isinstance(pattern, FilterPattern):
        return format_ast(pattern.ast)
    if isinstance(pattern, str):
        return format_ast(parse_pattern(pattern))
    return format_ast(pattern)


__all__ = ["FilterPattern", "InvalidFilterPattern", "compile_pattern", "format_pattern", "parse_pattern"]
