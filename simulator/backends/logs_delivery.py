"""Deliver a dataset's log events into CloudWatch Logs, exactly once even when run again.

Where a stream stands is read from the backend, not from a local ledger: events of one stream are sent
in order, one batch at a time, so the backend holds a prefix of them. `reconcile` reads the stream's
last event and every event with that timestamp, finds that prefix in the dataset and resumes after it.
When the tail does not fit (events sent by someone else, a different dataset) it reads the whole stream
and sends only the events the backend lacks (multiset difference on timestamp + message).
After a failure that may have been applied (5xx, dropped connection) the stream is reconciled again
before anything is re-sent, so a retry cannot duplicate a batch.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from botocore.exceptions import ClientError

from simulator.backends.batching import MAX_BATCH_EVENTS, check_order, event_sizes, plan_batches
from simulator.backends.dataset import LogEvents, LogStream, read_stream_events
from simulator.backends.progress import Progress
from simulator.backends.retry import Backoff, error_code, is_ambiguous, is_retryable

BatchHook = Callable[[str, str, int], None]  # (group, stream, events in the batch just sent)


@dataclass
class StreamResult:
    group: str
    stream: str
    total: int
    already: int = 0  # events the backend held before this run
    sent: int = 0
    rejected: int = 0  # events CloudWatch Logs refused (too old / too new / expired)
    batches: int = 0
    full_reads: int = 0  # times the whole stream had to be read back
    retries: int = 0


def _page_events(logs: Any, group: str, stream: str, **query: Any) -> list[dict]:
    """Every event GetLogEvents returns for the query, following nextForwardToken to the end."""
    out: list[dict] = []
    token = None
    while True:
        kwargs = dict(logGroupName=group, logStreamName=stream, startFromHead=True, **query)
        if token:
            kwargs["nextToken"] = token
        page = logs.get_log_events(**kwargs)
        out.extend(page.get("events", []))
        nxt = page.get("nextForwardToken")
        if not page.get("events") or not nxt or nxt == token:
            return out
        token = nxt


def reconcile(logs: Any, group: str, stream: str, events: LogEvents) -> tuple[int, list[int] | None, bool]:
    """(events already held, indices still to send or None for "everything after the prefix", full read?)."""
    tail = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=False, limit=1)
    tail_events = tail.get("events", [])
    if not tail_events:
        return 0, None, False
    last_ts = int(tail_events[-1]["timestamp"])
    # endTime is exclusive on AWS and inclusive in moto; filter to the one timestamp either way
    at_last = [
        e["message"]
        for e in _page_events(logs, group, stream, startTime=last_ts, endTime=last_ts + 1)
        if int(e["timestamp"]) == last_ts
    ]
    ts = events.timestamps
    lo, hi = bisect.bisect_left(ts, last_ts), bisect.bisect_right(ts, last_ts)
    k = len(at_last)
    if 0 < k <= hi - lo and Counter(at_last) == Counter(events.messages[lo : lo + k]):
        return lo + k, None, False
    held = Counter((int(e["timestamp"]), e["message"]) for e in _page_events(logs, group, stream))
    missing: list[int] = []
    already = 0
    for i, key in enumerate(zip(ts, events.messages, strict=True)):
        if held[key] > 0:
            held[key] -= 1
            already += 1
        else:
            missing.append(i)
    return already, missing, True


_prebuilt = threading.local()


def _use_prebuilt_body(params: dict, **_: Any) -> None:
    """`before-call` hook: send the PutLogEvents body built with orjson instead of botocore's serializer,
    which walks 10,000 event structures per batch (about 9 µs an event, the client's largest cost).
    The body is the same JSON document; signing happens after this hook."""
    body = getattr(_prebuilt, "body", None)
    if body is not None:
        params["body"] = body
        _prebuilt.body = None


def install_prebuilt_body(logs: Any) -> None:
    logs.meta.events.register(
        "before-call.cloudwatch-logs.PutLogEvents", _use_prebuilt_body, unique_id="trailwatch-prebuilt-body"
    )


def put_log_events(logs: Any, group: str, stream: str, events: list[dict]) -> dict:
    """PutLogEvents with the body prebuilt (needs `install_prebuilt_body(logs)` once)."""
    _prebuilt.body = orjson.dumps({"logGroupName": group, "logStreamName": stream, "logEvents": events})
    try:
        return logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[])
    finally:
        _prebuilt.body = None


def _rejected(info: dict | None, n: int) -> int:
    if not info:
        return 0
    old = max(info.get("tooOldLogEventEndIndex", -1), info.get("expiredLogEventEndIndex", -1)) + 1
    new = n - info["tooNewLogEventStartIndex"] if "tooNewLogEventStartIndex" in info else 0
    return min(n, old + new)


class LogsDeliverer:
    """Sends streams through one logs client; safe to call `deliver` from several threads."""

    def __init__(
        self,
        logs: Any,
        progress: Progress | None = None,
        backoff: Callable[[], Backoff] = Backoff,
        settle_seconds: float = 0.0,
        on_batch: BatchHook | None = None,
        batch_events: int = MAX_BATCH_EVENTS,
    ) -> None:
        self.logs = logs
        # real botocore clients get the fast body; stand-ins (tests) are called plainly
        self.prebuilt = hasattr(getattr(logs, "meta", None), "events")
        if self.prebuilt:
            install_prebuilt_body(logs)
        self.progress = progress
        self.backoff = backoff
        self.settle_seconds = settle_seconds
        self.on_batch = on_batch
        self.batch_events = batch_events

    def ensure_stream(self, group: str, stream: str, policy: Backoff) -> None:
        try:
            policy.run(lambda: self.logs.create_log_stream(logGroupName=group, logStreamName=stream))
        except ClientError as exc:
            if error_code(exc) != "ResourceAlreadyExistsException":
                raise

    def deliver(self, stream: LogStream) -> StreamResult:
        events = read_stream_events(stream)
        if check_order(events.timestamps) is not None:  # the dataset promises order; sort stably if not
            order = sorted(range(len(events.timestamps)), key=events.timestamps.__getitem__)
            events = LogEvents([events.timestamps[i] for i in order], [events.messages[i] for i in order])
        result = StreamResult(stream.group, stream.stream, len(events.timestamps))
        policy = self.backoff()
        self.ensure_stream(stream.group, stream.stream, policy)
        failures = 0
        first = True
        while True:
            already, missing, full = policy.run(
                lambda: reconcile(self.logs, stream.group, stream.stream, events)
            )
            result.full_reads += int(full)
            if first:
                result.already = already
                if self.progress is not None:
                    self.progress.add_events(already)
                first = False
            if missing is None:
                ts, msgs = events.timestamps[already:], events.messages[already:]
            else:
                ts = [events.timestamps[i] for i in missing]
                msgs = [events.messages[i] for i in missing]
            try:
                self._send(stream, ts, msgs, result)
                break
            except Exception as exc:
                if not is_retryable(exc):
                    raise
                failures += 1
                if failures >= policy.attempts:
                    raise
                policy.retries += 1
                policy.sleep(policy.delay(failures - 1))
                if is_ambiguous(exc) and self.settle_seconds:
                    time.sleep(self.settle_seconds)  # let the backend make an applied batch readable
        result.retries = policy.retries
        return result

    def _send(self, stream: LogStream, ts: list[int], msgs: list[str], result: StreamResult) -> None:
        for i, j in plan_batches(ts, event_sizes(msgs), max_events=self.batch_events):
            batch = [{"timestamp": ts[k], "message": msgs[k]} for k in range(i, j)]
            if self.prebuilt:
                response = put_log_events(self.logs, stream.group, stream.stream, batch)
            else:
                response = self.logs.put_log_events(
                    logGroupName=stream.group, logStreamName=stream.stream, logEvents=batch
                )
            rejected = _rejected(response.get("rejectedLogEventsInfo"), j - i)
            result.batches += 1
            result.sent += j - i - rejected
            result.rejected += rejected
            if self.progress is not None:
                self.progress.add_events(j - i)
            if self.on_batch is not None:
                self.on_batch(stream.group, stream.stream, j - i)
