from __future__ import annotations

import csv
import io

import orjson

from labapp import grading, progress
from labapp.db import get_db
from labapp.labs.questions import _answer_key


def _uid(app, name: str) -> int:
    return app.config["USER_IDS"][name]


def test_assign_scenario_variant(app, auth) -> None:
    auth.login("prof")
    response = auth.post(
        "/instructor/assign",
        {
            "user_id": [str(_uid(app, "alice"))],
            "lab_id": "bank-insider",
            "scenario_id": "departing-dba",
            "seed": "7",
            "variant": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = progress.assignment_of(get_db(), _uid(app, "alice"), "bank-insider")
        assert progress.assignment_of(get_db(), _uid(app, "bob"), "bank-insider") is None
    assert (row["scenario_id"], row["seed"], row["variant"]) == ("departing-dba", 7, "s001")
    auth.logout()
    auth.login("alice")
    page = auth.client.get("/labs/bank-insider").get_data(as_text=True)
    assert "Case: departing-dba" in page and "(default" not in page


def test_assign_all_students_with_fixed_variant(app, auth) -> None:
    auth.login("prof")
    auth.post(
        "/instructor/assign",
        {
            "all_students": "1",
            "lab_id": "bank-insider",
            "scenario_id": "departing-dba",
            "seed": "1",
            "variant": "shared",
        },
    )
    with app.app_context():
        rows = [progress.assignment_of(get_db(), _uid(app, n), "bank-insider") for n in ("alice", "bob")]
    assert [r["variant"] for r in rows] == ["shared", "shared"]


def test_assign_rejects_bad_input(app, auth) -> None:
    auth.login("prof")
    for data, message in [
        ({"scenario_id": "../../etc/passwd", "seed": "1"}, "Unknown scenario"),
        ({"scenario_id": "departing-dba", "seed": "minus one"}, "whole number"),
        ({"scenario_id": "departing-dba", "seed": "1", "lab_id": "nope"}, "Choose a lab"),
    ]:
        form = {"user_id": [str(_uid(app, "alice"))], "lab_id": "bank-insider", **data}
        auth.post("/instructor/assign", form)
        page = auth.client.get("/instructor/").get_data(as_text=True)
        assert message in page
    with app.app_context():
        assert progress.assignment_of(get_db(), _uid(app, "alice"), "bank-insider") is None


def test_new_assignment_remarks_saved_answers(app, auth) -> None:
    key_default = _answer_key("departing-dba", 1, "s001")
    key_other = _answer_key("departing-dba", 1, "other")
    assert key_default["who"]["value"] != key_other["who"]["value"]
    auth.login("alice")
    auth.post("/labs/bank-insider/answers", {"q-who": key_other["who"]["value"]})
    auth.logout()
    auth.login("prof")
    auth.post(
        "/instructor/assign",
        {
            "user_id": [str(_uid(app, "alice"))],
            "lab_id": "bank-insider",
            "scenario_id": "departing-dba",
            "seed": "1",
            "variant": "other",
        },
    )
    with app.app_context():
        assert progress.answers_of(get_db(), _uid(app, "alice"), "bank-insider")["who"]["correct"] is True


def test_regrade_adds_an_attempt(app, auth) -> None:
    auth.login("alice")
    auth.post("/labs/knowledge-check/answers", {"q-config": "AWS Config"})
    auth.logout()
    auth.login("prof")
    response = auth.post(
        "/instructor/regrade", {"user_id": str(_uid(app, "alice")), "lab_id": "knowledge-check"}
    )
    assert response.status_code == 302
    with app.app_context():
        kinds = [a["kind"] for a in grading.attempts_of(get_db(), _uid(app, "alice"))]
    assert kinds == ["regrade", "quiz"]
    assert (
        auth.post(
            "/instructor/regrade", {"user_id": str(_uid(app, "prof")), "lab_id": "knowledge-check"}
        ).status_code
        == 404
    )


def test_grade_exports(app, auth) -> None:
    auth.login("alice")
    auth.post("/labs/knowledge-check/answers", {"q-config": "AWS Config", "q-cw-vs-ct": "AWS CloudTrail"})
    auth.logout()
    auth.login("prof")
    response = auth.client.get("/instructor/grades.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["username"] for r in rows] == ["alice", "bob"]
    assert rows[0]["Knowledge check (knowledge-check)"] == "2" and rows[0]["max_total"] == "12"
    assert rows[1]["Knowledge check (knowledge-check)"] == "" and rows[1]["total"] == "0"
    doc = orjson.loads(auth.client.get("/instructor/grades/knowledge-check.json").data)
    assert doc["schema"] == "trailwatch-grades/1" and len(doc["submissions"]) == 1
    sub = doc["submissions"][0]
    assert sub["student_id"] == "s001" and sub["results"]["score"] == 2.0
    assert all({"name", "score", "max_score", "status", "output"} <= set(t) for t in sub["results"]["tests"])
    assert auth.client.get("/instructor/grades/nope.json").status_code == 404


def test_dashboard_shows_students_and_scores(app, auth) -> None:
    auth.login("alice")
    auth.post("/labs/knowledge-check/answers", {"q-config": "AWS Config"})
    auth.logout()
    auth.login("prof")
    page = auth.client.get("/instructor/").get_data(as_text=True)
    assert "Alice" in page and "Bob" in page and "1 / 12" in page
