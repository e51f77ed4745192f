"""Keep the learner's work across `trailwatch up` restarts: moto's state saved to a state dir, restored on start.

What is saved (every account and region moto holds): IAM (users, keys, roles, policies), S3 (buckets and
objects: the learner's and delivered logs), CloudWatch Logs (groups, streams, events, metric filters),
CloudTrail (trails, logging status, event selectors), CloudWatch (alarms with their state, metric data),
SNS (topics, subscriptions), EventBridge (buses, rules, targets), EC2, ELBv2 and KMS; SQS queues with their
attributes and waiting message bodies (moto's queues hold locks, so they are saved as JSON, not pickled);
the monitor's alarm history and the inbox.

How: the region backends are pickled (one file, ``moto-state.pickle``), JSON beside it (``live.json``), and
``meta.json`` names the moto version (a state written by another moto version is not loaded: the learner is
told and starts fresh, the old files are kept). Every write goes to a temporary file in the same directory,
is fsynced, then renamed over the old one (atomic). Restoring puts the backend objects back into moto's
backend dictionaries in-process, before the emulator serves, so the restore produces no CloudTrail records.
Saves happen every ``interval`` seconds from a background thread and once more on shutdown.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import orjson
from moto.backends import get_backend
from moto.s3.models import s3_backends
from moto.sqs.models import sqs_backends

log = logging.getLogger(__name__)

PICKLED_SERVICES = ("iam", "s3", "logs", "cloudtrail", "cloudwatch", "sns", "events", "ec2", "elbv2", "kms")
SQS_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "Policy",
    "RedrivePolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "KmsMasterKeyId",
)
STATE_FILE = "moto-state.pickle"


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def capture_moto() -> dict[str, dict[str, dict[str, Any]]]:
    """{service: {account: {region: backend}}} of every instantiated backend (not yet pickled)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for service in PICKLED_SERVICES:
        accounts = get_backend(service)  # type: ignore[call-overload]
        out[service] = {acct: dict(regions.items()) for acct, regions in list(accounts.items())}
    return out


def capture_sqs() -> list[dict[str, Any]]:
    queues = []
    for account, regions in list(sqs_backends.items()):
        for region, backend in list(regions.items()):
            for name, queue in list(backend.queues.items()):
                attrs = {
                    k: str(v)
                    for k, v in queue.attributes.items()
                    if k in SQS_ATTRIBUTES and v not in (None, "")
                }
                bodies = [m.body for m in list(queue._messages)]
                queues.append(
                    {
                        "account": account,
                        "region": region,
                        "name": name,
                        "attributes": attrs,
                        "messages": bodies,
                    }
                )
    return queues


def restore_moto(state: dict[str, dict[str, dict[str, Any]]]) -> None:
    for service, accounts in state.items():
        backend_dict = get_backend(service)  # type: ignore[call-overload]
        for account, regions in accounts.items():
            for region, backend in regions.items():
                backend_dict[account][region] = backend
    for account, regions in state.get("s3", {}).items():
        for backend in regions.values():
            for name in backend.buckets:
                s3_backends.bucket_accounts[name] = (backend.partition, account)
    for regions in state.get("cloudwatch", {}).values():
        for backend in regions.values():
            for alarm in backend.alarms.values():
                alarm._trailwatch_restored = True


def restore_sqs(queues: list[dict[str, Any]]) -> None:
    for q in queues:
        backend = sqs_backends[q["account"]][q["region"]]
        if q["name"] not in backend.queues:
            backend.create_queue(q["name"], **q["attributes"])
        for body in q["messages"]:
            backend.send_message(q["name"], body, validate_group_id=False)


class StateStore:
    """Saves and restores the emulator's state in ``state_dir``."""

    def __init__(self, state_dir: Path | str, interval: float = 30.0) -> None:
        self.dir = Path(state_dir)
        self.interval = interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.saves = 0
        self.last_save_seconds: float | None = None
        self.skipped_reason: str | None = None

    @property
    def exists(self) -> bool:
        return (self.dir / STATE_FILE).is_file()

    def save(self, live_state: dict[str, Any] | None = None) -> None:
        """Write the whole state atomically (retried when a request changes moto while it is read)."""
        with self._lock:
            started = time.perf_counter()
            for attempt in range(5):
                try:
                    moto_blob = pickle.dumps(capture_moto(), protocol=pickle.HIGHEST_PROTOCOL)
                    sqs = capture_sqs()
                    break
                except RuntimeError:  # "dictionary changed size during iteration"
                    if attempt == 4:
                        raise
                    time.sleep(0.05)
            _atomic_write(self.dir / STATE_FILE, moto_blob)
            _atomic_write(self.dir / "sqs.json", orjson.dumps(sqs))
            _atomic_write(self.dir / "live.json", orjson.dumps(live_state or {}))
            _atomic_write(self.dir / "meta.json", orjson.dumps({"moto": version("moto"), "format": 1}))
            self.saves += 1
            self.last_save_seconds = time.perf_counter() - started

    def load(self) -> dict[str, Any] | None:
        """Restore moto's state; returns the saved live state (history, inbox), or None if nothing was loaded."""
        if not self.exists:
            return None
        meta = (
            orjson.loads((self.dir / "meta.json").read_bytes()) if (self.dir / "meta.json").is_file() else {}
        )
        if meta.get("moto") != version("moto"):
            self.skipped_reason = (
                f"{self.dir}: saved with moto {meta.get('moto')}, running moto {version('moto')}; starting fresh "
                "(the saved files are kept)"
            )
            return None
        restore_moto(pickle.loads((self.dir / STATE_FILE).read_bytes()))  # our own file, written by save()
        if (self.dir / "sqs.json").is_file():
            restore_sqs(orjson.loads((self.dir / "sqs.json").read_bytes()))
        live = self.dir / "live.json"
        return orjson.loads(live.read_bytes()) if live.is_file() else {}

    def start_periodic(
        self, live_state: Callable[[], dict[str, Any]], changes: Callable[[], object] | None = None
    ) -> None:
        """Save every ``interval`` seconds; with ``changes`` (a cheap activity fingerprint, e.g. counters of
        API calls and ingested events) only when it differs from the last save's, since pickling a large
        state holds the interpreter for seconds."""
        if self._thread is not None or self.interval <= 0:
            return
        self._stop.clear()
        last: list[object] = [changes() if changes is not None else None]

        def run() -> None:
            while not self._stop.wait(self.interval):
                current = changes() if changes is not None else object()
                if changes is not None and current == last[0]:
                    continue
                try:
                    self.save(live_state())
                    last[0] = current
                except Exception:
                    log.exception("saving the emulator state to %s failed", self.dir)

        self._thread = threading.Thread(target=run, name="state-saver", daemon=True)
        self._thread.start()

    def stop_periodic(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
