"""Turn one finished API call into a CloudTrail record and hand it to the trails that log it."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import orjson

from simulator.emulator.api_request import ApiRequest, IdentifiedCall
from simulator.emulator.delivery import DeliveryQueue
from simulator.emulator.identity import IdentityResolver
from simulator.emulator.record import RecordedCall, build_record
from simulator.emulator.response_decode import parse_response
from simulator.emulator.trails import TrailTarget, receiving_trails, snapshot_trails

RecordListener = Callable[[RecordedCall, list[TrailTarget]], None]


class CallRecorder:
    """Builds records and routes them to trail delivery and to listeners (e.g. EventBridge, later)."""

    def __init__(self, identities: IdentityResolver, delivery: DeliveryQueue) -> None:
        self.identities = identities
        self.delivery = delivery
        self._listeners: list[RecordListener] = []
        self._lock = threading.Lock()
        self.recorded = 0

    def add_listener(self, listener: RecordListener) -> None:
        """Call `listener(recorded, trails)` for every record at least one trail logs."""
        with self._lock:
            self._listeners.append(listener)

    def trails_before(self) -> dict[str, TrailTarget]:
        return snapshot_trails()

    def record(
        self,
        req: ApiRequest,
        call: IdentifiedCall,
        status: int,
        headers: dict[str, str],
        body: bytes,
        before: dict[str, TrailTarget],
        when: dt.datetime | None = None,
    ) -> RecordedCall:
        when = when or dt.datetime.now(dt.UTC)
        response = parse_response(call.protocol, call.operation, status, headers, body)
        caller = self.identities.resolve(req.access_key)
        recorded = build_record(req, call, response, caller, when, response_bytes=len(body))
        targets = receiving_trails(before, snapshot_trails(), recorded, call.index.model.service_name)
        if targets:
            payload = orjson.dumps(recorded.record)
            event_ms = int(when.replace(microsecond=0).timestamp() * 1000)
            self.delivery.submit(targets, recorded.region, event_ms, payload)
            with self._lock:
                listeners = list(self._listeners)
            for listener in listeners:
                listener(recorded, targets)
        self.recorded += 1
        return recorded


def record_to_json(record: dict[str, Any]) -> bytes:
    """A record as CloudTrail writes it: compact JSON in its key order."""
    return orjson.dumps(record)
