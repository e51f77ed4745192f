"""`deliver_dataset`: put a whole dataset into a backend — buckets and log groups checked (or created,
tagged), S3 objects and then CloudWatch Logs streams sent in parallel, a summary at the end.

Every error that retrying cannot fix becomes a `DeliveryError` with one line naming the endpoint,
bucket or log group; the CLI prints it and exits with status 1.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from simulator.backends import tagging
from simulator.backends.batching import MAX_BATCH_EVENTS
from simulator.backends.config import BackendConfig
from simulator.backends.dataset import Dataset
from simulator.backends.logs_delivery import BatchHook, LogsDeliverer, StreamResult
from simulator.backends.pool import run_all
from simulator.backends.progress import Progress
from simulator.backends.retry import Backoff, error_code, failure_message, http_status
from simulator.backends.s3_delivery import ObjectHook, S3Result, deliver_objects

# PutLogEvents rejects events more than 14 days old or more than 2 hours ahead (batching.py's source)
MAX_EVENT_AGE = dt.timedelta(days=14)
MAX_EVENT_AHEAD = dt.timedelta(hours=2)


class DeliveryError(Exception):
    """One line for the user: what failed and where."""


@dataclass
class DeliveryOptions:
    create_missing: bool = False
    s3: bool = True
    logs: bool = True
    workers: int = 8
    progress_out: TextIO | None = None
    progress_interval: float = 1.0
    backoff: Callable[[], Backoff] = Backoff
    settle_seconds: float | None = None  # None: 5 s on aws, 0 on the local backends
    on_object: ObjectHook | None = None
    on_batch: BatchHook | None = None
    batch_events: int = MAX_BATCH_EVENTS  # smaller only to exercise multi-batch streams in tests
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)


@dataclass
class DeliverySummary:
    backend: str
    dataset_id: str
    created_buckets: list[str] = field(default_factory=list)
    created_log_groups: list[str] = field(default_factory=list)
    s3: S3Result = field(default_factory=S3Result)
    streams: list[StreamResult] = field(default_factory=list)
    seconds: float = 0.0
    logs_seconds: float = 0.0  # the CloudWatch Logs phase alone (its events/s)

    def lines(self) -> list[str]:
        held = sum(s.already for s in self.streams)
        sent = sum(s.sent for s in self.streams)
        rejected = sum(s.rejected for s in self.streams)
        batches = sum(s.batches for s in self.streams)
        retries = self.s3.retries + sum(s.retries for s in self.streams)
        rate = sent / self.logs_seconds if self.logs_seconds else 0.0
        out = [
            f"Delivered dataset {self.dataset_id} to {self.backend} in {self.seconds:,.1f} s",
            f"  S3: {self.s3.sent:,} objects put ({self.s3.bytes_sent / 1e6:,.1f} MB), "
            f"{self.s3.skipped:,} already there",
            f"  CloudWatch Logs: {sent:,} events put in {batches:,} batches to {len(self.streams):,} streams "
            f"({rate:,.0f} events/s), {held:,} already there",
        ]
        if self.created_buckets or self.created_log_groups:
            out.append(
                f"  created (tagged {tagging.MANAGED_TAG}=true): {len(self.created_buckets)} buckets, "
                f"{len(self.created_log_groups)} log groups"
            )
        if rejected:
            out.append(f"  REJECTED by CloudWatch Logs (too old/new for PutLogEvents): {rejected:,} events")
        if retries:
            out.append(f"  retries: {retries:,}")
        return out


def explain_error(exc: BaseException, cfg: BackendConfig) -> str:
    known = failure_message(exc, cfg.describe())
    if known:
        return known
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        op = getattr(exc, "operation_name", "call")
        return f"{cfg.describe()}: {op} failed: {err.get('Code', http_status(exc))}: {err.get('Message', '')}"
    return f"{cfg.describe()}: {type(exc).__name__}: {exc}"


def _preflight(cfg: BackendConfig, logs: Any, s3: Any) -> None:
    """One call to each service, no retries: a wrong endpoint or bad credentials fail here, at once."""
    for call in (lambda: logs.describe_log_groups(limit=1), lambda: s3.list_buckets()):
        try:
            call()
        except ClientError as exc:
            if failure_message(exc, "") is None and error_code(exc).isdigit():
                # botocore names an error by its HTTP status when the body is not an AWS error document
                raise DeliveryError(
                    f"{cfg.describe()} does not answer like AWS (HTTP {http_status(exc)}); wrong --endpoint?"
                ) from None
            raise DeliveryError(explain_error(exc, cfg)) from None
        except BotoCoreError as exc:
            raise DeliveryError(explain_error(exc, cfg)) from None


def check_event_window(dataset: Dataset, now: dt.datetime) -> None:
    """Refuse logs PutLogEvents would reject (older than 14 days or more than 2 hours ahead)."""
    rng = dataset.manifest.get("time_range") or {}
    try:
        start = dt.datetime.fromisoformat(rng["start"].replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(rng["end"].replace("Z", "+00:00"))
    except (KeyError, AttributeError, ValueError):
        return  # no usable time range: PutLogEvents' own rejections are counted instead
    if start < now - MAX_EVENT_AGE or end > now + MAX_EVENT_AHEAD:
        raise DeliveryError(
            f"{dataset.root}: its log events ({rng['start']} .. {rng['end']}) fall outside what PutLogEvents "
            f"accepts now (the last 14 days up to 2 hours ahead); generate it with --start within the last "
            f"14 days, or deliver only S3 with --only s3"
        )


def _prepare(
    cfg: BackendConfig, dataset: Dataset, opts: DeliveryOptions, s3: Any, logs: Any, summary: DeliverySummary
) -> None:
    if opts.s3:
        for bucket in dataset.buckets:
            try:
                exists = tagging.bucket_exists(s3, bucket)
            except ClientError as exc:  # e.g. 403: the name is taken by another account
                raise DeliveryError(f"bucket {bucket}: {explain_error(exc, cfg)}") from None
            if exists:
                continue
            if not opts.create_missing:
                raise DeliveryError(
                    f"bucket {bucket} does not exist at {cfg.describe()} (--create-missing creates it)"
                )
            tagging.create_bucket(s3, bucket, cfg.region, dataset.dataset_id)
            summary.created_buckets.append(bucket)
    if opts.logs:
        for group in dataset.log_groups:
            if tagging.log_group_exists(logs, group):
                continue
            if not opts.create_missing:
                raise DeliveryError(
                    f"log group {group} does not exist at {cfg.describe()} (--create-missing creates it)"
                )
            tagging.create_log_group(logs, group, dataset.dataset_id)
            summary.created_log_groups.append(group)


def deliver_dataset(
    dataset: Dataset, cfg: BackendConfig, opts: DeliveryOptions | None = None
) -> DeliverySummary:
    opts = opts or DeliveryOptions()
    started = time.monotonic()
    summary = DeliverySummary(cfg.describe(), dataset.dataset_id)
    try:
        session = cfg.session()
        s3 = cfg.client("s3", session)
        logs = cfg.client("logs", session)
    except BotoCoreError as exc:
        raise DeliveryError(explain_error(exc, cfg)) from None
    _preflight(cfg, logs, s3)
    if opts.logs and dataset.streams:
        check_event_window(dataset, opts.now())
    progress = Progress(
        len(dataset.objects) if opts.s3 else 0,
        dataset.event_count if opts.logs else 0,
        opts.progress_out,
        opts.progress_interval,
    ).start()
    try:
        _prepare(cfg, dataset, opts, s3, logs, summary)
        if opts.s3:
            summary.s3 = deliver_objects(
                s3,
                dataset.objects,
                workers=opts.workers,
                progress=progress,
                backoff=opts.backoff,
                on_object=opts.on_object,
            )
        if opts.logs:
            settle = (
                opts.settle_seconds
                if opts.settle_seconds is not None
                else (5.0 if cfg.kind == "aws" else 0.0)
            )
            deliverer = LogsDeliverer(logs, progress, opts.backoff, settle, opts.on_batch, opts.batch_events)
            logs_started = time.monotonic()
            summary.streams = run_all(deliverer.deliver, dataset.streams, opts.workers, "deliver-logs")
            summary.logs_seconds = time.monotonic() - logs_started
    except (ClientError, BotoCoreError) as exc:
        raise DeliveryError(explain_error(exc, cfg)) from None
    finally:
        progress.stop()
    summary.seconds = time.monotonic() - started
    return summary
