"""Replay a dataset through a submission: metric filters -> metrics -> alarms -> SNS, and EventBridge rules.

* Every metric filter runs over every event of its log group (``PatternSet`` shares the parse); its
  datapoints go into one ``MetricStore`` (the per-minute aggregation of ``grader.metrics``).
* Every alarm is created at the dataset's start and evaluated on CloudWatch's schedule until the end
  (plus its evaluation window, so an attack in the last minutes is still evaluated). Each transition to
  ALARM is a *signal*; the records it is attributed to are the filter matches inside the periods the
  decision used (from StateReasonData ``startDate``, at least ``[T - EvaluationPeriods x Period, T)``).
* Every rule receives every CloudTrail event the way EventBridge delivers it (``cloudtrail_to_eventbridge``,
  ``delivered_to_rule`` for its State); each matched event is a signal at the event's time.

Scope decision (docs/grading.md): the submission is one deployment that sees all of the dataset's accounts
and regions, as an organisation's central security account does — metrics of filters on any account's
log group and events of every account and region reach the submission's alarms and rules, which is what
the scenarios' reference solutions assume (a filter on the dev trail's group alarming to one topic, a rule
for launches outside the home regions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.alarms import (
    AlarmTimeline,
    AlarmValidationError,
    MetricAlarm,
    evaluate_alarm_on_store,
    parse_metric_alarm,
)
from grader.filterpattern import AwsError, LogEvent, MetricFilter, PatternSet, compile_pattern
from grader.grading.dataset import Dataset, GroupEvents, Label
from grader.grading.rules import RuleRun, run_rules
from grader.grading.signals import Rejected, Signal
from grader.grading.submission import Item, Submission
from grader.grading.wiring import Delivery, Topic, build_topics, sns_delivery
from grader.metrics import MetricStore, publish_metric_filter

MAX_TAIL_SECONDS = 3600


@dataclass
class FilterRun:
    item: Item
    mf: MetricFilter
    group: GroupEvents
    matched: np.ndarray  # indices into group.events
    minutes: np.ndarray  # minute start (ms) of each match
    labels: list[Label | None]

    @property
    def benign(self) -> int:
        return sum(1 for lab in self.labels if lab is None)


@dataclass
class AlarmRun:
    item: Item
    alarm: MetricAlarm
    timeline: AlarmTimeline
    filters: list[FilterRun]
    signals: list[Signal]
    delivery: Delivery


@dataclass
class Evaluation:
    dataset: Dataset
    submission: Submission
    account: str
    region: str
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    filters: list[FilterRun] = field(default_factory=list)
    alarms: list[AlarmRun] = field(default_factory=list)
    rules: list[RuleRun] = field(default_factory=list)
    topics: dict[str, Topic] = field(default_factory=dict)
    store: MetricStore = field(default_factory=MetricStore)

    @property
    def signals(self) -> list[Signal]:
        out = [s for a in self.alarms for s in a.signals] + [s for r in self.rules for s in r.signals]
        return sorted(out, key=lambda s: (s.time_ms, s.kind, s.name))


class _KnownMatches:
    """Emit for the events already known to match; the default datapoint for the rest."""

    def __init__(self, mf: MetricFilter, matched: set[int]) -> None:
        self.mf, self.matched = mf, matched

    def evaluate(self, event: LogEvent) -> list[Any]:
        if id(event) in self.matched:
            return self.mf.emit(event)
        d = self.mf.default_emission(event)
        return [] if d is None else [d]


def _metric_filters(ev: Evaluation) -> None:
    ds = ev.dataset
    by_group: dict[str, list[tuple[Item, MetricFilter]]] = {}
    for item in ev.submission.of("metric_filters"):
        group = str(item.body["logGroupName"])
        if group not in ds.log_groups:
            real = ", ".join(ds.log_groups)
            ev.rejected.append(
                Rejected(
                    item,
                    "logGroupName",
                    f"log group {group!r} does not exist in this dataset "
                    f"(ResourceNotFoundException); the log groups are: {real}",
                )
            )
            continue
        try:
            compile_pattern(item.body["filterPattern"], api="PutMetricFilter")
        except AwsError as e:
            ev.rejected.append(Rejected(item, "filterPattern", f"{e.code}: {e.message}"))
            continue
        except (TypeError, AttributeError) as e:
            ev.rejected.append(Rejected(item, "filterPattern", f"must be text ({e})"))
            continue
        try:
            mf = MetricFilter(item.body["filterPattern"], item.body["metricTransformations"])
        except AwsError as e:
            ev.rejected.append(Rejected(item, "metricTransformations", f"{e.code}: {e.message}"))
            continue
        except (TypeError, AttributeError) as e:
            ev.rejected.append(Rejected(item, "filterPattern", f"not a valid request member ({e})"))
            continue
        by_group.setdefault(group, []).append((item, mf))
    for group_name, pairs in by_group.items():
        group = ds.group(group_name)
        pset = PatternSet([mf.pattern for _, mf in pairs])
        hits: list[list[int]] = [[] for _ in pairs]
        for idx, event in enumerate(group.events):
            for k in pset.matching(event):
                hits[k].append(idx)
        for (item, mf), idxs in zip(pairs, hits, strict=True):
            matched = np.asarray(idxs, dtype=np.int64)
            ts = np.asarray([group.events[i].timestamp for i in idxs], dtype=np.int64)
            run = FilterRun(
                item, mf, group, matched, (ts // 60_000) * 60_000, [ds.label_of(group, i) for i in idxs]
            )
            ev.filters.append(run)
            known = _KnownMatches(mf, {id(group.events[i]) for i in idxs})
            events = group.events if mf.default is not None else [group.events[i] for i in idxs]
            publish_metric_filter(ev.store, known, events)


def _decision_start_ms(reason_data: dict[str, Any] | None, default: int) -> int:
    """Start of the oldest datapoint the ALARM decision used (StateReasonData ``startDate``): when the newest
    periods are missing CloudWatch decides on older datapoints of the evaluation range, so the records that
    caused a transition can lie before ``T - EvaluationPeriods x Period``."""
    text = (reason_data or {}).get("startDate")
    if not isinstance(text, str):
        return default
    return min(default, int(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000))


def _alarms(ev: Evaluation) -> None:
    ds = ev.dataset
    start, end = ds.start_ms / 1000, ds.end_ms / 1000
    for item in ev.submission.of("alarms"):
        if "Metrics" in item.body:
            ev.rejected.append(
                Rejected(
                    item,
                    "Metrics",
                    "metric math alarms are not graded; watch the filter's "
                    "metric with MetricName/Namespace/Statistic",
                )
            )
            continue
        try:
            alarm = parse_metric_alarm(item.body, region=ev.region, account_id=ev.account)
        except AlarmValidationError as e:
            ev.rejected.append(Rejected(item, e.field or "", f"{e.code}: {e.message}"))
            continue
        except (TypeError, ValueError, KeyError) as e:
            ev.rejected.append(Rejected(item, "", f"PutMetricAlarm would reject this request ({e})"))
            continue
        tail = min(alarm.period * alarm.evaluation_periods, MAX_TAIL_SECONDS)
        timeline = evaluate_alarm_on_store(alarm, ev.store, start, end + tail)
        linked = [
            f for f in ev.filters if (f.mf.namespace, f.mf.name) == (alarm.namespace, alarm.metric_name)
        ]
        if not alarm.actions_enabled:
            delivery = Delivery(False, "ActionsEnabled is false: the alarm changes state but runs no actions")
        elif not alarm.alarm_actions:
            delivery = Delivery(False, "the alarm has no AlarmActions: nobody is notified when it fires")
        else:
            delivery = sns_delivery(alarm.alarm_actions, ev.topics, other_targets_deliver=False)
        signals = []
        window = alarm.period * alarm.evaluation_periods * 1000
        transitions = timeline.transitions
        final_ms = int(timeline.entries[-1].timestamp * 1000) if timeline.entries else int(end * 1000)
        for k, entry in enumerate(transitions):
            if entry.state != "ALARM":
                continue
            t_ms = int(entry.timestamp * 1000)
            until = int(transitions[k + 1].timestamp * 1000) if k + 1 < len(transitions) else final_ms
            start_ms = _decision_start_ms(entry.reason_data, t_ms - window)
            trigger: list[Label | None] = []
            episode: list[Label | None] = []
            for f in linked:
                lo, mid, hi = np.searchsorted(f.minutes, [start_ms, t_ms, until], side="left")
                trigger.extend(f.labels[lo:mid])
                episode.extend(f.labels[lo:hi])
            signals.append(Signal("alarm", alarm.alarm_name, t_ms, trigger, delivery, episode, until))
        ev.alarms.append(AlarmRun(item, alarm, timeline, linked, signals, delivery))


def evaluate(dataset: Dataset, submission: Submission) -> Evaluation:
    """Run the whole dataset through a (placeholder-resolved) submission."""
    account = submission.account_id or dataset.home_account
    region = submission.region or dataset.region
    ev = Evaluation(dataset, submission, account, region)
    ev.topics, problems = build_topics(submission, region, account)
    ev.problems.extend(problems)
    _metric_filters(ev)
    _alarms(ev)
    run_rules(ev)
    return ev
