"""In-process hooks into moto's backends that the live monitor and the inbox listen on.

moto has no event bus of its own, so the few choke points every write passes through are wrapped once
(idempotent, process-wide) and fan out to registered listeners:

- ``LogStream.put_log_events``: every batch of log events stored in any log group, whether it came from the
  CloudTrail recorder's delivery, a learner's PutLogEvents, ``trailwatch deliver`` or a replay (moto has
  already dropped events outside its accepted time range at this point);
- ``CloudWatchBackend.put_metric_data``: every PutMetricData, ours or a learner's;
- ``CloudWatchBackend.set_alarm_state``: SetAlarmState (the monitor writes its history and runs the new
  state's actions, as AWS does when the state changes);
- ``CloudWatchBackend.put_metric_alarm``: every created or updated alarm (the monitor adopts it at once, so
  DescribeAlarms shows INSUFFICIENT_DATA from the start, not moto's OK);
- ``Subscription.publish``: every SNS delivery, so email/email-json subscriptions can land in the inbox
  (moto delivers SQS, HTTP and Lambda subscriptions itself and drops email).

One correction rides along: moto's ``MetricFilters.add_filter`` appends a second filter when PutMetricFilter
is called again with the same name (and DeleteMetricFilter then removes only one); AWS replaces the filter
("If the filter already exists, it is updated", PutMetricFilter API reference), so the wrapper removes the
old entry first.

With no listener registered the wrappers only call through. Listener errors are logged, never raised into
moto (a broken monitor must not break the API).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend
from moto.logs.metric_filters import MetricFilters
from moto.logs.models import LogStream
from moto.sns.models import Subscription

log = logging.getLogger(__name__)

# (account, region, log group, log stream, [{"timestamp": ms, "message": str}, ...])
LogIngestListener = Callable[[str, str, str, str, list[dict[str, Any]]], None]
# (account, region, namespace, MetricData members as moto parsed them)
MetricDataListener = Callable[[str, str, str, list[dict[str, Any]]], None]
# (account, region, moto Alarm)
AlarmPutListener = Callable[[str, str, Any], None]
# (account, region, alarm name, previous state value)
AlarmStateListener = Callable[[str, str, str, str], None]
# (subscription, message, message_id, subject)
SnsDeliveryListener = Callable[[Subscription, str, str, str | None], None]

_lock = threading.Lock()
_log_listeners: list[LogIngestListener] = []
_metric_listeners: list[MetricDataListener] = []
_sns_listeners: list[SnsDeliveryListener] = []
_alarm_listeners: list[AlarmPutListener] = []
_state_listeners: list[AlarmStateListener] = []
_installed = False


def _fan_out(listeners: list[Any], *args: Any) -> None:
    with _lock:
        current = list(listeners)
    for listener in current:
        try:
            listener(*args)
        except Exception:
            log.exception("live listener %r failed", listener)


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True

    original_put_log_events = LogStream.put_log_events

    def put_log_events(self: LogStream, log_events: list[dict[str, Any]]) -> str:
        token = original_put_log_events(self, log_events)
        if _log_listeners and log_events:
            group = self.log_group
            _fan_out(
                _log_listeners, self.account_id, self.region, group.name, self.log_stream_name, log_events
            )
        return token

    original_put_metric_data = CloudWatchBackend.put_metric_data

    def put_metric_data(self: CloudWatchBackend, namespace: str, metric_data: list[dict[str, Any]]) -> None:
        original_put_metric_data(self, namespace, metric_data)
        if _metric_listeners:
            _fan_out(_metric_listeners, self.account_id, self.region_name, namespace, metric_data)

    original_put_metric_alarm = CloudWatchBackend.put_metric_alarm

    def put_metric_alarm(self: CloudWatchBackend, *args: Any, **kwargs: Any) -> Any:
        alarm = original_put_metric_alarm(self, *args, **kwargs)
        if _alarm_listeners:
            _fan_out(_alarm_listeners, self.account_id, self.region_name, alarm)
        return alarm

    original_set_alarm_state = CloudWatchBackend.set_alarm_state

    def set_alarm_state(
        self: CloudWatchBackend, alarm_name: str, reason: str, reason_data: str, state_value: str
    ) -> None:
        alarm = self.alarms.get(alarm_name)
        previous = alarm.state_value if alarm is not None else ""
        original_set_alarm_state(self, alarm_name, reason, reason_data, state_value)
        if _state_listeners:
            _fan_out(_state_listeners, self.account_id, self.region_name, alarm_name, previous)

    original_publish = Subscription.publish

    def publish(
        self: Subscription, message: str, message_id: str, subject: str | None = None, **kwargs: Any
    ) -> None:
        original_publish(self, message, message_id, subject=subject, **kwargs)
        if _sns_listeners:
            _fan_out(_sns_listeners, self, message, message_id, subject)

    original_add_filter = MetricFilters.add_filter

    def add_filter(
        self: MetricFilters,
        filter_name: str,
        filter_pattern: str,
        log_group_name: str,
        metric_transformations: Any,
    ) -> None:
        self.metric_filters = [
            f
            for f in self.metric_filters
            if not (f["filterName"] == filter_name and f["logGroupName"] == log_group_name)
        ]
        original_add_filter(self, filter_name, filter_pattern, log_group_name, metric_transformations)

    MetricFilters.add_filter = add_filter  # type: ignore[method-assign]
    LogStream.put_log_events = put_log_events  # type: ignore[method-assign]
    CloudWatchBackend.put_metric_data = put_metric_data  # type: ignore[method-assign]
    CloudWatchBackend.put_metric_alarm = put_metric_alarm  # type: ignore[method-assign]
    CloudWatchBackend.set_alarm_state = set_alarm_state  # type: ignore[method-assign]
    Subscription.publish = publish  # type: ignore[method-assign]


def _add(registry: list[Any], listener: Any) -> Callable[[], None]:
    _install()
    with _lock:
        registry.append(listener)

    def remove() -> None:
        with _lock:
            if listener in registry:
                registry.remove(listener)

    return remove


def on_log_events(listener: LogIngestListener) -> Callable[[], None]:
    """Register a listener for every stored log-event batch; returns the function that removes it."""
    return _add(_log_listeners, listener)


def on_metric_data(listener: MetricDataListener) -> Callable[[], None]:
    """Register a listener for every PutMetricData; returns the function that removes it."""
    return _add(_metric_listeners, listener)


def on_sns_delivery(listener: SnsDeliveryListener) -> Callable[[], None]:
    """Register a listener for every SNS subscription delivery; returns the function that removes it."""
    return _add(_sns_listeners, listener)


def on_alarm_put(listener: AlarmPutListener) -> Callable[[], None]:
    """Register a listener for every PutMetricAlarm; returns the function that removes it."""
    return _add(_alarm_listeners, listener)


def on_alarm_state_set(listener: AlarmStateListener) -> Callable[[], None]:
    """Register a listener for every SetAlarmState; returns the function that removes it."""
    return _add(_state_listeners, listener)
