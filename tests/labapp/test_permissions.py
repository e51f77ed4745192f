"""Permission boundaries: students never reach instructor pages or another student's data."""

from __future__ import annotations

import pytest

from labapp import grading, progress
from labapp.db import get_db

INSTRUCTOR_GET = [
    "/instructor/",
    "/instructor/roster",
    "/instructor/scenarios",
    "/instructor/scenarios/departing-dba",
    "/instructor/grades.csv",
    "/instructor/grades/knowledge-check.json",
    "/instructor/students/{bob}",
    "/instructor/replay/",
]
INSTRUCTOR_POST = ["/instructor/roster", "/instructor/assign", "/instructor/regrade"]


@pytest.mark.parametrize("path", INSTRUCTOR_GET)
def test_student_cannot_get_instructor_pages(app, auth, path: str) -> None:
    auth.login("alice")
    assert auth.client.get(path.format(**app.config["USER_IDS"])).status_code == 403


@pytest.mark.parametrize("path", INSTRUCTOR_POST)
def test_student_cannot_post_instructor_actions(app, auth, path: str) -> None:
    auth.login("alice")
    ids = app.config["USER_IDS"]
    data = {"user_id": str(ids["bob"]), "lab_id": "bank-insider", "scenario_id": "departing-dba", "seed": "1"}
    assert auth.post(path, data).status_code == 403


@pytest.mark.parametrize("path", INSTRUCTOR_GET)
def test_anonymous_cannot_get_instructor_pages(app, client, path: str) -> None:
    response = client.get(path.format(**app.config["USER_IDS"]))
    assert response.status_code in (302, 401)


def _bob_attempt(app) -> int:
    with app.app_context():
        conn = get_db()
        progress.save_answer(
            conn, app.config["USER_IDS"]["bob"], "knowledge-check", "config", "AWS Config", True
        )
        progress.record_step(
            conn,
            app.config["USER_IDS"]["bob"],
            "monitoring-and-alerting",
            "trail",
            "pass",
            "trail bob-secret-trail is logging",
        )
        attempt = grading.record_attempt(
            conn,
            app.config["USER_IDS"]["bob"],
            "knowledge-check",
            "quiz",
            {
                "score": 1,
                "tests": [
                    {"name": "q", "score": 1, "max_score": 1, "status": "passed", "output": "bob-feedback"}
                ],
            },
        )
        conn.commit()
    return attempt


def test_student_cannot_read_another_students_attempt(app, auth) -> None:
    attempt = _bob_attempt(app)
    auth.login("alice")
    assert auth.client.get(f"/submit/attempts/{attempt}").status_code == 404
    auth.logout()
    auth.login("bob")
    assert "bob-feedback" in auth.client.get(f"/submit/attempts/{attempt}").get_data(as_text=True)


def test_instructor_can_read_any_attempt(app, auth) -> None:
    attempt = _bob_attempt(app)
    auth.login("prof")
    assert auth.client.get(f"/submit/attempts/{attempt}").status_code == 200


def test_student_sees_only_own_progress_answers_and_attempts(app, auth) -> None:
    _bob_attempt(app)
    auth.login("alice")
    for path in ["/labs/", "/labs/monitoring-and-alerting", "/labs/knowledge-check", "/submit/"]:
        page = auth.client.get(path).get_data(as_text=True)
        assert "bob-secret-trail" not in page and "bob-feedback" not in page
    quiz = auth.client.get("/labs/knowledge-check").get_data(as_text=True)
    assert "✓ correct" not in quiz  # bob's saved answer is not shown to alice


def test_user_id_in_form_is_ignored_for_students(app, auth) -> None:
    auth.login("alice")
    auth.post(
        "/labs/knowledge-check/answers",
        {"q-config": "AWS Config", "user_id": str(app.config["USER_IDS"]["bob"])},
    )
    with app.app_context():
        assert progress.answers_of(get_db(), app.config["USER_IDS"]["bob"], "knowledge-check") == {}
        assert "config" in progress.answers_of(get_db(), app.config["USER_IDS"]["alice"], "knowledge-check")
