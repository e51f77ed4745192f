"""The error raised for an alarm definition or alarm rule CloudWatch would reject.

``code`` is the AWS error code (``ValidationError``, ``InvalidParameterValue``,
``InvalidParameterCombination``, ``MissingParameter``); ``field`` names the offending request member.
Model-constraint failures use the AWS (Coral) wording, e.g.
``1 validation error detected: Value '0' at 'evaluationPeriods' failed to satisfy constraint: Member must have
value greater than or equal to 1`` (shape of recorded AWS errors such as LocalStack's
test_set_alarm_invalid_input snapshot).
"""

from __future__ import annotations

__all__ = ["AlarmValidationError", "ConstraintViolation", "coral_message"]


class AlarmValidationError(ValueError):
    """A request CloudWatch would answer with HTTP 400."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ConstraintViolation:
    """One ``Value ... at 'member' failed to satisfy constraint: ...`` item."""

    def __init__(self, member: str, value: object, constraint: str) -> None:
        self.member = member
        self.value = value
        self.constraint = constraint

    def render(self) -> str:
        shown = "null" if self.value is None else f"'{_render_value(self.value)}'"
        return f"Value {shown} at '{self.member}' failed to satisfy constraint: {self.constraint}"


def _render_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def coral_message(violations: list[ConstraintViolation]) -> str:
    """``N validation error(s) detected: item; item``."""
    n = len(violations)
    noun = "error" if n == 1 else "errors"
    return f"{n} validation {noun} detected: " + "; ".join(v.render() for v in violations)
