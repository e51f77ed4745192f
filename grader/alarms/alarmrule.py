"""The composite-alarm AlarmRule language: parse and validate a rule, evaluate it over child states.

Grammar (PutCompositeAlarm API reference, AlarmRule): ``ALARM(x)``, ``OK(x)``, ``INSUFFICIENT_DATA(x)`` where
``x`` is an alarm name or ARN, optionally in double quotes; ``TRUE``, ``FALSE``; ``NOT``, ``AND``, ``OR``;
parentheses. Precedence NOT > AND > OR. Keywords are accepted in any case (the API reference itself suggests
setting a rule to ``false``). Limits: 10240 characters, 100 distinct children, 500 elements (children,
TRUE/FALSE and parentheses). Syntax errors are ``ValidationError`` naming ``AlarmRule`` (our wording: AWS's
text for them is not recorded).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grader.alarms.errors import AlarmValidationError, ConstraintViolation, coral_message

__all__ = ["AlarmRule", "parse_alarm_rule"]

_FUNCTIONS = ("ALARM", "OK", "INSUFFICIENT_DATA")
_MAX_LENGTH, _MAX_CHILDREN, _MAX_ELEMENTS = 10240, 100, 500


def _child_name(ref: str) -> str:
    """An ARN ``arn:aws:cloudwatch:region:account:alarm:NAME`` refers to alarm NAME."""
    parts = ref.split(":", 6)
    if len(parts) == 7 and parts[0] == "arn" and parts[5] == "alarm":
        return parts[6]
    return ref


@dataclass(frozen=True)
class AlarmRule:
    """A parsed AlarmRule. ``evaluate(states)`` takes child name -> state."""

    text: str
    tree: tuple[Any, ...]
    children: tuple[str, ...]

    def evaluate(self, states: Mapping[str, str]) -> bool:
        return _eval(self.tree, states)

    def true_children(self, states: Mapping[str, str]) -> list[str]:
        """Children whose state function is currently TRUE, in rule order (for triggeringAlarms)."""
        out: list[str] = []
        _collect_true(self.tree, states, out)
        return list(dict.fromkeys(out))


def _eval(node: tuple[Any, ...], states: Mapping[str, str]) -> bool:
    kind = node[0]
    if kind == "const":
        return bool(node[1])
    if kind == "state":
        return states.get(node[2], "INSUFFICIENT_DATA") == node[1]
    if kind == "not":
        return not _eval(node[1], states)
    if kind == "and":
        return all(_eval(x, states) for x in node[1])
    return any(_eval(x, states) for x in node[1])


def _collect_true(node: tuple[Any, ...], states: Mapping[str, str], out: list[str]) -> None:
    if node[0] == "state" and _eval(node, states):
        out.append(node[2])
    elif node[0] == "not":
        _collect_true(node[1], states, out)
    elif node[0] in ("and", "or"):
        for x in node[1]:
            _collect_true(x, states, out)


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.children: list[str] = []
        self.elements = 0

    def fail(self, what: str) -> AlarmValidationError:
        return AlarmValidationError(
            "ValidationError", f"Invalid AlarmRule: {what} at position {self.i + 1}: {self.s!r}", "AlarmRule"
        )

    def skip(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def word(self) -> str:
        self.skip()
        j = self.i
        while j < len(self.s) and (self.s[j].isalpha() or self.s[j] == "_"):
            j += 1
        return self.s[self.i : j]

    def expr(self) -> tuple[Any, ...]:
        items = [self.conj()]
        while self.word().upper() == "OR":
            self.i += 2
            items.append(self.conj())
        return items[0] if len(items) == 1 else ("or", tuple(items))

    def conj(self) -> tuple[Any, ...]:
        items = [self.neg()]
        while self.word().upper() == "AND":
            self.i += 3
            items.append(self.neg())
        return items[0] if len(items) == 1 else ("and", tuple(items))

    def neg(self) -> tuple[Any, ...]:
        if self.word().upper() == "NOT":
            self.i += 3
            return ("not", self.neg())
        return self.primary()

    def primary(self) -> tuple[Any, ...]:
        self.skip()
        if self.i >= len(self.s):
            raise self.fail("expression expected")
        if self.s[self.i] == "(":
            self.i += 1
            self.elements += 2
            inner = self.expr()
            self.skip()
            if self.i >= len(self.s) or self.s[self.i] != ")":
                raise self.fail("')' expected")
            self.i += 1
            return inner
        w = self.word()
        upper = w.upper()
        if upper in ("TRUE", "FALSE"):
            self.i += len(w)
            self.elements += 1
            return ("const", upper == "TRUE")
        if upper in _FUNCTIONS:
            self.i += len(w)
            self.skip()
            if self.i >= len(self.s) or self.s[self.i] != "(":
                raise self.fail(f"'(' expected after {w}")
            self.i += 1
            name = self.alarm_ref()
            self.elements += 1
            self.children.append(name)
            return ("state", upper, name)
        raise self.fail(f"unexpected {self.s[self.i : self.i + 20]!r}")

    def alarm_ref(self) -> str:
        self.skip()
        if self.i < len(self.s) and self.s[self.i] == '"':
            end = self.s.find('"', self.i + 1)
            if end < 0:
                raise self.fail("unterminated quoted alarm name")
            name = self.s[self.i + 1 : end]
            self.i = end + 1
            self.skip()
            if self.i >= len(self.s) or self.s[self.i] != ")":
                raise self.fail("')' expected after alarm name")
        else:
            end = self.s.find(")", self.i)
            if end < 0:
                raise self.fail("')' expected after alarm name")
            name = self.s[self.i : end].strip()
            self.i = end
        self.i += 1
        if not name:
            raise self.fail("alarm name expected")
        return _child_name(name)


def parse_alarm_rule(rule: str) -> AlarmRule:
    """Parse and validate an AlarmRule; raise :class:`AlarmValidationError` naming ``AlarmRule``."""
    if not isinstance(rule, str) or rule == "":
        raise AlarmValidationError(
            "ValidationError",
            coral_message(
                [
                    ConstraintViolation(
                        "alarmRule",
                        None if not isinstance(rule, str) else rule,
                        "Member must not be null"
                        if not isinstance(rule, str)
                        else "Member must have length greater than or equal to 1",
                    )
                ]
            ),
            "AlarmRule",
        )
    if len(rule) > _MAX_LENGTH:
        raise AlarmValidationError(
            "ValidationError",
            coral_message(
                [
                    ConstraintViolation(
                        "alarmRule", rule, f"Member must have length less than or equal to {_MAX_LENGTH}"
                    )
                ]
            ),
            "AlarmRule",
        )
    p = _Parser(rule)
    tree = p.expr()
    p.skip()
    if p.i != len(rule):
        raise p.fail(f"unexpected {rule[p.i : p.i + 20]!r}")
    children = tuple(dict.fromkeys(p.children))
    if len(children) > _MAX_CHILDREN:
        raise AlarmValidationError(
            "ValidationError",
            f"Invalid AlarmRule: {len(children)} child alarms; the limit is {_MAX_CHILDREN}",
            "AlarmRule",
        )
    if p.elements > _MAX_ELEMENTS:
        raise AlarmValidationError(
            "ValidationError",
            f"Invalid AlarmRule: {p.elements} elements; the limit is {_MAX_ELEMENTS}",
            "AlarmRule",
        )
    return AlarmRule(rule, tree, children)
