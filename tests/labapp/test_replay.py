from __future__ import annotations

from typing import Any

import pytest


class FakeReplay:
    """Stands in for simulator.live.ReplayController (same methods and status() keys)."""

    def __init__(self) -> None:
        self.calls: list[Any] = []
        self.state = "ready"

    def status(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "speed": 60.0,
            "sent_events": 12,
            "sent_objects": 3,
            "total_items": 40,
            "remaining_items": 25,
            "dataset_position": "2026-03-04T01:30:00Z",
            "phase": "attack",
            "steps": [{"step": "stop", "dataset_time": "2026-03-04T01:35:59Z", "replay_time": None}],
            "error": None,
        }

    def start(self) -> None:
        self.calls.append("start")
        self.state = "running"

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")

    def stop(self) -> None:
        raise RuntimeError("already stopped")

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.calls.append(("speed", speed))


def test_without_replay(auth) -> None:
    auth.login("prof")
    assert "No replay is connected" in auth.client.get("/instructor/replay/").get_data(as_text=True)


def test_replay_status_and_controls(app, auth) -> None:
    replay = FakeReplay()
    app.config["REPLAY_CONTROLLER"] = replay
    auth.login("prof")
    page = auth.client.get("/instructor/replay/").get_data(as_text=True)
    assert 'id="replay-state">ready' in page and "2026-03-04T01:35:59Z" in page
    auth.post("/instructor/replay/", {"action": "start"})
    auth.post("/instructor/replay/", {"action": "speed", "speed": "10"})
    assert replay.calls == ["start", ("speed", 10.0)]
    page = auth.client.get("/instructor/replay/").get_data(as_text=True)
    assert "autorefresh.js" in page and "Replay: speed done." in page
    auth.post("/instructor/replay/", {"action": "speed", "speed": "-1"})
    assert "Cannot speed: speed must be &gt; 0" in auth.client.get("/instructor/replay/").get_data(
        as_text=True
    )
    auth.post("/instructor/replay/", {"action": "stop"})
    assert "Cannot stop: already stopped" in auth.client.get("/instructor/replay/").get_data(as_text=True)
    auth.post("/instructor/replay/", {"action": "explode"})
    assert "Unknown action" in auth.client.get("/instructor/replay/").get_data(as_text=True)


@pytest.mark.parametrize("method", ["get", "post"])
def test_students_cannot_use_replay(app, auth, method: str) -> None:
    app.config["REPLAY_CONTROLLER"] = FakeReplay()
    auth.login("alice")
    response = (
        auth.client.get("/instructor/replay/")
        if method == "get"
        else auth.post("/instructor/replay/", {"action": "start"})
    )
    assert response.status_code == 403
    assert app.config["REPLAY_CONTROLLER"].calls == []
