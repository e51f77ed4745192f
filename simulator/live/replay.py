"""Replay a dataset against the clock into a backend, controllable while it runs (the lab app drives it).

    controller = ReplayController(load_replay(DIR), InProcessSink(account), clock, speed=60)
    controller.start(); controller.pause(); controller.set_speed(10); controller.resume(); controller.status()

Events leave at their replay time (replay_schedule.TimeMap: baseline ``speed`` times faster, attack steps in
real time) with timestamps shifted to that time, through PutLogEvents into their log groups and streams
(created when missing) and, with S3 objects in the plan, PutObject into their buckets. Sinks:
``InProcessSink`` writes straight into the embedded emulator's moto backends (no CloudTrail records, as a
service's own delivery leaves none); ``ApiSink`` calls a backend's API with boto3 (embedded over HTTP,
LocalStack, AWS). The loop waits on the clock (no busy loop); pause/resume/speed changes take effect at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import defaultdict
from typing import Any, Protocol

from moto.logs.models import logs_backends
from moto.s3.models import s3_backends

from simulator.live.clock import Clock
from simulator.live.replay_schedule import ReplayItem, ReplayPlan, TimeMap, retime

log = logging.getLogger(__name__)
MAX_BATCH = 10_000  # PutLogEvents: at most 10,000 events per call
STATES = ("ready", "running", "paused", "finished", "stopped", "failed")


class ReplaySink(Protocol):
    def ensure_log_group(self, group: str) -> None: ...

    def put_log_events(self, group: str, stream: str, events: list[dict[str, Any]]) -> None: ...

    def put_object(self, bucket: str, key: str, body: bytes) -> None: ...


class InProcessSink:
    """Writes into the embedded emulator's moto backends of ``account_id``."""

    def __init__(self, account_id: str, region: str = "us-east-1") -> None:
        self.account_id = account_id
        self.region = region

    def ensure_log_group(self, group: str) -> None:
        backend = logs_backends[self.account_id][self.region]
        if group not in backend.groups:
            backend.create_log_group(group, {})

    def put_log_events(self, group: str, stream: str, events: list[dict[str, Any]]) -> None:
        backend = logs_backends[self.account_id][self.region]
        self.ensure_log_group(group)
        backend.ensure_log_stream(group, stream)
        backend.put_log_events(group, stream, events)

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        backend = s3_backends[self.account_id]["aws"]
        if bucket not in backend.buckets:
            backend.create_bucket(bucket, self.region)
        backend.put_object(bucket, key, body)


class ApiSink:
    """Writes through a backend's API (``simulator.backends.BackendConfig`` clients)."""

    def __init__(self, config: Any) -> None:
        self.logs = config.client("logs")
        self.s3 = config.client("s3")
        self._streams: set[tuple[str, str]] = set()
        self._groups: set[str] = set()
        self._buckets: set[str] = set()

    def ensure_log_group(self, group: str) -> None:
        if group not in self._groups:
            try:
                self.logs.create_log_group(logGroupName=group)
            except self.logs.exceptions.ResourceAlreadyExistsException:
                pass
            self._groups.add(group)

    def put_log_events(self, group: str, stream: str, events: list[dict[str, Any]]) -> None:
        if (group, stream) not in self._streams:
            self.ensure_log_group(group)
            try:
                self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
            except self.logs.exceptions.ResourceAlreadyExistsException:
                pass
            self._streams.add((group, stream))
        self.logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        if bucket not in self._buckets:
            try:
                self.s3.create_bucket(Bucket=bucket)
            except (self.s3.exceptions.BucketAlreadyOwnedByYou, self.s3.exceptions.BucketAlreadyExists):
                pass
            self._buckets.add(bucket)
        self.s3.put_object(Bucket=bucket, Key=key, Body=body)


def _iso(epoch_s: float) -> str:
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ReplayController:
    """Runs one replay in a thread; start/pause/resume/set_speed/stop/status are safe from any thread."""

    def __init__(self, plan: ReplayPlan, sink: ReplaySink, clock: Clock, speed: float = 60.0) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.plan = plan
        self.sink = sink
        self.clock = clock
        self._cond = threading.Condition()
        self._map = TimeMap(plan.start_ms, plan.steps, speed)
        self._state = "ready"
        self._next = 0
        self._anchor_clock = 0.0  # clock time when the map was at _anchor_s
        self._anchor_s = 0.0
        self._paused_ms: int | None = None
        self._thread: threading.Thread | None = None
        self.started_at: float | None = None
        self.sent_events = 0
        self.sent_objects = 0
        self.error: str | None = None

    # -- control ----------------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the plan's log groups now, so metric filters can be put on them before events flow."""
        for group in sorted({i.group for i in self.plan.items if i.kind == "log"}):
            self.sink.ensure_log_group(group)

    def start(self) -> ReplayController:
        self.prepare()
        with self._cond:
            if self._state != "ready":
                raise RuntimeError(f"replay is {self._state}; start a new controller to replay again")
            self.started_at = self._anchor_clock = self.clock.now()
            self._state = "running"
        self._thread = threading.Thread(target=self._run, name="replay", daemon=True)
        self._thread.start()
        return self

    def _position_ms(self, now: float) -> int:
        if self._paused_ms is not None:
            return self._paused_ms
        return self._map.dataset_ms(self._anchor_s + max(0.0, now - self._anchor_clock))

    def pause(self) -> None:
        with self._cond:
            if self._state == "running":
                self._paused_ms = self._position_ms(self.clock.now())
                self._state = "paused"
                self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            if self._state == "paused":
                assert self._paused_ms is not None
                self._anchor_clock, self._anchor_s = self.clock.now(), self._map.seconds(self._paused_ms)
                self._paused_ms = None
                self._state = "running"
                self._cond.notify_all()

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        with self._cond:
            now = self.clock.now()
            position = self._position_ms(now)
            self._map = TimeMap(self.plan.start_ms, self.plan.steps, speed)
            self._anchor_clock, self._anchor_s = now, self._map.seconds(position)
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            if self._state in ("running", "paused", "ready"):
                self._state = "stopped"
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait (real seconds) until the replay has finished, stopped or failed; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._state in ("finished", "stopped", "failed")

    # -- status -----------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        with self._cond:
            now = self.clock.now()
            position = self._position_ms(now) if self._state in ("running", "paused") else None
            origin = self.started_at
            steps = [
                {
                    "step": s.step,
                    "dataset_time": _iso(s.start_ms / 1000),
                    "replay_time": None if origin is None else _iso(self._due(s.start_ms)),
                }
                for s in self.plan.steps
            ]
            return {
                "state": self._state,
                "speed": self._map.speed,
                "sent_events": self.sent_events,
                "sent_objects": self.sent_objects,
                "total_items": len(self.plan.items),
                "remaining_items": len(self.plan.items) - self._next,
                "dataset_position": None if position is None else _iso(position / 1000),
                "phase": None
                if position is None
                else ("attack" if self._map.in_attack(position) else "baseline"),
                "steps": steps,
                "error": self.error,
            }

    # -- loop -------------------------------------------------------------------------------------------
    def _due(self, t_ms: int) -> float:
        return self._anchor_clock + self._map.seconds(t_ms) - self._anchor_s

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    if self._state == "stopped":
                        return
                    if self._next >= len(self.plan.items):
                        self._state = "finished"
                        return
                    if self._state == "paused":
                        self.clock.wait_until(self._cond, None)
                        continue
                    now = self.clock.now()
                    due_next = self._due(self.plan.items[self._next].t_ms)
                    if due_next > now:
                        self.clock.wait_until(self._cond, due_next)
                        continue
                    batch: list[tuple[ReplayItem, float]] = []
                    while self._next < len(self.plan.items):
                        item = self.plan.items[self._next]
                        due = self._due(item.t_ms)
                        if due > now:
                            break
                        batch.append((item, due))
                        self._next += 1
                self._send(batch)
        except Exception as exc:
            log.exception("replay failed")
            with self._cond:
                self._state = "failed"
                self.error = f"{type(exc).__name__}: {exc}"

    def _send(self, batch: list[tuple[ReplayItem, float]]) -> None:
        streams: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for item, due in batch:
            if item.kind == "s3":
                assert item.path is not None
                self.sink.put_object(item.group, item.stream, item.path.read_bytes())
                self.sent_objects += 1
                continue
            ts, message = retime(item, int(due * 1000))
            streams[(item.group, item.stream)].append({"timestamp": ts, "message": message})
        for (group, stream), events in streams.items():
            events.sort(key=lambda e: e["timestamp"])  # PutLogEvents wants them in order
            for i in range(0, len(events), MAX_BATCH):
                self.sink.put_log_events(group, stream, events[i : i + MAX_BATCH])
            self.sent_events += len(events)
