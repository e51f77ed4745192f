"""Tokens of the Logs Insights subset (with their offsets), bin() periods and regex checks.

String literals take single or double quotes with backslash escapes, regexes sit between slashes and field
names with other characters between backticks
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labapp.explorer.insights_ast import InsightsSyntaxError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<duration>\d+(?:\.\d+)?[A-Za-z]+)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_@$][A-Za-z0-9_@$.]*)
  | (?P<op>!=|<=|>=|=~|[=<>|,()\[\]*])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # name, number, duration, string, regex, backtick, op, end
    text: str  # the token's value (string contents without quotes)
    pos: int
    end: int


def _quoted(text: str, start: int, quote: str) -> tuple[str, int]:
    out = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(nxt if nxt in (quote, "\\") else "\\" + nxt)
            i += 2
            continue
        if c == quote:
            return "".join(out), i + 1
        out.append(c)
        i += 1
    what = {"/": "regular expression", "`": "quoted field name"}.get(quote, "string")
    raise InsightsSyntaxError(f"Unterminated {what}: missing closing {quote}", start)


def tokenize(text: str) -> list[Token]:
    """The query's tokens; raises InsightsSyntaxError at the first character it cannot read."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            value, end = _quoted(text, i, c)
            tokens.append(Token("string", value, i, end))
            i = end
            continue
        if c == "/":
            value, end = _quoted(text, i, "/")
            tokens.append(Token("regex", value, i, end))
            i = end
            continue
        if c == "`":
            value, end = _quoted(text, i, "`")
            tokens.append(Token("backtick", value, i, end))
            i = end
            continue
        m = _TOKEN.match(text, i)
        if m is None:
            raise InsightsSyntaxError(f"Unexpected character {c!r}", i)
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, m.group(), i, m.end()))
        i = m.end()
    tokens.append(Token("end", "", len(text), len(text)))
    return tokens


def describe(tok: Token) -> str:
    if tok.kind == "end":
        return "the end of the query"
    if tok.kind == "string":
        return f'the string "{tok.text}"'
    if tok.kind == "regex":
        return f"the regular expression /{tok.text}/"
    return f"'{tok.text}'"


_UNITS = {
    1: ("ms", "msec", "millisecond"),
    1000: ("s", "sec", "second"),
    60_000: ("m", "min", "minute"),
    3_600_000: ("h", "hr", "hour"),
    86_400_000: ("d", "day"),
    604_800_000: ("w", "week"),
}


def parse_duration(tok: Token) -> int:
    """Milliseconds of a bin() period such as 5m, 30s, 1h (units from the stats page; s plurals allowed)."""
    m = re.fullmatch(r"(\d+)([A-Za-z]+)", tok.text)
    if m is None:
        raise InsightsSyntaxError(f"Expected a period such as 5m, 30s or 1h but found '{tok.text}'", tok.pos)
    unit = m.group(2).lower()
    for ms, names in _UNITS.items():
        if unit in names or (len(unit) > 1 and unit.endswith("s") and unit[:-1] in names and len(unit) > 2):
            amount = int(m.group(1))
            if amount <= 0:
                break
            return amount * ms
    raise InsightsSyntaxError(
        f"Unknown or unsupported bin() period '{tok.text}' (use ms, s, m, h, d or w)", tok.pos
    )


def check_regex(tok: Token) -> None:
    try:
        re.compile(re.sub(r"\(\?<([A-Za-z_@])", r"(?P<\1", tok.text))
    except re.error as exc:
        offset = exc.pos if exc.pos is not None else 0
        raise InsightsSyntaxError(f"Invalid regular expression: {exc.msg}", tok.pos + 1 + offset) from None
