"""Composite alarms: the composite's state over its children's timelines.

State: the AlarmRule (:mod:`grader.alarms.alarmrule`) evaluating TRUE puts the composite in ALARM, FALSE in
OK; INSUFFICIENT_DATA only between creation and the first evaluation, which happens at creation ("For a
composite alarm, this initial time after creation is the only time that the alarm can be in
INSUFFICIENT_DATA state", PutCompositeAlarm API reference). The composite is re-evaluated on every child state
change and transitions only when the rule's value changes; its reason names the child:
``arn:...:alarm:child transitioned to ALARM at Friday 22 July, 2022 15:57:45 UTC`` with reason data
``{"triggeringAlarms":[{"arn":...,"state":{"value":"ALARM","timestamp":...}}]}`` (AWS EventBridge sample).
The creation evaluation's reason is ``<composite arn> was updated and its new alarm rule evaluates to OK``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from grader.alarms.alarmrule import AlarmRule, parse_alarm_rule
from grader.alarms.errors import AlarmValidationError, ConstraintViolation, coral_message
from grader.alarms.formatting import iso_millis, long_utc
from grader.alarms.timeline import AlarmTimeline
from grader.metrics import to_epoch_seconds

__all__ = ["CompositeEntry", "CompositeTimeline", "evaluate_composite_alarm"]


@dataclass(frozen=True)
class CompositeEntry:
    timestamp: float
    state: str
    previous_state: str
    transition: bool
    reason: str
    reason_data: dict[str, Any]
    actions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "timestamp": iso_millis(self.timestamp),
            "previousState": self.previous_state,
            "state": self.state,
            "transition": self.transition,
            "reason": self.reason,
            "reasonData": self.reason_data,
            "actions": list(self.actions),
        }


@dataclass
class CompositeTimeline:
    name: str
    arn: str
    rule: AlarmRule
    entries: list[CompositeEntry] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.entries[-1].state if self.entries else "INSUFFICIENT_DATA"

    @property
    def reason(self) -> str:
        return self.entries[-1].reason if self.entries else "Unchecked: Initial alarm creation"

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "reason": self.reason, "timeline": [e.to_dict() for e in self.entries]}


def _changes(child: AlarmTimeline | Sequence[tuple[Any, str]]) -> list[tuple[float, str]]:
    if isinstance(child, AlarmTimeline):
        return [(e.timestamp, e.state) for e in child.transitions]
    return [(to_epoch_seconds(t), s) for t, s in child]


def evaluate_composite_alarm(
    request: Mapping[str, Any],
    children: Mapping[str, AlarmTimeline | Sequence[tuple[Any, str]]],
    *,
    created: Any = None,
    region: str = "us-east-1",
    account_id: str = "111111111111",
) -> CompositeTimeline:
    """Evaluate a PutCompositeAlarm request (AlarmName, AlarmRule, actions) over its children's state changes.

    ``children`` maps child alarm name -> its :class:`AlarmTimeline` or a list of ``(timestamp, new_state)``
    transitions; a child starts in INSUFFICIENT_DATA. ``created`` defaults to the earliest change (or 0).
    """
    name = request.get("AlarmName")
    if not isinstance(name, str) or not name:
        raise AlarmValidationError(
            "ValidationError",
            coral_message([ConstraintViolation("alarmName", None, "Member must not be null")]),
            "AlarmName",
        )
    rule = parse_alarm_rule(request.get("AlarmRule"))  # type: ignore[arg-type]
    for member in ("AlarmActions", "OKActions", "InsufficientDataActions"):
        for arn in request.get(member, ()):
            if str(arn).startswith(("arn:aws:autoscaling:", "arn:aws:automate:", "arn:aws:swf:")):
                # Composite alarms "can't perform EC2 actions or Auto Scaling actions" [DOC]; our wording.
                raise AlarmValidationError(
                    "ValidationError",
                    f"Composite alarms cannot perform EC2 or Auto Scaling actions: {arn}",
                    member,
                )
    arn_prefix = f"arn:aws:cloudwatch:{region}:{account_id}:alarm:"
    events = sorted(
        (
            (t, order, child, state)
            for order, (child, tl) in enumerate(children.items())
            for t, state in _changes(tl)
        ),
        key=lambda e: (e[0], e[1]),
    )
    t0 = to_epoch_seconds(created) if created is not None else (events[0][0] if events else 0.0)
    timeline = CompositeTimeline(name, arn_prefix + name, rule)
    states: dict[str, str] = {c: "INSUFFICIENT_DATA" for c in rule.children}
    enabled = request.get("ActionsEnabled", True)
    actions_by_state = {
        "ALARM": tuple(request.get("AlarmActions", ())),
        "OK": tuple(request.get("OKActions", ())),
        "INSUFFICIENT_DATA": tuple(request.get("InsufficientDataActions", ())),
    }
    current, reason_now = "INSUFFICIENT_DATA", "Unchecked: Initial alarm creation"

    def record(when: float, new: str, reason: str, data: dict[str, Any]) -> None:
        nonlocal current, reason_now
        acts = actions_by_state[new] if enabled else ()
        timeline.entries.append(CompositeEntry(when, new, current, True, reason, data, acts))
        timeline.history.append(
            {
                "AlarmName": name,
                "AlarmType": "CompositeAlarm",
                "Timestamp": iso_millis(when),
                "HistoryItemType": "StateUpdate",
                "HistorySummary": f"Alarm updated from {current} to {new}",
                "HistoryData": orjson.dumps(
                    {
                        "version": "1.0",
                        "oldState": {"stateValue": current, "stateReason": reason_now},
                        "newState": {"stateValue": new, "stateReason": reason, "stateReasonData": data},
                    }
                ).decode(),
            }
        )
        for arn in acts:
            timeline.history.append(
                {
                    "AlarmName": name,
                    "AlarmType": "CompositeAlarm",
                    "Timestamp": iso_millis(when),
                    "HistoryItemType": "Action",
                    "HistorySummary": f"Successfully executed action {arn}",
                    "HistoryData": orjson.dumps(
                        {"actionState": "Succeeded", "notificationResource": arn}
                    ).decode(),
                }
            )
        current, reason_now = new, reason

    since = dict.fromkeys(rule.children, t0)
    pending = [e for e in events if e[0] <= t0]
    for _, _, child, state in pending:
        if child in states:
            states[child] = state
    first = "ALARM" if rule.evaluate(states) else "OK"
    trig = [
        {"arn": arn_prefix + c, "state": {"value": states[c], "timestamp": iso_millis(since[c])}}
        for c in rule.true_children(states)
    ]
    record(
        t0,
        first,
        f"{arn_prefix}{name} was updated and its new alarm rule evaluates to {first}",
        {"triggeringAlarms": trig},
    )
    for when, _, child, state in events[len(pending) :]:
        if child not in states:
            continue
        states[child] = state
        since[child] = when
        new = "ALARM" if rule.evaluate(states) else "OK"
        if new == current:
            continue
        data = {
            "triggeringAlarms": [
                {"arn": arn_prefix + child, "state": {"value": state, "timestamp": iso_millis(when)}}
            ]
        }
        record(when, new, f"{arn_prefix}{child} transitioned to {state} at {long_utc(when)}", data)
    return timeline
