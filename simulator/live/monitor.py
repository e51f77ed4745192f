"""The live alarm monitor of the embedded backend: metric filters → metrics → alarms → SNS, as CloudWatch does.

- Every log-event batch stored in moto (hooks.on_log_events) goes through the learner's metric filters on
  that log group (metric_filters.FilterCache); the datapoints are published with PutMetricData semantics into
  moto's CloudWatch backend (so GetMetricStatistics/ListMetrics show them).
- Every PutMetricData (ours and the learner's) is mirrored into a ``grader.metrics.MetricStore`` per account
  and region, which the alarm engine reads.
- A monitor thread evaluates every metric alarm in moto once per clock minute (CloudWatch's schedule for
  periods >= 60 s; 10 s for high-resolution periods), sets its state in moto, records history
  (alarm_history.AlarmHistoryStore, served as DescribeAlarmHistory) and publishes AWS's alarm notification
  to the SNS topics among the new state's actions through moto's SNS, so SQS/HTTP subscribers and the inbox
  receive it. Publishing is in-process: no CloudTrail record, as AWS's own alarm actions leave none in the
  learner's trail.

The clock is injectable (clock.py): tests use a manual or scaled clock; ``evaluate_due()`` runs the
evaluations that are due synchronously.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.sns.models import sns_backends

from grader.metrics import MetricStore
from simulator.live.alarm_history import AlarmHistoryStore, install_describe_alarm_history
from simulator.live.clock import Clock, SystemClock
from simulator.live.hooks import on_alarm_put, on_alarm_state_set, on_log_events, on_metric_data
from simulator.live.live_alarms import LiveAlarm
from simulator.live.metric_filters import FilterCache, minute_samples

log = logging.getLogger(__name__)


def _epoch(value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return float(value)


class LiveMonitor:
    """Applies metric filters to ingested events and evaluates alarms on the clock's minutes."""

    def __init__(self, clock: Clock | None = None, history: AlarmHistoryStore | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.history = history or AlarmHistoryStore()
        self.filters = FilterCache()
        self._stores: dict[tuple[str, str], MetricStore] = {}
        self._alarms: dict[tuple[str, str, str], LiveAlarm] = {}
        self._lock = threading.RLock()  # alarms and stores (ingestion takes it too)
        self._eval_lock = threading.Lock()  # one evaluation round at a time, publishing included
        self._cond = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self._unhook: list[Callable[[], None]] = []
        self._next_tick: float | None = None
        # the latest SNS publishes the monitor made (TopicArn, Subject, Message)
        self.published: deque[dict[str, Any]] = deque(maxlen=1000)
        self.events_seen = 0
        self.datapoints = 0
        self.evaluations = 0

    # -- life cycle -------------------------------------------------------------------------------------
    def start(self) -> LiveMonitor:
        if self._thread is not None:
            return self
        install_describe_alarm_history(self.history)
        self._unhook = [
            on_metric_data(self._on_metric_data),
            on_log_events(self._on_log_events),
            on_alarm_put(self._on_alarm_put),
            on_alarm_state_set(self._on_alarm_state_set),
        ]
        self._stop = False
        self._next_tick = (self.clock.now() // 60 + 1) * 60
        self._thread = threading.Thread(target=self._run, name="live-monitor", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        for unhook in self._unhook:
            unhook()
        self._unhook = []
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> LiveMonitor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stop:
                    return
                assert self._next_tick is not None
                if self.clock.now() < self._next_tick:
                    self.clock.wait_until(self._cond, self._next_tick)
                    continue
            try:
                self.evaluate_due()
            except Exception:
                log.exception("alarm evaluation failed")

    # -- ingestion --------------------------------------------------------------------------------------
    def store(self, account: str, region: str) -> MetricStore:
        with self._lock:
            return self._stores.setdefault((account, region), MetricStore())

    def _on_log_events(
        self, account: str, region: str, group: str, stream: str, events: list[dict[str, Any]]
    ) -> None:
        filters = self.filters.filters_for(account, region, group)
        self.events_seen += len(events)
        if not filters:
            return
        backend = cloudwatch_backends[account][region]
        for namespace, members in minute_samples(filters, events).items():
            backend.put_metric_data(namespace, members)

    def _on_metric_data(
        self, account: str, region: str, namespace: str, metric_data: list[dict[str, Any]]
    ) -> None:
        store = self.store(account, region)
        now = self.clock.now()
        with self._lock:
            for m in metric_data:
                dims = {d["Name"]: d["Value"] for d in m.get("Dimensions") or []}
                ts = _epoch(m.get("Timestamp"), now)
                unit = m.get("Unit")
                if m.get("Values"):
                    counts = m.get("Counts") or [1] * len(m["Values"])
                    for value, count in zip(m["Values"], counts, strict=False):
                        for _ in range(int(float(count))):
                            store.put(namespace, m["MetricName"], float(value), ts, dims, unit)
                            self.datapoints += 1
                elif m.get("StatisticValues"):
                    # a statistic set has no raw samples; its mean stands for each of them (exact for
                    # SampleCount and Sum, approximate for Minimum/Maximum/percentiles)
                    s = m["StatisticValues"]
                    n = max(1, int(float(s["SampleCount"])))
                    for _ in range(n):
                        store.put(namespace, m["MetricName"], float(s["Sum"]) / n, ts, dims, unit)
                    self.datapoints += n
                else:
                    store.put(namespace, m["MetricName"], float(m.get("Value", 0)), ts, dims, unit)
                    self.datapoints += 1

    def _on_alarm_put(self, account: str, region: str, alarm: Any) -> None:
        with self._lock:
            key = (account, region, alarm.name)
            live = LiveAlarm.adopt(account, region, alarm, self.clock.now(), self._alarms.get(key))
            if live is None:
                self._alarms.pop(key, None)
                return
            self._alarms[key] = live
            self.history.add(account, region, live.take_history())

    def reload_metrics(self) -> int:
        """Rebuild the metric stores from moto's CloudWatch data (after a restore); returns samples loaded."""
        loaded = 0
        with self._lock:
            self._stores.clear()
            for account, regions in list(cloudwatch_backends.items()):
                for region, backend in list(regions.items()):
                    store = self.store(account, region)
                    for d in list(backend.metric_data):
                        dims = {x.name: x.value for x in d.dimensions}
                        ts = _epoch(
                            d.timestamp.replace(tzinfo=d.timestamp.tzinfo or dt.UTC), self.clock.now()
                        )
                        if hasattr(d, "value"):
                            store.put(d.namespace, d.name, float(d.value), ts, dims, d.unit)
                            loaded += 1
                        else:  # a statistic set: its mean per sample, as in _on_metric_data
                            n = max(1, int(d.sample_count))
                            for _ in range(n):
                                store.put(d.namespace, d.name, float(d.sum) / n, ts, dims, d.unit)
                            loaded += n
        return loaded

    def _on_alarm_state_set(self, account: str, region: str, name: str, previous: str) -> None:
        with self._lock:
            live = self._alarms.get((account, region, name))
            if live is None:
                return
            publishes = live.set_externally(self.clock.now(), previous)
            self.history.add(account, region, live.take_history())
        for p in publishes:
            self._publish(p)

    # -- evaluation -------------------------------------------------------------------------------------
    def _sync_alarms(self, now: float) -> list[LiveAlarm]:
        seen: set[tuple[str, str, str]] = set()
        out = []
        for account, regions in list(cloudwatch_backends.items()):
            for region, backend in list(regions.items()):
                for alarm in list(backend.alarms.values()):
                    key = (account, region, alarm.name)
                    seen.add(key)
                    live = self._alarms.get(key)
                    if live is None or live.moto_alarm is not alarm:
                        live = LiveAlarm.adopt(account, region, alarm, now, live)
                        if live is None:
                            self._alarms.pop(key, None)
                            continue
                        self._alarms[key] = live
                    out.append(live)
        for key in set(self._alarms) - seen:
            del self._alarms[key]
        return out

    def evaluate_due(self) -> int:
        """Run every evaluation whose time has come (each minute boundary up to now); returns how many ran."""
        ran = 0
        publishes: list[dict[str, Any]] = []
        with self._eval_lock:
            with self._lock:
                now = self.clock.now()
                if self._next_tick is None:
                    self._next_tick = (now // 60 + 1) * 60
                while self._next_tick <= now:
                    ran += self._evaluate_at(self._next_tick, publishes)
                    self._next_tick += 60
            # outside the state lock (an HTTP subscriber must not hold up ingestion), inside the round, so a
            # caller of evaluate_due() returns only once every notification of the round has gone out
            for p in publishes:
                self._publish(p)
        return ran

    def _evaluate_at(self, when: float, publishes: list[dict[str, Any]]) -> int:
        ran = 0
        for live in self._sync_alarms(when):
            if live.created > when:  # created after this tick's time: its first evaluation is the next tick
                continue
            tick = 10 if live.alarm.period < 60 else 60
            if live.alarm.period * live.alarm.evaluation_periods > 86_400 and when % 3600:
                continue
            # high-resolution alarms: the six 10-second ticks of this minute
            for t in [when - 50, when - 40, when - 30, when - 20, when - 10, when] if tick == 10 else [when]:
                publishes.extend(live.evaluate(t, self.store(live.account, live.region)))
                ran += 1
            self.history.add(live.account, live.region, live.take_history())
        self.evaluations += ran
        return ran

    def _publish(self, publish: dict[str, Any]) -> None:
        arn = publish["TopicArn"]
        parts = arn.split(":")
        try:
            sns_backends[parts[4]][parts[3]].publish(publish["Message"], arn=arn, subject=publish["Subject"])
        except Exception as exc:  # topic deleted: AWS records a failed action
            log.warning("alarm notification to %s failed: %s", arn, exc)
            return
        self.published.append(publish)

    def alarm_states(self) -> list[dict[str, Any]]:
        """Every tracked alarm: account, region, name, state, reason, last evaluation (epoch s or None)."""
        with self._lock:
            return [
                {
                    "account": a.account,
                    "region": a.region,
                    "name": a.alarm.alarm_name,
                    "state": a.state,
                    "reason": a.reason,
                    "last_evaluated": a.last_evaluated,
                }
                for a in sorted(
                    self._alarms.values(), key=lambda x: (x.account, x.region, x.alarm.alarm_name)
                )
            ]

    def alarm(self, account: str, region: str, name: str) -> LiveAlarm | None:
        with self._lock:
            return self._alarms.get((account, region, name))
