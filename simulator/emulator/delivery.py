"""Deliver recorded events as CloudTrail does, after a delay, by a background flusher thread.

- S3: one gzip file `{"Records":[...]}` per trail and event region per flush, at
  `[<prefix>/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz`
  (timestamp = delivery minute; cloudtrail-format.md §8);
- CloudWatch Logs: the trail's CloudWatchLogsLogGroupArn, stream `<account>_CloudTrail_<region>`,
  one log event per record, message = the record JSON, timestamp = eventTime (§9).
Writes go straight into moto's backends in-process. A trail whose bucket or log group is gone
loses those records (AWS's delivery would fail the same way); `errors` counts such failures.
"""

from __future__ import annotations

import datetime as dt
import gzip
import secrets
import string
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from moto.logs.models import logs_backends
from moto.s3.models import s3_backends

from simulator.emulator.trails import TrailTarget
from simulator.formats import cloudtrail as ct_format

_ALPHANUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class PendingRecord:
    due: float
    target: TrailTarget
    region: str
    event_time_ms: int
    record_json: bytes


def s3_object_key(target: TrailTarget, region: str, delivered: dt.datetime, unique: str) -> str:
    """The S3 key CloudTrail writes a log file to (layout from simulator/formats/cloudtrail.py)."""
    return ct_format.log_file_key(
        target.account_id, region, delivered.timestamp(), unique, prefix=(target.s3_key_prefix or "")
    )


def log_file_body(records: list[bytes]) -> bytes:
    """Compact `{"Records":[...]}`, gzip with a zero mtime (same records -> same bytes)."""
    return gzip.compress(ct_format.envelope(records), mtime=0)


def log_group_location(arn: str) -> tuple[str, str, str] | None:
    """(region, account, group name) of `arn:aws:logs:<region>:<acct>:log-group:<name>[:*]`."""
    parts = arn.split(":", 6)
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        return None
    name = parts[6]
    if name.endswith(":*"):
        name = name[:-2]
    return parts[3], parts[4], name


class DeliveryQueue:
    """Holds records until their delivery time, then writes them to S3 and CloudWatch Logs."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self._clock = clock
        self._pending: list[PendingRecord] = []
        self._cond = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.errors = 0
        self.delivered = 0

    def start(self) -> None:
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="cloudtrail-delivery", daemon=True)
        self._thread.start()

    def stop(self, flush: bool = True) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if flush:
            self.flush(force=True)

    def submit(self, targets: list[TrailTarget], region: str, event_time_ms: int, record_json: bytes) -> None:
        due = self._clock() + self.delay
        with self._cond:
            for target in targets:
                self._pending.append(PendingRecord(due, target, region, event_time_ms, record_json))
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stop:
                    return
                if not self._pending:
                    self._cond.wait()
                    continue
                wait = self._pending[0].due - self._clock()
                if wait > 0:
                    self._cond.wait(timeout=wait)
                    continue
            self.flush()

    def flush(self, force: bool = False) -> int:
        """Deliver every record that is due (all of them with `force`); returns how many."""
        now = self._clock()
        with self._cond:
            due = [p for p in self._pending if force or p.due <= now]
            self._pending = [p for p in self._pending if not (force or p.due <= now)]
        if not due:
            return 0
        delivered_at = dt.datetime.now(dt.UTC)
        by_file: dict[tuple[str, str], list[PendingRecord]] = defaultdict(list)
        for p in due:
            by_file[(p.target.arn, p.region)].append(p)
        for batch in by_file.values():
            self._to_s3(batch, delivered_at)
            self._to_logs(batch)
        self.delivered += len(due)
        return len(due)

    def _to_s3(self, batch: list[PendingRecord], delivered_at: dt.datetime) -> None:
        target = batch[0].target
        if not target.bucket:
            return
        unique = "".join(secrets.choice(_ALPHANUM) for _ in range(16))
        key = s3_object_key(target, batch[0].region, delivered_at, unique)
        try:
            backend = s3_backends[target.account_id]["aws"]
            backend.put_object(target.bucket, key, log_file_body([p.record_json for p in batch]))
        except Exception:  # bucket deleted or not writable: CloudTrail's delivery fails too
            self.errors += 1

    def _to_logs(self, batch: list[PendingRecord]) -> None:
        target = batch[0].target
        location = log_group_location(target.log_group_arn or "")
        if location is None:
            return
        region, account, group = location
        stream = ct_format.cloudwatch_stream(target.account_id, batch[0].region)
        events = sorted(
            ({"timestamp": p.event_time_ms, "message": p.record_json.decode()} for p in batch),
            key=lambda e: e["timestamp"],
        )
        try:
            backend = logs_backends[account][region]
            backend.ensure_log_stream(group, stream)
            backend.put_log_events(group, stream, events)
        except Exception:  # log group deleted
            self.errors += 1
