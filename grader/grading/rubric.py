"""Scoring weights: defaults, overridden per scenario.

A scenario may carry a ``rubric`` mapping (in scenario.json, i.e. the scenario file) with any of the
fields below; each expected detection's and each question's own ``points`` multiply the weights.

* ``detection`` — per expected detection: a signal (alarm or rule) fired on the attack's records.
  Fired later than the detection's ``within``: ``late_factor`` of it.
* ``notification`` — per expected detection: that signal reached someone (SNS topic with a subscriber,
  or a rule target), as Security Hub and CIS require.
* ``false_alarm_budget`` / ``false_alarm_penalty`` / ``false_alarm_allowance`` — a quiet configuration
  keeps the budget; each false alarm beyond the allowance costs the penalty (never below 0).
* ``answer`` — per investigation question answered correctly (type and tolerance from the answer key).
* ``cis`` — per CIS monitoring control covered by behaviour (0 = report only).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from grader.grading.errors import GradingInputError


@dataclass(frozen=True)
class Rubric:
    detection: float = 10.0
    notification: float = 5.0
    late_factor: float = 0.5
    false_alarm_budget: float = 10.0
    false_alarm_penalty: float = 2.0
    false_alarm_allowance: int = 0
    answer: float = 2.0
    cis: float = 0.0

    def false_alarm_score(self, count: int) -> float:
        over = max(0, count - self.false_alarm_allowance)
        return max(0.0, self.false_alarm_budget - self.false_alarm_penalty * over)


def rubric_for(scenario: dict[str, Any] | None, origin: str = "scenario") -> Rubric:
    """The default rubric with the scenario's ``rubric`` overrides applied."""
    overrides = (scenario or {}).get("rubric") or {}
    if not isinstance(overrides, dict):
        raise GradingInputError(origin, "must be a mapping of weights", "rubric")
    names = {f.name: f.type for f in dataclasses.fields(Rubric)}
    clean: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in names:
            raise GradingInputError(
                origin, f"unknown weight {key!r}; weights are {', '.join(names)}", "rubric"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise GradingInputError(origin, f"{key} must be a number >= 0", "rubric")
        clean[key] = int(value) if key == "false_alarm_allowance" else float(value)
    if clean.get("late_factor", 0) > 1:
        raise GradingInputError(origin, "late_factor must be between 0 and 1", "rubric")
    return dataclasses.replace(Rubric(), **clean)
