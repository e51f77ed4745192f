"""What an evaluation produces besides metrics: signals (an alarm going to ALARM, a rule matching an event)
and rejected resources (requests AWS would refuse, with the reason and field)."""

from __future__ import annotations

from dataclasses import dataclass

from grader.grading.dataset import Label
from grader.grading.submission import Item
from grader.grading.wiring import Delivery


@dataclass
class Rejected:
    item: Item
    field: str
    reason: str

    @property
    def message(self) -> str:
        return (
            f"{self.item.where}.{self.field}: {self.reason}"
            if self.field
            else f"{self.item.where}: {self.reason}"
        )


@dataclass
class Signal:
    """One moment a detection fired: an alarm going to ALARM or a rule matching an event."""

    kind: str  # "alarm" | "rule"
    name: str
    time_ms: int
    trigger: list[Label | None]  # the records that caused it (None = benign)
    delivery: Delivery
    episode: list[Label | None] | None = None  # alarms: every record while it stayed in ALARM
    end_ms: int | None = None  # alarms: when it left ALARM

    def steps(self, scenario: str | None) -> set[str]:
        """Scenario steps this signal covers: for an alarm raised by the attack, every step whose records
        arrived while it stayed in ALARM (one notification covers the episode)."""
        if self.is_false_alarm(scenario):
            return set()
        labels = self.episode if self.episode is not None else self.trigger
        return {lab.step for lab in labels if lab is not None and lab.scenario == scenario}

    def is_false_alarm(self, scenario: str | None) -> bool:
        return not any(lab is not None and lab.scenario == scenario for lab in self.trigger)
