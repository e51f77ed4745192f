"""Exact necessary conditions on the raw message text, checked before any JSON parsing.

A condition ``$.x = "CreateTrail"`` can only hold if the raw JSON contains the string token
``"CreateTrail"`` — unless the message spells characters with ``\\u`` escapes, which the caller
checks separately (any message containing ``\\u`` skips the prefilter). Only values made of
characters that JSON never escapes with a short escape (no ``"``, ``\\``, ``/``, control
characters) and that no rendered number could equal are used, so the prefilter never rejects an
event the full evaluation would accept. ``!=``, ``NOT EXISTS``, ``IS …``, numbers and regexes
give no condition.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.filterpattern.ast import And, Comparison, Or, StringValue
from grader.filterpattern.values import NUMBER_CHARS, text_test

# a formula is ("lit", text) | ("any", [formula]) | ("all", [formula]) ; None = no condition
Formula = tuple
MIN_SHARED = 4


def _anchor(cond: object) -> Formula | None:
    if not (isinstance(cond, Comparison) and cond.op == "=" and isinstance(cond.value, StringValue)):
        return None
    _, kind, core = text_test(cond.value.text)
    if not core or all(c in NUMBER_CHARS for c in core):
        return None
    if any(c in '"\\/' or ord(c) < 0x20 for c in core):
        return None
    text = {"exact": f'"{core}"', "prefix": f'"{core}', "suffix": f'{core}"', "contains": core}[kind]
    return ("lit", text)


def derive(expr: object) -> Formula | None:
    if isinstance(expr, And):
        parts = [f for f in map(derive, expr.items) if f is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else ("all", parts)
    if isinstance(expr, Or):
        parts = [derive(e) for e in expr.items]
        if any(p is None for p in parts):
            return None
        return parts[0] if len(parts) == 1 else ("any", parts)
    return _anchor(expr)


def _shared_substrings(literals: list[str]) -> list[str]:
    """Fewer, shorter needles that are still necessary: greedily cover literals by substrings."""
    todo = sorted(set(literals))
    needles: list[str] = []
    while todo:
        best, covered = None, [todo[0]]
        candidates = {
            lit[i:j] for lit in todo for i in range(len(lit)) for j in range(i + MIN_SHARED, len(lit) + 1)
        }
        for cand in sorted(candidates):
            hits = [lit for lit in todo if cand in lit]
            if len(hits) > len(covered) or (
                len(hits) == len(covered) and best is not None and len(cand) > len(best)
            ):
                best, covered = cand, hits
        needles.append(best if best is not None and len(covered) > 1 else covered[0])
        todo = [lit for lit in todo if lit not in covered]
    return needles


def simplify(f: Formula) -> Formula:
    if f[0] == "lit":
        return f
    parts = [simplify(p) for p in f[1]]
    if f[0] == "any" and all(p[0] == "lit" for p in parts):
        needles = _shared_substrings([p[1] for p in parts])
        parts = [("lit", n) for n in needles]
        return parts[0] if len(parts) == 1 else ("any", parts)
    if f[0] == "all":
        # cheapest first: fewer needles, then longer ones
        parts.sort(key=lambda p: (_cost(p), -_length(p)))
        parts = parts[:2]
    return ("any" if f[0] == "any" else "all", parts)


def _cost(f: Formula) -> int:
    return 1 if f[0] == "lit" else sum(map(_cost, f[1]))


def _length(f: Formula) -> int:
    return len(f[1]) if f[0] == "lit" else min(map(_length, f[1]))


def _source(f: Formula) -> str:
    if f[0] == "lit":
        return f"{f[1]!r} in s"
    joiner = " or " if f[0] == "any" else " and "
    return "(" + joiner.join(_source(p) for p in f[1]) + ")"


def build_prefilter(expr: object) -> Callable[[str], bool] | None:
    """A fast ``raw message -> bool`` necessary condition, or None when there is none."""
    f = derive(expr)
    if f is None:
        return None
    f = simplify(f)
    # the source holds only repr()'d string literals, so evaluating it is safe
    return eval(f"lambda s: {_source(f)}", {})  # noqa: S307


def describe(expr: object) -> str | None:
    f = derive(expr)
    return None if f is None else _source(simplify(f))
