"""CloudWatch metric and composite alarms, evaluated offline with AWS's semantics.

Public API (everything the grader and the live monitor call):

* :func:`evaluate_alarm(alarm, series, *, start=..., initial_state="INSUFFICIENT_DATA", evaluation_range=None)
  -> AlarmTimeline` — ``alarm`` is a PutMetricAlarm request dict (or a parsed :class:`MetricAlarm`),
  ``series`` one value per period, oldest first, ``None`` for a period without data. The alarm is created at
  ``start`` and evaluated at the end of every period.
* :func:`evaluate_alarm_on_store(alarm, store, start, end) -> AlarmTimeline` — the same alarm watching a
  :class:`grader.metrics.MetricStore`, evaluated on CloudWatch's schedule (every minute, sliding windows).
* :class:`AlarmTimeline` — ``state``, ``reason``, ``reason_data``, ``entries`` (:class:`TimelineEntry` per
  evaluation), ``transitions``, ``history`` (DescribeAlarmHistory items), ``notifications`` (SNS publishes),
  ``state_at(t)``, ``to_dict()`` (the CLI's JSON), ``describe()`` (the DescribeAlarms view).
* :func:`parse_metric_alarm(request) -> MetricAlarm` — validation with AWS's error codes and wording
  (:class:`AlarmValidationError` with ``code``, ``message``, ``field``).
* :func:`decide` — one evaluation over an evaluation range of :class:`Point` s (the core rule set).
* :func:`state_reason`, :func:`state_reason_data` — StateReason text and StateReasonData.
* :func:`sns_notification`, :func:`sns_subject` — what an SNS alarm action publishes.
* Composite alarms: :func:`parse_alarm_rule(rule) -> AlarmRule` (``evaluate(states)``, ``children``),
  :func:`evaluate_composite_alarm(request, children) -> CompositeTimeline`.
"""

from grader.alarms.alarmrule import AlarmRule, parse_alarm_rule
from grader.alarms.composite import CompositeTimeline, evaluate_composite_alarm
from grader.alarms.decide import Decision, Point, decide, default_evaluation_range, min_samples_for_percentile
from grader.alarms.definition import MetricAlarm, parse_metric_alarm, put_metric_alarm_request
from grader.alarms.errors import AlarmValidationError
from grader.alarms.formatting import java_double
from grader.alarms.notify import sns_notification, sns_subject
from grader.alarms.reason import state_reason, state_reason_data
from grader.alarms.timeline import (
    INITIAL_REASON,
    AlarmTimeline,
    TimelineEntry,
    evaluate_alarm,
    evaluate_alarm_on_store,
)

__all__ = [
    "INITIAL_REASON",
    "AlarmRule",
    "AlarmTimeline",
    "AlarmValidationError",
    "CompositeTimeline",
    "Decision",
    "MetricAlarm",
    "Point",
    "TimelineEntry",
    "decide",
    "default_evaluation_range",
    "evaluate_alarm",
    "evaluate_alarm_on_store",
    "evaluate_composite_alarm",
    "java_double",
    "min_samples_for_percentile",
    "parse_alarm_rule",
    "parse_metric_alarm",
    "put_metric_alarm_request",
    "sns_notification",
    "sns_subject",
    "state_reason",
    "state_reason_data",
]
