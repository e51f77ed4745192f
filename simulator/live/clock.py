"""Clocks the live parts run on: wall time, a compressed (scaled) clock, and a manual clock for tests.

The monitor evaluates alarms when the clock crosses a minute boundary and the replay paces events by it;
both wait with ``Clock.wait_until(cond, deadline)`` so nothing busy-loops: a wall or scaled clock turns the
wait into a real timeout, a manual clock waits until ``advance``/``set`` wakes its waiters. Callers loop
and re-check their own condition after every wake-up.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Current time, epoch seconds."""
        ...

    def wait_until(self, cond: threading.Condition, deadline: float | None) -> None:
        """Wait on ``cond`` (held by the caller) until notified or the clock reaches ``deadline`` (None: no
        deadline). May return early; callers re-check."""
        ...


class SystemClock:
    """Wall time."""

    def now(self) -> float:
        return time.time()

    def wait_until(self, cond: threading.Condition, deadline: float | None) -> None:
        cond.wait(timeout=None if deadline is None else max(0.0, deadline - self.now()))


class ScaledClock:
    """Time running ``speed`` times faster than the wall, starting at ``origin`` (default: now)."""

    def __init__(self, speed: float, origin: float | None = None) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.speed = speed
        self._real0 = time.time()
        self._origin = self._real0 if origin is None else origin

    def now(self) -> float:
        return self._origin + (time.time() - self._real0) * self.speed

    def wait_until(self, cond: threading.Condition, deadline: float | None) -> None:
        cond.wait(timeout=None if deadline is None else max(0.0, (deadline - self.now()) / self.speed))


class ManualClock:
    """Time that only moves when ``advance``/``set`` is called (tests); waiters wake on every move."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()
        self._waiters: weakref.WeakSet[threading.Condition] = weakref.WeakSet()

    def now(self) -> float:
        return self._now

    def set(self, when: float) -> None:
        with self._lock:
            self._now = float(when)
            waiters = list(self._waiters)
        for cond in waiters:
            with cond:
                cond.notify_all()

    def advance(self, seconds: float) -> None:
        self.set(self._now + seconds)

    def wait_until(self, cond: threading.Condition, deadline: float | None) -> None:
        with self._lock:
            self._waiters.add(cond)
        # checked after registering: a move before this point is seen here, a later one notifies us
        if deadline is not None and self._now >= deadline:
            return
        cond.wait()
