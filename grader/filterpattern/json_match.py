"""Compile a JSON pattern into a matcher over a parsed document, plus a raw-text prefilter.

Selector rules (recorded, semantics §5.3, §5.6): ``.name``/``['k']`` only descend into objects,
``[n]`` only indexes arrays, ``[*]`` and ``.*`` yield one level of array elements or object values
(nothing for scalars/null). Non-wildcard ``IS NULL`` is also true for an array holding a null.
With a wildcard, a test is true if any yielded element passes it, ``!=`` is true if the part
before the wildcard exists and no element equals the value, ``NOT EXISTS`` if nothing is yielded.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.filterpattern.ast import And, Check, Comparison, JsonPattern, Or, Segment, Selector, StringValue
from grader.filterpattern.values import NeedExact, json_predicates, json_relational, text_test

MISSING = object()
DocPred = Callable[[dict], bool]


def make_getter(segments: tuple[Segment, ...]) -> Callable[[object], object]:
    """Resolve non-wildcard segments from a node; MISSING when the path does not resolve."""
    if all(s.kind in ("name", "key") for s in segments):
        keys = tuple(s.value for s in segments)
        if len(keys) == 1:
            (k,) = keys

            def get1(d: object) -> object:
                return d.get(k, MISSING) if type(d) is dict else MISSING

            return get1

        def get_keys(d: object) -> object:
            for k in keys:
                if type(d) is not dict:
                    return MISSING
                d = d.get(k, MISSING)
            return d

        return get_keys
    steps = tuple((s.kind == "index", s.value) for s in segments)

    def get(d: object) -> object:
        for is_index, v in steps:
            if is_index:
                if type(d) is not list or v >= len(d):  # type: ignore[operator]
                    return MISSING
                d = d[v]  # type: ignore[index]
            else:
                if type(d) is not dict:
                    return MISSING
                d = d.get(v, MISSING)
        return d

    return get


def make_elements(selector: Selector) -> Callable[[dict], tuple[bool, list]]:
    """For a wildcard selector: (prefix exists, yielded elements)."""
    segs = selector.segments
    w = next(i for i, s in enumerate(segs) if s.kind.startswith("wild"))
    prefix, suffix = make_getter(segs[:w]), make_getter(segs[w + 1 :])
    has_suffix = w + 1 < len(segs)

    def elements(doc: dict) -> tuple[bool, list]:
        node = prefix(doc) if w else doc
        if node is MISSING:
            return False, []
        if type(node) is dict:
            items = list(node.values())
        elif type(node) is list:
            items = node
        else:
            return True, []
        if has_suffix:
            items = [x for x in map(suffix, items) if x is not MISSING]
        return True, items

    return elements


def _is_null_nonwild(n: object) -> bool:
    return n is None or (type(n) is list and any(e is None for e in n))


CHECKS: dict[str, Callable[[object], bool]] = {
    "IS NULL": lambda n: n is None,
    "IS TRUE": lambda n: n is True,
    "IS FALSE": lambda n: n is False,
}


def _condition(cond: object, strict: bool) -> DocPred:
    selector: Selector = cond.selector  # type: ignore[attr-defined]
    wild = selector.wildcards > 0
    if isinstance(cond, Check):
        if not wild:
            get = make_getter(selector.segments)
            if cond.kind == "NOT EXISTS":
                return lambda d: get(d) is MISSING
            test = _is_null_nonwild if cond.kind == "IS NULL" else CHECKS[cond.kind]
            return lambda d: test(get(d))
        elements = make_elements(selector)
        if cond.kind == "NOT EXISTS":
            return lambda d: not elements(d)[1]
        test = CHECKS[cond.kind]
        return lambda d: any(test(e) for e in elements(d)[1])
    assert isinstance(cond, Comparison)
    if cond.op in ("=", "!="):
        eq, ne = json_predicates(cond.value, strict)
        pred = eq if cond.op == "=" else ne
    else:
        pred = json_relational(cond.op, cond.value, strict)  # type: ignore[arg-type]
    if not wild:
        get = make_getter(selector.segments)
        return lambda d: pred(get(d))
    elements = make_elements(selector)
    if cond.op == "!=":

        def not_any_equal(d: dict) -> bool:
            exists, items = elements(d)
            return exists and not any(eq(e) for e in items)

        return not_any_equal
    return lambda d: any(pred(e) for e in elements(d)[1])


def _exact_string_key(cond: object) -> tuple | None:
    """Selector key when cond is ``sel = "plain text"`` that only strings can satisfy."""
    if (
        isinstance(cond, Comparison)
        and cond.op == "="
        and isinstance(cond.value, StringValue)
        and cond.selector.wildcards == 0
    ):
        _, kind, core = text_test(cond.value.text)
        if kind == "exact" and core and not all(c in "0123456789.-EInfinityNa" for c in core):
            return cond.selector.segments
    return None


def _member(get: Callable[[object], object], names: frozenset[str]) -> DocPred:
    def member(d: dict) -> bool:
        n = get(d)
        return type(n) is str and n in names

    return member


def compile_expr(expr: object, strict: bool) -> DocPred:
    if isinstance(expr, And):
        parts = [compile_expr(e, strict) for e in expr.items]
        if len(parts) == 2:
            a, b = parts
            return lambda d: a(d) and b(d)

        def all_of(d: dict) -> bool:
            for p in parts:
                if not p(d):
                    return False
            return True

        return all_of
    if isinstance(expr, Or):
        # many `$.x = "Name"` alternatives on one selector become one set lookup
        groups: dict[tuple, set[str]] = {}
        rest: list[object] = []
        for item in expr.items:
            key = _exact_string_key(item)
            if key is None:
                rest.append(item)
            else:
                groups.setdefault(key, set()).add(item.value.text)  # type: ignore[attr-defined]
        parts = [compile_expr(e, strict) for e in rest]
        for segs, names in groups.items():
            get, names_f = make_getter(segs), frozenset(names)
            parts.append(_member(get, names_f))
        if len(parts) == 1:
            return parts[0]

        def any_of(d: dict) -> bool:
            for p in parts:
                if p(d):
                    return True
            return False

        return any_of
    return _condition(expr, strict)


def compile_json(pattern: JsonPattern) -> tuple[DocPred, DocPred]:
    """(fast predicate that may raise NeedExact, exact predicate for an exact parse)."""
    return compile_expr(pattern.expr, strict=False), compile_expr(pattern.expr, strict=True)


__all__ = ["MISSING", "NeedExact", "compile_json", "make_getter", "make_elements"]
