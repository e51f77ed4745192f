"""The Logs Insights subset parser: accepted syntax and errors that point at the right place."""

from __future__ import annotations

import pytest

from labapp.explorer.insights_ast import (
    BoolOp,
    Call,
    Compare,
    FieldsCmd,
    FilterCmd,
    InList,
    InsightsSyntaxError,
    Like,
    LimitCmd,
    Not,
    ParseCmd,
    Regex,
    SortCmd,
    StatsCmd,
)
from labapp.explorer.insights_parser import parse_query


def test_pipeline_of_every_command() -> None:
    q = parse_query(
        "fields @timestamp, eventName as name # a comment\n"
        '| filter eventSource = "signin.amazonaws.com" and not errorCode like /Denied/\n'
        '| parse @message "user=*, ip=*" as user, ip\n'
        "| stats count(*) as n, avg(bytes) by userIdentity.arn, bin(5m)\n"
        "| sort n desc\n"
        "| limit 10"
    )
    kinds = [type(c) for c in q.commands]
    assert kinds == [FieldsCmd, FilterCmd, ParseCmd, StatsCmd, SortCmd, LimitCmd]
    fields, flt, parse, stats, sort, limit = q.commands
    assert [p.name for p in fields.items] == ["@timestamp", "name"]
    assert isinstance(flt.condition, BoolOp) and flt.condition.op == "and"
    assert isinstance(flt.condition.items[1], Not)
    assert parse.glob == "user=*, ip=*" and parse.names == ("user", "ip")
    assert [a.name for a in stats.aggregates] == ["n", "avg(bytes)"]
    assert [g.name for g in stats.groups] == ["userIdentity.arn", "bin(5m)"]
    assert stats.groups[1].expr.args[0].value == 300_000
    assert sort.keys[0].descending and limit.count == 10


def test_comparisons_in_lists_regex_and_functions() -> None:
    (flt,) = parse_query(
        'filter dstPort in [22, 3389] or action != "ACCEPT" or @message =~ /(?i)error/ or ispresent(errorCode) '
        'or eventName not in ["A", "B"] or bytes >= 1000'
    ).commands
    items = flt.condition.items
    assert isinstance(items[0], InList) and [v.value for v in items[0].values] == [22.0, 3389.0]
    assert isinstance(items[1], Compare) and items[1].op == "!="
    assert isinstance(items[2], Like) and isinstance(items[2].pattern, Regex)
    assert isinstance(items[3], Call) and items[3].name == "ispresent"
    assert isinstance(items[4], InList) and items[4].negated
    assert isinstance(items[5], Compare) and items[5].op == ">="


def test_backticks_quotes_and_keywords_any_case() -> None:
    (flt, stats) = parse_query(
        "FILTER `additionalEventData.x-amz-id-2` = 'it\\'s' | STATS COUNT(*) BY `@logStream`"
    ).commands
    assert flt.condition.left.name == "additionalEventData.x-amz-id-2"
    assert flt.condition.right.value == "it's"
    assert stats.groups[0].name == "@logStream"


def test_parse_regex_named_groups() -> None:
    (parse,) = parse_query(r"parse @message /(?<NetworkInterface>eni-\w+) (?<src>\S+)/").commands
    assert parse.regex is not None and parse.names == ("NetworkInterface", "src")


@pytest.mark.parametrize(
    ("query", "pos", "fragment"),
    [
        ("fields @timestamp | frobnicate x", 20, "Unknown command 'frobnicate'"),
        ('filter eventName = "ConsoleLogin', 19, "Unterminated string"),
        ("filter eventName like 42", 22, 'Expected a "string" or /regex/ after like'),
        ("stats count(*) by bin(5 minutes)", 24, "Expected ')'"),
        ("stats count(*) by bin(5parsecs)", 22, "Unknown or unsupported bin() period '5parsecs'"),
        ("stats total(bytes)", 6, "Expected an aggregate function"),
        ("limit 0", 6, "limit must be between 1 and 10,000"),
        ("limit ten", 6, "Expected a whole number after limit"),
        ('parse @message "a=* b=*" as a', 15, "2 wildcard(s) but 1 field name(s)"),
        ("filter @message like /(unclosed/", 22, "Invalid regular expression"),
        ("fields a |", 10, "Expected a command"),
        ("filter a = 1 b = 2", 13, "Expected '|' before the next command"),
        ("filter eventName", 16, "Expected a comparison"),
        ("filter nosuch(eventName)", 7, "Unsupported function 'nosuch'"),
        ("filter a = 1 ; b", 13, "Unexpected character ';'"),
    ],
)
def test_errors_point_at_the_problem(query: str, pos: int, fragment: str) -> None:
    with pytest.raises(InsightsSyntaxError) as exc:
        parse_query(query)
    assert fragment in exc.value.message
    assert exc.value.pos == pos
    line, col = exc.value.line_col
    assert (line, col) == (1, pos + 1)
    assert exc.value.pointer() == f"{query}\n{' ' * pos}^"


def test_error_position_on_a_later_line() -> None:
    with pytest.raises(InsightsSyntaxError) as exc:
        parse_query("fields @timestamp\n| sort @timestamp sideways")
    assert exc.value.line_col == (2, 19)
    assert str(exc.value).startswith("line 2, column 19: ")
