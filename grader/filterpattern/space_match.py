"""Match space-delimited patterns and extract their named/positional values.

Binding (recorded, semantics §6.3): without ``...`` a pattern of k fields needs at least k message
fields and its last field takes the rest of the message — the field's value if exactly one is
left, else the raw text from that field to the end. With ``...`` the fields before it bind to the
first message fields, those after it to the last ones, and ``...`` swallows the middle.
extractedValues: ``$name`` for named fields, ``$N`` (1-based) for anonymous and swallowed ones.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.filterpattern.ast import And, FieldTest, Or, SpacePattern
from grader.filterpattern.event import LogEvent
from grader.filterpattern.values import field_predicate

Binding = list[tuple[str, str]]  # (key, value) in message order


def _compile_condition(cond: object) -> Callable[[str], bool]:
    if isinstance(cond, FieldTest):
        return field_predicate(cond.op, cond.value)
    parts = [_compile_condition(c) for c in cond.items]  # type: ignore[attr-defined]
    if isinstance(cond, And):
        return lambda s: all(p(s) for p in parts)
    assert isinstance(cond, Or)
    return lambda s: any(p(s) for p in parts)


class SpaceMatcher:
    def __init__(self, pattern: SpacePattern) -> None:
        fields = pattern.fields
        self.n_fields = len(fields)
        cut = next((i for i, f in enumerate(fields) if f.ellipsis), None)
        self.ellipsis = cut is not None
        self.before = fields if cut is None else fields[:cut]
        self.after = () if cut is None else fields[cut + 1 :]
        self.tests = [
            (i, _compile_condition(f.condition))
            for i, f in enumerate(self.before + self.after)
            if f.condition is not None
        ]

    def bind(self, event: LogEvent) -> list[tuple[object, str, int]] | None:
        """[(field, value, 1-based position)] for the pattern's fields, or None if too short."""
        tokens = event.fields
        m = len(tokens)
        nb, na = len(self.before), len(self.after)
        if m < nb + na:
            return None
        if self.ellipsis:
            out = [(f, tokens[i][1], i + 1) for i, f in enumerate(self.before)]
            out += [(f, tokens[m - na + i][1], m - na + i + 1) for i, f in enumerate(self.after)]
            return out
        if nb == 0:
            return []
        out = [(f, tokens[i][1], i + 1) for i, f in enumerate(self.before[:-1])]
        last = tokens[nb - 1][1] if m == nb else event.message[tokens[nb - 1][0] :]
        out.append((self.before[-1], last, nb))
        return out

    def matches(self, event: LogEvent) -> bool:
        bound = self.bind(event)
        if bound is None:
            return False
        for i, test in self.tests:
            if not test(bound[i][1]):
                return False
        return True

    def extract(self, event: LogEvent) -> dict[str, str]:
        """extractedValues for a matching event (TestMetricFilter), in message order."""
        bound = self.bind(event)
        if bound is None:
            return {}
        tokens = event.fields
        if self.n_fields == 0:
            return {f"${i + 1}": v for i, (_, v) in enumerate(tokens)}
        values = {f"${f.name}" if f.name else f"${pos}": v for f, v, pos in bound[: len(self.before)]}
        if self.ellipsis:
            for p in range(len(self.before), len(tokens) - len(self.after)):
                values[f"${p + 1}"] = tokens[p][1]
        for f, v, pos in bound[len(self.before) :]:
            values[f"${f.name}" if f.name else f"${pos}"] = v
        return values

    def value_of(self, event: LogEvent, key: str) -> str | None:
        """The text bound to ``$name`` / ``$N``; None when the pattern does not bind it."""
        return self.extract(event).get(key)
