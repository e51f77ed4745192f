"""Canonical text for a parsed pattern; ``compile_pattern(format_pattern(p))`` parses to the same tree.

Strings are always written quoted (bare words and quoted strings mean the same in JSON and
space-delimited conditions), numbers exactly as written, ``&&`` groups inside ``||`` need no
parentheses and ``||`` groups inside ``&&`` get them.
"""

from __future__ import annotations

from grader.filterpattern.ast import (
    And,
    Check,
    Comparison,
    FieldTest,
    JsonPattern,
    MatchAll,
    NumberValue,
    Or,
    RegexPattern,
    RegexValue,
    Selector,
    SpacePattern,
    StringValue,
    TermPattern,
)
from grader.filterpattern.terms import format_terms


def format_value(value: object) -> str:
    if isinstance(value, NumberValue):
        return value.text
    if isinstance(value, RegexValue):
        return f"%{value.source}%"
    assert isinstance(value, StringValue)
    return f'"{value.text}"'


def format_selector(selector: Selector) -> str:
    out = "$"
    for seg in selector.segments:
        if seg.kind == "name":
            out += f".{seg.value}"
        elif seg.kind == "key":
            out += f".['{seg.value}']"
        elif seg.kind == "index":
            out += f"[{seg.value}]"
        elif seg.kind == "wild_dot":
            out += ".*"
        else:
            out += "[*]"
    # "$." must be followed by a segment that is not itself introduced by "[" (except ['k'])
    if out.startswith("$["):
        out = "$." + out[1:]
    return out


def _json_expr(expr: object, parent: str | None = None) -> str:
    if isinstance(expr, Or):
        text = " || ".join(_json_expr(e, "or") for e in expr.items)
        return f"({text})" if parent == "and" else text
    if isinstance(expr, And):
        return " && ".join(_json_expr(e, "and") for e in expr.items)
    if isinstance(expr, Check):
        return f"{format_selector(expr.selector)} {expr.kind}"
    assert isinstance(expr, Comparison)
    return f"{format_selector(expr.selector)} {expr.op} {format_value(expr.value)}"


def _field_cond(name: str, cond: object) -> str:
    if isinstance(cond, Or):
        return " || ".join(_field_cond(name, c) for c in cond.items)
    if isinstance(cond, And):
        return " && ".join(_field_cond(name, c) for c in cond.items)
    assert isinstance(cond, FieldTest)
    return f"{name} {cond.op} {format_value(cond.value)}"


def format_ast(ast: object) -> str:
    if isinstance(ast, MatchAll):
        return ""
    if isinstance(ast, TermPattern):
        return format_terms(ast)
    if isinstance(ast, RegexPattern):
        return f"%{ast.source}%"
    if isinstance(ast, JsonPattern):
        return "{ " + _json_expr(ast.expr) + " }"
    assert isinstance(ast, SpacePattern)
    parts = []
    for f in ast.fields:
        if f.ellipsis:
            parts.append("...")
        elif f.name is None:
            parts.append("")
        elif f.condition is None:
            parts.append(f.name)
        else:
            parts.append(_field_cond(f.name, f.condition))
    return "[" + ", ".join(parts) + "]"
