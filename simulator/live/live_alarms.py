"""One learner alarm evaluated live: our alarm engine's rules, the state written back into moto.

Each evaluation does what ``grader.alarms.timeline`` does for a whole series, one tick at a time: fetch the
evaluation range (N + 2 periods ending at the tick, from the metric store), ``decide``, and on a state change
set StateValue/StateReason/StateReasonData/StateUpdatedTimestamp on moto's alarm, write the StateUpdate and
Action history items and return the SNS notifications of the new state's actions (when ActionsEnabled).
A new alarm starts in INSUFFICIENT_DATA with ``Unchecked: Initial alarm creation`` (moto starts it in OK);
PutMetricAlarm on an existing alarm keeps its state, as AWS documents ("When you update an existing alarm,
its state is left unchanged").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import orjson
from moto.cloudwatch.models import Alarm

from grader.alarms import (
    INITIAL_REASON,
    AlarmValidationError,
    MetricAlarm,
    Point,
    decide,
    default_evaluation_range,
    min_samples_for_percentile,
    parse_metric_alarm,
    sns_notification,
    state_reason,
    state_reason_data,
)
from grader.alarms.notify import action_history_item, config_history_item, state_history_item
from grader.metrics import MetricStore


def alarm_request(alarm: Alarm) -> dict[str, Any]:
    """The PutMetricAlarm request a moto alarm was created with (members that were set)."""
    req: dict[str, Any] = {"AlarmName": alarm.name}
    pairs = (
        ("AlarmDescription", alarm.description),
        ("ActionsEnabled", alarm.actions_enabled),
        ("OKActions", list(alarm.ok_actions or [])),
        ("AlarmActions", list(alarm.alarm_actions or [])),
        ("InsufficientDataActions", list(alarm.insufficient_data_actions or [])),
        ("MetricName", alarm.metric_name),
        ("Namespace", alarm.namespace),
        ("Statistic", alarm.statistic),
        ("ExtendedStatistic", alarm.extended_statistic),
        ("Dimensions", [{"Name": d.name, "Value": d.value} for d in alarm.dimensions]),
        ("Period", int(alarm.period) if alarm.period is not None else None),
        ("Unit", alarm.unit),
        (
            "EvaluationPeriods",
            int(alarm.evaluation_periods) if alarm.evaluation_periods is not None else None,
        ),
        ("DatapointsToAlarm", int(alarm.datapoints_to_alarm) if alarm.datapoints_to_alarm else None),
        ("Threshold", float(alarm.threshold) if alarm.threshold is not None else None),
        ("ComparisonOperator", alarm.comparison_operator),
        ("TreatMissingData", alarm.treat_missing_data),
        ("EvaluateLowSampleCountPercentile", alarm.evaluate_low_sample_count_percentile),
    )
    for key, value in pairs:
        if value is not None:
            req[key] = value
    return req


def _utc(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


@dataclass
class LiveAlarm:
    """The engine-side state of one moto alarm."""

    account: str
    region: str
    moto_alarm: Alarm
    alarm: MetricAlarm
    created: float
    state: str = "INSUFFICIENT_DATA"
    reason: str = INITIAL_REASON
    reason_data: dict[str, Any] | None = None
    last_evaluated: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def adopt(
        cls, account: str, region: str, moto_alarm: Alarm, now: float, previous: LiveAlarm | None
    ) -> LiveAlarm | None:
        """Start tracking a moto alarm (None when our engine cannot evaluate it, e.g. metric math)."""
        if moto_alarm.rule is not None or not moto_alarm.metric_name:
            return None
        try:
            parsed = parse_metric_alarm(alarm_request(moto_alarm), region=region, account_id=account)
        except (AlarmValidationError, KeyError, TypeError, ValueError):
            return None
        live = cls(account, region, moto_alarm, parsed, now)
        if previous is not None:  # an update keeps the state
            live.state, live.reason, live.reason_data = previous.state, previous.reason, previous.reason_data
            live.last_evaluated = previous.last_evaluated
        elif getattr(moto_alarm, "_trailwatch_restored", False):  # persisted state, see persistence
            live.state, live.reason = moto_alarm.state_value, moto_alarm.state_reason
            live.reason_data = (
                orjson.loads(moto_alarm.state_reason_data) if moto_alarm.state_reason_data else None
            )
        else:
            live.history.append(config_history_item(parsed, now))
        live.write_state(now if previous is None else None)
        return live

    def write_state(self, transitioned: float | None) -> None:
        a = self.moto_alarm
        a.state_value = self.state
        a.state_reason = self.reason
        a.state_reason_data = None if self.reason_data is None else orjson.dumps(self.reason_data).decode()
        if transitioned is not None:
            a.state_updated_timestamp = _utc(transitioned)
            a.state_transitioned_timestamp = _utc(transitioned)

    def set_externally(self, when: float, previous: str) -> list[dict[str, Any]]:
        """SetAlarmState changed moto's alarm: record the change and run the new state's actions when it
        differs from the previous state ("the action configured for the appropriate state is invoked",
        https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html)."""
        a = self.moto_alarm
        old_reason, old_data = self.reason, self.reason_data
        self.state, self.reason = a.state_value, a.state_reason
        self.reason_data = orjson.loads(a.state_reason_data) if a.state_reason_data else None
        if self.state == previous:
            return []
        self.history.append(
            state_history_item(
                self.alarm,
                when,
                previous,
                old_reason,
                old_data,
                self.state,
                self.reason,
                self.reason_data or {},
            )
        )
        a.state_transitioned_timestamp = a.state_updated_timestamp = _utc(when)
        return self._actions(when, previous)

    def sync_external(self) -> None:
        """Adopt a state set through SetAlarmState since the last evaluation (AWS evaluates from it)."""
        a = self.moto_alarm
        if a.state_value != self.state:
            self.state, self.reason = a.state_value, a.state_reason
            self.reason_data = orjson.loads(a.state_reason_data) if a.state_reason_data else None

    def evaluate(self, when: float, store: MetricStore) -> list[dict[str, Any]]:
        """One evaluation at epoch second ``when``; returns the SNS publishes (``TopicArn``, Subject, Message)."""
        self.sync_external()
        a = self.alarm
        r = default_evaluation_range(a.evaluation_periods)
        got = store.period_datapoints(a.metric_key, a.stat_spec, a.period, when - r * a.period, when, a.unit)
        points = [Point(p.timestamp, p.value, p.sample_count if p.value is not None else None) for p in got]
        spec = a.stat_spec
        low = a.evaluate_low_sample_count_percentile == "ignore" and spec.is_percentile
        d = decide(
            points,
            evaluation_periods=a.evaluation_periods,
            datapoints_to_alarm=a.m,
            comparison_operator=a.comparison_operator,
            threshold=a.threshold,
            treat_missing_data=a.effective_treat_missing_data,
            min_samples=min_samples_for_percentile(spec.low or 0.0) if low else 0.0,
        )
        self.last_evaluated = when
        if d.state is None or d.state == self.state:
            return []
        previous, old_reason, old_data = self.state, self.reason, self.reason_data
        self.state = d.state
        self.reason = state_reason(a, d)
        self.reason_data = state_reason_data(a, d, when)
        self.history.append(
            state_history_item(
                a, when, previous, old_reason, old_data, self.state, self.reason, self.reason_data
            )
        )
        self.write_state(when)
        return self._actions(when, previous)

    def _actions(self, when: float, previous: str) -> list[dict[str, Any]]:
        a = self.alarm
        if not self.moto_alarm.actions_enabled:
            return []
        actions = {"ALARM": a.alarm_actions, "OK": a.ok_actions}.get(self.state, a.insufficient_data_actions)
        publishes = []
        for arn in actions:
            message = sns_notification(a, when, previous, self.state, self.reason, self.created)
            self.history.append(action_history_item(a, when, arn, message))
            if arn.startswith("arn:aws:sns:"):
                publishes.append(
                    {"TopicArn": arn, "Subject": message["Subject"], "Message": message["Message"]}
                )
        return publishes

    def take_history(self) -> list[dict[str, Any]]:
        items, self.history = self.history, []
        return items
