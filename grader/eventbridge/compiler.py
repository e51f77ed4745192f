"""Compile pattern JSON into sub-rules, validating as EventBridge does, with AWS's error reasons.

This follows aws/event-ruler's ``JsonRuleCompiler`` (the engine behind EventBridge) step by step,
because the reason AWS reports depends on the order tokens are read in. A pattern compiles into a
list of sub-rules (one per ``$or`` combination); a sub-rule maps a dotted field path to the matchers
of that field. A repeated key replaces the earlier one (``complex_multi_key``, AWS-validated).
"""

from __future__ import annotations

import sys

from grader.eventbridge.errors import InvalidEventPattern
from grader.eventbridge.expressions import ExpressionParser, number
from grader.eventbridge.ipaddr import ip_to_int, looks_like_ip
from grader.eventbridge.jsontokens import NUMERIC_TOKENS, JsonSyntaxError, Tok, TokenStream
from grader.eventbridge.matchers import ExactLiteral, ExactNumber, ExactString, Matcher, Wildcard
from grader.eventbridge.wildcard import MAX_COMPLEXITY, TOO_COMPLEX, complexity, parse_wildcard

SubRule = dict[str, list[Matcher]]

# The EventBridge quotas page allows at most 1000 combinations from $or; AWS's wording for breaking it
# is not recorded anywhere we could read, so this reason text is ours (docs/conformance.md).
MAX_OR_COMBINATIONS = 1000
TOO_MANY_COMBINATIONS = "The event pattern has more than 1000 $or combinations"

_RESERVED_IN_OR = frozenset(
    [
        "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard",
        "numeric", "cidr", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case",
        "date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
        "ip-address-in-range", "ip-address-not-in-range",
    ]
)  # fmt: skip
_RECURSION_NEEDED = 3000


class _Compiler(ExpressionParser):
    def __init__(self, source: str, legacy: bool = False) -> None:
        self.t = TokenStream(source)
        self.path: list[str] = []
        self.legacy = legacy  # event-ruler's older RuleCompiler: "$or" is an ordinary field name

    # --- structure -------------------------------------------------------------------------
    def compile(self) -> list[SubRule]:
        rules: list[SubRule] = []
        try:
            if self.next() is not Tok.START_OBJECT:
                self.barf("Filter is not an object")
            self.parse_object(rules, in_or=False)
        except JsonSyntaxError as exc:
            raise InvalidEventPattern(exc.reason, exc.location) from None
        return rules

    def parse_object(self, rules: list[SubRule], in_or: bool) -> None:
        fields_present = False
        while self.next() is not Tok.END_OBJECT:
            fields_present = True
            name = self.t.name or ""
            if name == "$or" and not self.legacy:
                self.parse_or(rules)
                continue
            if in_or and name in _RESERVED_IN_OR:
                self.barf(f"{name} is Ruler reserved fieldName which cannot be used inside $or.")
            tok = self.next()
            if tok is Tok.START_OBJECT:
                self.path.append(name)
                self.parse_object(rules, in_or)
                self.path.pop()
            elif tok is Tok.START_ARRAY:
                self.write_rules(rules, ".".join([*self.path, name]))
            else:
                self.barf(f'"{name}" must be an object or an array')
        if not fields_present:
            self.barf("Empty objects are not allowed")

    def parse_or(self, rules: list[SubRule]) -> None:
        current = [dict(rule) for rule in rules]
        rules.clear()
        if self.next() is not Tok.START_ARRAY:
            self.barf("It must be an Array followed with $or.")
        count = 0
        while (tok := self.next()) is not Tok.END_ARRAY:
            count += 1
            if tok is not Tok.START_OBJECT:
                self.barf("Only JSON object is allowed in array of $or relationship.")
            branch = [dict(rule) for rule in current] or [{}]
            self.parse_object(branch, in_or=True)
            rules.extend(branch)
            if len(rules) > MAX_OR_COMBINATIONS:
                self.barf(TOO_MANY_COMBINATIONS)
        if count < 2:
            self.barf("There must have at least 2 Objects in $or relationship.")

    def write_rules(self, rules: list[SubRule], name: str) -> None:
        values: list[Matcher] = []
        while (tok := self.next()) is not Tok.END_ARRAY:
            if tok is Tok.START_OBJECT:
                values.append(self.match_expression())
            elif tok is Tok.STRING:
                text = self.t.text()
                values.append(ExactString(text, ip_to_int(text) if looks_like_ip(text) else None))
            elif tok in NUMERIC_TOKENS:
                values.append(ExactNumber(number(tok, self.t.text())))
            elif tok is Tok.TRUE or tok is Tok.FALSE or tok is Tok.NULL:
                values.append(ExactLiteral({Tok.TRUE: True, Tok.FALSE: False, Tok.NULL: None}[tok]))
            else:
                self.barf("Match value must be String, number, true, false, or null")
        if not values:
            self.barf("Empty arrays are not allowed")
        if not rules:
            rules.append({})
        for rule in rules:
            rule[name] = values

    # --- match expressions -----------------------------------------------------------------


def _compile(source: str) -> list[SubRule]:
    try:
        return _Compiler(source).compile()
    except InvalidEventPattern as exc:
        if exc.location is None:  # not a parse error: event-ruler does not retry these
            raise
        # event-ruler's Machine.addRule retries a rule the $or-aware compiler refused with the older
        # compiler, where "$or" is a plain field name (README: "backward compatibility of using $or
        # as field name"); AWS still reports the first compiler's reason (content_anything_wildcard_*).
        try:
            return _Compiler(source, legacy=True).compile()
        except InvalidEventPattern:
            raise exc from None


def compile_sub_rules(source: str) -> list[SubRule]:
    """Validate ``source`` (pattern JSON text) and return its sub-rules; raises InvalidEventPattern."""
    limit = sys.getrecursionlimit()
    if limit < _RECURSION_NEEDED:  # one frame or two per nesting level, up to Jackson's 1000 levels
        sys.setrecursionlimit(_RECURSION_NEEDED)
    try:
        rules = _compile(source)
    finally:
        if limit < _RECURSION_NEEDED:
            sys.setrecursionlimit(limit)
    for rule in rules:
        for matchers in rule.values():
            score = sum(
                complexity(tuple(parse_wildcard(m.text)), MAX_COMPLEXITY)
                for m in matchers
                if isinstance(m, Wildcard)
            )
            if score >= MAX_COMPLEXITY:
                raise InvalidEventPattern(TOO_COMPLEX)
    return rules
