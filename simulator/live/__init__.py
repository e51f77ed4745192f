"""The live part of the embedded backend (issue 5): alarms that fire as on AWS, EventBridge rules, the
lab's inbox, persistence across restarts, scenario replay, and `trailwatch up` (docs/live.md).

- ``LiveServices`` (services.py): an EmbeddedEmulator with the pieces below attached; start/stop.
- ``LiveMonitor`` (monitor.py): metric filters on every ingested log event → PutMetricData → alarm
  evaluation every minute with our alarm engine → state, history, SNS notifications.
- ``EventBridgeRouter`` (eventbridge_router.py): CloudTrail records → default bus → rules → targets.
- ``Inbox`` (inbox.py): what SNS delivered to email/email-json subscriptions.
- ``StateStore`` (persistence.py): save/restore moto's state in a state dir.
- ``ReplayController`` (replay.py) over ``load_replay`` (replay_schedule.py): a dataset against the clock.
- ``Lab`` (lab.py): what `trailwatch up` runs; cli.py holds the `up` and `replay` commands.
- Clocks (clock.py): ``SystemClock``, ``ScaledClock``, ``ManualClock``.
"""

from simulator.live.clock import ManualClock, ScaledClock, SystemClock
from simulator.live.eventbridge_router import EventBridgeRouter
from simulator.live.inbox import Inbox, InboxMessage
from simulator.live.monitor import LiveMonitor
from simulator.live.persistence import StateStore
from simulator.live.replay import ApiSink, InProcessSink, ReplayController
from simulator.live.replay_schedule import load_replay
from simulator.live.services import LiveServices

__all__ = [
    "ApiSink",
    "EventBridgeRouter",
    "InProcessSink",
    "Inbox",
    "InboxMessage",
    "LiveMonitor",
    "LiveServices",
    "ManualClock",
    "ReplayController",
    "ScaledClock",
    "StateStore",
    "SystemClock",
    "load_replay",
]
