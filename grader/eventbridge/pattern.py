"""Compiled event patterns: compile once, match many events.

An event is flattened into leaves keyed by dotted path (arrays are transparent, and a key holding
dots is the same path as the nested keys: ``{"state.status": ..}`` == ``{"state": {"status": ..}}``,
AWS-validated cases dot_joining_*). Every leaf remembers which element of which array it sits in, so
that one match never combines fields taken from *different* elements of the same array
(event-ruler's array consistency; cases event-ruler/arrays_*). Only the paths a pattern names are
flattened, so matching a big event against a small pattern stays cheap.

A field matches when some leaf at its path satisfies one of its matchers; ``exists: false`` is
satisfied when no leaf at the path is consistent with the array elements already chosen. An empty
event array and an object value are not leaves (``exists: true`` fails on ``[]`` and on ``{}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import orjson

from grader.eventbridge.compiler import SubRule, compile_sub_rules
from grader.eventbridge.matchers import Exists, Matcher

Membership = tuple[tuple[int, int], ...]  # (array id, element index) for every array on the way
Leaves = dict[str, list[tuple[Any, Membership]]]
# a compiled field: (path, matchers other than exists:false, whether absence satisfies the field)
Field = tuple[str, tuple[Matcher, ...], bool]


def _compile_rule(rule: SubRule) -> tuple[Field, ...]:
    fields = []
    for path, matchers in rule.items():
        positives = tuple(m for m in matchers if not (isinstance(m, Exists) and not m.present))
        absent_ok = len(positives) != len(matchers)
        fields.append((path, positives, absent_ok))
    return tuple(fields)


def _relative_prefixes(paths: set[str]) -> dict[str, frozenset[str]]:
    """For every object path a pattern goes through ("" = the event), the key strings under it that
    lead towards a pattern path. A key may itself hold dots ("state.status"), so every boundary-
    aligned remainder counts, not just the next segment."""
    out: dict[str, set[str]] = {}
    for path in paths:
        parts = path.split(".")
        for i in range(len(parts)):
            base = ".".join(parts[:i])
            for j in range(i + 1, len(parts) + 1):
                out.setdefault(base, set()).add(".".join(parts[i:j]))
    return {base: frozenset(keys) for base, keys in out.items()}


class _Flattener:
    """Collect the leaves under the pattern's paths (iteratively: events may nest 1000 deep)."""

    def __init__(self, relative: dict[str, frozenset[str]]) -> None:
        self.relative = relative
        self.leaves: Leaves = {}
        self.next_array = 0

    def walk_object(self, root: Mapping[str, Any]) -> None:
        relative, leaves = self.relative, self.leaves
        stack: list[tuple[Any, str, Membership]] = [(root, "", ())]
        while stack:
            value, path, membership = stack.pop()
            kind = type(value)
            if kind is dict or (kind is not list and isinstance(value, Mapping)):
                wanted = relative.get(path)
                if not wanted:
                    continue
                # look up the few keys the pattern wants rather than scanning a big object
                keys = (
                    [k for k in wanted if k in value]
                    if len(wanted) < len(value)
                    else [k for k in value if k in wanted]
                )
                for key in keys:
                    stack.append((value[key], f"{path}.{key}" if path else key, membership))
            elif kind is list or kind is tuple:
                array_id = self.next_array
                self.next_array += 1
                for index in range(len(value) - 1, -1, -1):
                    stack.append((value[index], path, (*membership, (array_id, index))))
            else:
                leaves.setdefault(path, []).append((value, membership))


def _consistent(bound: dict[int, int], membership: Membership) -> bool:
    return all(bound.get(array_id, index) == index for array_id, index in membership)


def _search(plan: list[tuple[list[Membership], bool, list]], i: int, bound: dict[int, int]) -> bool:
    if i == len(plan):
        return True
    candidates, absent_ok, leaves = plan[i]
    for membership in candidates:
        if _consistent(bound, membership):
            merged = dict(bound)
            merged.update(membership)
            if _search(plan, i + 1, merged):
                return True
    if absent_ok and not any(_consistent(bound, membership) for _, membership in leaves):
        return _search(plan, i + 1, bound)
    return False


def _rule_matches(fields: tuple[Field, ...], leaves: Leaves) -> bool:
    plan: list[tuple[list[Membership], bool, list]] = []
    uses_arrays = False
    for path, positives, absent_ok in fields:
        values = leaves.get(path, [])
        candidates = list(
            dict.fromkeys(mem for value, mem in values if any(m.test(value) for m in positives))
        )
        if not candidates and not (absent_ok and (not values or any(mem for _, mem in values))):
            return False
        if any(mem for _, mem in values):
            uses_arrays = True
        plan.append((candidates, absent_ok, values))
    if not uses_arrays:
        return all(c or (a and not v) for c, a, v in plan)
    # fields that can be satisfied by absence go last: absence is judged against the chosen elements
    plan.sort(key=lambda entry: (entry[1], len(entry[0])))
    return _search(plan, 0, {})


class EventPattern:
    """A validated EventBridge event pattern. Create with :func:`compile_event_pattern`."""

    __slots__ = ("source", "_rules", "_relative")

    def __init__(self, source: str, rules: list[SubRule]) -> None:
        self.source = source
        self._rules = tuple(_compile_rule(rule) for rule in rules)
        self._relative = _relative_prefixes({path for rule in self._rules for path, _, _ in rule})

    def __repr__(self) -> str:
        return f"EventPattern({self.source!r})"

    @property
    def paths(self) -> tuple[str, ...]:
        """Every dotted field path the pattern tests, sorted."""
        return tuple(sorted({path for rule in self._rules for path, _, _ in rule}))

    def matches(self, event: Mapping[str, Any] | str | bytes) -> bool:
        """True if ``event`` (a JSON object, as a mapping or JSON text) matches the pattern.

        Invalid JSON text raises ``orjson.JSONDecodeError`` (a ValueError); a JSON value that is not an
        object never matches.
        """
        if isinstance(event, str | bytes):
            event = orjson.loads(event)
        if not isinstance(event, Mapping):
            return False
        flat = _Flattener(self._relative)
        flat.walk_object(event)
        return any(_rule_matches(rule, flat.leaves) for rule in self._rules)


@lru_cache(maxsize=1024)
def _compile_text(source: str) -> EventPattern:
    return EventPattern(source, compile_sub_rules(source))


def compile_event_pattern(pattern: str | bytes | Mapping[str, Any] | list) -> EventPattern:
    """Validate and compile a pattern (JSON text, or an already-parsed JSON value).

    Raises :class:`grader.eventbridge.errors.InvalidEventPattern` with AWS's code and message.
    Parsed values are serialised first, so duplicate keys can only be expressed in text.
    """
    if isinstance(pattern, bytes):
        pattern = pattern.decode("utf-8")
    if not isinstance(pattern, str):
        try:
            pattern = orjson.dumps(pattern).decode("utf-8")
        except TypeError as exc:
            raise TypeError(f"event pattern is not JSON-serialisable: {exc}") from None
    return _compile_text(pattern)
