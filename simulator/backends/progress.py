"""Thread-safe delivery counters and a progress line on stderr about once a second."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class Progress:
    """Counters shared by the delivery workers; `start()` prints them periodically to `out`."""

    def __init__(
        self, objects_total: int, events_total: int, out: TextIO | None = None, interval: float = 1.0
    ):
        self.objects_total = objects_total
        self.events_total = events_total
        self.objects_done = 0
        self.events_done = 0
        self.out = out if out is not None else sys.stderr
        self.interval = interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started = time.monotonic()

    def add_objects(self, n: int) -> None:
        with self._lock:
            self.objects_done += n

    def add_events(self, n: int) -> None:
        with self._lock:
            self.events_done += n

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (
            f"deliver: S3 {self.objects_done:,}/{self.objects_total:,} objects, "
            f"CloudWatch Logs {self.events_done:,}/{self.events_total:,} events "
            f"({self.events_done / elapsed:,.0f} events/s, {elapsed:,.1f} s)"
        )

    def start(self) -> Progress:
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="deliver-progress", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            print(self.line(), file=self.out, flush=True)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        print(self.line(), file=self.out, flush=True)
