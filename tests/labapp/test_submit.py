from __future__ import annotations

import io

import orjson
import pytest

from labapp import grading
from labapp.db import get_db
from labapp.submit import UploadError, read_upload


def _attempts(app, who: str = "alice") -> list[dict]:
    with app.app_context():
        return grading.attempts_of(get_db(), app.config["USER_IDS"][who])


def test_submit_records_an_attempt_with_per_check_results(app, auth) -> None:
    auth.login("alice")
    response = auth.post("/submit/monitoring-and-alerting", {})
    assert response.status_code == 302
    attempt = _attempts(app)[0]
    result = attempt["result"]
    assert attempt["kind"] == "submit" and attempt["max_score"] == 9.0 and attempt["score"] == 0.0
    assert [t["number"] for t in result["tests"]][:2] == ["S1", "S2"]
    assert all(t["status"] == "failed" for t in result["tests"])
    assert result["extra_data"]["schema"] == "trailwatch-grade/1"
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "data-score" in page and "A trail that sends to CloudWatch Logs" in page


def test_every_attempt_is_kept(app, auth) -> None:
    auth.login("alice")
    for _ in range(3):
        auth.post("/submit/read-a-cloudtrail-log", {})
    assert len(_attempts(app)) == 3
    assert "read-a-cloudtrail-log" in auth.client.get("/submit/").get_data(as_text=True)


def test_scenario_lab_notes_missing_grader(app, auth, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grading, "grader_available", lambda: False)
    auth.login("alice")
    auth.post("/submit/bank-insider", {})
    attempt = _attempts(app)[0]
    assert "grader (grader.grading) is not installed" in attempt["message"]
    assert {t["tags"][0] for t in attempt["result"]["tests"]} == {"step", "question"}


def test_grader_tests_are_merged(app, auth, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def fake_grade(**kwargs):
        seen.update(kwargs)
        return {
            "score": 2,
            "tests": [
                {
                    "name": "trail-stopped",
                    "score": 2,
                    "max_score": 2,
                    "status": "passed",
                    "output": "detected at 01:36",
                    "tags": ["detection"],
                }
            ],
        }, ""

    monkeypatch.setattr(grading, "grade_detections", fake_grade)
    auth.login("alice")
    upload = {"submission": (io.BytesIO(b'{"metric_filters": []}'), "mine.json")}
    auth.post("/submit/bank-insider", upload, content_type="multipart/form-data")
    attempt = _attempts(app)[0]
    detection = [t for t in attempt["result"]["tests"] if "detection" in t["tags"]]
    assert detection[0]["name"] == "trail-stopped" and attempt["score"] >= 2
    assert seen["scenario_id"] == "departing-dba" and seen["student"] == "s001"
    assert seen["submission"] == {"metric_filters": []} and seen["answers"] == {}
    assert orjson.loads(attempt["submission_json"]) == {"metric_filters": []}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object, not list"),
    ],
)
def test_bad_upload_changes_nothing(app, auth, data: bytes, message: str) -> None:
    auth.login("alice")
    response = auth.post(
        "/submit/bank-insider",
        {"submission": (io.BytesIO(data), "bad.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _attempts(app) == []


def test_read_upload_limit() -> None:
    with pytest.raises(UploadError, match="the limit is 4"):
        read_upload(b"{}   ", "x.json", 4)


def test_quiz_lab_cannot_be_submitted_here(auth) -> None:
    auth.login("alice")
    assert auth.post("/submit/knowledge-check", {}).status_code == 404


SOLUTION = {
    "metric_filters": [
        {
            "logGroupName": "${Trailwatch::CloudTrailLogGroup}",
            "filterName": "trail-changes",
            "filterPattern": "{ ($.eventName = StopLogging) || ($.eventName = StartLogging) || ($.eventName = DeleteTrail) }",
            "metricTransformations": [
                {"metricName": "TrailChanges", "metricNamespace": "Lab", "metricValue": "1"}
            ],
        }
    ],
    "alarms": [
        {
            "AlarmName": "trail-changes",
            "MetricName": "TrailChanges",
            "Namespace": "Lab",
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": ["arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"],
        }
    ],
    "topics": [{"Name": "alerts"}],
    "subscriptions": [
        {
            "TopicArn": "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts",
            "Protocol": "email",
            "Endpoint": "me@example.edu",
        }
    ],
}


def test_real_grader_grades_an_uploaded_submission(app, auth, tmp_path_factory) -> None:
    pytest.importorskip("grader.grading")
    app.config["GRADING_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "grading-cache")
    auth.login("alice")
    from labapp.labs.questions import _answer_key

    key = _answer_key("departing-dba", 1, "s001")
    auth.post("/labs/bank-insider/answers", {"q-who": key["who"]["value"]})
    upload = {"submission": (io.BytesIO(orjson.dumps(SOLUTION)), "solution.json")}
    response = auth.post("/submit/bank-insider", upload, content_type="multipart/form-data")
    assert response.status_code == 302
    attempt = _attempts(app)[0]
    tests = {t["name"]: t for t in attempt["result"]["tests"]}
    detection = next(t for name, t in tests.items() if name.startswith("Detection: trail-stopped"))
    assert detection["status"] == "passed", detection["output"]
    answers = [t for t in attempt["result"]["tests"] if "answer" in t["tags"]]
    assert len(answers) == 10 and sum(t["status"] == "passed" for t in answers) == 1
    assert not [t for t in attempt["result"]["tests"] if "question" in t["tags"]]  # no double counting
    assert attempt["message"] == ""


def test_real_grader_rejects_a_bad_submission(app, auth, tmp_path_factory) -> None:
    pytest.importorskip("grader.grading")
    app.config["GRADING_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "grading-cache")
    auth.login("alice")
    bad = {"metric_filters": [{"filterName": "x"}]}
    response = auth.post(
        "/submit/bank-insider",
        {"submission": (io.BytesIO(orjson.dumps(bad)), "bad.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "bad.json" in response.get_data(as_text=True)
    assert _attempts(app) == []
