"""ReplayController and the replay time map, server-free: a manual clock and a recording sink."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator.live.clock import ManualClock
from simulator.live.replay import ReplayController
from simulator.live.replay_schedule import AttackStep, ReplayItem, ReplayPlan, TimeMap, load_replay, retime
from tests.simulator.live.datasets import scenario_hour


class RecordingSink:
    def __init__(self) -> None:
        self.groups: set[str] = set()
        self.events: list[tuple[str, str, dict[str, Any]]] = []
        self.objects: list[tuple[str, str]] = []

    def ensure_log_group(self, group: str) -> None:
        self.groups.add(group)

    def put_log_events(self, group: str, stream: str, events: list[dict[str, Any]]) -> None:
        assert [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)
        self.events.extend((group, stream, e) for e in events)

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        self.objects.append((bucket, key))


def _plan(times_s: list[int], steps: list[AttackStep]) -> ReplayPlan:
    items = [ReplayItem(t * 1000, "log", "g", "s", f"line {t}") for t in times_s]
    plan = ReplayPlan(dataset=None, items=items, steps=steps)  # type: ignore[arg-type]
    plan.start_ms, plan.end_ms = items[0].t_ms, items[-1].t_ms
    return plan


def _settle(controller: ReplayController, sent: int, sink: RecordingSink) -> None:
    for _ in range(200):
        if len(sink.events) >= sent:
            return
        controller._thread.join(0.01)  # type: ignore[union-attr]
    raise AssertionError(f"expected {sent} events, got {len(sink.events)}")


def test_time_map_compresses_baseline_and_keeps_attack_real_time() -> None:
    m = TimeMap(0, [AttackStep("spray", 3_600_000, 3_780_000)], speed=60)
    assert m.seconds(3_540_000) == pytest.approx(
        59.0
    )  # 59 baseline minutes in 59 s (window opens 60 s early)
    assert m.seconds(3_780_000 + 300_000) - m.seconds(3_540_000) == pytest.approx(540.0)  # step + margins 1:1
    assert m.seconds(7_200_000) - m.seconds(4_080_000) == pytest.approx(52.0)
    for t in (0, 3_000_000, 3_650_000, 5_000_000):
        assert m.dataset_ms(m.seconds(t)) == pytest.approx(t, abs=1)
    assert m.in_attack(3_700_000) and not m.in_attack(1_000_000)


def test_controller_paces_pauses_resumes_and_changes_speed() -> None:
    clock = ManualClock(start=1_000_000.0)
    sink = RecordingSink()
    plan = _plan([0, 600, 1200, 1800, 2400], steps=[])
    controller = ReplayController(plan, sink, clock, speed=60).start()
    _settle(controller, 1, sink)
    assert sink.events[0][2] == {"timestamp": 1_000_000_000, "message": "line 0"}  # shifted to the clock
    clock.advance(10)  # 600 dataset seconds at 60x
    _settle(controller, 2, sink)
    controller.pause()
    assert controller.status()["state"] == "paused"
    clock.advance(100)
    controller._thread.join(0.05)  # type: ignore[union-attr]
    assert len(sink.events) == 2  # nothing leaves while paused
    controller.resume()
    controller.set_speed(600)  # the next 600 dataset seconds now take 1 s
    clock.advance(1)
    _settle(controller, 3, sink)
    assert sink.events[2][2]["timestamp"] == 1_000_111_000
    clock.advance(2)
    assert controller.wait(5) and controller.status()["state"] == "finished"
    assert len(sink.events) == 5 and controller.status()["sent_events"] == 5


def test_stop_ends_a_waiting_replay() -> None:
    clock = ManualClock(start=0.0)
    controller = ReplayController(_plan([0, 10_000], steps=[]), RecordingSink(), clock, speed=1).start()
    controller.stop()
    assert controller.wait(5) and controller.status()["state"] == "stopped"


def test_retime_rewrites_cloudtrail_event_time_and_flow_fields() -> None:
    record = '{"eventVersion":"1.08","eventTime":"2026-03-03T09:27:51Z","eventName":"ConsoleLogin"}'
    ts, message = retime(ReplayItem(1_772_530_071_000, "log", "g", "s", record), 1_800_000_000_500)
    assert json.loads(message)["eventTime"] == "2027-01-15T08:00:00Z" and ts == 1_800_000_000_000
    flow = "2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 5000 6 10 840 1772530000 1772530060 ACCEPT OK"
    _, moved = retime(ReplayItem(1_772_530_000_000, "log", "g", "s", flow), 1_772_530_100_000)
    assert moved.split(" ")[10:12] == ["1772530100", "1772530160"]


def test_load_replay_reads_a_scenario_dataset(tmp_path: Path) -> None:
    prepared = scenario_hour("console-brute-force", tmp_path / "ds")
    plan = load_replay(tmp_path / "ds")
    assert [s.step for s in plan.steps] == [e.step for e in prepared.timeline]
    assert [i.t_ms for i in plan.items] == sorted(i.t_ms for i in plan.items)
    assert {i.kind for i in plan.items} == {"log", "s3"}
    trimmed = load_replay(tmp_path / "ds", include_s3=False, lead_in_s=120)
    assert trimmed.items[0].t_ms >= plan.steps[0].start_ms - 120_000
    assert {i.kind for i in trimmed.items} == {"log"}
