"""Parse the CloudWatch Logs Insights subset into ``insights_ast`` nodes, with positioned errors.

Syntax follows AWS's Logs Insights QL reference
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html and its per-command pages):
commands joined by ``|``, ``#`` comments, string literals in single or double quotes, regexes between
slashes, field names with dots (``userIdentity.arn``) or in backticks. Keywords are case-insensitive.
"""

from __future__ import annotations

import re

from labapp.explorer.insights_ast import (
    BoolOp,
    Call,
    Compare,
    DedupCmd,
    Field,
    FieldsCmd,
    FilterCmd,
    InList,
    InsightsSyntaxError,
    Like,
    LimitCmd,
    Literal,
    Not,
    ParseCmd,
    Projection,
    Query,
    Regex,
    SortCmd,
    SortKey,
    StatsCmd,
)
from labapp.explorer.insights_lexer import Token, check_regex, describe, parse_duration, tokenize

COMMANDS = ("fields", "display", "filter", "stats", "sort", "limit", "parse", "dedup")
AGGREGATES = ("count", "count_distinct", "sum", "avg", "min", "max")
SCALAR_FUNCTIONS = {"ispresent": 1, "isempty": 1, "tolower": 1, "toupper": 1, "strlen": 1}
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
MAX_LIMIT = 10_000  # Insights returns at most 10,000 rows


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def is_word(self, *words: str) -> bool:
        return self.tok.kind == "name" and self.tok.text.lower() in words

    def expect_op(self, op: str, what: str | None = None) -> Token:
        if not self.is_op(op):
            self.fail(f"Expected {what or repr(op)} but found {describe(self.tok)}")
        return self.advance()

    def fail(self, message: str, pos: int | None = None) -> None:
        raise InsightsSyntaxError(message, self.tok.pos if pos is None else pos)

    def source(self, start: int) -> str:
        """Query text from ``start`` to the end of the previous token (an expression's own name)."""
        return self.text[start : self.tokens[self.i - 1].end].strip()

    # -- query
    def query(self) -> Query:
        commands = []
        while True:
            if self.tok.kind == "end" or self.is_op("|"):
                self.fail("Expected a command (fields, filter, stats, sort, limit, parse, display, dedup)")
            commands.append(self.command())
            if self.tok.kind == "end":
                break
            if not self.is_op("|"):
                self.fail(f"Expected '|' before the next command but found {describe(self.tok)}")
            self.advance()
        return Query(tuple(commands))

    def command(self) -> object:
        tok = self.tok
        word = tok.text.lower() if tok.kind == "name" else ""
        if word not in COMMANDS:
            self.fail(
                f"Unknown command {describe(tok)}: expected one of "
                "fields, display, filter, stats, sort, limit, parse, dedup"
            )
        self.advance()
        return getattr(self, "cmd_" + word)(tok.pos)

    def cmd_fields(self, pos: int, display: bool = False) -> FieldsCmd:
        items = [self.projection(allow_alias=not display)]
        while self.is_op(","):
            self.advance()
            items.append(self.projection(allow_alias=not display))
        return FieldsCmd(tuple(items), pos, display)

    def cmd_display(self, pos: int) -> FieldsCmd:
        return self.cmd_fields(pos, display=True)

    def cmd_filter(self, pos: int) -> FilterCmd:
        return FilterCmd(self.bool_expr(), pos)

    def cmd_stats(self, pos: int) -> StatsCmd:
        aggs = [self.aggregate()]
        while self.is_op(","):
            self.advance()
            aggs.append(self.aggregate())
        groups: list[Projection] = []
        if self.is_word("by"):
            self.advance()
            groups.append(self.group_key())
            while self.is_op(","):
                self.advance()
                groups.append(self.group_key())
        return StatsCmd(tuple(aggs), tuple(groups), pos)

    def cmd_sort(self, pos: int) -> SortCmd:
        keys = [self.sort_key()]
        while self.is_op(","):
            self.advance()
            keys.append(self.sort_key())
        return SortCmd(tuple(keys), pos)

    def cmd_limit(self, pos: int) -> LimitCmd:
        tok = self.tok
        if tok.kind != "number" or not tok.text.isdigit():
            self.fail(f"Expected a whole number after limit but found {describe(tok)}")
        self.advance()
        n = int(tok.text)
        if not 1 <= n <= MAX_LIMIT:
            self.fail(f"limit must be between 1 and {MAX_LIMIT:,}", tok.pos)
        return LimitCmd(n, pos)

    def cmd_parse(self, pos: int) -> ParseCmd:
        source: object = Field("@message", pos)
        if self.tok.kind in ("name", "backtick"):
            source = self.field()
        tok = self.tok
        if tok.kind == "string":
            self.advance()
            count = tok.text.count("*")
            if count == 0:
                self.fail("A parse glob needs at least one * wildcard", tok.pos)
            if not self.is_word("as"):
                self.fail(f"Expected 'as' and {count} field name(s) after the parse pattern")
            self.advance()
            names = self.name_list()
            if len(names) != count:
                self.fail(
                    f"The parse pattern has {count} wildcard(s) but {len(names)} field name(s) follow 'as'",
                    tok.pos,
                )
            return ParseCmd(source, tok.text, None, tuple(names), pos)
        if tok.kind == "regex":
            self.advance()
            names = re.findall(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>", tok.text)
            if not names:
                self.fail("A parse regular expression needs named groups such as (?<user>\\S+)", tok.pos)
            check_regex(tok)
            return ParseCmd(source, None, tok.text, tuple(names), pos)
        self.fail(f"Expected a quoted glob pattern or a /regex/ after parse but found {describe(tok)}")
        raise AssertionError  # unreachable

    def cmd_dedup(self, pos: int) -> DedupCmd:
        fields = [self.field()]
        while self.is_op(","):
            self.advance()
            fields.append(self.field())
        return DedupCmd(tuple(fields), pos)

    # -- pieces
    def name_list(self) -> list[str]:
        names = [self.field().name]
        while self.is_op(","):
            self.advance()
            names.append(self.field().name)
        return names

    def field(self) -> Field:
        tok = self.tok
        if tok.kind == "name" or tok.kind == "backtick":
            self.advance()
            return Field(tok.text, tok.pos)
        self.fail(f"Expected a field name but found {describe(tok)}")
        raise AssertionError

    def projection(self, allow_alias: bool) -> Projection:
        start = self.tok.pos
        expr = self.value()
        name = expr.name if isinstance(expr, Field) else self.source(start)
        if self.is_word("as"):
            if not allow_alias:
                self.fail("display takes field names only; use fields ... as ... to rename")
            self.advance()
            name = self.field().name
        return Projection(expr, name, start)

    def aggregate(self) -> Projection:
        start = self.tok.pos
        tok = self.tok
        if not (
            tok.kind == "name" and tok.text.lower() in AGGREGATES and self.tokens[self.i + 1].text == "("
        ):
            self.fail(f"Expected an aggregate function ({', '.join(AGGREGATES)}) but found {describe(tok)}")
        name = self.advance().text.lower()
        self.expect_op("(")
        if self.is_op("*") or (self.is_op(")") and name == "count"):
            if name != "count":
                self.fail(f"{name}() needs a field, not *")
            star = self.is_op("*")
            if star:
                self.advance()
            self.expect_op(")")
            call = Call(name, (), start, star=True)
        else:
            arg = self.field()
            self.expect_op(")")
            call = Call(name, (arg,), start)
        out = self.source(start)
        if self.is_word("as"):
            self.advance()
            out = self.field().name
        return Projection(call, out, start)

    def group_key(self) -> Projection:
        start = self.tok.pos
        if self.is_word("bin") and self.tokens[self.i + 1].text == "(":
            self.advance()
            self.expect_op("(")
            tok = self.tok
            if tok.kind not in ("duration", "number"):
                self.fail(f"Expected a period such as 5m or 1h in bin() but found {describe(tok)}")
            self.advance()
            self.expect_op(")")
            expr: object = Call("bin", (Literal(float(parse_duration(tok)), tok.pos),), start)
        else:
            expr = self.field()
        name = expr.name if isinstance(expr, Field) else self.source(start)
        if self.is_word("as"):
            self.advance()
            name = self.field().name
        return Projection(expr, name, start)

    def sort_key(self) -> SortKey:
        start = self.tok.pos
        expr = self.field()
        desc = False
        if self.is_word("asc", "desc"):
            desc = self.advance().text.lower() == "desc"
        return SortKey(expr, desc, start)

    # -- boolean expressions
    def bool_expr(self) -> object:
        start = self.tok.pos
        items = [self.and_expr()]
        while self.is_word("or"):
            self.advance()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items), start)

    def and_expr(self) -> object:
        start = self.tok.pos
        items = [self.not_expr()]
        while self.is_word("and"):
            self.advance()
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items), start)

    def not_expr(self) -> object:
        if self.is_word("not"):
            pos = self.advance().pos
            return Not(self.not_expr(), pos)
        return self.predicate()

    def predicate(self) -> object:
        start = self.tok.pos
        if self.is_op("("):
            self.advance()
            inner = self.bool_expr()
            self.expect_op(")", "')' to close the parenthesis")
            return inner
        left = self.value()
        negated = False
        if self.is_word("not") and self.tokens[self.i + 1].text.lower() in ("like", "in"):
            self.advance()
            negated = True
        if self.is_word("like"):
            self.advance()
            tok = self.tok
            if tok.kind == "string":
                self.advance()
                return Like(left, Literal(tok.text, tok.pos), negated, start)
            if tok.kind == "regex":
                self.advance()
                check_regex(tok)
                return Like(left, Regex(tok.text, tok.pos), negated, start)
            self.fail(f'Expected a "string" or /regex/ after like but found {describe(tok)}')
        if self.is_op("=~"):
            self.advance()
            tok = self.tok
            if tok.kind != "regex":
                self.fail(f"Expected a /regex/ after =~ but found {describe(tok)}")
            self.advance()
            check_regex(tok)
            return Like(left, Regex(tok.text, tok.pos), False, start)
        if self.is_word("in"):
            self.advance()
            self.expect_op("[", "'[' to start the list of values")
            values = [self.literal()]
            while self.is_op(","):
                self.advance()
                values.append(self.literal())
            self.expect_op("]", "']' to close the list of values")
            return InList(left, tuple(values), negated, start)
        if negated:
            self.fail("Expected like or in after not")
        if self.tok.kind == "op" and self.tok.text in COMPARISONS:
            op = self.advance().text
            right = self.value()
            return Compare(op, left, right, start)
        if isinstance(left, Call) and left.name in ("ispresent", "isempty"):
            return left
        self.fail(
            f"Expected a comparison (=, !=, <, <=, >, >=, like, =~, in) after {self.source(start)!r} "
            f"but found {describe(self.tok)}"
        )
        raise AssertionError

    def literal(self) -> Literal:
        tok = self.tok
        if tok.kind == "string":
            self.advance()
            return Literal(tok.text, tok.pos)
        if tok.kind == "number":
            self.advance()
            return Literal(float(tok.text), tok.pos)
        self.fail(f'Expected a "string" or a number but found {describe(tok)}')
        raise AssertionError

    def value(self) -> object:
        tok = self.tok
        if tok.kind in ("string", "number"):
            return self.literal()
        if tok.kind == "name" and self.tokens[self.i + 1].text == "(":
            fname = tok.text.lower()
            if fname not in SCALAR_FUNCTIONS:
                supported = ", ".join(sorted(SCALAR_FUNCTIONS))
                self.fail(f"Unsupported function '{tok.text}' here (supported: {supported})")
            self.advance()
            self.expect_op("(")
            args = [self.value()]
            self.expect_op(")", f"')' to close {fname}(")
            return Call(fname, tuple(args), tok.pos)
        if tok.kind in ("name", "backtick"):
            if tok.kind == "name" and tok.text.lower() in ("and", "or", "not", "like", "in", "by", "as"):
                self.fail(f"Expected a field or a value but found the keyword {describe(tok)}")
            return self.field()
        self.fail(f"Expected a field or a value but found {describe(tok)}")
        raise AssertionError


def parse_query(text: str) -> Query:
    """Parse ``text``; raises InsightsSyntaxError with the message and 0-based position."""
    try:
        return _Parser(text).query()
    except InsightsSyntaxError as exc:
        raise exc.with_query(text) from None
