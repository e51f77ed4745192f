"""Evaluate a metric alarm over a whole metric series and return its state timeline.

Two entry points:

* :func:`evaluate_alarm` — the series is one value per alarm period, oldest first (``None`` = no data), as the
  CLI takes it; the alarm is created at ``start`` (state INSUFFICIENT_DATA, reason
  ``Unchecked: Initial alarm creation``) and evaluated at the end of every period. Periods before the series
  are missing.
* :func:`evaluate_alarm_on_store` — the alarm watches a metric in a :class:`grader.metrics.MetricStore` and is
  evaluated the way CloudWatch schedules it: every minute for periods >= 60 s (windows slide by a minute, they
  are not aligned to multiples of the period), every 10 s for high-resolution periods, every hour for
  multi-day alarms (Period x N > 1 day).

Every evaluation fetches an evaluation range of R periods (default N + 2, see
:func:`grader.alarms.decide.default_evaluation_range`). A state change is a transition: it updates StateReason
and StateReasonData, writes a StateUpdate history item and runs the new state's actions when ActionsEnabled.
An evaluation that keeps the state changes nothing (StateReason stays that of the last transition), except that
Auto Scaling actions of the current state run again at every evaluation, as AWS documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from grader.alarms.decide import Decision, Point, decide, default_evaluation_range, min_samples_for_percentile
from grader.alarms.definition import MetricAlarm, parse_metric_alarm
from grader.alarms.formatting import iso_millis
from grader.alarms.notify import (
    action_history_item,
    config_history_item,
    describe_metric_alarm,
    sns_notification,
    state_history_item,
)
from grader.alarms.reason import state_reason, state_reason_data
from grader.metrics import MetricStore, PeriodDatapoint, to_epoch_seconds

__all__ = [
    "AlarmTimeline",
    "DEFAULT_START",
    "INITIAL_REASON",
    "TimelineEntry",
    "evaluate_alarm",
    "evaluate_alarm_on_store",
]

DEFAULT_START = "2024-01-01T00:00:00Z"
INITIAL_REASON = "Unchecked: Initial alarm creation"
STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")


@dataclass(frozen=True)
class TimelineEntry:
    """The alarm after one evaluation.

    ``index`` is the period index (series input) or tick number (store input); ``timestamp`` the evaluation
    time; ``value`` the newest period's value; ``state``/``reason``/``reason_data`` the alarm's StateValue,
    StateReason and StateReasonData after the evaluation; ``transition`` whether the state changed;
    ``outcome`` what the evaluation found (``threshold``, ``premature``, ``all_filled``, ``insufficient`` or
    a ``retain_*`` kind); ``actions`` the action ARNs run.
    """

    index: int
    timestamp: float
    period_start: float
    value: float | None
    previous_state: str
    state: str
    transition: bool
    outcome: str
    reason: str
    reason_data: dict[str, Any] | None
    actions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "timestamp": iso_millis(self.timestamp),
            "periodStart": iso_millis(self.period_start),
            "value": self.value,
            "previousState": self.previous_state,
            "state": self.state,
            "transition": self.transition,
            "outcome": self.outcome,
            "reason": self.reason,
            "reasonData": self.reason_data,
            "actions": list(self.actions),
        }


@dataclass
class AlarmTimeline:
    """Every evaluation of one alarm, plus its history items and the SNS notifications it sent."""

    alarm: MetricAlarm
    created: float
    entries: list[TimelineEntry] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.entries[-1].state if self.entries else "INSUFFICIENT_DATA"

    @property
    def reason(self) -> str:
        return self.entries[-1].reason if self.entries else INITIAL_REASON

    @property
    def reason_data(self) -> dict[str, Any] | None:
        return self.entries[-1].reason_data if self.entries else None

    @property
    def transitions(self) -> list[TimelineEntry]:
        return [e for e in self.entries if e.transition]

    def state_at(self, when: float) -> str:
        """The state at epoch second ``when`` (after evaluations at or before it)."""
        state = "INSUFFICIENT_DATA"
        for e in self.entries:
            if e.timestamp > when:
                break
            state = e.state
        return state

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "reason": self.reason, "timeline": [e.to_dict() for e in self.entries]}

    def describe(self) -> dict[str, Any]:
        """The alarm as DescribeAlarms would list it after the last evaluation."""
        changes = self.transitions
        since = changes[-1].timestamp if changes else self.created
        return describe_metric_alarm(
            self.alarm, self.state, self.reason, self.reason_data, self.created, since
        )


class _Runner:
    """Holds the alarm's state between evaluations and records transitions."""

    def __init__(self, alarm: MetricAlarm, created: float, initial_state: str) -> None:
        self.alarm = alarm
        self.timeline = AlarmTimeline(alarm, created)
        self.state = initial_state
        self.reason = INITIAL_REASON
        self.reason_data: dict[str, Any] | None = None
        self.n_range = 0
        self.timeline.history.append(config_history_item(alarm, created))
        spec = alarm.stat_spec
        low = alarm.evaluate_low_sample_count_percentile == "ignore" and spec.is_percentile
        self.min_samples = min_samples_for_percentile(spec.low or 0.0) if low else 0.0

    def _actions_of(self, state: str) -> tuple[str, ...]:
        a = self.alarm
        return {"ALARM": a.alarm_actions, "OK": a.ok_actions}.get(state, a.insufficient_data_actions)

    def step(self, index: int, when: float, points: Sequence[Point]) -> None:
        a = self.alarm
        d: Decision = decide(
            points,
            evaluation_periods=a.evaluation_periods,
            datapoints_to_alarm=a.m,
            comparison_operator=a.comparison_operator,
            threshold=a.threshold,
            treat_missing_data=a.effective_treat_missing_data,
            min_samples=self.min_samples,
        )
        previous = self.state
        actions: tuple[str, ...] = ()
        if d.state is not None and d.state != previous:
            old_reason, old_data = self.reason, self.reason_data
            self.state = d.state
            self.reason = state_reason(a, d)
            self.reason_data = state_reason_data(a, d, when)
            self.timeline.history.append(
                state_history_item(
                    a, when, previous, old_reason, old_data, d.state, self.reason, self.reason_data
                )
            )
            if a.actions_enabled:
                actions = self._actions_of(d.state)
        elif a.actions_enabled:
            # "Auto Scaling actions are re-invoked once per minute while the alarm stays in the state" [DOC].
            actions = tuple(
                arn for arn in self._actions_of(self.state) if arn.startswith("arn:aws:autoscaling:")
            )
        for arn in actions:
            message = sns_notification(a, when, previous, self.state, self.reason, self.timeline.created)
            self.timeline.history.append(action_history_item(a, when, arn, message))
            if arn.startswith("arn:aws:sns:"):
                self.timeline.notifications.append({"TopicArn": arn, **message})
        last = points[-1]
        self.timeline.entries.append(
            TimelineEntry(
                index,
                when,
                last.start,
                last.value,
                previous,
                self.state,
                self.state != previous,
                d.kind,
                self.reason,
                self.reason_data,
                actions,
            )
        )


def _as_point(item: Any, start: float) -> Point:
    if item is None:
        return Point(start, None)
    if isinstance(item, PeriodDatapoint):
        return Point(start, item.value, item.sample_count if item.value is not None else None)
    if isinstance(item, Mapping):
        value = item.get("value")
        count = item.get("sampleCount")
        return Point(start, None if value is None else float(value), None if count is None else int(count))
    if isinstance(item, bool) or not isinstance(item, int | float):
        raise TypeError(f"datapoint must be a number, null or {{value, sampleCount}}, got {item!r}")
    return Point(start, float(item))


def _alarm(alarm: MetricAlarm | Mapping[str, Any]) -> MetricAlarm:
    return alarm if isinstance(alarm, MetricAlarm) else parse_metric_alarm(alarm)


def evaluate_alarm(
    alarm: MetricAlarm | Mapping[str, Any],
    series: Sequence[float | None | PeriodDatapoint | Mapping[str, Any]],
    *,
    start: datetime | float | str = DEFAULT_START,
    initial_state: str = "INSUFFICIENT_DATA",
    evaluation_range: int | None = None,
) -> AlarmTimeline:
    """Evaluate ``alarm`` (a :class:`MetricAlarm` or a PutMetricAlarm dict) at the end of every period of
    ``series`` (values oldest first; ``None`` = missing; a ``{"value", "sampleCount"}`` mapping or a
    :class:`PeriodDatapoint` carries the sample count)."""
    a = _alarm(alarm)
    if initial_state not in STATES:
        raise ValueError(f"initial_state must be one of {', '.join(STATES)}, got {initial_state!r}")
    t0 = to_epoch_seconds(start)
    r = _range(a, evaluation_range)
    points = [_as_point(item, t0 + i * a.period) for i, item in enumerate(series)]
    runner = _Runner(a, t0, initial_state)
    for i in range(len(points)):
        window = [points[j] if j >= 0 else Point(t0 + j * a.period, None) for j in range(i - r + 1, i + 1)]
        runner.step(i, t0 + (i + 1) * a.period, window)
    return runner.timeline


def _range(alarm: MetricAlarm, evaluation_range: int | None) -> int:
    if evaluation_range is None:
        return default_evaluation_range(alarm.evaluation_periods)
    if evaluation_range < alarm.evaluation_periods:
        raise ValueError(
            f"evaluation range {evaluation_range} is shorter than EvaluationPeriods ({alarm.evaluation_periods}); "
            "CloudWatch always fetches at least EvaluationPeriods periods"
        )
    return evaluation_range


def _tick(alarm: MetricAlarm) -> int:
    if alarm.period < 60:
        return 10
    if alarm.period * alarm.evaluation_periods > 86_400:
        return 3600
    return 60


def evaluate_alarm_on_store(
    alarm: MetricAlarm | Mapping[str, Any],
    store: MetricStore,
    start: datetime | float | str,
    end: datetime | float | str,
    *,
    initial_state: str = "INSUFFICIENT_DATA",
    evaluation_range: int | None = None,
) -> AlarmTimeline:
    """Create ``alarm`` at ``start`` and evaluate it on CloudWatch's schedule until ``end`` over the metric
    it names (Namespace, MetricName, Dimensions, Unit) in ``store``."""
    a = _alarm(alarm)
    t0, t1 = to_epoch_seconds(start), to_epoch_seconds(end)
    tick = _tick(a)
    r = _range(a, evaluation_range)
    spec = a.stat_spec
    runner = _Runner(a, t0, initial_state)
    when = (t0 // tick + 1) * tick
    index = 0
    while when <= t1:
        got = store.period_datapoints(a.metric_key, spec, a.period, when - r * a.period, when, a.unit)
        window = [Point(p.timestamp, p.value, p.sample_count if p.value is not None else None) for p in got]
        runner.step(index, when, window)
        index += 1
        when += tick
    return runner.timeline


def reason_data_string(reason_data: dict[str, Any] | None) -> str | None:
    """StateReasonData as the API returns it: a compact JSON string."""
    return None if reason_data is None else orjson.dumps(reason_data).decode()
