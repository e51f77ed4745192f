"""Lab 2's checks against the embedded emulator, driven through the app's JSON endpoint."""

from __future__ import annotations

from functools import partial

from .conftest import AuthActions, aws, make_app, seed_users
from .lab2_steps import make_steps


def _app(tmp_path, emulator, **config):
    app = make_app(tmp_path, BACKEND="embedded", EMULATOR_ENDPOINT=emulator.endpoint_url, **config)
    seed_users(app)
    client = app.test_client()
    AuthActions(client).login("alice")
    return app, client


def _statuses(client) -> dict[str, str]:
    data = client.get("/labs/monitoring-and-alerting/checks.json").get_json()
    return {k: v["status"] for k, v in data["steps"].items()}


def test_lab2_steps_turn_green_one_by_one(tmp_path, emulator) -> None:
    _, client = _app(tmp_path, emulator)
    learner = partial(aws, emulator)
    steps = make_steps(learner)
    assert set(_statuses(client).values()) == {"fail", "unavailable"}
    done: list[str] = []
    for step_id, do in steps.items():
        do()
        done.append(step_id)
        statuses = _statuses(client)
        assert [s for s in done if statuses[s] != "pass"] == [], statuses
    assert _statuses(client)["fire"] == "fail"
    learner("cloudwatch").set_alarm_state(
        AlarmName="cloudtrail-config-changes",
        StateValue="ALARM",
        StateReason="Threshold Crossed: 1 datapoint [1.0] >= 1.0",
    )
    assert _statuses(client)["fire"] == "pass"


def test_filter_on_a_stopped_trail_is_explained(tmp_path, emulator) -> None:
    _, client = _app(tmp_path, emulator)
    learner = partial(aws, emulator)
    make_steps(learner)["trail"]()
    learner("cloudtrail").stop_logging(Name="lab-trail")
    data = client.get("/labs/monitoring-and-alerting/checks.json?step=trail").get_json()["steps"]["trail"]
    assert (
        data["status"] == "fail" and "is not logging" in data["message"] and "start-logging" in data["hint"]
    )


def test_unreachable_backend_is_unavailable(tmp_path) -> None:
    app = make_app(
        tmp_path, BACKEND="embedded", EMULATOR_ENDPOINT="http://127.0.0.1:9", CHECK_TIMEOUT_SECONDS=1
    )
    seed_users(app)
    client = app.test_client()
    AuthActions(client).login("alice")
    data = client.get("/labs/monitoring-and-alerting/checks.json?step=trail").get_json()["steps"]["trail"]
    assert data["status"] == "unavailable" and "cannot reach the AWS backend" in data["message"]


def test_checks_are_stored_as_progress(tmp_path, emulator) -> None:
    app, client = _app(tmp_path, emulator)
    make_steps(partial(aws, emulator))["topic"]()
    client.get("/labs/monitoring-and-alerting/checks.json")
    AuthActions(client).logout()
    AuthActions(client).login("prof")
    with app.app_context():
        from labapp.accounts import get_user_by_username
        from labapp.db import get_db

        alice = get_user_by_username(get_db(), "alice")
    page = client.get(f"/instructor/students/{alice['id']}").get_data(as_text=True)
    assert "topic lab-alerts has an email subscription" in page
    dashboard = client.get("/instructor/").get_data(as_text=True)
    assert "1/9 steps" in dashboard
