"""EventBridge on the embedded backend: CloudTrail records → the default bus → matching rules → targets.

For every record the emulator records (EmbeddedEmulator.add_record_listener) the router builds the event
AWS puts on the default event bus (``grader.eventbridge.cloudtrail_to_eventbridge``), offers it to every rule
on that bus in the record's account and region whose State admits it (``delivered_to_rule``: ENABLED rules do
not get read-only management events) and whose pattern matches with our engine (``compile_event_pattern``,
not moto's matcher), and sends it to the rule's targets in-process (no CloudTrail records):

- SNS topic: Publish with the event (or the target's input) as the message;
- SQS queue: SendMessage with the same body;
- CloudWatch Logs group: one event in a stream named after the event id (EventBridge creates the stream;
  the exact naming is not documented, this follows what the console shows), timestamp = event time;
- any other target: kept in ``invocations`` (what would have been invoked, with which input).

Target input follows PutTargets: ``Input`` (a constant JSON text), ``InputPath`` (a simple ``$.a.b`` path)
or ``InputTransformer`` (InputPathsMap of simple paths; ``<name>`` placeholders in InputTemplate; a string
value inside a quoted placeholder is inserted as text, otherwise as JSON).
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html

Note that CloudTrail on AWS sends management events to EventBridge whether or not a trail exists; the
emulator only produces records while a trail logs, so rules here see what some logging trail records.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson
from moto.events.models import events_backends
from moto.logs.models import logs_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from grader.eventbridge import (
    EventPattern,
    InvalidEventPattern,
    cloudtrail_to_eventbridge,
    compile_event_pattern,
    delivered_to_rule,
)
from simulator.emulator.record import RecordedCall
from simulator.emulator.trails import TrailTarget

log = logging.getLogger(__name__)
_PLACEHOLDER = re.compile(r'("?)<([A-Za-z0-9_.\-]+)>("?)')


@dataclass(frozen=True)
class Invocation:
    rule_arn: str
    target_id: str
    target_arn: str
    input: str
    delivered: bool
    error: str | None = None


def _path_get(doc: Any, path: str) -> Any:
    if path in ("$", ""):
        return doc
    if not path.startswith("$."):
        raise ValueError(f"unsupported JSON path {path!r}")
    node = doc
    for part in path[2:].split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def target_input(target: dict[str, Any], event: dict[str, Any]) -> str:
    """The text EventBridge sends to ``target`` for ``event``."""
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        return orjson.dumps(_path_get(event, target["InputPath"])).decode()
    transformer = target.get("InputTransformer")
    if transformer:
        values = {
            name: _path_get(event, path) for name, path in (transformer.get("InputPathsMap") or {}).items()
        }

        def fill(m: re.Match[str]) -> str:
            open_q, name, close_q = m.groups()
            if name not in values:
                return m.group(0)
            value = values[name]
            if open_q and close_q and isinstance(value, str):
                return '"' + orjson.dumps(value).decode()[1:-1] + '"'
            if isinstance(value, str):
                return open_q + value + close_q
            return open_q + orjson.dumps(value).decode() + close_q

        return _PLACEHOLDER.sub(fill, str(transformer.get("InputTemplate", "")))
    return orjson.dumps(event).decode()


class EventBridgeRouter:
    """Record listener delivering CloudTrail events to the default bus's rules and their targets."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._patterns: dict[tuple[str, str | None], EventPattern | None] = {}
        self.invocations: deque[Invocation] = deque(maxlen=10_000)  # the latest target invocations
        self.events_routed = 0

    def __call__(self, recorded: RecordedCall, trails: list[TrailTarget]) -> None:
        self.route_record(recorded.record, recorded.account_id)

    def _pattern(self, rule_arn: str, raw: str | None) -> EventPattern | None:
        key = (rule_arn, raw)
        with self._lock:
            if key not in self._patterns:
                try:
                    self._patterns[key] = compile_event_pattern(raw) if raw else None
                except InvalidEventPattern as exc:
                    log.warning("rule %s has a pattern EventBridge would refuse: %s", rule_arn, exc)
                    self._patterns[key] = None
            return self._patterns[key]

    def route_record(self, record: dict[str, Any], account: str) -> int:
        """Send one CloudTrail record's event to every rule that takes it; returns how many rules did."""
        event = cloudtrail_to_eventbridge(record)
        if event is None:
            return 0
        try:
            bus = events_backends[account][event["region"]].event_buses.get("default")
        except KeyError:
            return 0
        if bus is None:
            return 0
        fired = 0
        for rule in list(bus.rules.values()):
            raw = rule.event_pattern._raw_pattern
            if not raw or not delivered_to_rule(event, rule.state):
                continue
            pattern = self._pattern(rule.arn, raw)
            if pattern is None or not pattern.matches(event):
                continue
            fired += 1
            for target in list(rule.targets):
                self._send(rule.arn, target, event)
        self.events_routed += 1
        return fired

    def _send(self, rule_arn: str, target: dict[str, Any], event: dict[str, Any]) -> None:
        arn = str(target.get("Arn", ""))
        body = target_input(target, event)
        parts = arn.split(":", 5)
        service = parts[2] if len(parts) > 2 else ""
        error = None
        try:
            if service == "sns":
                sns_backends[parts[4]][parts[3]].publish(body, arn=arn)
            elif service == "sqs":
                sqs_backends[parts[4]][parts[3]].send_message(parts[5], body)
            elif service == "logs" and parts[5].startswith("log-group:"):
                group = parts[5][len("log-group:") :].removesuffix(":*")
                backend = logs_backends[parts[4]][parts[3]]
                stream = event["id"]
                backend.ensure_log_stream(group, stream)
                when = dt.datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
                backend.put_log_events(
                    group, stream, [{"timestamp": int(when.timestamp() * 1000), "message": body}]
                )
            else:
                error = "target type not emulated"
        except Exception as exc:  # a deleted topic/queue/group: EventBridge's delivery fails the same way
            error = f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.invocations.append(
                Invocation(rule_arn, str(target.get("Id", "")), arn, body, error is None, error)
            )
