"""``LiveServices``: the embedded emulator with the live parts attached (monitor, EventBridge, inbox, state).

    with LiveServices(EmbeddedEmulator(port=0), clock=ManualClock(), state=StateStore(dir)) as live:
        live.monitor, live.router, live.inbox, live.emulator.endpoint_url

Start order: restore the saved state (or, when there is none, run ``seed``), then the inbox, the monitor,
the EventBridge router and the emulator, then periodic saving. Stop order: the emulator (which delivers
what is pending, so the monitor still sees it), the monitor, a final save, the inbox.
``trailwatch up`` and the integration tests build the lab from this; replay attaches to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.emulator import EmbeddedEmulator
from simulator.live.clock import Clock, SystemClock
from simulator.live.eventbridge_router import EventBridgeRouter
from simulator.live.inbox import Inbox
from simulator.live.monitor import LiveMonitor
from simulator.live.persistence import StateStore


class LiveServices:
    """Starts the live parts around an emulator and stops them in reverse."""

    def __init__(
        self,
        emulator: EmbeddedEmulator,
        clock: Clock | None = None,
        state: StateStore | None = None,
        seed: Callable[[], Any] | None = None,
    ) -> None:
        self.emulator = emulator
        self.clock: Clock = clock or SystemClock()
        self.state = state
        self.seed = seed
        self.inbox = Inbox()
        self.monitor = LiveMonitor(self.clock)
        self.router = EventBridgeRouter()
        self.restored = False
        self.seeded: Any = None
        self._router_attached = False

    def live_state(self) -> dict[str, Any]:
        return {"history": self.monitor.history.dump(), "inbox": self.inbox.dump()}

    def activity(self) -> tuple[int, ...]:
        """Counters that move whenever the state may have changed (API calls, ingested events, metrics, mail)."""
        return (
            self.emulator.recorder.recorded,
            self.emulator.delivery.delivered,
            self.monitor.events_seen,
            self.monitor.datapoints,
            len(self.inbox.messages()),
        )

    def start(self) -> LiveServices:
        try:
            return self._start()
        except BaseException:
            self.monitor.stop()
            self.inbox.stop()
            if self.state is not None:
                self.state.stop_periodic()
            raise

    def _start(self) -> LiveServices:
        saved = self.state.load() if self.state is not None else None
        if saved is not None:
            self.restored = True
            self.monitor.history.load(saved.get("history", {}))
            self.inbox.load(saved.get("inbox", []))
            self.monitor.reload_metrics()
        elif self.seed is not None:
            self.seeded = self.seed()
        self.inbox.start()
        self.monitor.start()
        if not self._router_attached:
            self.emulator.add_record_listener(self.router)
            self._router_attached = True
        if not self.emulator.running:
            self.emulator.start()
        if self.state is not None:
            self.state.start_periodic(self.live_state, self.activity)
        return self

    def stop(self) -> None:
        self.emulator.stop()
        self.monitor.stop()
        if self.state is not None:
            self.state.stop_periodic()
            self.state.save(self.live_state())
        self.inbox.stop()

    def __enter__(self) -> LiveServices:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
