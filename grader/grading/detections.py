"""Expected detections -> what the submission caught, when, and how; false alarms.

An expected detection (scenario.json ``detections``) names scenario steps. A signal covers it when the
signal's records include a record of one of those steps (an alarm raised by the attack covers every step
whose records arrive while it stays in ALARM: one notification per episode, as CloudWatch sends). It is
*caught* when the covering signal also reached someone (an SNS topic with a subscriber, or a rule target).
Time to detect runs from the detection's first record to the signal (0 when the alarm was already raised
by an earlier step of the same attack). A false alarm is an ALARM transition, or a rule match, whose
triggering records are all benign.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from grader.grading.evaluate import Evaluation
from grader.grading.signals import Signal


def iso_ms(text: str | None) -> int | None:
    if not text:
        return None
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class DetectionOutcome:
    spec: dict[str, Any]
    first_ms: int | None
    fired: Signal | None = None  # earliest covering signal
    caught: Signal | None = None  # earliest covering signal that reached someone
    covering: list[Signal] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.spec["id"])

    @property
    def within_seconds(self) -> int | None:
        w = self.spec.get("within_seconds")
        return None if w is None else int(w)

    def seconds_to(self, signal: Signal | None) -> float | None:
        if signal is None or self.first_ms is None:
            return None
        return max(0, signal.time_ms - self.first_ms) / 1000

    def on_time(self, signal: Signal | None) -> bool:
        s = self.seconds_to(signal)
        return s is not None and (self.within_seconds is None or s <= self.within_seconds)

    def to_dict(self) -> dict[str, Any]:
        def sig(s: Signal | None) -> dict[str, Any] | None:
            if s is None:
                return None
            return {
                "kind": s.kind,
                "name": s.name,
                "time": iso(s.time_ms),
                "seconds_to_detect": self.seconds_to(s),
                "notified": s.delivery.delivered,
                "reached": list(s.delivery.reached),
            }

        return {
            "id": self.id,
            "description": self.spec.get("description", ""),
            "steps": list(self.spec.get("steps", [])),
            "first_record": self.spec.get("first_record"),
            "within_seconds": self.within_seconds,
            "detected": self.fired is not None,
            "notified": self.caught is not None,
            "on_time": self.on_time(self.caught or self.fired),
            "seconds_to_detect": self.seconds_to(self.caught or self.fired),
            "first_signal": sig(self.fired),
            "first_notification": sig(self.caught),
        }


def detection_outcomes(ev: Evaluation) -> list[DetectionOutcome]:
    scenario = ev.dataset.scenario_id
    signals = ev.signals
    out = []
    for spec in ev.dataset.detections:
        steps = set(spec.get("steps", []))
        o = DetectionOutcome(spec, iso_ms(spec.get("first_record")))
        o.covering = [s for s in signals if s.steps(scenario) & steps]
        o.fired = o.covering[0] if o.covering else None
        o.caught = next((s for s in o.covering if s.delivery.delivered), None)
        out.append(o)
    return out


@dataclass
class FalseAlarms:
    signals: list[Signal]

    @property
    def count(self) -> int:
        return len(self.signals)

    def by_source(self) -> dict[tuple[str, str], list[Signal]]:
        out: dict[tuple[str, str], list[Signal]] = {}
        for s in self.signals:
            out.setdefault((s.kind, s.name), []).append(s)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "by_source": [
                {
                    "kind": k,
                    "name": n,
                    "count": len(v),
                    "first": iso(v[0].time_ms),
                    "times": [iso(s.time_ms) for s in v[:20]],
                }
                for (k, n), v in sorted(self.by_source().items())
            ],
        }


def false_alarms(ev: Evaluation) -> FalseAlarms:
    scenario = ev.dataset.scenario_id
    return FalseAlarms([s for s in ev.signals if s.is_false_alarm(scenario)])
