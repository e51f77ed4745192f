"""``PatternSet``: evaluate many filter patterns against each event with shared work.

Each event is parsed once. For JSON patterns a *guard* is derived: a selector and the string
values it must hold for the pattern to possibly match (``$.eventName = X || $.eventName = Y``
-> eventName in {X, Y}; ``*Suffix`` / ``Prefix*`` tests are kept as tests). Guards are chosen so
that patterns share selectors, so an event costs one lookup per distinct guard selector, and
only patterns whose guard admits the event's value are evaluated in full. A guard is an exact
necessary condition (only strings can satisfy a non-numeric text test, semantics §5.5), so the
results equal ``[p.matches(event) for p in patterns]``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from orjson import JSONDecodeError, loads

from grader.filterpattern.ast import And, Comparison, JsonPattern, Or, StringValue
from grader.filterpattern.event import _UNSET, LogEvent, parse_json_exact
from grader.filterpattern.json_match import make_getter
from grader.filterpattern.pattern import FilterPattern, compile_pattern
from grader.filterpattern.values import NUMBER_CHARS, text_test

# guard: (selector segments, exact values, [text tests])
Guard = tuple[tuple, frozenset[str], tuple[Callable[[str], bool], ...]]


def _leaf_guard(cond: object) -> Guard | None:
    if not (isinstance(cond, Comparison) and cond.op == "=" and isinstance(cond.value, StringValue)):
        return None
    if cond.selector.wildcards:
        return None
    test, kind, core = text_test(cond.value.text)
    if not core or all(c in NUMBER_CHARS for c in core):
        return None  # a rendered number could satisfy it: not a string-only condition
    if kind == "exact":
        return cond.selector.segments, frozenset([core]), ()
    return cond.selector.segments, frozenset(), (test,)


def guard_options(expr: object) -> list[Guard]:
    """Every guard that is a necessary condition of ``expr`` (one per usable selector)."""
    if isinstance(expr, Or):
        per_item = [guard_options(e) for e in expr.items]
        if not all(per_item):
            return []
        out = []
        # an OR is guarded on selector S only if every alternative is
        for segs in {g[0] for g in per_item[0]}:
            picks = [next((g for g in opts if g[0] == segs), None) for opts in per_item]
            if all(p is not None for p in picks):
                values = frozenset().union(*(p[1] for p in picks))  # type: ignore[index]
                tests = tuple(t for p in picks for t in p[2])  # type: ignore[index]
                out.append((segs, values, tests))
        return out
    if isinstance(expr, And):
        return [g for e in expr.items for g in guard_options(e)]
    guard = _leaf_guard(expr)
    return [] if guard is None else [guard]


class PatternSet:
    """Evaluate a fixed list of patterns per event; ``matches(event)`` -> one bool per pattern."""

    def __init__(self, patterns: Sequence[FilterPattern | str]) -> None:
        self.patterns = [p if isinstance(p, FilterPattern) else compile_pattern(p) for p in patterns]
        options = {
            i: guard_options(p.ast.expr)
            for i, p in enumerate(self.patterns)
            if isinstance(p.ast, JsonPattern)
        }
        # prefer selectors many patterns can be guarded on: one lookup serves them all
        popularity = Counter(g[0] for opts in options.values() for g in {o[0]: o for o in opts}.values())
        by_path: dict[tuple, tuple[dict[str, list[int]], list[tuple[Callable[[str], bool], int]]]] = {}
        self.always: list[int] = []
        for i in range(len(self.patterns)):
            opts = options.get(i)
            if not opts:
                self.always.append(i)
                continue
            segs, values, tests = max(opts, key=lambda g: (popularity[g[0]], -len(g[1]) - len(g[2])))
            exact, wild = by_path.setdefault(segs, ({}, []))
            for v in values:
                exact.setdefault(v, []).append(i)
            wild.extend((t, i) for t in tests)
        self.guards = tuple((segs, exact, tuple(wild)) for segs, (exact, wild) in by_path.items())
        self._candidates = _compile_guards(self.guards) if self.guards else None
        self._fns = [p._match for p in self.patterns]

    def matching(self, event: LogEvent | str) -> list[int]:
        """Indexes of the patterns that match ``event`` (a LogEvent or a message), in order."""
        if type(event) is str:
            ev, msg = None, event
        else:
            ev, msg = event, event.message  # type: ignore[union-attr]
        fns = self._fns
        hits: list[int] = []
        if self.always:
            ev = ev or LogEvent(msg)
            hits = [i for i in self.always if fns[i](ev)]
        candidates_of = self._candidates
        if candidates_of is None:
            return hits
        if ev is not None and ev._json is not _UNSET:
            doc = ev._json
        else:
            try:
                doc = loads(msg)
            except JSONDecodeError:
                doc = parse_json_exact(msg)
            if type(doc) is not dict:
                doc = None
            if ev is not None:
                ev._json = doc
        if doc is None:
            return hits
        candidates = candidates_of(doc)
        if candidates:
            if ev is None:
                ev = LogEvent(msg)
                ev._json = doc
            hits.extend(i for i in set(candidates) if fns[i](ev))
            hits.sort()
        return hits

    def matches(self, event: LogEvent | str) -> list[bool]:
        hit = set(self.matching(event))
        return [i in hit for i in range(len(self.patterns))]


def _compile_guards(guards: tuple) -> Callable[[dict], list[int]]:
    """One generated function doing every guard lookup (keys inlined as literals)."""
    env: dict[str, object] = {}
    lines = ["def candidates(doc):", "    out = []"]
    for n, (segs, exact, wild) in enumerate(guards):
        env[f"X{n}"], env[f"W{n}"] = exact, wild
        indent = "    "
        if all(s.kind in ("name", "key") for s in segs):
            node = "doc"
            for k, seg in enumerate(segs):
                lines.append(f"{indent}v = {node}.get({seg.value!r})")
                if k < len(segs) - 1:
                    lines.append(f"{indent}if type(v) is dict:")
                    indent += "    "
                    lines.append(f"{indent}d{n} = v")
                    node = f"d{n}"
        else:
            env[f"G{n}"] = make_getter(segs)
            lines.append(f"{indent}v = G{n}(doc)")
        lines.append(f"{indent}if type(v) is str:")
        if exact:
            lines += [f"{indent}    h = X{n}.get(v)", f"{indent}    if h:", f"{indent}        out.extend(h)"]
        if wild:
            lines += [
                f"{indent}    for t, i in W{n}:",
                f"{indent}        if t(v):",
                f"{indent}            out.append(i)",
            ]
        if not exact and not wild:
            lines.append(f"{indent}    pass")
    lines.append("    return out")
    # the source holds only repr()'d keys and names of prepared tables, so exec is safe here
    exec("\n".join(lines), env)  # noqa: S102
    return env["candidates"]  # type: ignore[return-value]
